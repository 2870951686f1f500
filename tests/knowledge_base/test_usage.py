"""Usage events, outcomes and the script-usage heatmap (PNG and self-contained HTML)."""

from __future__ import annotations

import pytest

import storage
from knowledge_base import KnowledgeBaseError, UsageLog, render_heatmap
from knowledge_base.heatmap import text_table


@pytest.fixture
def log(tmp_path) -> UsageLog:
    engine = storage.make_engine(f"sqlite:///{tmp_path / 'dealwise.db'}")
    storage.create_schema(engine)
    return UsageLog(engine)


def fill(log: UsageLog) -> None:
    # script A (price): shown in c1..c3, used in c1 and c2, ignored in c3; c1 won, c2 lost, c3 won
    for conversation in ("c1", "c2", "c3"):
        log.record("shown", "chunk-a", objection_type="价格", conversation_id=conversation, script="价格 > 太贵了")
    log.record("used", "chunk-a", objection_type="price", conversation_id="c1", suggestion_id="s1")
    log.record("used", "chunk-a", objection_type="price", conversation_id="c2")
    log.record("ignored", "chunk-a", objection_type="price", conversation_id="c3")
    # script B: used for two objection types, one conversation each, only one outcome known
    log.record("used", "chunk-b", objection_type="trust", conversation_id="c4", script="Trust > data security")
    log.record("used", "chunk-b", objection_type="authority", conversation_id="c5")
    log.set_outcome("c1", "won")
    log.set_outcome("c2", "won")
    log.set_outcome("c2", "lost")  # a later report replaces the earlier one
    log.set_outcome("c3", "won")
    log.set_outcome("c4", "won")


def test_heatmap_counts_and_win_rates(log):
    fill(log)
    cells = {(c.chunk_id, c.objection_type): c for c in log.heatmap()}
    a = cells[("chunk-a", "price")]
    assert (a.shown, a.used, a.ignored, a.won, a.lost) == (3, 2, 1, 1, 1)
    assert a.win_rate == 0.5 and a.use_rate == 2 / 3 and a.script == "价格 > 太贵了"
    assert cells[("chunk-b", "trust")].win_rate == 1.0
    assert cells[("chunk-b", "authority")].win_rate is None  # c5 has no outcome yet
    assert log.outcomes() == {"c1": "won", "c2": "lost", "c3": "won", "c4": "won"}
    assert [e.event for e in log.events(conversation_id="c1")] == ["shown", "used"]
    relabelled = log.heatmap(labels={"chunk-a": "Price: ROI math"})
    assert {c.script for c in relabelled if c.chunk_id == "chunk-a"} == {"Price: ROI math"}


def test_bad_events_and_outcomes(log):
    with pytest.raises(KnowledgeBaseError, match="unknown usage event 'clicked'"):
        log.record("clicked", "chunk-a")
    with pytest.raises(KnowledgeBaseError, match="chunk id"):
        log.record("used", " ")
    with pytest.raises(KnowledgeBaseError, match="won or lost"):
        log.set_outcome("c1", "maybe")
    with pytest.raises(KnowledgeBaseError, match="no usage recorded"):
        render_heatmap(log.heatmap(), "/tmp/never.png")


def test_png_heatmap_is_a_valid_png(log, tmp_path):
    fill(log)
    path = render_heatmap(log.heatmap(), tmp_path / "out" / "heatmap.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000
    import matplotlib.image

    height, width = matplotlib.image.imread(path).shape[:2]
    assert width > 300 and height > 150
    assert not list((tmp_path / "out").glob(".heatmap*"))  # written atomically, no temp file left


def test_html_heatmap_contains_the_data(log, tmp_path):
    fill(log)
    page = render_heatmap(log.heatmap(), tmp_path / "heatmap.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<script src" not in page and "http" not in page
    assert "价格 &gt; 太贵了" in page and "Trust &gt; data security" in page
    assert "used 2/3<br>win 50%" in page and "data-win-rate='0.5000'" in page
    assert page.index("<th>price</th>") < page.index("<th>authority</th>") < page.index("<th>trust</th>")  # taxonomy order
    table = text_table(log.heatmap())
    assert "2/3 50%" in table
    with pytest.raises(KnowledgeBaseError, match="unsupported heatmap format"):
        render_heatmap(log.heatmap(), tmp_path / "heatmap.svg")
