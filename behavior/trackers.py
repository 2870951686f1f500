"""Trackers: the phrases a team wants flagged in every conversation, by keyword or by meaning.

A keyword tracker matches its phrases literally (whole words in English, substrings in Chinese). A
semantic tracker matches a turn whose e5 embedding is close to one of its phrases, so "钱这块今年
比较紧" is caught by "我们预算很紧张". e5 similarities sit in a narrow high band (0.8-0.95), so
thresholds are per tracker and near 0.9, tuned on a team's own examples.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from behavior.text import is_chinese
from conversation import Conversation, Role

DEFAULT_TRACKERS = Path(__file__).parent / "data" / "trackers.json"


class Tracker(BaseModel):
    name: str = Field(min_length=1)
    kind: Literal["keyword", "semantic"]
    phrases: list[str] = Field(min_length=1)
    roles: list[Role] = Field(default_factory=lambda: ["rep", "customer"], description="Whose turns to watch.")
    threshold: float = Field(default=0.9, gt=0, le=1, description="Semantic trackers: the cosine a turn must reach.")


class TrackerHit(BaseModel):
    segment: int
    speaker: str
    tracker: str
    phrase: str = Field(description="The tracker phrase that matched (the closest one, for semantic trackers).")
    score: float = Field(description="1.0 for a keyword match, the cosine similarity for a semantic one.")


class TrackerError(ValueError):
    """A tracker file that cannot be read or breaks the tracker schema."""


def load_trackers(path: Path = DEFAULT_TRACKERS) -> list[Tracker]:
    try:
        return TypeAdapter(list[Tracker]).validate_json(Path(path).read_bytes())
    except FileNotFoundError:
        raise TrackerError(f"{path}: no such tracker file") from None
    except ValidationError as error:
        problem = error.errors()[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in problem["loc"]).lstrip(".")
        raise TrackerError(f"{path}: {where}: {problem['msg']}") from None


def _keyword_pattern(phrase: str) -> re.Pattern[str]:
    escaped = re.escape(phrase)
    return re.compile(escaped if is_chinese(phrase) else rf"\b{escaped}\b", re.IGNORECASE)


def track(conversation: Conversation, trackers: list[Tracker], embed=None) -> list[TrackerHit]:
    """Every (segment, tracker) match in time order; `embed(texts)` (normalized vectors) is needed for semantic trackers."""
    roles = {p.speaker: p.role for p in conversation.participants}
    hits: list[TrackerHit] = []
    for tracker in trackers:
        watched = [(i, s) for i, s in enumerate(conversation.segments) if roles[s.speaker] in tracker.roles and s.text.strip()]
        if tracker.kind == "keyword":
            patterns = [(phrase, _keyword_pattern(phrase)) for phrase in tracker.phrases]
            for i, segment in watched:
                phrase = next((phrase for phrase, pattern in patterns if pattern.search(segment.text)), None)
                if phrase is not None:
                    hits.append(TrackerHit(segment=i, speaker=segment.speaker, tracker=tracker.name, phrase=phrase, score=1.0))
        elif watched:
            if embed is None:
                raise TrackerError(f"tracker {tracker.name!r} is semantic: an embedding backend is needed")
            similarity = embed([s.text for _, s in watched]) @ embed(tracker.phrases).T
            for (i, segment), row in zip(watched, similarity):
                best = int(np.argmax(row))
                if row[best] >= tracker.threshold:
                    hits.append(TrackerHit(segment=i, speaker=segment.speaker, tracker=tracker.name, phrase=tracker.phrases[best], score=round(float(row[best]), 4)))
    return sorted(hits, key=lambda hit: (hit.segment, hit.tracker))
