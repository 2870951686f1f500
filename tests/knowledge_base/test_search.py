"""Known answers on the bundled playbook with the real multilingual-e5-small model."""

from __future__ import annotations

import pytest

from knowledge_base import KnowledgeBase, KnowledgeBaseError

pytestmark = pytest.mark.slow


def top_sections(kb, query, k=3, **filters):
    return [hit.metadata.get("section", "") for hit in kb.search(query, k=k, filters=filters or None)]


def test_chinese_price_complaint_finds_the_price_script(playbook):
    sections = top_sections(playbook, "你们报价比我们心里的价位高出一大截")
    assert any("觉得价格太高" in s for s in sections), sections


def test_english_boss_decides_finds_the_authority_script(playbook):
    sections = top_sections(playbook, "Honestly the final call isn't mine, my director decides on purchases like this")
    assert any("boss has to sign off" in s or "要老板拍板" in s for s in sections), sections


def test_cross_lingual_chinese_query_finds_english_script(playbook):
    hits = playbook.search("我们担心客户资料放在你们系统里会泄露", k=3, filters={"language": "en"})
    assert hits and all(h.metadata["language"] == "en" for h in hits)
    assert any("security of our customer data" in h.metadata["section"] for h in hits), [h.metadata["section"] for h in hits]


def test_cross_lingual_english_query_finds_chinese_script(playbook):
    hits = playbook.search("we tried a CRM years ago and the reps never used it", k=3, filters={"language": "zh"})
    assert any("之前买过类似系统没用起来" in h.metadata["section"] for h in hits), [h.metadata["section"] for h in hits]


def test_type_filter_excludes_other_types(playbook):
    unfiltered = playbook.search("我得跟老板汇报一下", k=10)
    assert {h.metadata.get("objection_type") for h in unfiltered} - {"price"}, "the query must match non-price chunks too"
    hits = playbook.search("我得跟老板汇报一下", k=10, filters={"objection_type": "price"})
    assert hits and {h.metadata["objection_type"] for h in hits} == {"price"}
    assert playbook.search("我得跟老板汇报一下", k=5, filters={"type": ["price", "trust"]})
    assert all(h.metadata["objection_type"] in ("price", "trust") for h in playbook.search("老板", k=10, filters={"type": ["price", "trust"]}))


def test_stall_minimal_trial_path_is_found(playbook):
    hits = playbook.search("能不能先让我们几个人用两周看看效果", k=3, filters={"objection_type": "stall", "language": "zh"})
    assert any("试用" in h.text or "试点" in h.text for h in hits)


def test_hits_have_the_contract_shape_and_scores_descend(playbook):
    hits = playbook.search("too expensive", k=5)
    assert len(hits) == 5
    for hit in hits:
        assert set(hit.model_dump()) == {"id", "text", "source", "score", "metadata"}
        assert 0 < hit.score <= 1 and hit.source.endswith((".md", ".csv"))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert playbook.get([hits[0].id])[0].text == hits[0].text


def test_modes_and_keyword_search(playbook):
    keyword = playbook.search("等保三级", k=3, mode="keyword")
    assert keyword and all("等保" in h.text or "等级保护" in h.text for h in keyword[:1])
    dense = playbook.search("等保三级", k=3, mode="dense")
    assert len(dense) == 3
    with pytest.raises(KnowledgeBaseError, match="mode"):
        playbook.search("x", mode="bogus")


def test_bad_queries_and_filters(playbook, tmp_path):
    with pytest.raises(KnowledgeBaseError, match="empty query"):
        playbook.search("   ")
    with pytest.raises(KnowledgeBaseError, match="unknown filter"):
        playbook.search("价格", filters={"colour": "red"})
    assert playbook.search("价格", filters={"objection_type": "no-such-type"}) == []
    with pytest.raises(KnowledgeBaseError, match="does not exist"):
        KnowledgeBase(tmp_path, collection="missing").search("价格")


def test_stats_count_the_playbook(playbook):
    stats = playbook.stats()
    assert stats["files"] == 6 and stats["chunks"] >= 60
    for label in ("price", "timing", "stall", "competitor", "authority", "need", "trust"):
        assert stats["objection_type"][label] >= 6, (label, stats["objection_type"])  # 3 zh + 3 en scripts at least
    assert set(stats["language"]) == {"zh", "en"}
