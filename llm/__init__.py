"""LLM providers behind one registry, as LangChain chat models; none is the default.

    from llm import get_chat_model
    model = get_chat_model("openai", base_url="https://api.deepseek.com/v1", model="deepseek-chat", api_key="...")
    model = get_chat_model("llamacpp")          # the bundled Qwen2.5-Coder 0.5B GGUF, when installed
    model = get_chat_model(None)                # -> None: callers use their extractive/retrieval path

Every caller treats `None` as "no LLM" and must work without one. Models are built once per process and
configuration (`get_chat_model` is cached); nothing heavy loads at import.
"""

from llm.errors import LLMConfigError, LLMUnavailable
from llm.registry import PROVIDERS, LLMConfig, get_chat_model, provider, provider_names, resolve_provider
from llm.structured import LLMAnswerError, invoke_json

__all__ = [
    "PROVIDERS",
    "LLMAnswerError",
    "LLMConfig",
    "LLMConfigError",
    "LLMUnavailable",
    "get_chat_model",
    "invoke_json",
    "provider",
    "provider_names",
    "resolve_provider",
]
