"""`dealwise kb ...`: in-process with click's runner (fast embedder via settings), plus one real subprocess."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import HASH_BACKEND, PLAYBOOK
from service.cli import main
from service.config import get_settings


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALWISE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DEALWISE_EMBEDDING_BACKEND", HASH_BACKEND)
    monkeypatch.delenv("DEALWISE_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(main, ["kb", *args], catch_exceptions=False)
    get_settings.cache_clear()


def test_ingest_search_stats_feedback_heatmap(cli, tmp_path):
    result = cli("ingest", str(PLAYBOOK))
    assert result.exit_code == 0, result.output
    assert "6 ingested" in result.output
    assert "6 unchanged" in cli("ingest", str(PLAYBOOK)).output

    result = cli("search", "budget is frozen", "--k", "3", "--type", "price", "--json")
    hits = json.loads(result.stdout)
    assert result.exit_code == 0 and len(hits) == 3
    assert all(set(h) == {"id", "text", "source", "score", "metadata"} for h in hits)
    assert {h["metadata"]["objection_type"] for h in hits} == {"price"}
    text = cli("search", "预算", "--language", "zh", "--k", "2").output
    assert text.startswith("1. [") and "id=" in text

    stats = json.loads(cli("stats", "--json").stdout)
    assert stats["files"] == 6 and stats["embedder"] == HASH_BACKEND

    chunk = hits[0]["id"]
    assert cli("feedback", chunk, "shown", "--conversation", "c1").exit_code == 0
    assert cli("feedback", chunk, "used", "--conversation", "c1").exit_code == 0
    assert cli("outcome", "c1", "won").exit_code == 0
    table = cli("heatmap").output
    assert "price" in table and "1/1 100%" in table
    png, page = tmp_path / "h.png", tmp_path / "h.html"
    assert cli("heatmap", "-o", str(png)).exit_code == 0 and png.read_bytes()[:4] == b"\x89PNG"
    assert cli("heatmap", "-o", str(page)).exit_code == 0
    assert html.escape(hits[0]["metadata"]["section"]) in page.read_text(encoding="utf-8")


def test_bad_input_gives_one_error_line_and_nonzero_exit(cli, tmp_path):
    result = cli("search", "价格")
    assert result.exit_code == 1 and "Error: collection 'playbook' does not exist" in result.output

    empty = tmp_path / "empty.md"
    empty.write_text("")
    good = tmp_path / "good.md"
    good.write_text("# 价格异议\n\n话术：算一笔账。\n", encoding="utf-8")
    result = cli("ingest", str(good), str(empty))
    assert result.exit_code == 1 and f"Error: {empty}: empty file" in result.output
    assert "ingested  " in result.output  # the good file is kept and said so
    assert json.loads(cli("stats", "--json").stdout)["chunks"] == 1

    result = cli("ingest", str(tmp_path / "missing.pdf"))
    assert result.exit_code == 1 and "no such file or directory" in result.output and "missing.pdf" in result.output
    result = cli("feedback", "x", "clicked")
    assert result.exit_code == 2  # click's own usage error
    result = cli("heatmap", "-o", str(tmp_path / "h.svg"))
    assert result.exit_code == 1 and "Error:" in result.output
    for output in (result.output,):
        assert "Traceback" not in output


def test_subprocess_bad_pdf_exit_code_and_no_traceback(tmp_path):
    bad = tmp_path / "locked.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    env = {**os.environ, "DEALWISE_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "kb", "ingest", str(bad)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith(f"Error: {bad}: not a readable PDF")
    assert "Traceback" not in done.stderr
