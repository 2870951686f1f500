"""The coach's HTML report: self-contained, escaped, and rendering without errors in headless Chromium."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from behavior.cohort import DnaResult, cohort_statistics
from behavior.features.registry import Feature
from behavior.report import render_report
from browser import render_in_chromium

XSS = "<img src=x onerror=alert(1)>"

# (key, group, kind, unit, en, zh): definitions written like the registry's, long ones included
# fmt: off
SPECS = [
    ("stall_trial_offer_within_90s", "objections", "bool", "",
     "A minimal verification path was offered within 90 s of the first stall (false when there was no stall).",
     "客户拖延后90秒内提出了最小验证路径。"),
    ("next_step_set", "next_steps", "bool", "",
     "The conversation ends with a concrete next step the customer agreed to.", "对话以明确的下一步结束。"),
    ("confirms_budget", "value", "bool", "", "Budget was confirmed before the first price.", "首次报价前确认了预算。"),
    ("discount_unprompted", "value", "bool", "",
     f"The rep offered a discount before the customer asked {XSS}.", "客户未提要求销售就主动给折扣。"),
    ("open_question_count", "questioning", "number", "count", "Open questions asked by the rep.",
     "销售提出的开放式问题数。"),
    ("rep_talk_share", "talk", "number", "ratio", "Rep's share of talk time.", "销售发言时间占比。"),
    ("longest_rep_monologue_s", "talk", "number", "s", "Longest uninterrupted rep monologue.", "销售最长独白时长。"),
    ("pain_point_count", "pain", "number", "count", "Customer segments that state a problem or pain.",
     "客户陈述痛点的次数。"),
    ("rep_speech_rate", "language", "number", "units/min", "Rep speaking rate in characters/words per minute.",
     "销售语速（每分钟字/词数）。"),
    ("call_opening", "engagement", "category", "", "How the call opens: agenda, small talk or pitch.",
     "开场方式：议程、寒暄或直接推销。"),
    ("customer_name_used", "engagement", "bool", "", "The rep addresses the customer by name.",
     "销售称呼了客户的名字。"),
    ("always_recorded", "engagement", "bool", "", "A flag every call has.", "所有对话都有的标记。"),
    ("never_computed", "engagement", "number", "", "A metric that was never computed.", "从未计算出的指标。"),
]
# fmt: on


def _features(n_noise: int) -> list[Feature]:
    features = [Feature(k, g, kind, unit, en, zh, lambda view: None) for k, g, kind, unit, en, zh in SPECS]
    for i in range(n_noise):
        features.append(
            Feature(
                f"noise_{i}", "engagement", "number", "count", f"Noise metric {i}.", f"噪声指标{i}。", lambda v: None
            )
        )
    return features


def cohort_table(n: int = 1500, seed: int = 3, effect: float = 1.0, n_noise: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    trial, nxt, budget, disc = (rng.random(n) < p for p in (0.35, 0.45, 0.5, 0.3))
    logit = -1.2 + effect * (np.log(4.6) * trial + np.log(2.5) * nxt + np.log(1.8) * budget - np.log(1.7) * disc)
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    w = effect * won
    data = {
        "conversation_id": [f"c{i}" for i in range(n)],
        "outcome": np.where(won, "won", "lost"),
        "rep": rng.choice(["王小明", "李娜", "Ann Lee", "<b>Bob</b>", "陈静"], n),
        "duration_s": np.exp(rng.normal(6.4 + 0.25 * w, 0.5)),
        "language": rng.choice(["zh", "en"], n, p=[0.7, 0.3]),
        "stall_trial_offer_within_90s": trial,
        "next_step_set": nxt,
        "confirms_budget": budget,
        "discount_unprompted": disc,
        "open_question_count": rng.poisson(2.5 + 2.2 * w).astype(float),
        "rep_talk_share": np.clip(rng.normal(0.62 - 0.09 * w, 0.1), 0.05, 0.95),
        "longest_rep_monologue_s": rng.gamma(3.0, 25.0 - 7.0 * w),
        "pain_point_count": rng.poisson(1.2 + 0.8 * w).astype(float),
        "rep_speech_rate": rng.normal(180.0, 25.0, n),
        "call_opening": np.where(rng.random(n) < 0.3 + 0.2 * w, "agenda", rng.choice(["small talk", "pitch"], n)),
        "customer_name_used": rng.random(n) < 0.2,
        "always_recorded": True,
        "never_computed": np.nan,
    }
    for i in range(n_noise):
        data[f"noise_{i}"] = rng.poisson(3.0, n).astype(float)
    return pd.DataFrame(data)


@pytest.fixture(scope="module")
def result() -> DnaResult:
    return cohort_statistics(cohort_table(), _features(8), excluded={"missing outcome": 3, "not analysable": 2})


@pytest.fixture(scope="module")
def null_result() -> DnaResult:
    """Nothing separates won from lost: the report must still render, without the significant-only charts."""
    return cohort_statistics(cohort_table(n=400, seed=9, effect=0.0, n_noise=2), _features(2))


def test_report_is_one_offline_document_with_escaped_text(result):
    from plotly.offline import get_plotlyjs

    html = render_report(result, title="华东区 Q3 <script>alert(1)</script>")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert html.count(get_plotlyjs()[:300]) == 1  # plotly.js inlined exactly once
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", html, re.IGNORECASE)
    assert "华东区 Q3 &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert XSS not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>Bob</b>" not in html and "&lt;b&gt;Bob&lt;/b&gt;" in html
    assert '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif' in html
    for headline in result.headlines:
        assert headline.zh.replace("<", "&lt;").split("：")[0] in html
    assert html.index(result.headlines[1].zh[:8]) < html.index(result.headlines[1].en[:8])  # Chinese first
    for section in ("findings", "forest", "numbers", "archetypes", "reps", "all-features"):
        assert f'id="{section}"' in html
    assert html.count('class="card rep-card"') == len(result.reps) == 5
    assert all(f'data-key="{s.key}"' in html for s in result.features)  # every feature in the table


def test_report_renders_in_chromium(result, null_result, tmp_path):
    page = render_in_chromium(render_report(result), tmp_path, "report")
    assert page.errors == []
    assert page.charts == page.rendered_charts == 1 + 4 + 1  # forest plot + 4 significant number behaviors + archetype bars
    assert result.headlines[0].zh in page.body and result.headlines[1].zh in page.body
    assert (tmp_path / "report.png").stat().st_size > 50_000

    html = render_report(null_result, title="无显著差异 · nothing found")
    page = render_in_chromium(html, tmp_path, "null")
    assert page.errors == [] and page.charts == page.rendered_charts >= 1  # reference box plots still render
    assert not page_has_forest(html) and "没有显著的是/否行为" in page.body


def page_has_forest(html: str) -> bool:
    return 'id="chart-forest"' in html


def test_tiny_cohort_without_reps_renders_without_archetypes():
    table = cohort_table(n=16, seed=1, effect=0.0, n_noise=0).drop(columns=["rep"])
    result = cohort_statistics(table, _features(0))
    assert result.archetypes == [] and "too few conversations" in result.archetype_note
    html = render_report(result)
    assert 'id="chart-archetypes"' not in html and 'id="chart-forest"' not in html
    assert result.archetype_note_zh in html and result.reps_note_zh in html
