"""Incoming chat messages from WeCom and DingTalk as one typed `IncomingMessage`, and their place in a Conversation.

A chat's Conversation (channel "chat") is keyed by (tenant, platform, chat id); each message becomes one segment
with start = end = seconds since the conversation's first message, as `conversation/chat.py` lays chats out.
Platforms redeliver callbacks they think were lost (WeCom retries three times within seconds), so
`append_message` remembers message ids in the conversation's metadata and ignores a second delivery.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from conversation import Conversation, Role, parse_conversation
from integrations.errors import CryptoError, MessageError
from integrations.wecom import xml_fields

Platform = Literal["wecom", "dingtalk"]

# WeCom external contacts (WeChat users, other companies' staff) have ids starting "wo" or "wm"; robots "wb".
EXTERNAL_PREFIXES = ("wo", "wm")
ROBOT_PREFIXES = ("wb",)


class IncomingMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    platform: Platform
    msg_id: str = Field(min_length=1)
    chat_id: str = Field(min_length=1, description="The chat this message belongs to: a group id or the peer's id.")
    sender: str = Field(min_length=1)
    sender_name: str | None = None
    role: Role
    text: str
    time: datetime = Field(description="When the platform says it was sent (UTC).")
    msg_type: str = "text"


def role_for(user_id: str, rep_ids: Iterable[str] | None = None) -> Role:
    """customer for WeCom external ids (wo…/wm…); rep for internal ids (all of them, or only those in rep_ids)."""
    if user_id.startswith(EXTERNAL_PREFIXES):
        return "customer"
    if user_id.startswith(ROBOT_PREFIXES):
        return "other"
    if rep_ids is None:
        return "rep"
    return "rep" if user_id in set(rep_ids) else "other"


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def placeholder(msg_type: str) -> str:
    """How a non-text message reads in a transcript: the analysis sees that something was sent, not what."""
    return f"[{msg_type}]"


# --- WeCom: application callback XML (after WeComCrypto.decrypt_message) -------------------------------------


def parse_wecom_xml(body: str | bytes, *, rep_ids: Iterable[str] | None = None) -> IncomingMessage | None:
    """A decrypted WeCom app-message XML -> IncomingMessage; None for events (subscribe, enter_agent, …)."""
    try:
        fields = xml_fields(body)
    except CryptoError as error:
        raise MessageError(str(error).replace("callback body", "WeCom message")) from None
    msg_type = fields.get("MsgType", "").strip()
    if not msg_type:
        raise MessageError("WeCom message has no <MsgType>")
    if msg_type == "event":
        return None
    missing = [tag for tag in ("FromUserName", "CreateTime", "MsgId") if not fields.get(tag, "").strip()]
    if missing:
        raise MessageError(f"WeCom {msg_type} message lacks {', '.join('<' + m + '>' for m in missing)}")
    try:
        created = _utc(int(fields["CreateTime"].strip()))
    except (ValueError, OverflowError, OSError):
        raise MessageError(f"WeCom <CreateTime> is not a Unix time: {fields['CreateTime']!r}") from None
    sender = fields["FromUserName"].strip()
    text = fields.get("Content", "") if msg_type == "text" else placeholder(msg_type)
    return IncomingMessage(
        platform="wecom",
        msg_id=fields["MsgId"].strip(),
        chat_id=sender,  # an app message is a one-to-one chat between the sender and the app
        sender=sender,
        role=role_for(sender, rep_ids),
        text=text,
        time=created,
        msg_type=msg_type,
    )


# --- DingTalk: outgoing robot JSON and decrypted event JSON --------------------------------------------------


def _robot_text(data: dict[str, Any], msg_type: str) -> str:
    content = data.get(msg_type) if msg_type != "text" else data.get("text")
    if msg_type == "text" and isinstance(content, dict):
        return str(content.get("content", "")).strip()  # DingTalk keeps the space left by the @mention
    if msg_type == "audio" and isinstance(data.get("content"), dict):
        recognition = data["content"].get("recognition")
        if recognition:
            return str(recognition)  # DingTalk's own speech-to-text of the voice message
    return placeholder(msg_type)


def _load_json(data: dict[str, Any] | str | bytes, what: str) -> dict[str, Any]:
    if isinstance(data, dict):
        return data
    try:
        loaded = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError) as error:
        raise MessageError(f"{what} is not JSON: {error}") from None
    if not isinstance(loaded, dict):
        raise MessageError(f"{what} must be a JSON object")
    return loaded


def parse_dingtalk_robot(data: dict[str, Any] | str | bytes, *, rep_ids: Iterable[str] | None = None) -> IncomingMessage:
    """An outgoing-robot (or Stream-mode robot) message -> IncomingMessage.

    Members of the robot's own organization carry `senderStaffId` (reps, or "other" when not in rep_ids);
    people from outside it do not, and are customers.
    """
    data = _load_json(data, "DingTalk robot message")
    missing = [key for key in ("msgId", "conversationId", "createAt", "msgtype") if data.get(key) in (None, "")]
    if missing:
        raise MessageError(f"DingTalk robot message lacks {', '.join(missing)}")
    staff_id = data.get("senderStaffId") or None
    sender = staff_id or data.get("senderId")
    if not sender:
        raise MessageError("DingTalk robot message lacks senderStaffId and senderId")
    if staff_id:
        role: Role = "rep" if rep_ids is None or staff_id in set(rep_ids) else "other"
    else:
        role = "customer"
    try:
        created = _utc(int(data["createAt"]) / 1000)
    except (TypeError, ValueError, OverflowError, OSError):
        raise MessageError(f"DingTalk createAt is not a millisecond time: {data['createAt']!r}") from None
    msg_type = str(data["msgtype"])
    return IncomingMessage(
        platform="dingtalk",
        msg_id=str(data["msgId"]),
        chat_id=str(data["conversationId"]),
        sender=str(sender),
        sender_name=data.get("senderNick") or None,
        role=role,
        text=_robot_text(data, msg_type),
        time=created,
        msg_type=msg_type,
    )


def parse_dingtalk_event(data: dict[str, Any] | str | bytes, *, rep_ids: Iterable[str] | None = None) -> IncomingMessage | None:
    """A decrypted event-subscription payload -> IncomingMessage, or None for events that carry no chat text.

    DingTalk's HTTP event subscription delivers organization events (check_url, user_add_org, chat_disband, …)
    without message text; chat text reaches us as robot messages, which arrive in the robot JSON shape either
    directly or wrapped in an event. Both are accepted here so one callback route can serve both.
    """
    data = _load_json(data, "DingTalk event")
    if "msgtype" in data and "conversationId" in data:
        return parse_dingtalk_robot(data, rep_ids=rep_ids)
    for key in ("data", "Data", "message"):
        inner = data.get(key)
        if isinstance(inner, str):
            try:
                inner = json.loads(inner)
            except json.JSONDecodeError:
                continue
        if isinstance(inner, dict) and "msgtype" in inner and "conversationId" in inner:
            return parse_dingtalk_robot(inner, rep_ids=rep_ids)
    if "EventType" not in data and "eventType" not in data:
        raise MessageError("DingTalk event has neither EventType nor a robot message")
    return None


PARSERS: dict[str, Callable[..., IncomingMessage | None]] = {
    "wecom-xml": parse_wecom_xml,
    "dingtalk-robot": parse_dingtalk_robot,
    "dingtalk-event": parse_dingtalk_event,
}


# --- into a Conversation ---------------------------------------------------------------------------------------


def conversation_id(tenant: str, platform: str, chat_id: str) -> str:
    return f"{tenant}:{platform}:{chat_id}"


def _language(text: str) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"


def append_message(conversation: Conversation | None, message: IncomingMessage, *, tenant: str) -> Conversation:
    """The chat's Conversation with `message` in time order (a new one when `conversation` is None).

    Returns the conversation unchanged when the message id was already appended (a redelivered callback).
    A message older than the conversation's first one moves the origin back, so offsets stay >= 0.
    """
    key = conversation_id(tenant, message.platform, message.chat_id)
    segment = {"speaker": message.sender, "start": 0.0, "end": 0.0, "text": message.text}
    participant = {"speaker": message.sender, "role": message.role}
    if message.sender_name:
        participant["name"] = message.sender_name
    if conversation is None:
        return parse_conversation(
            {
                "id": key,
                "language": _language(message.text),
                "channel": "chat",
                "participants": [participant],
                "segments": [segment],
                "started_at": message.time.isoformat(),
                "metadata": {"tenant": tenant, "platform": message.platform, "chat_id": message.chat_id,
                             "message_ids": [message.msg_id]},
            }
        )
    if conversation.channel != "chat":
        raise MessageError(f"conversation {conversation.id!r} is a {conversation.channel}, not a chat")
    if conversation.started_at is None:
        raise MessageError(f"conversation {conversation.id!r} has no started_at, so a timed message has no place in it")
    seen = list(conversation.metadata.get("message_ids", []))
    if message.msg_id in seen:
        return conversation
    data = conversation.model_dump(mode="json")
    started = conversation.started_at if conversation.started_at.tzinfo else conversation.started_at.replace(tzinfo=UTC)
    offset = (message.time - started).total_seconds()
    if offset < 0:  # late delivery of an earlier message: shift everything so the new first message is at 0
        for existing in data["segments"]:
            existing["start"] -= offset
            existing["end"] -= offset
        data["started_at"] = message.time.isoformat()
        offset = 0.0
    segment["start"] = segment["end"] = offset
    position = bisect.bisect_right([s["start"] for s in data["segments"]], offset)
    data["segments"].insert(position, segment)
    if all(p["speaker"] != message.sender for p in data["participants"]):
        data["participants"].append(participant)
    data["metadata"] = {**data.get("metadata", {}), "message_ids": [*seen, message.msg_id]}
    return parse_conversation(data)
