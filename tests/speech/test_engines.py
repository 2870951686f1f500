"""The engine registry, both engines, and the bundled model's assembly."""

from __future__ import annotations

import os

import pytest
from support import JFK_TEXT, ZH_WELCOME_TEXT, text_of

from speech import WHISPER_BASE, EngineConfig, EngineUnavailable, TranscribeOptions, ensure_model, get_transcriber, transcribe
from speech.engines import engine_names
from speech.metrics import cer, wer

# another local checkpoint to test the engine with; by default the bundled base, exported
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


def test_openai_whisper_wants_an_existing_checkpoint(tmp_path):
    with pytest.raises(EngineUnavailable, match="does not exist"):
        get_transcriber("openai-whisper", EngineConfig(model=str(tmp_path / "base.pt")))


def test_exported_checkpoint_holds_the_same_weights(engine_config):
    """The openai-whisper export is exact: every tensor equals the CTranslate2 original."""
    import numpy as np
    import torch

    from speech.convert import ensure_openai_checkpoint, read_ctranslate2

    checkpoint = torch.load(ensure_openai_checkpoint(engine_config.models_dir), map_location="cpu", weights_only=False)
    state = checkpoint["model_state_dict"]
    source = read_ctranslate2(ensure_model(engine_config.models_dir) / "model.bin")
    assert checkpoint["dims"]["n_audio_layer"] == 6 and checkpoint["dims"]["n_text_state"] == 512  # Whisper base
    fused = source["encoder/layer_2/self_attention/linear_0/weight"]
    assert np.array_equal(state["encoder.blocks.2.attn.key.weight"].numpy(), fused[512:1024])
    assert np.array_equal(state["decoder.token_embedding.weight"].numpy(), source["decoder/embeddings/weight"])
    from whisper.model import ModelDimensions, Whisper

    assert set(state) == set(Whisper(ModelDimensions(**checkpoint["dims"])).state_dict())  # all 245 tensors


@pytest.mark.slow
@pytest.mark.parametrize("clip,reference,metric", [("jfk.flac", JFK_TEXT, wer), ("zh_welcome.wav", ZH_WELCOME_TEXT, cer)])
def test_openai_whisper_transcribes_real_speech(shared_speech, engine_config, clip, reference, metric):
    config = EngineConfig(model=OPENAI_CHECKPOINT, models_dir=engine_config.models_dir, threads=2)
    options = TranscribeOptions(engine="openai-whisper", engine_config=config, speakers=1)
    conversation = transcribe(shared_speech / clip, options)
    assert metric(reference, text_of(conversation)) <= 0.1  # measured 0.0 on both
    words = [w for s in conversation.segments for w in s.words or []]
    assert words and words[-1].end <= 11.1


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
