"""One conversation in, its behavior DNA out: features, objection tags and coaching hints."""

from __future__ import annotations

from pydantic import BaseModel, Field

from behavior.features import ConversationView, FeatureValue, compute_features
from behavior.hints import Hint, hints_for
from behavior.objections import ObjectionTagger
from conversation import Conversation


class ObjectionTag(BaseModel):
    segment: int = Field(description="Index into conversation.segments.")
    speaker: str
    labels: list[str]
    scores: dict[str, float]
    evidence: dict[str, str]


class Analysis(BaseModel):
    conversation: Conversation
    features: dict[str, FeatureValue]
    objections: list[ObjectionTag]
    objection_types: list[str] = Field(description="Sorted union of the labels of all objections.")
    hints: list[Hint]


class AnalysisError(ValueError):
    """A conversation that cannot be analysed (no segments, no customer or no rep); the message says which."""


def check_analysable(conversation: Conversation) -> None:
    if not conversation.segments:
        raise AnalysisError("the conversation has no segments: nothing to analyse")
    roles = {p.role for p in conversation.participants if any(s.speaker == p.speaker for s in conversation.segments)}
    for role in ("rep", "customer"):
        if role not in roles:
            raise AnalysisError(f"no segment is spoken by a participant with role {role!r}: behavior features compare the rep with the customer")


def analyze(conversation: Conversation, tagger: ObjectionTagger) -> Analysis:
    check_analysable(conversation)
    roles = {p.speaker: p.role for p in conversation.participants}
    results = tagger.classify([{"text": s.text, "role": roles[s.speaker]} for s in conversation.segments])
    view = ConversationView(conversation, [frozenset(r.labels) for r in results])
    features = compute_features(view)
    objections = [
        ObjectionTag(segment=i, speaker=segment.speaker, labels=r.labels, scores=r.scores, evidence=r.evidence)
        for i, (segment, r) in enumerate(zip(conversation.segments, results))
        if r.labels
    ]
    types = sorted({label for tag in objections for label in tag.labels})
    return Analysis(conversation=conversation, features=features, objections=objections, objection_types=types, hints=hints_for(features))
