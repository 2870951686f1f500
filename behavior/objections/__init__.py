"""Multi-label objection tags on customer turns: patterns + embeddings, fused and calibrated."""

from behavior.objections.tagger import DETECTORS, ObjectionItem, ObjectionResult, ObjectionTagger, get_tagger
from behavior.objections.taxonomy import DESCRIPTIONS, LABELS

__all__ = ["DESCRIPTIONS", "DETECTORS", "LABELS", "ObjectionItem", "ObjectionResult", "ObjectionTagger", "get_tagger"]
