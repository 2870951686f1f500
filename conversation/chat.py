"""Chat exports (WeCom, DingTalk, CRM dumps) as Conversations: channel "chat", start = end = seconds since the first message.

An export is a JSON array or JSONL of messages: {"time": ISO-8601 or seconds, "speaker" (or "from"),
"role": "rep"|"customer"|"other", "text" (or "content")}. Messages are put in time order.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from conversation.schema import Conversation, ConversationError, parse_conversation


def _message_time(value: Any, where: str) -> float | datetime:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ConversationError(f"{where}.time: expected ISO-8601 or seconds, got {value!r}")


def chat_to_conversation(messages: list[dict[str, Any]], *, language: str | None = None, conversation_id: str | None = None) -> Conversation:
    if not messages:
        raise ConversationError("the chat export has no messages")
    parsed = []
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, dict):
            raise ConversationError(f"{where}: expected an object with time, speaker, role, text")
        speaker = message.get("speaker") or message.get("from")
        text = message.get("text", message.get("content"))
        if not speaker or text is None:
            raise ConversationError(f"{where}: needs 'speaker' (or 'from') and 'text' (or 'content')")
        parsed.append((_message_time(message.get("time", index), where), str(speaker), message.get("role", "other"), str(text)))
    kinds = {type(time) for time, *_ in parsed}
    if len(kinds) > 1:
        raise ConversationError("messages mix ISO-8601 and numeric times; use one kind")
    parsed.sort(key=lambda m: m[0])
    first = parsed[0][0]
    roles: dict[str, str] = {}
    segments = []
    for time, speaker, role, text in parsed:
        roles.setdefault(speaker, role)
        offset = (time - first).total_seconds() if isinstance(time, datetime) else time - first
        segments.append({"speaker": speaker, "start": offset, "end": offset, "text": text})
    text_sample = "".join(m[3] for m in parsed)
    data = {
        "id": conversation_id,
        "language": language or ("zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text_sample) else "en"),
        "channel": "chat",
        "participants": [{"speaker": s, "role": r} for s, r in roles.items()],
        "segments": segments,
        "started_at": first.isoformat() if isinstance(first, datetime) else None,
    }
    return parse_conversation(data)


def parse_chat_export(text: str) -> list[dict[str, Any]]:
    """Messages from a JSON array or JSONL text."""
    stripped = text.strip()
    try:
        if stripped.startswith("["):
            return json.loads(stripped)
        return [json.loads(line) for line in stripped.splitlines() if line.strip()]
    except json.JSONDecodeError as error:
        raise ConversationError(f"invalid chat export JSON: {error}") from None
