"""Live transcription: feed 16 kHz PCM16 chunks, get partial and final segments as the call goes.

Policy (local agreement, as in Macháček et al., "Turning Whisper into Real-Time Transcription"):
every `step_s` of new audio the whole uncommitted buffer is decoded again; words on which two
consecutive decodes agree, as a prefix, are committed and never change. An endpoint (`ENDPOINT_S`
without voice, as Silero VAD hears it: speech/vad.py) does not wait for the next step or for agreement:
the utterance is decoded at once and committed whole, which is what makes a final arrive within about a
second of the speaker stopping; its audio is then dropped, so the next decode starts from the next
utterance. Committed words are closed into a final segment at sentence-ending punctuation or a pause;
everything after the committed prefix is reported as a partial that may still change. Once a final
segment is out, its audio is dropped from the buffer, so memory stays bounded however long the session
runs (the buffer never exceeds `2 * max_buffer_s`).
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import weakref
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

from conversation import Segment, Word, spoken_units
from speech.audio import SAMPLE_RATE, rms_dbfs
from speech.engines import RecognizedSegment, RecognizedWord, Transcriber
from speech.errors import AudioError
from speech.text import join_words, normalize_text, pick_language, resolve_language
from speech.transcribe import SILENCE_DBFS
from speech.vad import VoiceTracker

_SENTENCE_END = re.compile(r"[。！？!?.…]$")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
PAUSE_S = 0.8  # a gap this long between committed words closes the segment
ENDPOINT_S = 0.5  # this much silence after speech ends the utterance: decode at once and commit it all
# After this much silence an endpoint is likely due: no partial then, as the final decodes the same audio
# moments later, and a partial holding the engine would make that final (or another stream's) wait.
PAUSING_S = 0.2
# Less voice than this (three VAD frames) is a click or a word's last syllable trailing past the endpoint,
# not an utterance: decoded alone, Whisper makes words up ("I'm sorry sorry sorry ...").
MIN_UTTERANCE_VOICE_S = 0.1
_LOOP_COMPRESSION_RATIO = 2.4
_MAX_UNITS_PER_S = 15.0  # Chinese characters or words per second: 2-3 times a fast speaker
_RATE_CHECK_UNITS = 6  # shorter texts have too coarse timestamps to judge
_DETECT_AFTER_S = 2.0  # language detection needs a couple of seconds of speech


@dataclass(frozen=True)
class StreamEvent:
    kind: Literal["partial", "final"]
    segment: Segment


class DecodeGate:
    """Turns at one engine shared by every live stream of the process.

    One decode runs at a time, since each already uses every core; two at once only make both late.
    A final (an utterance just ended: the rep is waiting for it) goes before any partial, and a partial
    is skipped rather than queued when the engine is busy: the next audio frame tries again, and a
    stale partial is worth less than a prompt final. Partials also rest after each one for as long as
    it took, so they fill at most half of the engine's time and a final seldom waits behind one.
    Without this, four streams on 2 cores re-decoding their buffers every second put finals 20-40 s
    behind the speaker.
    """

    def __init__(self) -> None:
        self._engine = threading.Lock()
        self._finals_waiting = 0
        self._count = threading.Lock()
        self._partials_resume_at = 0.0

    @contextlib.contextmanager
    def final(self) -> Iterator[None]:
        with self._count:
            self._finals_waiting += 1
        try:
            self._engine.acquire()
        finally:
            with self._count:
                self._finals_waiting -= 1
        try:
            yield
        finally:
            self._engine.release()

    @contextlib.contextmanager
    def partial(self) -> Iterator[bool]:
        """Yields whether this partial may decode now."""
        granted = (
            not self._finals_waiting
            and time.monotonic() >= self._partials_resume_at
            and self._engine.acquire(blocking=False)
        )
        started = time.monotonic()
        try:
            yield granted
        finally:
            if granted:
                finished = time.monotonic()
                self._partials_resume_at = finished + (finished - started)
                self._engine.release()


_GATES: weakref.WeakKeyDictionary[Transcriber, DecodeGate] = weakref.WeakKeyDictionary()
_GATES_LOCK = threading.Lock()


def gate_for(engine: Transcriber) -> DecodeGate:
    """The gate of `engine`: every stream decoding with the same loaded model takes turns at it."""
    with _GATES_LOCK:
        if engine not in _GATES:
            _GATES[engine] = DecodeGate()
        return _GATES[engine]


class StreamingTranscriber:
    def __init__(
        self,
        engine: Transcriber,
        *,
        language: str = "auto",
        candidate_languages: tuple[str, ...] = ("zh", "en"),
        speaker: str = "customer",
        step_s: float = 1.0,
        max_buffer_s: float = 15.0,
    ):
        self.engine = engine
        self.gate = gate_for(engine)
        self.language = resolve_language(language)
        self.candidates = candidate_languages
        self.speaker = speaker
        self.step = int(step_s * SAMPLE_RATE)
        self.max_buffer = int(max_buffer_s * SAMPLE_RATE)
        self._buffer = np.zeros(0, dtype=np.float32)
        self._buffer_start = 0.0  # absolute time of _buffer[0], seconds
        self._undecoded = 0  # samples fed since the last decode
        self._voice = VoiceTracker()
        self._endpointed_until = 0.0  # stream time up to which an endpoint (or final) decode has run
        self._voiced_at_endpoint = 0.0  # the tracker's voiced seconds then
        self._committed_end = 0.0
        self._hypothesis: list[RecognizedWord] = []  # last decode's words after the committed prefix
        self._open: list[RecognizedWord] = []  # committed words not yet closed into a final segment
        self._tail: list[str] = []  # keys of the last committed words, to spot re-heard ones
        self._last_partial = ""

    @property
    def buffered_seconds(self) -> float:
        return len(self._buffer) / SAMPLE_RATE

    @property
    def elapsed_seconds(self) -> float:
        return self._buffer_start + self.buffered_seconds

    def feed(self, pcm16: bytes | np.ndarray) -> list[StreamEvent]:
        """Add little-endian 16-bit mono samples at 16 kHz; returns the events this audio produced."""
        if isinstance(pcm16, (bytes, bytearray, memoryview)):
            if len(pcm16) % 2:
                raise AudioError("PCM16 chunk has an odd number of bytes: send whole 16-bit samples")
            samples = np.frombuffer(pcm16, dtype="<i2")
        else:
            samples = np.asarray(pcm16)
            if samples.dtype != np.int16:
                raise AudioError(f"PCM16 samples must be int16, got {samples.dtype}")
        audio = samples.astype(np.float32) / 32768.0
        self._buffer = np.concatenate([self._buffer, audio])
        self._voice.feed(audio)
        self._undecoded += len(samples)
        if self._speech_pending():
            quiet = self._voice.quiet_for()
            if quiet >= ENDPOINT_S:
                with self.gate.final():
                    return self._decode(final=False, endpoint=True)
            if quiet >= PAUSING_S:
                return []
        elif self._voice.voiced_until is not None:
            # Nothing said since the last utterance ended: keep a lead-in for the next one and decode
            # nothing (noise decoded alone makes Whisper invent words). Only once voice was ever heard on
            # the line: where the tracker hears none at all, partial decodes still find the words.
            self._drop_until(self.elapsed_seconds - ENDPOINT_S)
            self._undecoded = 0  # the first partial of the next utterance waits for a step of it
            return []
        if self._undecoded < self.step:
            return []
        if len(self._buffer) > self.max_buffer:
            # only a decode trims the buffer: this one waits its turn rather than let the window grow
            with self.gate.final():
                return self._decode(final=False)
        with self.gate.partial() as granted:
            return self._decode(final=False) if granted else []

    def _speech_pending(self) -> bool:
        """Voice was heard that no endpoint decode has covered yet, or a partial left words pending.

        Voice, not only pending words: when the engine is busy a partial may never have run for a short
        utterance, and its end must still be found."""
        voiced = self._voice.voiced_until
        heard = self._voice.voiced_seconds - self._voiced_at_endpoint >= MIN_UTTERANCE_VOICE_S
        return bool(self._hypothesis or self._open) or (voiced is not None and voiced > self._endpointed_until and heard)

    def finish(self) -> list[StreamEvent]:
        """Decode what is left and close the last segment; the transcriber can then be dropped."""
        with self.gate.final():
            return self._decode(final=True)

    def _decode(self, final: bool, endpoint: bool = False) -> list[StreamEvent]:
        self._undecoded = 0
        events: list[StreamEvent] = []
        words: list[RecognizedWord] = []
        silent = not len(self._buffer) or rms_dbfs(self._buffer) < SILENCE_DBFS
        if not silent and self._language_ready(final):
            words = self._recognize()
        if final or endpoint:
            self._endpointed_until = self.elapsed_seconds
            self._voiced_at_endpoint = self._voice.voiced_seconds
            self._commit(words, events)
            self._close(events)
            self._hypothesis = []
        else:
            agreed = _common_prefix(self._hypothesis, words)
            self._commit(words[:agreed], events)
            self._hypothesis = words[agreed:]
            if not words and self._open:
                self._close(events)  # silence after speech: the turn is over
            self._partial(events)
        self._trim(finished=silent or any(event.kind == "final" for event in events))
        return events

    def _language_ready(self, final: bool) -> bool:
        if self.language is None and (final or self.buffered_seconds >= _DETECT_AFTER_S):
            self.language = pick_language(self.engine.language_probabilities(self._buffer), self.candidates)
        return self.language is not None

    def _recognize(self) -> list[RecognizedWord]:
        # No prompt of the committed text: on short live utterances greedy decoding copies a prompt that
        # resembles the audio over and over (five "What your country can do for you." for one), and a
        # decode that loops costs several times a clean one.
        recognition = self.engine.transcribe(self._buffer, language=self.language, word_timestamps=True)
        shift = self._buffer_start
        words = [
            RecognizedWord(w.start + shift, w.end + shift, w.text, w.prob)
            for segment in recognition.segments
            if _spoken(segment)
            for w in segment.words
            if _key(w.text)
        ]
        # The buffer still holds audio whose words are committed; the decoder hears them again with
        # slightly different timestamps. Drop words centred before the commit point, then any
        # leading words that repeat the committed tail (the n-gram check of whisper_streaming).
        words = [w for w in words if (w.start + w.end) / 2 >= self._committed_end - 0.1]
        for n in range(min(len(self._tail), len(words), 5), 0, -1):
            if [_key(w.text) for w in words[:n]] == self._tail[-n:] and words[0].start < self._committed_end + 1.0:
                return words[n:]
        return words

    def _commit(self, words: list[RecognizedWord], events: list[StreamEvent]) -> None:
        for word in words:
            if self._open and word.start - self._open[-1].end >= PAUSE_S:
                self._close(events)
            self._open.append(word)
            self._tail = (self._tail + [_key(word.text)])[-5:]
            self._committed_end = max(self._committed_end, word.end)
            if _SENTENCE_END.search(word.text.strip()):
                self._close(events)

    def _close(self, events: list[StreamEvent]) -> None:
        if not self._open:
            return
        segment = self._segment(self._open, with_words=True)
        self._open = []
        self._last_partial = ""
        if segment.text:
            events.append(StreamEvent("final", segment))

    def _partial(self, events: list[StreamEvent]) -> None:
        pending = self._open + self._hypothesis
        if not pending:
            return
        segment = self._segment(pending, with_words=False)
        if segment.text and segment.text != self._last_partial:
            self._last_partial = segment.text
            events.append(StreamEvent("partial", segment))

    def _segment(self, words: list[RecognizedWord], with_words: bool) -> Segment:
        language = self.language or "und"
        start = max(0.0, round(words[0].start, 3))
        return Segment(
            speaker=self.speaker,
            start=start,
            end=max(start, round(words[-1].end, 3)),
            text=normalize_text(join_words([w.text for w in words], language), language),
            words=[
                Word(start=max(0.0, round(w.start, 3)), end=max(0.0, round(max(w.start, w.end), 3)),
                     text=normalize_text(w.text, language), prob=w.prob)
                for w in words
            ]
            if with_words
            else None,
        )

    def _trim(self, finished: bool) -> None:
        """Drop audio whose words are committed (or that held none); keep the decoder's window short.

        `finished`: the last decode closed an utterance or heard only silence; with nothing pending, its
        audio is done with, and only a short lead-in is kept for the next utterance.
        """
        if finished and not (self._hypothesis or self._open):
            self._drop_until(max(self._committed_end, self.elapsed_seconds - ENDPOINT_S))
            return
        if len(self._buffer) <= self.max_buffer:
            return
        cut_time = self._committed_end if self._hypothesis else max(self._committed_end, self.elapsed_seconds - 1.0)
        if self.elapsed_seconds - cut_time > 2 * self.max_buffer / SAMPLE_RATE:
            # the decoder keeps changing its mind (noise, crosstalk): give up on the oldest audio
            cut_time = self.elapsed_seconds - self.max_buffer / SAMPLE_RATE
            self._hypothesis = [w for w in self._hypothesis if w.start >= cut_time]
            self._committed_end = max(self._committed_end, cut_time)
        self._drop_until(cut_time)

    def _drop_until(self, time_s: float) -> None:
        cut = int((time_s - self._buffer_start) * SAMPLE_RATE)
        if cut > 0:
            self._buffer = self._buffer[cut:]
            self._buffer_start += cut / SAMPLE_RATE


def _spoken(segment: RecognizedSegment) -> bool:
    """False for text no one said: a decode stuck in a loop ("sorry sorry sorry ..." on a breath; Whisper's own
    test, the text compresses too well) or more text than fits the segment's time (Whisper repeating the
    utterance's sentence once more in its last half second)."""
    data = segment.text.encode()
    if len(data) > 24 and len(data) / len(zlib.compress(data)) > _LOOP_COMPRESSION_RATIO:
        return False
    units = spoken_units(segment.text)
    return units < _RATE_CHECK_UNITS or units / max(segment.end - segment.start, 0.1) <= _MAX_UNITS_PER_S


def _key(text: str) -> str:
    return _NOT_WORD.sub("", text).lower()


def _common_prefix(previous: list[RecognizedWord], current: list[RecognizedWord]) -> int:
    n = 0
    for a, b in zip(previous, current):
        if _key(a.text) != _key(b.text):
            break
        n += 1
    return n
