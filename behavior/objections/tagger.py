"""Objection tagging of customer turns: detectors by name, one result contract.

Detectors ("lexicon", "hybrid") register in `DETECTORS`; "hybrid" (the default) is a cascade: the
pattern layer and a TF-IDF text model decide most utterances in well under a millisecond, and the
multilingual-e5 classifier runs only on those they are unsure about (see `learned.py`). "lexicon" is the
pattern layer alone: faster still and less accurate, used where a whole cohort of conversations is tagged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from behavior.objections import lexicon
from behavior.objections.taxonomy import LABELS

SpeakerRole = Literal["customer", "rep", "other"]


class ObjectionItem(BaseModel):
    text: str
    role: SpeakerRole = "customer"


class ObjectionResult(BaseModel):
    text: str
    labels: list[str] = Field(description="Objection types, in taxonomy order; never any for rep turns.")
    scores: dict[str, float] = Field(description="Probability per label (0/1 for the lexicon detector).")
    evidence: dict[str, str] = Field(description="Per label, the span of text that carries it.")


Detector = Callable[[list[str]], list[tuple[list[str], dict[str, float], dict[str, str]]]]
DETECTORS: dict[str, Callable[..., Detector]] = {}


def detector(name: str):
    def register(factory: Callable[..., Detector]) -> Callable[..., Detector]:
        DETECTORS[name] = factory
        return factory

    return register


@detector("lexicon")
def lexicon_detector(**_) -> Detector:
    def detect(texts: list[str]):
        results = []
        for text in texts:
            positives = {m.label: m.span for m in lexicon.match(text) if not m.denied}
            labels = [label for label in LABELS if label in positives]
            results.append((labels, {label: float(label in positives) for label in LABELS}, positives))
        return results

    return detect


@detector("hybrid")
def hybrid_detector(*, model_dir: Path, embedder: str = "e5", **_) -> Detector:
    """Lexicon + text model (stage 1) for every utterance; e5 + stage 2 only where stage 1 is unsure."""
    import numpy as np

    from behavior.objections.learned import _signals, load_or_train
    from embeddings import get_embedder

    embed = get_embedder(embedder).queries
    model = load_or_train(model_dir, embed)
    # One-off start-up costs are paid here, not by the first utterance of a session: jieba's dictionary
    # (loaded by the text model's word features, ~1 s) and the e5 engine's first call (the cascade sends
    # only a few percent of utterances to e5, so otherwise the first unsure one would pay it).
    lexicon.match("价格不是问题 warm-up")
    model.text_logits(["预热一下 warm-up"])
    embed(["预热 warm-up"])

    def detect(texts: list[str]):
        matches = [lexicon.match(text) for text in texts]  # once per text: signals and evidence
        signals, text_logits = _signals(matches), model.text_logits(texts)
        probabilities = model.stage1(text_logits, signals)
        thresholds = np.tile(model.stage1_thresholds, (len(texts), 1))
        unsure = np.flatnonzero(model.needs_embedding(probabilities))
        if unsure.size:  # one batched e5 call for the utterances stage 1 cannot settle
            vectors = embed([texts[i] for i in unsure])
            probabilities[unsure] = model.stage2(vectors, text_logits[unsure], signals[unsure])
            thresholds[unsure] = model.stage2_thresholds
        results = []
        for text, found, row, cut in zip(texts, matches, probabilities, thresholds):
            spans = {m.label: m.span for m in found if not m.denied}
            labels = [label for i, label in enumerate(LABELS) if row[i] >= cut[i]]
            evidence = {label: spans.get(label, _clause_of(text)) for label in labels}
            results.append((labels, {label: round(float(p), 4) for label, p in zip(LABELS, row)}, evidence))
        return results

    return detect


def _clause_of(text: str) -> str:
    """Evidence for a tag the patterns did not see: the utterance itself, trimmed to a readable length."""
    text = text.strip()
    return text if len(text) <= 80 else text[:77] + "..."


class ObjectionTagger:
    """Tags customer utterances; rep and other turns always come back with no labels and no scores."""

    def __init__(self, detector_name: str = "hybrid", *, model_dir: Path = Path(".dealwise/models"), embedder: str = "e5"):
        if detector_name not in DETECTORS:
            raise ValueError(f"unknown objection detector {detector_name!r}; available: {', '.join(sorted(DETECTORS))}")
        self.name = detector_name
        self._detect = DETECTORS[detector_name](model_dir=Path(model_dir), embedder=embedder)

    def classify(self, items: Sequence[ObjectionItem | dict]) -> list[ObjectionResult]:
        items = [item if isinstance(item, ObjectionItem) else ObjectionItem.model_validate(item) for item in items]
        customer_rows = [i for i, item in enumerate(items) if item.role == "customer" and item.text.strip()]
        detected = dict(zip(customer_rows, self._detect([items[i].text for i in customer_rows]))) if customer_rows else {}
        results = []
        for i, item in enumerate(items):
            labels, scores, evidence = detected.get(i, ([], {}, {}))
            results.append(ObjectionResult(text=item.text, labels=labels, scores=scores, evidence=evidence))
        return results


@functools.cache
def get_tagger(detector_name: str = "hybrid", model_dir: str = ".dealwise/models") -> ObjectionTagger:
    """One tagger per process and configuration: the embedding model and classifier load once."""
    return ObjectionTagger(detector_name, model_dir=Path(model_dir))
