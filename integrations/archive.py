"""WeCom 会话内容存档 (chat archive) exports -> one Conversation per chat.

Input: JSON lines, one decrypted archive message per line, as the archive SDK's GetChatData + DecryptData
return them, e.g.
    {"msgid": "…", "action": "send", "from": "zhangsan", "tolist": ["wmXyz…"], "roomid": "",
     "msgtime": 1547087894783, "msgtype": "text", "text": {"content": "你好"}}
- A chat is its `roomid` (group chats) or, for one-to-one chats, the unordered pair of `from` and `tolist[0]`.
- Roles: ids starting "wo"/"wm" are external contacts (customers); internal ids are reps — all of them, or
  with `rep_ids` only those listed (other colleagues become "other"); robot ids ("wb…") are "other".
- Non-text messages (image, voice, file, link, …) become placeholders such as "[image]" or "[file] 报价.pdf"
  (so turn-taking and timing stay right), or are dropped with non_text="skip". Markdown messages count as text.
- `action: "recall"` removes the recalled message (`revoke.pre_msgid`) if the file holds it: the transcript shows
  what both sides are left with. `action: "switch"` (a user switching enterprise) carries no message: skipped.
- A repeated msgid (overlapping pulls) is kept once. A line that is not a JSON object, or lacks the fields its
  action needs, is skipped and reported with its line number; it never stops the import.
- The file must be UTF-8 (a BOM is allowed); anything else is one clear error naming the line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from conversation import Conversation, chat_to_conversation
from integrations.errors import ArchiveError
from integrations.messages import placeholder, role_for

NonText = Literal["placeholder", "skip"]


class BadLine(BaseModel):
    line: int
    reason: str


class ArchiveSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: int = 0
    messages: int = 0  # messages that ended up in a conversation
    conversations: int = 0
    placeholders: int = 0
    skipped_non_text: int = 0
    recalled: int = 0  # messages removed because a recall record names them
    duplicates: int = 0
    events: int = 0  # switch records and other lines that carry no message
    bad_lines: list[BadLine] = []


class ArchiveImport(BaseModel):
    conversations: list[Conversation]
    summary: ArchiveSummary


# msgtype -> the text it contributes; each returns None when the record lacks the field it needs.
def _field(*path: str) -> Callable[[dict[str, Any]], str | None]:
    def get(record: dict[str, Any]) -> str | None:
        value: Any = record
        for key in path:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value if isinstance(value, str) else None

    return get


TEXT_TYPES: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "text": _field("text", "content"),
    "markdown": _field("info", "content"),
}
# Non-text types whose placeholder names the thing sent (a file name tells a reader more than "[file]").
PLACEHOLDER_DETAILS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "file": _field("file", "filename"),
    "link": _field("link", "title"),
    "weapp": _field("weapp", "title"),
    "location": _field("location", "title"),
    "docmsg": _field("doc", "title"),
}


def _msgtime(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ArchiveError(
            f"{source}: not UTF-8 text (line {line}, byte {error.start}: {data[error.start:error.start + 1]!r}); "
            "export the archive as UTF-8 JSON lines"
        ) from None


def _chat_key(record: dict[str, Any], sender: str) -> str | None:
    room = record.get("roomid")
    if isinstance(room, str) and room.strip():
        return f"room:{room.strip()}"
    tolist = record.get("tolist")
    if isinstance(tolist, str):  # some exporters flatten a one-element list
        tolist = [tolist]
    if not isinstance(tolist, list) or not tolist or not isinstance(tolist[0], str) or not tolist[0]:
        return None
    first, second = sorted([sender, tolist[0]])
    return f"single:{first}:{second}"


def import_wecom_archive(
    source: str | Path | bytes,
    *,
    rep_ids: Iterable[str] | None = None,
    non_text: NonText = "placeholder",
    name: str | None = None,
) -> ArchiveImport:
    """Read an archive export (a path, or its bytes) into Conversations, in order of each chat's first message."""
    if non_text not in ("placeholder", "skip"):
        raise ArchiveError(f"non_text must be 'placeholder' or 'skip', not {non_text!r}")
    if isinstance(source, bytes):
        label, data = name or "archive", source
    else:
        path = Path(source)
        label = name or str(path)
        if path.is_dir():
            raise ArchiveError(f"{label}: is a directory, not a JSON lines file")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ArchiveError(f"{label}: no such file") from None
    text = _decode(data, label)
    reps = set(rep_ids) if rep_ids is not None else None

    summary = ArchiveSummary()
    # chat key -> list of (msgtime, line, msgid, sender, text)
    chats: dict[str, list[tuple[int, int, str, str, str]]] = {}
    seen: set[str] = set()  # msgids, for duplicates
    recalled: set[str] = set()

    def bad(line: int, reason: str) -> None:
        summary.bad_lines.append(BadLine(line=line, reason=reason))

    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        summary.lines += 1
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            bad(number, f"invalid JSON: {error.msg} at column {error.colno}")
            continue
        if not isinstance(record, dict):
            bad(number, f"expected a JSON object, got {type(record).__name__}")
            continue
        action = record.get("action", "send")
        if action == "switch":
            summary.events += 1
            continue
        if action == "recall":
            pre = record.get("revoke", {}).get("pre_msgid") if isinstance(record.get("revoke"), dict) else None
            if not isinstance(pre, str) or not pre:
                bad(number, "recall without revoke.pre_msgid")
                continue
            recalled.add(pre)  # applied at the end: a recall may come before the message in the file
            continue
        if action != "send":
            bad(number, f"unknown action {action!r}")
            continue
        msgid, sender, msgtype = record.get("msgid"), record.get("from"), record.get("msgtype")
        msgtime = _msgtime(record.get("msgtime"))
        missing = [k for k, v in (("msgid", msgid), ("from", sender), ("msgtype", msgtype)) if not isinstance(v, str) or not v]
        if msgtime is None:
            missing.append("msgtime (milliseconds)")
        if missing:
            bad(number, f"missing or invalid {', '.join(missing)}")
            continue
        key = _chat_key(record, sender)
        if key is None:
            bad(number, "neither roomid nor tolist names the chat")
            continue
        if msgid in seen:
            summary.duplicates += 1
            continue
        seen.add(msgid)
        if msgtype in TEXT_TYPES:
            content = TEXT_TYPES[msgtype](record)
            if content is None:
                bad(number, f"{msgtype} message without its content")
                continue
        elif non_text == "skip":
            summary.skipped_non_text += 1
            continue
        else:
            detail = PLACEHOLDER_DETAILS.get(msgtype, lambda _: None)(record)
            content = f"{placeholder(msgtype)} {detail}" if detail else placeholder(msgtype)
            summary.placeholders += 1
        chats.setdefault(key, []).append((msgtime, number, msgid, sender, content))

    for key in list(chats):
        kept = [m for m in chats[key] if m[2] not in recalled]
        summary.recalled += len(chats[key]) - len(kept)
        if kept:
            chats[key] = kept
        else:  # every message in it was recalled
            del chats[key]
    conversations = []
    for key, messages in sorted(chats.items(), key=lambda item: min((m[0], m[1]) for m in item[1])):
        messages.sort(key=lambda m: (m[0], m[1]))
        conversation = chat_to_conversation(
            [
                {"time": datetime.fromtimestamp(t / 1000, tz=UTC).isoformat(), "speaker": s,
                 "role": role_for(s, reps), "text": c}
                for t, _, _, s, c in messages
            ],
            conversation_id=f"wecom-archive:{key}",
        )
        metadata = {"source": "wecom-archive", "chat": key, "message_ids": [m[2] for m in messages]}
        if key.startswith("room:"):
            metadata["roomid"] = key.removeprefix("room:")
        conversations.append(conversation.model_copy(update={"metadata": metadata}))
        summary.messages += len(messages)
    summary.conversations = len(conversations)
    if not conversations:
        first = f"; line {summary.bad_lines[0].line}: {summary.bad_lines[0].reason}" if summary.bad_lines else ""
        raise ArchiveError(f"{label}: no importable messages ({summary.lines} lines, {len(summary.bad_lines)} bad{first})")
    return ArchiveImport(conversations=conversations, summary=summary)
