"""BM25 tokens for Chinese and English, language detection, label aliases, reciprocal rank fusion."""

from __future__ import annotations

from knowledge_base import reciprocal_rank_fusion
from knowledge_base import text as kbtext


def test_chinese_tokens_use_search_mode_and_drop_function_words():
    tokens = kbtext.bm25_tokens("我们想先免费试用一下你们的ＣＲＭ系统吗？")
    assert {"免费", "试用", "crm", "系统"} <= set(tokens)  # full-width ＣＲＭ folded, sub-words kept
    assert not {"的", "吗", "我们", "？", "，"} & set(tokens)
    # a customer's 试用 matches a script's 免费试用: the query's tokens are found in the document's
    assert set(kbtext.bm25_tokens("能试用吗")) <= set(kbtext.bm25_tokens("话术：先开通十四天免费试用"))


def test_english_tokens_lowercase_stem_and_drop_stopwords():
    assert kbtext.bm25_tokens("The PRICES are too high for our budget") == ("pric", "high", "budget")
    assert kbtext.bm25_tokens("pricing") == kbtext.bm25_tokens("priced") == ("pric",)


def test_language_detection_per_chunk():
    assert kbtext.detect_language("我们的CRM支持企业微信") == "zh"
    assert kbtext.detect_language("Our CRM supports WeCom, 企业微信") == "en"


def test_objection_and_stage_aliases():
    assert [kbtext.objection_type(v) for v in ("价格异议", "Price", "competitor objection", "决策权", "信任")] == [
        "price", "price", "competitor", "authority", "trust"]
    assert kbtext.objection_type("Warranty") == "warranty"  # unknown labels are kept, not dropped
    assert kbtext.stage("异议处理") == "objection_handling" and kbtext.stage("推进成交") == "closing"
    assert kbtext.objection_from_heading("二、竞品异议") == "competitor"
    assert kbtext.objection_from_heading("Price objections") == "price"
    assert kbtext.objection_from_heading("产品常见问题") == ""


def test_rrf_rewards_agreement_over_a_single_first_place():
    dense = ["a", "b", "c", "d"]
    keyword = ["c", "e", "b"]
    fused = [item for item, _ in reciprocal_rank_fusion([dense, keyword], k=60)]
    assert fused[0] in ("b", "c") and fused.index("b") < fused.index("a") and fused.index("c") < fused.index("a")
    assert set(fused) == {"a", "b", "c", "d", "e"}
    scores = dict(reciprocal_rank_fusion([dense, keyword], k=60))
    assert abs(scores["c"] - (1 / 63 + 1 / 61)) < 1e-12


def test_rrf_weights_and_k():
    dense, keyword = ["a", "b"], ["b", "a"]
    assert reciprocal_rank_fusion([dense, keyword], k=10, weights=[1.0, 0.5])[0][0] == "a"
    assert reciprocal_rank_fusion([dense, keyword], k=10, weights=[0.5, 1.0])[0][0] == "b"
    assert reciprocal_rank_fusion([[], []]) == []
