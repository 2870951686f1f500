"""`analyze -o report.html`: one conversation's page renders offline in Chromium with its timeline and tags."""

from __future__ import annotations

from pathlib import Path

from browser import render_in_chromium

from behavior import FEATURES, ObjectionTagger, analyze
from behavior.report import render_conversation_report
from conversation import load_conversation

DATA = Path(__file__).parent / "data"


def test_conversation_report_renders(tmp_path):
    analysis = analyze(load_conversation(DATA / "call_en.json"), ObjectionTagger("lexicon"))
    html = render_conversation_report(analysis)
    assert "https://" not in html.split("<script>")[0] and 'src="http' not in html
    page = render_in_chromium(html, tmp_path, "conversation")
    assert page.errors == []
    assert page.charts == page.rendered_charts == 1
    assert "Let me think about it and get back to you." in page.body and "stall" in page.body
    assert all(key in page.body for key in FEATURES)  # every feature is listed
    assert analysis.hints[0].zh in page.body
