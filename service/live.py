"""One live assist session: turns or call audio in; transcript, objection, suggestion and hint events out.

Transport-agnostic (the WebSocket route feeds it and sends what it returns), so the same session logic
serves the browser panel, a call-center bridge and the load benchmark. CPU work (tagging, retrieval,
speech recognition) runs in worker threads so one session never stalls the others' event loop. Whatever
happened is stored as a Conversation when the session ends or the connection drops.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import numpy as np

from behavior.live import LiveCoach
from behavior.text import is_chinese, spoken_units
from conversation import Conversation, Participant, Segment
from service.crud import Principal
from service.models import new_id
from service.runtime import Runtime

ROLES = ("rep", "customer")
UNITS_PER_SECOND = 4.0  # speaking rate used to give a typed/transcribed line a duration when none is sent
SAMPLE_RATE = 16000
_EPOCH = 1e9  # a ts above this is a Unix time, else seconds since the session started


class LiveError(ValueError):
    """A message the session cannot use; sent back as an `error` event, the session goes on."""


class LiveSession:
    def __init__(self, runtime: Runtime, caller: Principal):
        self.runtime, self.caller = runtime, caller
        self.id = uuid.uuid4().hex
        self.conversation_id = new_id()  # given out with each suggestion, so feedback reaches the stored call
        self.segments: list[Segment] = []
        self.coach = LiveCoach()
        self.channel = "chat"
        self.rep_id = caller.rep_id
        self._started = time.monotonic()
        self._epoch0: float | None = None
        self._audio: list[tuple[Any, str]] = []  # (StreamingTranscriber, role) per channel
        self._unanalysed: list[int] = []  # recognized finals sent as transcripts, not yet tagged and answered
        self._audio_channels = 0
        self._rep_channel = 0
        self._resample: tuple[int, int] | None = None

    # --- text -------------------------------------------------------------------------------------

    async def turn(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        role = message.get("speaker")
        if role not in ROLES:
            raise LiveError("turn.speaker must be 'customer' or 'rep'")
        text = message.get("text")
        if not isinstance(text, str) or not text.strip():
            raise LiveError("turn.text must be a non-empty string")
        if len(text) > 5000:
            raise LiveError("turn.text is longer than 5000 characters")
        start = self._clock(message.get("ts"))
        end = message.get("end")
        if not isinstance(end, (int, float)) or end < start:
            end = start + spoken_units(text) / UNITS_PER_SECOND
        segment = Segment(speaker=role, start=start, end=float(end), text=text.strip())
        def process() -> list[dict[str, Any]]:
            index, transcript = self._append(segment)
            return [transcript, *self._analyse(index)]

        return await asyncio.to_thread(process)

    def _clock(self, ts: Any) -> float:
        """Session time in seconds; never earlier than the last segment (the schema keeps time order)."""
        if not isinstance(ts, (int, float)) or ts < 0:
            seconds = time.monotonic() - self._started
        elif ts > _EPOCH:
            self._epoch0 = self._epoch0 if self._epoch0 is not None else float(ts)
            seconds = float(ts) - self._epoch0
        else:
            seconds = float(ts)
        last = self.segments[-1].start if self.segments else 0.0
        return max(seconds, last)

    # --- audio ------------------------------------------------------------------------------------

    async def audio_start(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        from speech import StreamingTranscriber

        rate, channels, rep_channel = message.get("sample_rate", SAMPLE_RATE), message.get("channels", 1), message.get("rep_channel", 0)
        if not isinstance(rate, int) or not 8000 <= rate <= 48000:
            raise LiveError("audio_start.sample_rate must be an integer between 8000 and 48000")
        if channels not in (1, 2):
            raise LiveError("audio_start.channels must be 1 or 2")
        if rep_channel not in (0, 1):
            raise LiveError("audio_start.rep_channel must be 0 or 1")
        mono_role = message.get("speaker", "customer")
        if mono_role not in ROLES:
            raise LiveError("audio_start.speaker must be 'customer' or 'rep'")
        language = message.get("language", self.runtime.settings.language)
        engine = await asyncio.to_thread(lambda: self.runtime.live_transcriber)
        roles = [mono_role] if channels == 1 else ["rep" if c == rep_channel else "customer" for c in range(2)]
        self._audio = [(StreamingTranscriber(engine, language=language, speaker=role), role) for role in roles]
        self._audio_channels, self.channel = channels, "call"
        self._resample = None if rate == SAMPLE_RATE else _ratio(rate)
        return [{"type": "audio_ready", "sample_rate": rate, "channels": channels}]

    async def audio(self, frame: bytes) -> list[dict[str, Any]]:
        if not self._audio:
            raise LiveError("send audio_start before binary audio frames")
        if len(frame) % (2 * self._audio_channels):
            raise LiveError("an audio frame must hold whole PCM16 samples for every channel")
        return await asyncio.to_thread(self._feed, frame)

    def _feed(self, frame: bytes) -> list[dict[str, Any]]:
        samples = np.frombuffer(frame, dtype="<i2").reshape(-1, self._audio_channels)
        events: list[dict[str, Any]] = []
        for channel, (transcriber, _role) in enumerate(self._audio):
            pcm = samples[:, channel]
            if self._resample:
                from scipy.signal import resample_poly

                pcm = np.clip(resample_poly(pcm.astype(np.float32), *self._resample), -32768, 32767).astype(np.int16)
            events += self._stream_events(transcriber.feed(pcm.tobytes()))
        return events

    async def audio_end(self) -> list[dict[str, Any]]:
        def finish() -> list[dict[str, Any]]:
            events: list[dict[str, Any]] = []
            for transcriber, _role in self._audio:
                events += self._stream_events(transcriber.finish())
            self._audio = []
            return events

        return await asyncio.to_thread(finish)

    def _stream_events(self, stream_events) -> list[dict[str, Any]]:
        """Transcript events only: a final's objections and suggestions wait for `analyse_pending`, so the
        transcript goes out as soon as it is decoded."""
        out: list[dict[str, Any]] = []
        for event in stream_events:
            if event.kind == "partial":
                out.append(_transcript(event.segment, final=False, index=None))
            else:
                segment = event.segment.model_copy(update={"start": max(event.segment.start, self.segments[-1].start if self.segments else 0.0)})
                index, transcript = self._append(segment)
                self._unanalysed.append(index)
                out.append(transcript)
        return out

    async def analyse_pending(self) -> list[dict[str, Any]]:
        """Objection, hint and suggestion events for the recognized finals already sent as transcripts."""
        if not self._unanalysed:
            return []
        pending, self._unanalysed = self._unanalysed, []
        return await asyncio.to_thread(lambda: [event for index in pending for event in self._analyse(index)])

    # --- one finished segment ---------------------------------------------------------------------

    def _append(self, segment: Segment) -> tuple[int, dict[str, Any]]:
        self.segments.append(segment)
        index = len(self.segments) - 1
        return index, _transcript(segment, final=True, index=index)

    def _analyse(self, index: int) -> list[dict[str, Any]]:
        segment = self.segments[index]
        events: list[dict[str, Any]] = []
        labels: list[str] = []
        if segment.speaker == "customer":
            result = self.runtime.tagger.classify([{"text": segment.text, "role": "customer"}])[0]
            labels = result.labels
            if labels:
                events.append({"type": "objection", "segment": index, "labels": labels, "scores": result.scores, "evidence": result.evidence})
        hints = self.coach.observe(segment.speaker, segment.start, segment.end, segment.text, frozenset(labels))
        events += [{"type": "hint", **hint.model_dump()} for hint in hints]
        if segment.speaker == "customer":
            events += self._suggestions(index)
        return events

    def _suggestions(self, index: int) -> list[dict[str, Any]]:
        from agent.suggest import suggest

        try:
            suggestions = suggest(self.conversation(), index, kb=self.runtime.knowledge_base(self.caller.tenant_id), tagger=self.runtime.tagger)
        except ValueError:  # an empty playbook or a turn with nothing to answer: no suggestion, the session goes on
            return []
        with self.runtime.session() as session:
            ids = self.runtime.record_shown(session, self.caller.tenant_id, self.conversation_id, suggestions, self.rep_id)
        return [{"type": "suggestion", "id": id_, "segment": index, **s.model_dump()} for id_, s in zip(ids, suggestions)]

    # --- the whole session ------------------------------------------------------------------------

    async def close(self) -> str | None:
        """End of the session, by the client or by a dropped connection: flush the audio, store everything."""
        if self._audio:
            await self.audio_end()
        return await asyncio.to_thread(self.store)

    def conversation(self) -> Conversation:
        text = "".join(s.text for s in self.segments[-20:])
        return Conversation(
            language="zh" if is_chinese(text) else "en",
            channel=self.channel,  # type: ignore[arg-type]
            participants=[Participant(speaker=role, role=role) for role in ROLES],  # type: ignore[arg-type]
            segments=list(self.segments),
            metadata={"live_session": self.id, **({"rep": self.rep_id} if self.rep_id else {})},
        )

    def store(self) -> str | None:
        """Store what was said (PII-masked, analysed when both sides spoke); None when nothing was."""
        if not self.segments:
            return None
        from agent.pii import mask_structure
        from behavior import AnalysisError

        from service import crud

        conversation = self.conversation()
        try:
            analysis = self.runtime.analyze(conversation)
            stored = analysis.pop("conversation")
        except AnalysisError:
            analysis, stored = None, mask_structure(conversation.model_dump(mode="json"))
        with self.runtime.session() as session:
            return crud.add_conversation(session, self.caller.tenant_id, stored, analysis, record_id=self.conversation_id).id


def _transcript(segment: Segment, *, final: bool, index: int | None) -> dict[str, Any]:
    return {
        "type": "transcript", "final": final, "segment": index, "speaker": segment.speaker,
        "start": round(segment.start, 3), "end": round(segment.end, 3), "text": segment.text,
    }


def _ratio(rate: int) -> tuple[int, int]:
    from math import gcd

    g = gcd(SAMPLE_RATE, rate)
    return SAMPLE_RATE // g, rate // g
