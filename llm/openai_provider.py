"""`openai`: any OpenAI-compatible chat endpoint (DeepSeek, Qwen/DashScope, vLLM, Ollama) via langchain-openai."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from llm.errors import LLMConfigError
from llm.registry import LLMConfig, provider


@provider("openai")
def openai_compatible(config: LLMConfig) -> BaseChatModel:
    if not config.base_url:
        raise LLMConfigError("the openai provider needs an endpoint: set DEALWISE_LLM_BASE_URL (e.g. https://api.deepseek.com/v1)")
    if not config.model:
        raise LLMConfigError("the openai provider needs a model name: set DEALWISE_LLM_MODEL (e.g. deepseek-chat, qwen-plus)")
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=config.base_url,
        model=config.model,
        # Local servers (vLLM, Ollama) accept any key, but the client refuses to start without one.
        api_key=config.api_key or "not-needed",
        timeout=config.timeout,
        max_retries=0,  # the live path falls back instead of waiting through retries
        temperature=config.temperature,
        max_tokens=config.max_tokens,
    )
