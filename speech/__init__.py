"""Speech: recorded or live audio into the canonical Conversation, with rep/customer attribution.

    from speech import transcribe, TranscribeOptions
    conversation = transcribe("call.mp3", TranscribeOptions(language="zh", stereo="rep-left"))
"""

from speech.audio import SAMPLE_RATE, AudioInfo, iter_blocks, load_audio, probe
from speech.engines import EngineConfig, Transcriber, engine_names, get_transcriber, register_engine
from speech.errors import AudioError, EngineUnavailable, LanguageError, SpeechError
from speech.models import WHISPER_BASE, ensure_model
from speech.streaming import StreamEvent, StreamingTranscriber
from speech.transcribe import TranscribeOptions, transcribe

__all__ = [
    "SAMPLE_RATE",
    "WHISPER_BASE",
    "AudioError",
    "AudioInfo",
    "EngineConfig",
    "EngineUnavailable",
    "LanguageError",
    "SpeechError",
    "StreamEvent",
    "StreamingTranscriber",
    "TranscribeOptions",
    "Transcriber",
    "engine_names",
    "ensure_model",
    "get_transcriber",
    "iter_blocks",
    "load_audio",
    "probe",
    "register_engine",
    "transcribe",
]
