"""Shared by the suggestion and assistant tests: conversations, and a scripted chat model.

A retriever stand-in (`ListRetriever`) serves fixed chunks in the SearchHit shape with the knowledge
base's filter semantics (metadata equality); it is used only where the test is about what happens
*after* retrieval (LLM grounding rules), so the outcome does not depend on ranking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from conversation import Conversation, parse_conversation


@dataclass
class Hit:
    id: str
    text: str
    source: str
    score: float
    metadata: dict[str, Any] = field(default_factory=dict)


class ListRetriever:
    def __init__(self, hits: list[Hit]):
        self.hits = hits
        self.calls: list[tuple[str, dict | None]] = []

    def search(self, query: str, k: int = 5, filters: dict | None = None) -> list[Hit]:
        self.calls.append((query, filters))
        found = [h for h in self.hits if all(h.metadata.get(key) == value for key, value in (filters or {}).items())]
        return found[:k]


PLAYBOOK = [
    Hit("price-roi", "## 价格异议：算回报\n话术：{customer_name}，按您{quantity}的规模算，三个月就能收回{price}的投入。", "playbook.md", 0.9,
        {"objection_type": "price", "stage": "objection_handling", "language": "zh", "section": "价格异议：算回报"}),
    Hit("price-tier", "## 价格异议：分阶段\n话术：可以先上核心模块，预算控制在{budget}以内。", "playbook.md", 0.8,
        {"objection_type": "price", "stage": "objection_handling", "language": "zh", "section": "价格异议：分阶段"}),
    Hit("stall-trial", "## 拖延：最小试用路径\n话术：不如先免费试点两周，只接一个仓库，{date}一起看结果。", "playbook.md", 0.9,
        {"objection_type": "stall", "stage": "objection_handling", "language": "zh", "section": "最小试用路径"}),
]


def call(segments: list[tuple[str, str]], language: str = "zh", **extra) -> Conversation:
    """A conversation from (role, text) turns, 5 s apart; the rep is 小王 and the customer 李总 (zh) / Dana (en)."""
    names = {"rep": "小王", "customer": "李总"} if language == "zh" else {"rep": "Alex", "customer": "Dana"}
    return parse_conversation(
        {
            "language": language,
            "channel": "call",
            "participants": [{"speaker": role, "role": role, "name": names[role]} for role in ("rep", "customer")],
            "segments": [{"speaker": role, "start": 5.0 * i, "end": 5.0 * i + 4, "text": text} for i, (role, text) in enumerate(segments)],
            **extra,
        }
    )


PRICE_CALL = [
    ("rep", "李总您好，我是云帆科技的小王。"),
    ("customer", "我们有50个销售，系统一年要30万，太贵了，超出预算了。"),
]


class ScriptedModel(FakeListChatModel):
    """Answers from a script and keeps every prompt it was sent, to check what the model saw."""

    seen: list = []

    def _call(self, messages, *args, **kwargs):
        self.seen.append(messages)
        return super()._call(messages, *args, **kwargs)


class FailingModel(FakeListChatModel):
    def _call(self, *args, **kwargs):
        raise TimeoutError("read timed out")
