"""invoke_json: JSON out of chatty or fenced answers, timeouts and failures as LLMAnswerError."""

from __future__ import annotations

import time

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage
from pydantic import BaseModel

from llm import LLMAnswerError, invoke_json
from llm.structured import first_json_object


class Answer(BaseModel):
    answer: str
    citations: list[str] = []


def test_fenced_and_chatty_json_is_parsed():
    model = FakeListChatModel(responses=['Sure! Here it is:\n```json\n{"answer": "用 {试点}", "citations": ["a"]}\n```\nAnything else?'])
    assert invoke_json(model, [HumanMessage("q")], Answer) == Answer(answer="用 {试点}", citations=["a"])


def test_first_balanced_object_skips_broken_ones():
    assert first_json_object('{"broken": } then {"answer": "x \\"}\\" y"}') == {"answer": 'x "}" y'}
    with pytest.raises(LLMAnswerError, match="no JSON object"):
        first_json_object("no json here")


def test_wrong_shape_is_an_answer_error():
    model = GenericFakeChatModel(messages=iter([AIMessage('{"text": "missing answer"}')]))
    with pytest.raises(LLMAnswerError, match="does not match Answer"):
        invoke_json(model, [HumanMessage("q")], Answer)


class _Exploding(FakeListChatModel):
    def _call(self, *args, **kwargs):
        raise ConnectionError("endpoint down")


class _Slow(FakeListChatModel):
    def _call(self, *args, **kwargs):
        time.sleep(1.5)
        return super()._call(*args, **kwargs)


def test_model_failure_is_an_answer_error():
    with pytest.raises(LLMAnswerError, match="ConnectionError: endpoint down"):
        invoke_json(_Exploding(responses=["{}"]), [HumanMessage("q")], Answer)


def test_timeout_is_an_answer_error_and_returns_promptly():
    started = time.perf_counter()
    with pytest.raises(LLMAnswerError, match="within 0.2 s"):
        invoke_json(_Slow(responses=['{"answer": "late"}']), [HumanMessage("q")], Answer, timeout=0.2)
    assert time.perf_counter() - started < 1.0
