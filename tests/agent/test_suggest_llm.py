"""Grounded generation: a cited answer is used; uncited or hallucinated citations and failures fall back."""

from __future__ import annotations

import json

import pytest
from suggest_support import PLAYBOOK, PRICE_CALL, FailingModel, ListRetriever, ScriptedModel, call

from agent.suggest import suggest


@pytest.fixture
def kb():
    return ListRetriever(PLAYBOOK)


def _answer(*suggestions) -> str:
    return json.dumps({"suggestions": list(suggestions)}, ensure_ascii=False)


def _retrieval(kb):
    return suggest(call(PRICE_CALL), kb=kb, tagger=None)


def test_good_cited_answer_is_used(kb):
    model = ScriptedModel(responses=[_answer({"text": "李总，按50人算一年30万，三个月回本。", "objection_type": "price", "reason": "算回报", "citations": ["price-roi"]})], seen=[])
    result = suggest(call(PRICE_CALL), kb=kb, llm=model)
    assert [s.text for s in result] == ["李总，按50人算一年30万，三个月回本。"]
    assert result[0].citations == ["price-roi"] and result[0].objection_type == "price"
    assert "suggest/v1" in result[0].reason  # traceable to the prompt version
    system, user = model.seen[0]
    assert "[price-roi]" in user.content and "[price-tier]" in user.content  # the retrieved chunks went in
    assert "太贵了" in user.content


def test_uncited_answer_is_discarded_for_the_retrieval_answer(kb):
    model = ScriptedModel(responses=[_answer({"text": "给您打八折！", "objection_type": "price", "reason": "", "citations": []})], seen=[])
    result = suggest(call(PRICE_CALL), kb=kb, llm=model)
    assert model.seen, "the model was asked"
    assert result == _retrieval(kb)
    assert all("八折" not in s.text for s in result) and result[0].citations == ["price-roi"]


def test_hallucinated_citation_is_discarded(kb):
    model = ScriptedModel(
        responses=[_answer({"text": "我们比竞品便宜一半。", "objection_type": "price", "reason": "x", "citations": ["price-roi", "kb-999"]})], seen=[]
    )
    assert suggest(call(PRICE_CALL), kb=kb, llm=model) == _retrieval(kb)


def test_only_the_grounded_suggestions_of_a_mixed_answer_survive(kb):
    model = ScriptedModel(
        responses=[
            _answer(
                {"text": "编的", "citations": ["nope"]},
                {"text": "可以先上核心模块。", "objection_type": "price", "reason": "分阶段", "citations": ["price-tier"]},
            )
        ],
        seen=[],
    )
    result = suggest(call(PRICE_CALL), kb=kb, llm=model)
    assert [(s.text, s.citations) for s in result] == [("可以先上核心模块。", ["price-tier"])]


@pytest.mark.parametrize("reply", ["I think you should offer a discount.", '{"suggestions": "not a list"}', ""])
def test_unparseable_answer_falls_back(kb, reply):
    assert suggest(call(PRICE_CALL), kb=kb, llm=ScriptedModel(responses=[reply], seen=[])) == _retrieval(kb)


def test_llm_exception_falls_back(kb):
    assert suggest(call(PRICE_CALL), kb=kb, llm=FailingModel(responses=["x"])) == _retrieval(kb)


def test_pii_is_masked_before_the_llm_sees_it(kb):
    conversation = call(PRICE_CALL + [("customer", "合同发到 zhang.san@example.com，电话 13812345678，太贵了")])
    model = ScriptedModel(responses=[_answer({"text": "好的", "citations": ["price-roi"]})], seen=[])
    suggest(conversation, kb=kb, llm=model)
    sent = " ".join(m.content for m in model.seen[0])
    assert "13812345678" not in sent and "zhang.san@example.com" not in sent
    assert "138****5678" in sent and "z***@example.com" in sent


def test_retrieval_path_is_the_default_and_never_calls_a_model(kb):
    result = _retrieval(kb)
    assert [s.citations for s in result] == [["price-roi"], ["price-tier"]]
    assert result[0].text == "李总，按您50个销售的规模算，三个月就能收回30万的投入。"
