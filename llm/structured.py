"""Asking a chat model for JSON and getting a validated object back, or a clear reason why not.

Small models and some endpoints wrap JSON in ```json fences or add a sentence before it, so we take the
first balanced JSON object in the reply. The call runs in a worker thread with a deadline: a hung
endpoint or a slow local model must not stall the live path (the caller falls back instead).
"""

from __future__ import annotations

import concurrent.futures
import json
from typing import TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)
_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="dealwise-llm")


class LLMAnswerError(ValueError):
    """The model did not answer in time, failed, or answered something that is not the JSON asked for."""


def first_json_object(text: str) -> dict:
    """The first balanced {...} in `text` that parses as JSON."""
    start = text.find("{")
    while start != -1:
        depth, in_string, escaped = 0, False, False
        for end in range(start, len(text)):
            char = text[end]
            if in_string:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    try:
                        value = json.loads(text[start : end + 1])
                    except json.JSONDecodeError:
                        break
                    if isinstance(value, dict):
                        return value
                    break
        start = text.find("{", start + 1)
    raise LLMAnswerError(f"no JSON object in the model's answer: {text[:200]!r}")


def invoke_json(model: BaseChatModel, messages: list[BaseMessage], schema: type[T], timeout: float = 30.0) -> T:
    """Invoke `model`, parse the first JSON object of its reply into `schema`; LLMAnswerError on any failure."""
    future = _POOL.submit(model.invoke, messages)
    try:
        reply = future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        future.cancel()
        raise LLMAnswerError(f"the model did not answer within {timeout:g} s") from None
    except Exception as error:  # noqa: BLE001 - any provider failure (HTTP, auth, decode) is a fallback, not a crash
        raise LLMAnswerError(f"the model call failed: {type(error).__name__}: {error}") from None
    text = reply.content if isinstance(reply.content, str) else json.dumps(reply.content, ensure_ascii=False)
    try:
        return schema.model_validate(first_json_object(text))
    except ValidationError as error:
        raise LLMAnswerError(f"the model's JSON does not match {schema.__name__}: {error.errors()[0]['msg']}") from None
