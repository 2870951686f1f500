"""The script-usage heatmap: scripts (rows) x objection types (columns), coloured by the win rate of the
conversations where the script was used, each cell annotated with how often it was used.

Renderers register by file suffix (.png with matplotlib, .html self-contained with inline CSS); the
text table is for the terminal.
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from knowledge_base.models import KnowledgeBaseError
from knowledge_base.usage import HeatmapCell

TAXONOMY = ("price", "timing", "stall", "competitor", "authority", "need", "trust")
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC")
Renderer = Callable[[list[HeatmapCell], Path, str], None]
RENDERERS: dict[str, Renderer] = {}


def renderer(*suffixes: str):
    def add(function: Renderer) -> Renderer:
        for suffix in suffixes:
            RENDERERS[suffix] = function
        return function

    return add


def grid(cells: list[HeatmapCell]) -> tuple[list[tuple[str, str]], list[str], dict[tuple[str, str], HeatmapCell]]:
    """Rows (chunk id, label) by total use, columns in taxonomy order then others, cells by (chunk id, type)."""
    if not cells:
        raise KnowledgeBaseError("no usage recorded yet: record events with `dealwise kb feedback` (or UsageLog.record)")
    totals: dict[str, int] = {}
    labels: dict[str, str] = {}
    for cell in cells:
        totals[cell.chunk_id] = totals.get(cell.chunk_id, 0) + cell.used * 10 + cell.shown
        if cell.chunk_id not in labels or labels[cell.chunk_id] == cell.chunk_id:  # a real label beats the id
            labels[cell.chunk_id] = cell.script
    rows = [(chunk_id, labels[chunk_id]) for chunk_id in sorted(totals, key=lambda c: (-totals[c], labels[c]))]
    present = {cell.objection_type for cell in cells}
    columns = [t for t in TAXONOMY if t in present] + sorted(present - set(TAXONOMY))
    return rows, columns, {(cell.chunk_id, cell.objection_type): cell for cell in cells}


def _uses(cell: HeatmapCell) -> str:
    """'used 2/3' (used of shown); just 'used 2' when shows were not recorded."""
    return f"used {cell.used}/{cell.shown}" if cell.shown >= cell.used else f"used {cell.used}"


def _short(label: str, width: int = 28) -> str:
    label = " ".join(label.split())
    return label if len(label) <= width else label[: width - 1] + "…"


def render(cells: list[HeatmapCell], path: str | os.PathLike, title: str = "Script usage x objection type") -> Path:
    """Write the heatmap to `path` (.png or .html, by suffix), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in RENDERERS:
        raise KnowledgeBaseError(f"{path}: unsupported heatmap format {suffix or '(no suffix)'!r}; use {' or '.join(sorted(RENDERERS))}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        RENDERERS[suffix](cells, Path(tmp), title)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


@renderer(".png")
def render_png(cells: list[HeatmapCell], path: Path, title: str) -> None:
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    rows, columns, by_key = grid(cells)
    rates = np.full((len(rows), len(columns)), np.nan)
    for r, (chunk_id, _) in enumerate(rows):
        for c, column in enumerate(columns):
            cell = by_key.get((chunk_id, column))
            if cell is not None and cell.win_rate is not None:
                rates[r, c] = cell.win_rate
    font = _cjk_font()
    # Without a CJK font Chinese labels render as boxes: still a valid chart, and a warning per glyph is noise.
    style = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "axes.unicode_minus": False}
    with plt.rc_context(style), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figure, axes = plt.subplots(figsize=(2.0 + 1.3 * len(columns), 1.2 + 0.45 * len(rows)), dpi=110)
        colours = matplotlib.colormaps["RdYlGn"].copy()
        colours.set_bad("#e5e5e5")
        image = axes.imshow(np.ma.masked_invalid(rates), cmap=colours, vmin=0, vmax=1, aspect="auto")
        axes.set_xticks(range(len(columns)), columns)
        axes.set_yticks(range(len(rows)), [_short(label) for _, label in rows])
        axes.xaxis.tick_top()
        for r, (chunk_id, _) in enumerate(rows):
            for c, column in enumerate(columns):
                cell = by_key.get((chunk_id, column))
                if cell is None:
                    continue
                rate = "-" if cell.win_rate is None else f"{cell.win_rate:.0%}"
                axes.text(c, r, f"{_uses(cell)}\nwin {rate}", ha="center", va="center", fontsize=7)
        figure.colorbar(image, ax=axes, fraction=0.04, pad=0.02, label="win rate where used")
        axes.set_title(title, fontsize=10, pad=24)
        figure.tight_layout()
        figure.savefig(path, format="png")
        plt.close(figure)


@renderer(".html", ".htm")
def render_html(cells: list[HeatmapCell], path: Path, title: str) -> None:
    rows, columns, by_key = grid(cells)
    head = "".join(f"<th>{html.escape(column)}</th>" for column in columns)
    body = []
    for chunk_id, label in rows:
        tds = []
        for column in columns:
            cell = by_key.get((chunk_id, column))
            if cell is None:
                tds.append("<td class='empty'></td>")
                continue
            rate = cell.win_rate
            colour = "#e5e5e5" if rate is None else f"hsl({int(rate * 120)}, 65%, 72%)"
            shown_rate = "–" if rate is None else f"{rate:.0%}"
            tip = f"shown {cell.shown}, used {cell.used}, ignored {cell.ignored}, won {cell.won}, lost {cell.lost}"
            tds.append(
                f"<td style='background:{colour}' title='{html.escape(tip)}' data-used='{cell.used}' data-win-rate='{'' if rate is None else f'{rate:.4f}'}'>"
                f"{_uses(cell)}<br>win {shown_rate}</td>"
            )
        body.append(f"<tr><th class='script' title='{html.escape(chunk_id)}'>{html.escape(label)}</th>{''.join(tds)}</tr>")
    document = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; margin: 24px; color: #222; }}
table {{ border-collapse: collapse; font-size: 13px; }}
th, td {{ border: 1px solid #ccc; padding: 6px 10px; text-align: center; }}
th.script {{ text-align: left; font-weight: normal; max-width: 420px; }}
td.empty {{ background: #fafafa; }}
p.note {{ color: #666; font-size: 12px; }}
</style></head><body>
<h1 style="font-size:18px">{html.escape(title)}</h1>
<p class="note">Each cell: times used / times shown, and the win rate of the conversations where the script was used
(green = high, red = low, grey = no outcome reported yet). Hover for all counts.</p>
<table><thead><tr><th>script</th>{head}</tr></thead><tbody>
{chr(10).join(body)}
</tbody></table></body></html>
"""
    path.write_text(document, encoding="utf-8")


def text_table(cells: list[HeatmapCell]) -> str:
    rows, columns, by_key = grid(cells)
    lines = ["script".ljust(30) + "".join(column[:12].ljust(14) for column in columns)]
    for chunk_id, label in rows:
        line = _short(label, 28).ljust(30)
        for column in columns:
            cell = by_key.get((chunk_id, column))
            if cell is None:
                line += "".ljust(14)
            else:
                rate = "-" if cell.win_rate is None else f"{cell.win_rate:.0%}"
                line += f"{_uses(cell).removeprefix('used ')} {rate}".ljust(14)
        lines.append(line)
    lines.append("(cells: times used/shown, and the win rate of the conversations where the script was used)")
    return "\n".join(lines)
