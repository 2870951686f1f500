"""Who is the rep? The speaker who introduces a company or sales role, else whoever talks first."""

from __future__ import annotations

import re

from conversation import Role, Segment
from speech.errors import SpeechError

# Sales calls open with the rep naming themselves and their company; customers rarely do.
_INTRODUCTION = re.compile(
    r"我是.{0,15}(公司|科技|集团|销售|经理|顾问|客服|客户成功)"
    r"|(这里是|这边是|我这边是).{0,15}(公司|科技|集团)"
    r"|\b(this is|i'm|i am|my name is)\b.{0,40}\b(from|with|at|calling)\b"
    r"|\bcalling from\b",
    re.IGNORECASE,
)
# Only the opening matters: later in a call a customer may well say "I'm the manager at ...".
_OPENING_SEGMENTS = 6


def assign_roles(segments: list[Segment], speakers: list[str], rep_speaker: str | None = None) -> dict[str, Role]:
    """Map each speaker to "rep" or "customer" (every speaker who is not the rep is a customer)."""
    if rep_speaker is not None and rep_speaker not in speakers:
        raise SpeechError(f"--rep-speaker {rep_speaker!r} is not one of the speakers found: {', '.join(speakers) or 'none'}")
    rep = rep_speaker
    if rep is None:
        for segment in segments[:_OPENING_SEGMENTS]:
            if _INTRODUCTION.search(segment.text):
                rep = segment.speaker
                break
    if rep is None and segments:
        rep = segments[0].speaker
    return {speaker: ("rep" if speaker == rep else "customer") for speaker in speakers}
