"""Open a self-contained HTML page in headless Debian Chromium and report what a reader would see."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


@dataclass
class RenderedPage:
    body: str  # visible text
    charts: int  # plotly containers
    rendered_charts: int  # containers that plotly turned into an SVG chart
    errors: list[str]  # console errors, page errors and any network request


def render_in_chromium(html: str, directory: Path, name: str) -> RenderedPage:
    """Render, wait for every chart, save `name`.png (full page) next to `name`.html."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    path = directory / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else errors.append(f"network request {r.url}"))
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function(
                "[...document.querySelectorAll('.plotly-graph-div')]"
                ".every(d => d.classList.contains('js-plotly-plot') && d.querySelector('.main-svg'))",
                timeout=20_000,
            )
            charts = page.locator(".plotly-graph-div").count()
            rendered = page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].filter(d => d.querySelector('.main-svg')).length")
            body = page.inner_text("body")
            page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
        finally:
            browser.close()
    return RenderedPage(body, charts, rendered, errors)
