"""The provider registry: one factory per provider name, each returning a LangChain chat model (or None).

Adding a provider is adding a module with a `@provider("name")` factory and importing it in
`_load_providers`; callers only ever see `get_chat_model(...)`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, ConfigDict, Field

from llm.errors import LLMConfigError


class LLMConfig(BaseModel):
    """What a provider factory gets: the settings as passed by the caller, nothing read from the environment."""

    model_config = ConfigDict(frozen=True)

    provider: str
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    timeout: float = Field(default=30.0, gt=0)
    models_dir: Path | None = Field(default=None, description="Where bundled models are assembled (llamacpp).")
    temperature: float = 0.2
    max_tokens: int = 512


ProviderFactory = Callable[[LLMConfig], BaseChatModel | None]
PROVIDERS: dict[str, ProviderFactory] = {}


def provider(name: str):
    def register(factory: ProviderFactory) -> ProviderFactory:
        PROVIDERS[name] = factory
        return factory

    return register


@functools.cache
def _load_providers() -> None:
    # Imported for their @provider side effect; each is light (heavy libraries load inside the factory).
    import llm.llamacpp_provider  # noqa: F401
    import llm.none_provider  # noqa: F401
    import llm.openai_provider  # noqa: F401


def provider_names() -> list[str]:
    _load_providers()
    return sorted(PROVIDERS)


def resolve_provider(name: str | None, base_url: str | None = None) -> str:
    """The provider a setting means: explicit name, else `openai` when an endpoint is set, else `none`."""
    if name is None or not str(name).strip():
        return "openai" if base_url else "none"
    return str(name).strip().lower()


def get_chat_model(
    provider: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
    timeout: float = 30.0,
    *,
    models_dir: str | Path | None = None,
    temperature: float = 0.2,
    max_tokens: int = 512,
) -> BaseChatModel | None:
    """The chat model for these settings, built once per process; None for the `none` provider."""
    name = resolve_provider(provider, base_url)
    config = LLMConfig(
        provider=name,
        base_url=base_url or None,
        model=model or None,
        api_key=api_key or None,
        timeout=timeout,
        models_dir=Path(models_dir) if models_dir else None,
        temperature=temperature,
        max_tokens=max_tokens,
    )
    return _build(config)


@functools.cache
def _build(config: LLMConfig) -> BaseChatModel | None:
    _load_providers()
    if config.provider not in PROVIDERS:
        raise LLMConfigError(f"unknown LLM provider {config.provider!r}; available: {', '.join(sorted(PROVIDERS))}")
    return PROVIDERS[config.provider](config)
