"""Objection tags for loose utterances (a CRM note, a chat line) without storing anything."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from service.api.deps import CallerDep, RuntimeDep

router = APIRouter(prefix="/v1", tags=["objections"])


class Utterance(BaseModel):
    text: str = Field(max_length=5000)
    role: Literal["customer", "rep", "other"] = "customer"


class ClassifyRequest(BaseModel):
    items: list[Utterance] = Field(min_length=1, max_length=1000)


class ClassifiedUtterance(BaseModel):
    text: str
    labels: list[str]
    scores: dict[str, float]
    evidence: dict[str, str]


class ClassifyResponse(BaseModel):
    items: list[ClassifiedUtterance]


@router.post("/objections:classify")
def classify_objections(body: ClassifyRequest, caller: CallerDep, runtime: RuntimeDep) -> ClassifyResponse:
    """Multi-label objection tags (price, timing, stall, competitor, authority, need, trust); rep turns get none."""
    results = runtime.tagger.classify([item.model_dump() for item in body.items])
    return ClassifyResponse(
        items=[
            ClassifiedUtterance(text=item.text, labels=r.labels, scores=r.scores, evidence=r.evidence)
            for item, r in zip(body.items, results)
        ]
    )
