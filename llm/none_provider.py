"""`none`: no LLM. The default; every feature has an extractive/retrieval path that needs none."""

from __future__ import annotations

from llm.registry import LLMConfig, provider


@provider("none")
def no_model(config: LLMConfig) -> None:
    return None
