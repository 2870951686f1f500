"""The feature registry: every behavior feature is a named, documented function of a Conversation.

Adding a feature is adding one decorated function in the module of its group; the CLI listing, the
generated reference (docs/features.md), the analysis and the cohort statistics all read this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from behavior.features.view import ConversationView

FeatureKind = Literal["number", "bool", "category"]
FeatureValue = float | int | bool | str | None

GROUPS = {
    "talk": ("Talk dynamics", "对话节奏"),
    "questioning": ("Questioning", "提问"),
    "pain": ("Pain discovery", "痛点挖掘"),
    "objections": ("Objection handling", "异议处理"),
    "value": ("Value and pricing talk", "价值与价格"),
    "next_steps": ("Next steps", "推进与下一步"),
    "language": ("Language and pace", "语言与语速"),
    "engagement": ("Engagement", "客户投入度"),
}


@dataclass(frozen=True)
class Feature:
    key: str
    group: str
    kind: FeatureKind
    unit: str
    en: str  # one-line definition
    zh: str
    compute: Callable[[ConversationView], FeatureValue]


FEATURES: dict[str, Feature] = {}


def feature(key: str, *, group: str, kind: FeatureKind = "number", unit: str = "", en: str, zh: str):
    """Register the decorated function as feature `key`; keys are unique and groups known."""

    def register(compute: Callable[[ConversationView], FeatureValue]) -> Callable[[ConversationView], FeatureValue]:
        if key in FEATURES:
            raise ValueError(f"feature {key!r} is registered twice")
        if group not in GROUPS:
            raise ValueError(f"feature {key!r}: unknown group {group!r}")
        FEATURES[key] = Feature(key, group, kind, unit, en, zh, compute)
        return compute

    return register
