"""The Transcriber interface every ASR engine implements, and the registry that names them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from speech.errors import EngineUnavailable


@dataclass(frozen=True)
class RecognizedWord:
    start: float
    end: float
    text: str
    prob: float | None = None


@dataclass(frozen=True)
class RecognizedSegment:
    """A stretch of recognized speech; times are seconds from the start of the audio passed in."""

    start: float
    end: float
    text: str
    words: tuple[RecognizedWord, ...] = ()


@dataclass(frozen=True)
class Recognition:
    language: str
    segments: list[RecognizedSegment] = field(default_factory=list)


@dataclass(frozen=True)
class EngineConfig:
    """What an engine needs to load its model. `model` is a local path; None means the bundled one."""

    model: str | None = None
    models_dir: Path = Path(".dealwise/models")
    compute_type: str = "int8"
    threads: int = 0  # 0: one per core
    beam_size: int = 5
    # Whisper encodes every window padded to 30 s. Audio shorter than that can be encoded in a window of
    # its own length rounded up, but at least this long: a 5 s live utterance then costs a third of the
    # encoder time. 30 keeps the native window. Below ~10 s the model's output drifts (measured: a 5 s
    # window misheard a Mandarin clip that 10 s and 30 s got right). faster-whisper only.
    min_window_s: int = 30
    # Whisper re-decodes a window at rising temperatures when the text looks like a loop, each pass up to
    # 448 tokens: on a short live buffer that cost one 17.6 s decode (2.8 s of audio, 4 streams, 2 cores)
    # and put every stream's finals 15 s late. Live decoding takes one greedy pass and a token budget
    # by audio length (speech runs under ~8 tokens/s in either language), so no decode can run away.
    # 0: no budget, the model's own limit. faster-whisper only.
    max_tokens_per_s: float = 0


class Transcriber(Protocol):
    name: str

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str | None,
        word_timestamps: bool = True,
        initial_prompt: str | None = None,
    ) -> Recognition:
        """Recognize 16 kHz mono float32 audio; `language=None` lets the engine detect it."""
        ...

    def language_probabilities(self, audio: np.ndarray) -> dict[str, float]:
        """Probability of each language code for 16 kHz mono float32 audio (from its first 30 s)."""
        ...


_ENGINES: dict[str, Callable[[EngineConfig], Transcriber]] = {}
_LOADED: dict[tuple[str, EngineConfig], Transcriber] = {}
_LOCK = threading.Lock()


def register_engine(name: str):
    """Class decorator: make an engine available under `name` (e.g. for `--engine NAME`)."""

    def decorate(factory):
        _ENGINES[name] = factory
        factory.name = name
        return factory

    return decorate


def engine_names() -> list[str]:
    return sorted(_ENGINES)


def get_transcriber(name: str, config: EngineConfig) -> Transcriber:
    """The loaded engine for (name, config); models load once per process and are then shared."""
    if name not in _ENGINES:
        raise EngineUnavailable(f"unknown ASR engine {name!r}; available: {', '.join(engine_names())}")
    key = (name, config)
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = _ENGINES[name](config)
        return _LOADED[key]
