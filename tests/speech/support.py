"""Paths, reference texts and small helpers shared by the speech tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from conversation import Conversation

REPO = Path(__file__).resolve().parents[2]
SHARED_SPEECH = REPO.parent / "shared" / "data" / "speech"
SAMPLE_CALL = REPO / "examples" / "sample_call_zh.flac"
SAMPLE_REFERENCE = REPO / "examples" / "sample_call_zh.json"
# reference transcripts from shared/data/speech/README.md
JFK_TEXT = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
ZH_WELCOME_TEXT = "欢迎大家来体验达摩院推出的语音识别模型"


def pcm16(audio: np.ndarray) -> np.ndarray:
    return (np.clip(audio, -1, 1) * 32767).astype(np.int16)


def text_of(conversation: Conversation, role: str | None = None) -> str:
    """All segment text, optionally of one role, in time order."""
    return "".join(
        s.text for s in conversation.segments if role is None or conversation.role_of(s.speaker) == role
    )
