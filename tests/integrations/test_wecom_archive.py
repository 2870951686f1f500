"""WeCom 会话内容存档 JSON lines -> Conversations: a known answer on a small hand-written fixture, and bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from integrations import ArchiveError, import_wecom_archive
from service.cli_integrations import COMMANDS, import_group

FIXTURE = Path(__file__).parent / "data" / "wecom_archive.jsonl"
T0 = datetime.fromtimestamp(1_700_000_000, tz=UTC)


def _turns(conversation):
    roles = {p.speaker: p.role for p in conversation.participants}
    return [(s.start, s.speaker, roles[s.speaker], s.text) for s in conversation.segments]


def test_known_answer_with_rep_ids():
    result = import_wecom_archive(FIXTURE, rep_ids=["zhangsan", "lisi"])
    single, room = result.conversations
    assert single.id == "wecom-archive:single:wmCust1:zhangsan"
    assert (single.channel, single.language, single.started_at) == ("chat", "zh", T0)
    assert _turns(single) == [
        (0.0, "zhangsan", "rep", "王总您好，我是云帆科技的张三"),
        (30.0, "wmCust1", "customer", "你好，报价发我看看"),
        (60.0, "zhangsan", "rep", "好的，稍等"),  # line 6, but earlier than line 5's file: time order wins
        (90.0, "zhangsan", "rep", "[file] 报价单.pdf"),
    ]
    assert single.metadata == {"source": "wecom-archive", "chat": "single:wmCust1:zhangsan",
                               "message_ids": ["m01", "m02", "m04", "m03"]}
    assert room.id == "wecom-archive:room:wrRoom1" and room.metadata["roomid"] == "wrRoom1"
    assert room.started_at == datetime.fromtimestamp(1_700_000_100, tz=UTC)
    assert _turns(room) == [
        (0.0, "woCust2", "customer", "试用账号什么时候开通？"),
        (60.0, "lisi", "rep", "今天下午就开通"),
        (70.0, "woCust2", "customer", "[image]"),
        (80.0, "wangwu", "other", "我是技术支持王五，有问题找我"),  # internal, but not in --rep-ids
        # g05 "发错了" was recalled
        (100.0, "lisi", "rep", "**开通步骤**：见附件"),
    ]
    s = result.summary
    assert (s.lines, s.messages, s.conversations) == (18, 9, 2)  # 19 lines, one blank
    assert (s.placeholders, s.skipped_non_text, s.recalled, s.duplicates, s.events) == (2, 0, 1, 1, 1)
    assert [(b.line, b.reason.split(":")[0]) for b in s.bad_lines] == [
        (4, "invalid JSON"),
        (15, "missing or invalid msgtime (milliseconds)"),
        (16, "neither roomid nor tolist names the chat"),
        (17, "text message without its content"),
        (18, "expected a JSON object, got list"),
    ]


def test_without_rep_ids_every_internal_id_is_a_rep_and_skip_drops_non_text():
    result = import_wecom_archive(FIXTURE, non_text="skip")
    room = result.conversations[1]
    assert {p.speaker: p.role for p in room.participants} == {"woCust2": "customer", "lisi": "rep", "wangwu": "rep"}
    assert all(not s.text.startswith("[") for c in result.conversations for s in c.segments)
    assert (result.summary.placeholders, result.summary.skipped_non_text, result.summary.messages) == (0, 2, 7)


def test_a_recall_before_its_message_still_removes_it():
    lines = [
        {"msgid": "r", "action": "recall", "from": "a", "tolist": ["wmB"], "roomid": "", "msgtime": 2, "msgtype": "revoke",
         "revoke": {"pre_msgid": "x"}},
        {"msgid": "x", "action": "send", "from": "a", "tolist": ["wmB"], "roomid": "", "msgtime": 1, "msgtype": "text",
         "text": {"content": "oops"}},
        {"msgid": "y", "action": "send", "from": "wmB", "tolist": ["a"], "roomid": "", "msgtime": 3, "msgtype": "text",
         "text": {"content": "hi"}},
    ]
    result = import_wecom_archive("\n".join(json.dumps(line) for line in lines).encode())
    assert [s.text for s in result.conversations[0].segments] == ["hi"] and result.summary.recalled == 1


def test_non_utf8_is_one_clear_error(tmp_path):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(FIXTURE.read_bytes().split(b"\n")[0] + b"\n" + '{"text":"你好"}'.encode("gbk") + b"\n")
    with pytest.raises(ArchiveError, match=r"not UTF-8 text \(line 2"):
        import_wecom_archive(path)


def test_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + FIXTURE.read_bytes())
    assert import_wecom_archive(path).summary.bad_lines[0].line == 4


@pytest.mark.parametrize("content", [b"", b"\n\n", b"garbage\n[]\n"])
def test_nothing_importable_is_an_error(tmp_path, content):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(content)
    with pytest.raises(ArchiveError, match="no importable messages"):
        import_wecom_archive(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ArchiveError, match="no such file"):
        import_wecom_archive(tmp_path / "nope.jsonl")
    with pytest.raises(ArchiveError, match="directory"):
        import_wecom_archive(tmp_path)


# --- the CLI (registered by service/cli.py; invoked here through its own group) ------------------------------------


def run(*args: str):
    return CliRunner().invoke(import_group, list(args), catch_exceptions=False)


def test_cli_writes_one_file_per_chat(tmp_path):
    assert import_group in COMMANDS  # registered by service/cli.py, next to `dealwise integrations`
    result = run("wecom-archive", str(FIXTURE), "--rep-ids", "zhangsan,lisi", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").glob("*.json"))
    assert [f.name.rsplit("-", 1)[0] for f in files] == ["room_wrRoom1", "single_wmCust1_zhangsan"]
    room = json.loads(files[0].read_text(encoding="utf-8"))
    assert room["id"] == "wecom-archive:room:wrRoom1" and len(room["segments"]) == 5
    assert "imported 2 conversation(s), 9 message(s)" in result.stderr and "5 bad line(s)" in result.stderr
    assert "  line 4: invalid JSON" in result.stderr


def test_cli_prints_json_lines_without_output_dir():
    result = run("wecom-archive", str(FIXTURE), "--non-text", "skip")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [c["id"] for c in lines] == ["wecom-archive:single:wmCust1:zhangsan", "wecom-archive:room:wrRoom1"]


def test_cli_bad_input_is_one_error_line(tmp_path):
    gbk = tmp_path / "gbk.jsonl"
    gbk.write_bytes("你好".encode("gbk"))
    for path in (gbk, tmp_path / "missing.jsonl"):
        result = run("wecom-archive", str(path))
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1 and "Traceback" not in result.output
