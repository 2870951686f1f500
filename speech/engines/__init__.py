"""ASR engines behind one `Transcriber` interface; importing this package registers them all."""

from speech.engines import faster_whisper_engine, openai_whisper_engine  # noqa: F401  (registers them)
from speech.engines.base import (
    EngineConfig,
    Recognition,
    RecognizedSegment,
    RecognizedWord,
    Transcriber,
    engine_names,
    get_transcriber,
    register_engine,
)

__all__ = [
    "EngineConfig",
    "Recognition",
    "RecognizedSegment",
    "RecognizedWord",
    "Transcriber",
    "engine_names",
    "get_transcriber",
    "register_engine",
]
