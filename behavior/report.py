"""The coach's report: one self-contained HTML page (plotly inlined, no network) from a `DnaResult`.

`render_report(result)` returns the document as a string: headline findings (Chinese first, English under),
cohort sizes, a forest plot of odds ratios for the significant yes/no behaviors, won-vs-lost box plots for the
top number behaviors, behavior archetypes with their win rates, per-rep cards and a table of every feature.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

from behavior.analysis import Analysis
from behavior.cohort import DnaResult, FeatureStat, fmt_num, fmt_p, fmt_pct, fmt_ratio, short_en, short_zh

TEMPLATES = Path(__file__).parent / "templates"
FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
WON, LOST, ADJ, INK, MUTED = "#1b7f5a", "#c2452d", "#5b6bbf", "#1f2937", "#6b7280"
MAX_FOREST = 20
MAX_BOXES = 6
LOG_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10, 20, 50, 100, 200, 500, 1000]
DEFAULT_TITLE = "销售行为 DNA：赢单 vs 丢单 · Sales behavior DNA: won vs lost"


def _plain(text: str) -> str:
    """Text for plotly labels: plotly reads a few HTML tags and entities, so escape what came from data."""
    return html.escape(text, quote=False)


def _tint(color: str, alpha: float = 0.28) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _signed(value: float, digits: int = 2) -> str:
    text = f"{value:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


def _layout(**extra: Any) -> dict[str, Any]:
    layout = {
        "template": "plotly_white",
        "font": {"family": FONT_STACK, "size": 13, "color": INK},
        "margin": {"l": 10, "r": 20, "t": 40, "b": 40},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"family": FONT_STACK}},
    }
    layout.update(extra)
    return layout


def _div(fig: Any, div_id: str) -> str:
    import plotly.io as pio

    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        default_height=f"{fig.layout.height}px",
        config={"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]},
    )


def _forest(stats: list[FeatureStat]) -> str | None:
    import plotly.graph_objects as go

    rows = [s for s in stats if s.kind == "bool" and s.significant and s.odds_ratio is not None][:MAX_FOREST]
    if not rows:
        return None
    rows.sort(key=lambda s: s.odds_ratio)
    labels = [
        f"{_plain(short_zh(s, 18))}<br><span style='font-size:11px'>{_plain(short_en(s, 40))}</span>" for s in rows
    ]
    fig = go.Figure()

    def trace(name: str, color: str, symbol: str, values: list, lows: list, highs: list, offset: float) -> None:
        keep = [i for i, v in enumerate(values) if v is not None]
        if not keep:
            return
        fig.add_trace(
            go.Scatter(
                x=[values[i] for i in keep],
                y=[i + offset for i in keep],
                mode="markers",
                name=name,
                marker={"color": color, "size": 10, "symbol": symbol},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "color": color,
                    "thickness": 2,
                    "width": 4,
                    "array": [(highs[i] or values[i]) - values[i] for i in keep],
                    "arrayminus": [values[i] - (lows[i] or values[i]) for i in keep],
                },
                customdata=[
                    [
                        _plain(rows[i].key),
                        fmt_ratio(lows[i]),
                        fmt_ratio(highs[i]),
                        fmt_pct(rows[i].won_rate),
                        fmt_pct(rows[i].lost_rate),
                        fmt_p(rows[i].q),
                    ]
                    for i in keep
                ],
                hovertemplate="%{customdata[0]}<br>OR %{x:.2f} (95% CI %{customdata[1]}–%{customdata[2]})"
                "<br>won %{customdata[3]} vs lost %{customdata[4]}, %{customdata[5]}<extra>" + name + "</extra>",
            )
        )

    trace(
        "优势比 odds ratio (Fisher)",
        WON,
        "circle",
        [s.odds_ratio for s in rows],
        [s.or_ci_low for s in rows],
        [s.or_ci_high for s in rows],
        -0.12,
    )
    trace(
        "校正通话时长 adjusted for call length",
        ADJ,
        "diamond",
        [s.adj_odds_ratio for s in rows],
        [s.adj_ci_low for s in rows],
        [s.adj_ci_high for s in rows],
        0.12,
    )
    values = [
        v
        for s in rows
        for v in (s.or_ci_low, s.or_ci_high, s.adj_ci_low, s.adj_ci_high, s.odds_ratio)
        if v is not None and v > 0
    ]
    lo, hi = min(values + [1.0]), max(values + [1.0])
    ticks = [t for t in LOG_TICKS if lo / 1.25 <= t <= hi * 1.25]
    fig.add_vline(x=1, line={"color": MUTED, "dash": "dash", "width": 1})
    fig.update_layout(
        **_layout(
            height=110 + 56 * len(rows),
            legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
            xaxis={
                "type": "log",
                "title": "优势比（对数轴）· odds ratio of winning, log scale",
                "range": [math.log10(lo) - 0.1, math.log10(hi) + 0.1],
                "gridcolor": "#eef0f3",
                "tickmode": "array",
                "tickvals": ticks,
                "ticktext": [f"{t:g}" for t in ticks],
            },
            yaxis={
                "tickmode": "array",
                "tickvals": list(range(len(rows))),
                "ticktext": labels,
                "automargin": True,
                "range": [-0.6, len(rows) - 0.4],
                "zeroline": False,
            },
        )
    )
    return _div(fig, "chart-forest")


def _box(stat: FeatureStat, index: int) -> str:
    import plotly.graph_objects as go

    fig = go.Figure()
    for name, dist, color in (("赢单 won", stat.won_dist, WON), ("丢单 lost", stat.lost_dist, LOST)):
        if dist is None:
            continue
        fig.add_trace(
            go.Box(
                name=name,
                x=[name],
                q1=[dist.q1],
                median=[dist.median],
                q3=[dist.q3],
                lowerfence=[dist.p05],
                upperfence=[dist.p95],
                mean=[dist.mean],
                marker_color=color,
                fillcolor=_tint(color),
                line={"color": color, "width": 2},
                boxpoints=False,
                hoverinfo="y",
            )
        )
    is_ratio = stat.unit in ("ratio", "share", "fraction")
    yaxis: dict[str, Any] = {"gridcolor": "#eef0f3", "zeroline": False}
    if is_ratio:
        yaxis["tickformat"] = ".0%"
    elif stat.unit and stat.unit not in ("count", "bool"):
        yaxis["title"] = _plain(stat.unit)
    fig.update_layout(
        **_layout(
            height=300,
            showlegend=False,
            title={
                "text": f"{_plain(short_zh(stat, 20))}<br><span style='font-size:11px;color:{MUTED}'>"
                f"{_plain(short_en(stat, 44))} · {fmt_p(stat.q)}</span>",
                "x": 0.02,
                "font": {"size": 14},
            },
            margin={"l": 10, "r": 10, "t": 62, "b": 30},
            yaxis=yaxis,
        )
    )
    return _div(fig, f"chart-box-{index}")


def _archetype_bars(result: DnaResult) -> str | None:
    import plotly.graph_objects as go

    arch = result.archetypes
    if not arch:
        return None
    colors = [WON if a.win_rate >= result.win_rate else LOST for a in arch]
    fig = go.Figure(
        go.Bar(
            x=[f"类型 {a.id}" for a in arch],
            y=[a.win_rate for a in arch],
            marker_color=colors,
            opacity=0.85,
            error_y={
                "type": "data",
                "symmetric": False,
                "color": INK,
                "thickness": 1.5,
                "array": [(a.win_rate_ci_high or a.win_rate) - a.win_rate for a in arch],
                "arrayminus": [a.win_rate - (a.win_rate_ci_low or a.win_rate) for a in arch],
            },
            text=[f"{fmt_pct(a.win_rate)} · n={a.size}" for a in arch],
            textposition="inside",
            insidetextanchor="start",
            textfont={"color": "#ffffff"},
            customdata=[[_plain(a.name_zh), _plain(a.name_en)] for a in arch],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>win rate %{y:.0%}<extra></extra>",
        )
    )
    fig.add_hline(
        y=result.win_rate,
        line={"color": MUTED, "dash": "dash", "width": 1},
        annotation_text=f"整体 overall {fmt_pct(result.win_rate)}",
        annotation_position="top right",
    )
    fig.update_layout(
        **_layout(
            height=300,
            showlegend=False,
            bargap=0.35,
            yaxis={"title": "赢单率 win rate", "tickformat": ".0%", "range": [0, 1], "gridcolor": "#eef0f3"},
        )
    )
    return _div(fig, "chart-archetypes")


def _row(stat: FeatureStat) -> dict[str, Any]:
    """Display strings for the all-features table."""
    if stat.kind == "number":
        won, lost = fmt_num(stat.won_median, stat.unit), fmt_num(stat.lost_median, stat.unit)
        effect = "–" if stat.effect is None else f"r = {_signed(stat.effect)}"
    elif stat.kind == "bool":
        won, lost = fmt_pct(stat.won_rate), fmt_pct(stat.lost_rate)
        effect = "–" if stat.effect is None else f"{_signed(100 * stat.effect, 0)} pp"
    else:
        top = stat.levels[0] if stat.levels else None
        won = f"{top.level}: {fmt_pct(top.won_share)}" if top else "–"
        lost = f"{top.level}: {fmt_pct(top.lost_share)}" if top else "–"
        effect = "–" if stat.effect is None else f"V = {stat.effect:.2f}"
    odds = ""
    if stat.odds_ratio is not None:
        odds = f"{fmt_ratio(stat.odds_ratio)} ({fmt_ratio(stat.or_ci_low)}–{fmt_ratio(stat.or_ci_high)})"
    adj = ""
    if stat.adj_odds_ratio is not None:
        adj = f"{fmt_ratio(stat.adj_odds_ratio)} ({fmt_ratio(stat.adj_ci_low)}–{fmt_ratio(stat.adj_ci_high)})"
    return {
        "stat": stat,
        "won": won,
        "lost": lost,
        "effect": effect,
        "odds": odds,
        "adj": adj,
        "p": "–" if stat.p is None else fmt_p(stat.p, "").replace("=", "").strip(),
        "q": "–" if stat.q is None else fmt_p(stat.q, "").replace("=", "").strip(),
        "median_label": "中位数 median" if stat.kind == "number" else "",
    }


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    env.filters.update(pct=fmt_pct, num=fmt_num, ratio=fmt_ratio, pval=fmt_p)
    return env


def _plotly_js():
    from markupsafe import Markup
    from plotly.offline import get_plotlyjs

    # "</script" cannot occur inside the inlined library, or the browser would end the script element there
    return Markup(get_plotlyjs().replace("</script", "<\\/script"))


def render_report(result: DnaResult, *, title: str | None = None) -> str:
    """One self-contained HTML document for coaches; plotly.js is inlined once and nothing is fetched."""
    from markupsafe import Markup

    stats = {s.key: s for s in result.features}
    ranked = [stats[k] for k in result.ranking]
    untested = [s for s in result.features if s.p is None]

    forest = _forest(ranked)
    numbers = [s for s in ranked if s.kind == "number" and s.won_dist and s.lost_dist]
    box_stats = [s for s in numbers if s.significant][:MAX_BOXES] or numbers[: min(4, MAX_BOXES)]
    boxes = [Markup(_box(s, i)) for i, s in enumerate(box_stats)]
    bars = _archetype_bars(result)

    env = _environment()
    template = env.get_template("report.html.j2")
    return template.render(
        title=title or DEFAULT_TITLE,
        r=result,
        font_stack=FONT_STACK,
        colors={"won": WON, "lost": LOST, "adj": ADJ, "ink": INK, "muted": MUTED},
        plotly_js=_plotly_js(),
        forest=Markup(forest) if forest else None,
        boxes=boxes,
        box_all_significant=all(s.significant for s in box_stats),
        archetype_chart=Markup(bars) if bars else None,
        rows=[_row(s) for s in ranked + untested],
        sig_bools=sum(1 for s in ranked if s.kind == "bool" and s.significant),
        excluded_total=sum(result.excluded.values()),
    )


def _timeline(analysis: Analysis) -> str:
    """Who spoke when: one bar per segment on a rep and a customer lane, objections marked in red."""
    import plotly.graph_objects as go

    conversation = analysis.conversation
    roles = {p.speaker: p.role for p in conversation.participants}
    tagged = {tag.segment: tag for tag in analysis.objections}
    fig = go.Figure()
    for role, color, lane in (("rep", ADJ, "销售 rep"), ("customer", WON, "客户 customer")):
        rows = [(i, s) for i, s in enumerate(conversation.segments) if roles[s.speaker] == role]
        fig.add_trace(
            go.Bar(
                base=[s.start for _, s in rows],
                x=[max(s.end - s.start, 0.8) for _, s in rows],  # chats have zero-length messages: keep them visible
                y=[lane] * len(rows),
                orientation="h",
                marker={"color": [LOST if i in tagged else color for i, _ in rows]},
                customdata=[[_plain(s.text[:80]), ", ".join(tagged[i].labels) if i in tagged else ""] for i, s in rows],
                hovertemplate="%{base:.0f}s: %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
                showlegend=False,
            )
        )
    fig.update_layout(**_layout(height=190, barmode="overlay", xaxis={"title": "秒 seconds"}))
    return _div(fig, "timeline")


def render_conversation_report(analysis: Analysis, *, title: str | None = None) -> str:
    """One conversation for a rep or coach: timeline, hints, every feature by group, the tagged transcript."""
    from markupsafe import Markup

    from behavior.features import FEATURES, GROUPS

    conversation = analysis.conversation
    roles = {p.speaker: p.role for p in conversation.participants}
    tagged = {tag.segment: tag for tag in analysis.objections}
    groups = [
        (english, chinese, [(f, analysis.features[f.key]) for f in FEATURES.values() if f.group == key])
        for key, (english, chinese) in GROUPS.items()
    ]
    transcript = [
        (s.start, roles[s.speaker], s.text, tagged[i].labels if i in tagged else []) for i, s in enumerate(conversation.segments)
    ]
    return _environment().get_template("conversation.html.j2").render(
        title=title or f"对话分析 · Conversation analysis: {conversation.id or conversation.channel}",
        c=conversation,
        a=analysis,
        groups=groups,
        transcript=transcript,
        timeline=Markup(_timeline(analysis)),
        plotly_js=_plotly_js(),
        font_stack=FONT_STACK,
        colors={"won": WON, "lost": LOST, "adj": ADJ, "ink": INK, "muted": MUTED},
    )
