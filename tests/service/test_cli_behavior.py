"""`dealwise features | objections classify | analyze`: the console script as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEALWISE = str(Path(sys.executable).parent / "dealwise")
CALLS = REPO / "tests" / "behavior" / "data"


def dealwise(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "DEALWISE_DATA_DIR": str(REPO / ".dealwise")}
    if isinstance(stdin, str):
        stdin = stdin.encode()
    return subprocess.run([DEALWISE, *args], input=stdin, capture_output=True, cwd=REPO, env=env, timeout=600)


def _fails_cleanly(result: subprocess.CompletedProcess, *fragments: str) -> None:
    stderr = result.stderr.decode()
    assert result.returncode != 0
    assert "Traceback" not in stderr and stderr.startswith("Error: ") and stderr.count("\n") == 1, stderr
    for fragment in fragments:
        assert fragment in stderr


def test_features_list_names_every_fixed_feature():
    out = dealwise("features", "--list").stdout.decode()
    for key in ("rep_talk_s", "talk_ratio", "longest_monologue_s", "interruption_count", "patience_s", "rep_open_question_count",
                "speaker_switches_per_min", "first_pain_point_latency_s", "objection_open_question_share", "next_step_set",
                "stall_trial_offer_latency_s", "stall_trial_offer_within_90s"):
        assert f"  {key} " in out
    assert out.rstrip().endswith("120 features")


def test_feature_docs_are_generated_from_the_registry():
    generated = dealwise("features", "--markdown").stdout.decode()
    assert (REPO / "docs" / "features.md").read_text(encoding="utf-8") == generated, "run: dealwise features --markdown > docs/features.md"


def test_objections_classify_keeps_order_and_never_tags_rep_turns():
    lines = [
        {"text": "价格太贵了，我们再考虑一下", "role": "customer"},
        {"text": "价格太贵了，我们再考虑一下", "role": "rep"},
        {"text": "I need to run this by my CFO.", "role": "customer"},
        {"text": "价格不是问题", "role": "customer"},
    ]
    result = dealwise("objections", "classify", "--detector", "lexicon", stdin="\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    assert result.returncode == 0, result.stderr.decode()
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [o["text"] for o in out] == [x["text"] for x in lines]
    assert [o["labels"] for o in out] == [["price", "stall"], [], ["authority"], []]
    assert out[0]["evidence"] == {"price": "太贵", "stall": "再考虑"} and out[1]["scores"] == {}


def test_objections_classify_rejects_a_bad_line():
    _fails_cleanly(dealwise("objections", "classify", stdin='{"text": "ok"}\n{"role": "customer"}\n'), "line 2", "text")
    _fails_cleanly(dealwise("objections", "classify", stdin='{"text": "hi", "role": "boss"}\n'), "line 1", "role")


def test_analyze_json_contract():
    result = dealwise("analyze", str(CALLS / "call_zh.json"), "--json", "--detector", "lexicon")
    assert result.returncode == 0, result.stderr.decode()
    analysis = json.loads(result.stdout)
    assert set(analysis) == {"conversation", "features", "objections", "objection_types", "hints"}
    assert analysis["objections"] == [
        {"segment": 5, "speaker": "B", "labels": ["price", "stall"], "scores": {"price": 1.0, "timing": 0.0, "stall": 1.0, "competitor": 0.0, "authority": 0.0, "need": 0.0, "trust": 0.0},
         "evidence": {"price": "太贵", "stall": "再考虑"}}
    ]
    assert analysis["objection_types"] == ["price", "stall"]
    assert analysis["features"]["stall_trial_offer_within_90s"] is True
    assert [h["key"] for h in analysis["hints"]] == ["talk_ratio_high"]


def test_analyze_a_chat_export(tmp_path):
    export = tmp_path / "wecom.jsonl"
    export.write_text(
        "\n".join(json.dumps(m, ensure_ascii=False) for m in [
            {"time": "2026-11-02T10:00:05", "from": "小李", "role": "rep", "text": "王总您好，我是云帆科技的小李。"},
            {"time": "2026-11-02T10:00:00", "from": "王总", "role": "customer", "text": "你好"},
            {"time": "2026-11-02T10:03:00", "from": "王总", "role": "customer", "text": "我们再考虑一下吧"},
            {"time": "2026-11-02T10:03:40", "from": "小李", "role": "rep", "text": "理解，要不先免费试用两周？"},
        ]),
        encoding="utf-8",
    )
    analysis = json.loads(dealwise("analyze", str(export), "--json", "--detector", "lexicon").stdout)
    assert analysis["conversation"]["channel"] == "chat"
    assert [s["start"] for s in analysis["conversation"]["segments"]] == [0.0, 5.0, 180.0, 220.0]
    assert analysis["features"]["stall_trial_offer_latency_s"] == 40.0


@pytest.mark.parametrize(
    ("document", "fragments"),
    [
        ({"language": "zh", "channel": "call", "participants": [{"speaker": "a", "role": "rep"}], "segments": []}, ["no segments"]),
        ({"language": "zh", "channel": "call", "participants": [{"speaker": "a", "role": "rep"}],
          "segments": [{"speaker": "a", "start": 0, "end": 1, "text": "喂？"}]}, ["role 'customer'"]),
        ({"language": "zh", "channel": "call", "participants": [{"speaker": "a", "role": "rep"}, {"speaker": "b", "role": "customer"}],
          "segments": [{"speaker": "a", "start": 5, "end": 6, "text": "x"}, {"speaker": "b", "start": 1, "end": 2, "text": "y"}]}, ["segments[1].start", "time order"]),
    ],
)
def test_analyze_rejects_unusable_conversations(tmp_path, document, fragments):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    _fails_cleanly(dealwise("analyze", str(path), "--detector", "lexicon"), *fragments)


def test_analyze_rejects_non_utf8(tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes('{"text": "价格太贵"}'.encode("gbk"))
    _fails_cleanly(dealwise("analyze", str(path), "--detector", "lexicon"), "not UTF-8")
