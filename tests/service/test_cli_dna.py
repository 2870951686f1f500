"""`dealwise synth` -> `dealwise dna`: a cohort with planted effects, analysed end to end through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEALWISE = str(Path(sys.executable).parent / "dealwise")
pytestmark = pytest.mark.slow


def dealwise(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "DEALWISE_DATA_DIR": str(REPO / ".dealwise")}
    return subprocess.run([DEALWISE, *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=900)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cohort") / "corpus.jsonl"
    assert dealwise("synth", "--n", "1500", "--seed", "7", "-o", str(path)).returncode == 0
    return path


def test_dna_recovers_the_planted_trial_offer_effect(corpus, tmp_path):
    report = tmp_path / "dna.html"
    result = dealwise("dna", str(corpus), "--json", "--out", str(report))
    assert result.returncode == 0, result.stderr
    dna = json.loads(result.stdout)
    assert dna["n_won"] + dna["n_lost"] == 1500
    stats = {s["key"]: s for s in dna["features"]}
    trial = stats["stall_trial_offer_within_90s"]
    assert trial["or_ci_low"] <= 4.7 <= trial["or_ci_high"] and trial["q"] < 0.001
    assert "stall_trial_offer_within_90s" in dna["top"][:3]
    assert stats["next_step_set"]["significant"] and stats["next_step_set"]["direction"] == "won"
    assert report.stat().st_size > 1_000_000 and "<script>" in report.read_text(encoding="utf-8")


def test_dna_finds_nothing_in_a_null_cohort(tmp_path):
    path = tmp_path / "null.jsonl"
    assert dealwise("synth", "--n", "1500", "--seed", "11", "--null", "-o", str(path)).returncode == 0
    dna = json.loads(dealwise("dna", str(path), "--json").stdout)
    assert [s["key"] for s in dna["features"] if s["significant"]] == []


def test_dna_counts_what_it_excludes_and_explains_one_sided_cohorts(corpus, tmp_path):
    lines = corpus.read_text(encoding="utf-8").splitlines()[:200]
    broken = [json.loads(line) for line in lines]
    for item in broken[:3]:
        item.pop("outcome")
    messy = tmp_path / "messy.jsonl"
    messy.write_text("\n".join([json.dumps(x, ensure_ascii=False) for x in broken] + ["{not json", "价格"]), encoding="utf-8")
    result = dealwise("dna", str(messy), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["excluded"] == {"missing outcome": 3, "invalid conversation": 2}
    assert "skipped" in result.stderr and "Traceback" not in result.stderr

    only_won = tmp_path / "won.jsonl"
    only_won.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in broken if x.get("outcome") == "won"), encoding="utf-8")
    result = dealwise("dna", str(only_won))
    assert result.returncode == 1 and "only won deals" in result.stderr and "Traceback" not in result.stderr

    assert "no such file" in dealwise("dna", str(tmp_path / "missing")).stderr
