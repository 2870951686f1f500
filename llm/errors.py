"""Errors of the llm package: user-facing messages, ValueError subclasses so the CLI prints one line."""

from __future__ import annotations


class LLMConfigError(ValueError):
    """An LLM setting that cannot work (unknown provider, missing endpoint or model); the message says which."""


class LLMUnavailable(LLMConfigError):
    """The provider needs something that is not installed (llama-cpp-python, the GGUF model packages)."""
