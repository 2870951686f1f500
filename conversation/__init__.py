"""The one Conversation schema every dealwise package reads and writes (no heavy imports here)."""

from conversation.chat import chat_to_conversation, parse_chat_export

from conversation.schema import (
    Channel,
    Conversation,
    ConversationError,
    Outcome,
    Participant,
    Role,
    Segment,
    Word,
    conversation_json_schema,
    load_conversation,
    parse_conversation,
)
from conversation.units import spoken_units

__all__ = [
    "Channel",
    "Conversation",
    "ConversationError",
    "Outcome",
    "Participant",
    "Role",
    "Segment",
    "Word",
    "chat_to_conversation",
    "parse_chat_export",
    "conversation_json_schema",
    "load_conversation",
    "parse_conversation",
    "spoken_units",
]
