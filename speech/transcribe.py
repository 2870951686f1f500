"""Batch transcription: an audio file in, a Conversation with rep/customer attribution out.

The file is decoded as a stream and recognized in chunks of a few minutes, cut at the quietest
moment near each chunk's end so no word is split, so memory stays flat however long the call is.
Stereo call-center recordings are recognized channel by channel (attribution is exact); mono ones
go through diarization and role assignment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from conversation import Conversation, Participant, Segment, Word
from speech.audio import SAMPLE_RATE, iter_blocks, probe, rms_dbfs
from speech.diarize import SpeakerEmbeddings, attribute
from speech.engines import EngineConfig, RecognizedSegment, Transcriber, get_transcriber
from speech.errors import AudioError, SpeechError
from speech.roles import assign_roles
from speech.text import join_words, normalize_text, pick_language, resolve_language

StereoLayout = Literal["rep-left", "rep-right"]
Progress = Callable[[float, float | None], None]

# Quieter than this (dBFS over a whole chunk) is line noise or digital silence: nothing to recognize.
SILENCE_DBFS = -60.0
MAX_SPEAKERS = 10


@dataclass(frozen=True)
class TranscribeOptions:
    language: str = "auto"  # "zh", "en", "auto" or another Whisper language code
    stereo: StereoLayout | None = None  # which channel is the rep, for 2-channel call recordings
    speakers: int = 2  # expected voices in a mono recording
    rep_speaker: str | None = None  # override role assignment: this diarized speaker is the rep
    engine: str = "faster-whisper"
    engine_config: EngineConfig = field(default_factory=EngineConfig)
    # "auto" chooses among these (a sales team knows which languages its calls are in); () = any
    candidate_languages: tuple[str, ...] = ("zh", "en")
    chunk_s: float = 300.0


def transcribe(path: str | Path, options: TranscribeOptions | None = None, progress: Progress | None = None) -> Conversation:
    """Transcribe a call recording into a Conversation; raises SpeechError subclasses on bad input."""
    options = options or TranscribeOptions()
    info = probe(path)
    language = resolve_language(options.language)
    if options.stereo not in (None, "rep-left", "rep-right"):
        raise SpeechError(f"unknown stereo layout {options.stereo!r}: use rep-left or rep-right")
    if options.stereo and info.channels < 2:
        raise AudioError(f"{info.path}: has 1 channel; --stereo needs a 2-channel recording")
    if not 1 <= options.speakers <= MAX_SPEAKERS:
        raise SpeechError(f"speakers must be between 1 and {MAX_SPEAKERS}, got {options.speakers}")
    engine = get_transcriber(options.engine, options.engine_config)
    recognizer = _ChunkRecognizer(engine, language, options.candidate_languages)

    layout = "stereo" if options.stereo else "mono"
    rep_channel = 0 if options.stereo == "rep-left" else 1
    per_channel: dict[int, list[RecognizedSegment]] = {0: [], 1: []}
    embeddings = SpeakerEmbeddings()
    decoded = 0.0
    for offset, chunk in quiet_cut_chunks(iter_blocks(info.path, layout), options.chunk_s):
        if layout == "stereo":
            for channel in (0, 1):
                per_channel[channel] += recognizer.recognize(chunk[channel], offset, mix=chunk.mean(axis=0))
        else:
            recognized = recognizer.recognize(chunk, offset)
            embeddings.add(chunk, offset, [_shift(s, -offset) for s in recognized])
            per_channel[0] += recognized
        decoded = offset + chunk.shape[-1] / SAMPLE_RATE
        if progress:
            progress(decoded, info.duration)

    code = recognizer.language or "und"
    if layout == "stereo":
        speakers = {rep_channel: "rep", 1 - rep_channel: "customer"}
        segments = [_segment(speakers[ch], s.start, s.end, s.text, s.words, code) for ch in (0, 1) for s in per_channel[ch]]
        participants = [Participant(speaker="rep", role="rep"), Participant(speaker="customer", role="customer")]
        attribution = "stereo"
    else:
        turns = attribute(per_channel[0], embeddings, options.speakers, code)
        order = list(dict.fromkeys(t.speaker for t in turns))  # speakers numbered by first appearance
        names = {label: f"spk{i + 1}" for i, label in enumerate(order)}
        segments = [_segment(names[t.speaker], t.start, t.end, t.text, t.words, code) for t in turns]
        roles = assign_roles(segments, list(names.values()), options.rep_speaker)
        participants = [Participant(speaker=name, role=roles[name]) for name in names.values()]
        attribution = "diarization"
    segments = sorted((s for s in segments if s.text), key=lambda s: (s.start, s.end))
    return Conversation(
        language=code,
        channel="call",
        participants=participants,
        segments=segments,
        metadata={
            "source": info.path.name,
            "duration_s": round(decoded, 3),
            "asr_engine": options.engine,
            "attribution": attribution,
        },
    )


class _ChunkRecognizer:
    """Runs the engine on one chunk at a time; fixes the language on the first chunk with speech."""

    def __init__(self, engine: Transcriber, language: str | None, candidates: tuple[str, ...]):
        self.engine = engine
        self.language = language
        self.candidates = candidates

    def recognize(self, audio: np.ndarray, offset: float, mix: np.ndarray | None = None) -> list[RecognizedSegment]:
        if rms_dbfs(audio) < SILENCE_DBFS:
            return []
        if self.language is None:
            probe_audio = mix if mix is not None else audio
            if rms_dbfs(probe_audio) < SILENCE_DBFS:
                return []
            self.language = pick_language(self.engine.language_probabilities(probe_audio), self.candidates)
        recognition = self.engine.transcribe(audio, language=self.language, word_timestamps=True)
        return [_shift(s, offset) for s in recognition.segments]


def _shift(segment: RecognizedSegment, by: float) -> RecognizedSegment:
    return RecognizedSegment(
        start=segment.start + by,
        end=segment.end + by,
        text=segment.text,
        words=tuple(type(w)(w.start + by, w.end + by, w.text, w.prob) for w in segment.words),
    )


def _segment(speaker: str, start: float, end: float, text: str, words, language: str) -> Segment:
    start = max(0.0, round(start, 3))
    word_models = [
        Word(start=max(0.0, round(w.start, 3)), end=max(0.0, round(max(w.end, w.start), 3)), text=normalize_text(w.text, language),
             prob=None if w.prob is None else min(1.0, max(0.0, w.prob)))
        for w in words
    ]
    if word_models:
        text = join_words([w.text for w in words], language)
    return Segment(
        speaker=speaker,
        start=start,
        end=max(start, round(end, 3)),
        text=normalize_text(text, language),
        words=word_models or None,
    )


def quiet_cut_chunks(blocks: Iterable[np.ndarray], chunk_s: float) -> Iterator[tuple[float, np.ndarray]]:
    """Regroup decoded blocks into ~chunk_s chunks, each cut at the quietest 100 ms near its end.

    Yields (offset in seconds, samples); works for mono (n,) and stereo (2, n) blocks alike.
    """
    target = int(chunk_s * SAMPLE_RATE)
    search = min(target // 5, 10 * SAMPLE_RATE)  # look for the cut in the last 20 %, at most 10 s
    frame = SAMPLE_RATE // 10
    buffer: np.ndarray | None = None
    offset = 0
    for block in blocks:
        buffer = block if buffer is None else np.concatenate([buffer, block], axis=-1)
        while buffer.shape[-1] >= target + search:
            tail = np.abs(buffer[..., target - search : target]).reshape(-1, search).mean(axis=0)
            energy = tail[: search // frame * frame].reshape(-1, frame).mean(axis=1)
            cut = target - search + int(np.argmin(energy)) * frame + frame // 2
            yield offset / SAMPLE_RATE, buffer[..., :cut]
            buffer = buffer[..., cut:]
            offset += cut
    if buffer is not None and buffer.shape[-1]:
        yield offset / SAMPLE_RATE, buffer
