"""The canonical Conversation schema shared by every dealwise package.

Calls, meetings and chats all become one `Conversation`: participants with roles, and time-ordered
segments that each name a participant. Chats use the same shape (`start` = seconds since the first
message, `end` = `start`), so every analysis downstream works on both without special cases.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Role = Literal["rep", "customer", "other"]
Channel = Literal["call", "meeting", "chat"]
Outcome = Literal["won", "lost"]

# BCP-47 in the loose form real systems send: "zh", "en", "zh-CN", "yue-Hant-HK".
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class ConversationError(ValueError):
    """A conversation document that cannot be read or breaks the schema; the message names the field."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Word(_Model):
    start: float = Field(ge=0, description="Seconds from the start of the conversation.")
    end: float = Field(ge=0)
    text: str
    prob: float | None = Field(default=None, ge=0, le=1, description="Recognizer confidence, 0..1.")

    @model_validator(mode="after")
    def _ordered(self) -> Word:
        if self.end < self.start:
            raise ValueError("end < start")
        return self


class Segment(_Model):
    speaker: str = Field(min_length=1, description="Must name one of the participants.")
    start: float = Field(ge=0, description="Seconds from the start of the conversation.")
    end: float = Field(ge=0)
    text: str
    words: list[Word] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Segment:
        if self.end < self.start:
            raise ValueError("end < start")
        return self

    @property
    def duration(self) -> float:
        return self.end - self.start


class Participant(_Model):
    speaker: str = Field(min_length=1)
    role: Role
    name: str | None = None


class Conversation(_Model):
    id: str | None = None
    language: str = Field(description='BCP-47 tag: "zh", "en", ...')
    channel: Channel
    participants: list[Participant]
    segments: list[Segment]
    outcome: Outcome | None = None
    started_at: datetime | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("language")
    @classmethod
    def _bcp47(cls, value: str) -> str:
        if not _BCP47.match(value):
            raise ValueError(f"{value!r} is not a BCP-47 language tag (e.g. zh, en, zh-CN)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Conversation:
        speakers = [p.speaker for p in self.participants]
        duplicated = sorted({s for s in speakers if speakers.count(s) > 1})
        if duplicated:
            raise ValueError(f"participants: speaker {duplicated[0]!r} is listed twice")
        known = set(speakers)
        previous_start = 0.0
        for index, segment in enumerate(self.segments):
            if segment.speaker not in known:
                raise ValueError(
                    f"segments[{index}].speaker {segment.speaker!r} is not a participant "
                    f"(participants: {', '.join(sorted(known)) or 'none'})"
                )
            if segment.start < previous_start:
                raise ValueError(
                    f"segments[{index}].start {segment.start} is before the previous segment's start "
                    f"{previous_start}: segments must be in time order"
                )
            previous_start = segment.start
        return self

    def role_of(self, speaker: str) -> Role:
        for participant in self.participants:
            if participant.speaker == speaker:
                return participant.role
        raise KeyError(speaker)

    @property
    def duration(self) -> float:
        """Seconds from the first segment's start to the last segment's end (0 when empty)."""
        if not self.segments:
            return 0.0
        return max(s.end for s in self.segments) - self.segments[0].start


def _describe(error: ValidationError) -> str:
    """One line per problem, each naming the field the way a person writes it: segments[3].end."""
    lines = []
    for item in error.errors():
        path = ""
        for part in item["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        message = item["msg"].removeprefix("Value error, ")
        if message == "end < start":
            lines.append(f"{path}.end < start")
        elif path:
            lines.append(f"{path}: {message}")
        else:
            lines.append(message)
    return "; ".join(lines)


def parse_conversation(data: str | bytes | dict[str, Any]) -> Conversation:
    """Validate a JSON text or a decoded dict; raise ConversationError naming the offending field."""
    try:
        if isinstance(data, dict):
            return Conversation.model_validate(data)
        return Conversation.model_validate_json(data)
    except ValidationError as error:
        if any(item["type"] == "json_invalid" for item in error.errors()):
            raise ConversationError(f"invalid JSON: {error.errors()[0]['ctx']['error']}") from None
        raise ConversationError(_describe(error)) from None


def load_conversation(path: str | Path) -> Conversation:
    """Read a Conversation JSON file; errors name the file and the field."""
    path = Path(path)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise ConversationError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConversationError(f"{path}: is a directory, not a JSON file") from None
    try:
        json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConversationError(f"{path}: invalid JSON: {error}") from None
    try:
        return parse_conversation(text)
    except ConversationError as error:
        raise ConversationError(f"{path}: {error}") from None


def conversation_json_schema() -> dict[str, Any]:
    return Conversation.model_json_schema()
