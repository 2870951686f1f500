"""A conversation prepared once for all features: roles, turns, questions, cues and objection tags.

Features are small functions of this view; everything they share (tokenizing, question detection,
objection tagging) is computed here once and lazily, so 110 features cost little more than one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from behavior import text as t
from conversation import Conversation, Segment


@dataclass(frozen=True)
class Utterance:
    index: int  # position in conversation.segments
    role: str  # rep | customer | other
    start: float
    end: float
    text: str

    @property
    def duration(self) -> float:
        return self.end - self.start

    @functools.cached_property
    def question_sentences(self) -> list[str]:
        return t.question_sentences(self.text)

    @property
    def is_question(self) -> bool:
        return bool(self.question_sentences)

    @property
    def is_open_question(self) -> bool:
        return any(t.is_open_question(s) for s in self.question_sentences)

    @property
    def tokens(self) -> tuple[str, ...]:
        return t.tokens(self.text)

    @functools.cached_property
    def units(self) -> int:
        return t.spoken_units(self.text)

    @functools.cached_property
    def _cues(self) -> dict[str, bool]:
        return {}

    def has(self, cue: str) -> bool:
        """Whether a cue phrase occurs; memoized, as many features ask about the same cues."""
        found = self._cues.get(cue)
        if found is None:
            found = self._cues[cue] = t.has_cue(self.text, cue)
        return found


@dataclass(frozen=True)
class Turn:
    """Consecutive utterances of one role: a monologue, a customer's story."""

    role: str
    utterances: tuple[Utterance, ...]

    @property
    def start(self) -> float:
        return self.utterances[0].start

    @property
    def end(self) -> float:
        return max(u.end for u in self.utterances)

    @property
    def duration(self) -> float:
        return self.end - self.start


class ConversationView:
    def __init__(self, conversation: Conversation, objection_labels: list[frozenset[str]] | None = None):
        """`objection_labels[i]` are the tags of segment i (empty for rep turns); None: no tagging was run."""
        self.conversation = conversation
        roles = {p.speaker: p.role for p in conversation.participants}
        self.utterances = [_utterance(i, s, roles[s.speaker]) for i, s in enumerate(conversation.segments)]
        self._objection_labels = objection_labels or [frozenset()] * len(self.utterances)
        self._memo: dict = {}

    def memo(self, compute):
        """compute(self), once per view: for intermediate results several features share."""
        if compute not in self._memo:
            self._memo[compute] = compute(self)
        return self._memo[compute]

    # --- time ---
    @functools.cached_property
    def start(self) -> float:
        return self.utterances[0].start if self.utterances else 0.0

    @functools.cached_property
    def end(self) -> float:
        return max((u.end for u in self.utterances), default=0.0)

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def minutes(self) -> float:
        return self.duration / 60.0

    @property
    def is_chat(self) -> bool:
        return self.conversation.channel == "chat"

    def window(self, first_s: float | None = None, last_s: float | None = None) -> list[Utterance]:
        """Utterances starting in the first `first_s` seconds, or in the last `last_s` seconds."""
        if first_s is not None:
            return [u for u in self.utterances if u.start < self.start + first_s]
        return [u for u in self.utterances if u.start >= self.end - last_s]

    # --- roles and turns ---
    def by(self, role: str) -> list[Utterance]:
        return [u for u in self.utterances if u.role == role]

    @functools.cached_property
    def rep(self) -> list[Utterance]:
        return self.by("rep")

    @functools.cached_property
    def customer(self) -> list[Utterance]:
        return self.by("customer")

    @functools.cached_property
    def turns(self) -> list[Turn]:
        """Runs of rep or customer utterances (other speakers neither break nor join a run)."""
        turns: list[Turn] = []
        for u in self.utterances:
            if u.role not in ("rep", "customer"):
                continue
            if turns and turns[-1].role == u.role:
                turns[-1] = Turn(u.role, turns[-1].utterances + (u,))
            else:
                turns.append(Turn(u.role, (u,)))
        return turns

    def turns_of(self, role: str) -> list[Turn]:
        return [turn for turn in self.turns if turn.role == role]

    @functools.cached_property
    def handoffs(self) -> list[tuple[Utterance, Utterance]]:
        """(last utterance of a turn, first utterance of the next turn) at every rep<->customer change."""
        return [(a.utterances[-1], b.utterances[0]) for a, b in zip(self.turns, self.turns[1:])]

    def talk_s(self, role: str) -> float:
        return sum(u.duration for u in self.by(role))

    # --- objections ---
    def objections_of(self, u: Utterance) -> frozenset[str]:
        return self._objection_labels[u.index]

    @functools.cached_property
    def objections(self) -> list[Utterance]:
        """Customer utterances carrying at least one objection tag."""
        return [u for u in self.customer if self._objection_labels[u.index]]

    def first_objection(self, label: str) -> Utterance | None:
        return next((u for u in self.objections if label in self._objection_labels[u.index]), None)

    def next_rep_after(self, u: Utterance) -> Utterance | None:
        return next((r for r in self.rep if r.index > u.index), None)


def _utterance(index: int, segment: Segment, role: str) -> Utterance:
    return Utterance(index, role, segment.start, segment.end, segment.text)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None (not 0) when there is nothing to divide by."""
    return numerator / denominator if denominator else None
