"""Fixtures for tests that run the real bundled Whisper model (loaded once per test session)."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile

from conversation import parse_conversation
from speech import EngineConfig, get_transcriber, load_audio

from support import REPO, SAMPLE_CALL, SAMPLE_REFERENCE, SHARED_SPEECH


@pytest.fixture(scope="session")
def engine_config() -> EngineConfig:
    # the same models dir as `make demo`, so the assembled model is built once per checkout
    return EngineConfig(models_dir=REPO / ".dealwise" / "models", threads=2)


@pytest.fixture(scope="session")
def engine(engine_config):
    return get_transcriber("faster-whisper", engine_config)


@pytest.fixture(scope="session")
def shared_speech() -> Path:
    if not (SHARED_SPEECH / "jfk.flac").is_file():
        pytest.skip(f"real test recordings not found in {SHARED_SPEECH}")
    return SHARED_SPEECH


@pytest.fixture(scope="session")
def sample_reference():
    return parse_conversation(SAMPLE_REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_call_mono(tmp_path_factory) -> Path:
    """The bundled stereo sample call mixed down to one channel, as a mono phone system would record it."""
    path = tmp_path_factory.mktemp("mono") / "sample_call_mono.wav"
    stereo = load_audio(SAMPLE_CALL, layout="stereo")
    soundfile.write(path, stereo.mean(axis=0), 16000)
    return path

