"""Keyword and semantic trackers on known turns."""

from __future__ import annotations

import pytest

from behavior.trackers import DEFAULT_TRACKERS, Tracker, TrackerError, load_trackers, track
from conversation import parse_conversation


def _conversation(*turns: tuple[str, str]):
    return parse_conversation(
        {
            "language": "zh", "channel": "chat",
            "participants": [{"speaker": "r", "role": "rep"}, {"speaker": "c", "role": "customer"}],
            "segments": [{"speaker": who, "start": i, "end": i, "text": text} for i, (who, text) in enumerate(turns)],
        }
    )


def test_keyword_trackers_respect_roles_and_word_boundaries():
    conversation = _conversation(("c", "我们再考虑一下"), ("r", "您可以再考虑"), ("c", "We need to think it over."), ("c", "rethink itover"))
    hits = track(conversation, [Tracker(name="stall", kind="keyword", roles=["customer"], phrases=["再考虑", "think it over"])])
    assert [(h.segment, h.phrase, h.score) for h in hits] == [(0, "再考虑", 1.0), (2, "think it over", 1.0)]


@pytest.mark.slow
def test_semantic_tracker_catches_paraphrases_and_not_neighbours():
    from embeddings import get_embedder

    budget = next(t for t in load_trackers(DEFAULT_TRACKERS) if t.kind == "semantic" and "预算" in t.name)
    conversation = _conversation(
        ("c", "钱这块今年比较紧"), ("c", "今年经费确实有限"), ("c", "the money is really tight for us this year"),
        ("c", "budget is fine"), ("c", "价格多少"), ("c", "我们下周三开会"),
    )
    hits = track(conversation, [budget], get_embedder("e5").queries)
    assert [h.segment for h in hits] == [0, 1, 2]
    assert all(budget.threshold <= h.score <= 1 for h in hits)


def test_semantic_tracker_needs_an_embedder_and_bad_files_are_named(tmp_path):
    with pytest.raises(TrackerError, match="semantic"):
        track(_conversation(("c", "预算紧")), [Tracker(name="b", kind="semantic", phrases=["预算紧张"])])
    bad = tmp_path / "t.json"
    bad.write_text('[{"name": "x", "kind": "regex", "phrases": ["a"]}]', encoding="utf-8")
    with pytest.raises(TrackerError, match=r"\[0\]\.kind"):
        load_trackers(bad)
