"""The engine registry, both engines, and the bundled model's assembly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import JFK_TEXT, text_of

from speech import WHISPER_BASE, EngineConfig, EngineUnavailable, TranscribeOptions, ensure_model, get_transcriber, transcribe
from speech.engines import engine_names
from speech.metrics import wer

OPENAI_CHECKPOINT = os.environ.get("DEALWISE_TEST_OPENAI_WHISPER_CHECKPOINT")


def test_registry_names_both_engines_and_rejects_unknown():
    assert {"faster-whisper", "openai-whisper"} <= set(engine_names())
    with pytest.raises(EngineUnavailable, match="unknown ASR engine 'kaldi'.*faster-whisper"):
        get_transcriber("kaldi", EngineConfig())


def test_models_load_once_per_configuration(engine, engine_config):
    assert get_transcriber("faster-whisper", engine_config) is engine


def test_faster_whisper_rejects_a_directory_without_a_model(tmp_path):
    with pytest.raises(EngineUnavailable, match="not a CTranslate2 Whisper directory"):
        get_transcriber("faster-whisper", EngineConfig(model=str(tmp_path)))


def test_openai_whisper_never_downloads_a_checkpoint():
    with pytest.raises(EngineUnavailable, match="needs a local checkpoint"):
        get_transcriber("openai-whisper", EngineConfig(model=None))


def test_openai_whisper_adapter_runs_the_real_library(tmp_path):
    """Our adapter against real openai-whisper code, with a tiny randomly initialised checkpoint
    (no trained checkpoint can be had offline): it loads through the registry and its language
    head returns a distribution over Whisper's languages. Accuracy is tested below when a real
    checkpoint is available."""
    torch = pytest.importorskip("torch")
    model = pytest.importorskip("whisper.model", reason="openai-whisper not installed (make install installs it)")
    dims = model.ModelDimensions(
        n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=1, n_audio_layer=1,
        n_vocab=51865, n_text_ctx=448, n_text_state=64, n_text_head=1, n_text_layer=1,
    )
    torch.manual_seed(0)
    checkpoint = tmp_path / "tiny-random.pt"
    torch.save({"dims": dims.__dict__, "model_state_dict": model.Whisper(dims).state_dict()}, checkpoint)
    engine = get_transcriber("openai-whisper", EngineConfig(model=str(checkpoint), threads=2))
    import numpy as np

    probabilities = engine.language_probabilities(np.zeros(16000, dtype=np.float32))
    assert {"zh", "en"} <= set(probabilities)
    assert sum(probabilities.values()) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.slow
@pytest.mark.skipif(
    not OPENAI_CHECKPOINT,
    reason="no openai-whisper checkpoint: none ships on PyPI and the hub is unreachable; "
    "set DEALWISE_TEST_OPENAI_WHISPER_CHECKPOINT=/path/base.pt to run",
)
def test_openai_whisper_transcribes_english(shared_speech):
    config = EngineConfig(model=OPENAI_CHECKPOINT, threads=2)
    conversation = transcribe(shared_speech / "jfk.flac", TranscribeOptions(engine="openai-whisper", engine_config=config, speakers=1))
    assert wer(JFK_TEXT, text_of(conversation)) <= 0.1


def test_bundled_model_is_assembled_verified_and_reused(tmp_path):
    directory = ensure_model(tmp_path)
    weights = directory / "model.bin"
    assert weights.stat().st_size == WHISPER_BASE.size
    assert {p.name for p in directory.iterdir()} == {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}
    first = weights.stat().st_mtime_ns
    assert ensure_model(tmp_path) == directory and weights.stat().st_mtime_ns == first  # reused, not rebuilt
    with open(weights, "r+b") as broken:  # an interrupted copy from some earlier run
        broken.truncate(1000)
    ensure_model(tmp_path)
    assert weights.stat().st_size == WHISPER_BASE.size
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no staging directory left behind"


def test_a_corrupt_part_is_refused(tmp_path):
    """If the concatenation does not verify, nothing is published for the engine to load."""
    from dataclasses import replace

    wrong = replace(WHISPER_BASE, sha256="0" * 64)
    with pytest.raises(EngineUnavailable, match="does not verify"):
        ensure_model(tmp_path, wrong)
    assert not (tmp_path / wrong.name).exists()
