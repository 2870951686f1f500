"""Objection handling: which objections come up, and how the rep answers them."""

from __future__ import annotations

from collections import Counter

from behavior.features.registry import feature
from behavior.features.view import ConversationView, Utterance, ratio
from behavior.objections.taxonomy import LABELS

G = "objections"
STALL_TRIAL_WINDOW_S = 90.0
OBJECTION_FOLLOW_UP_S = 60.0


@feature("objection_count", group=G, unit="count", en="Customer segments tagged with at least one objection.", zh="客户异议次数（带异议标签的客户发言段）。")
def objection_count(v: ConversationView) -> int:
    return len(v.objections)


@feature("objection_type_count", group=G, unit="count", en="Distinct objection types raised (of price, timing, stall, competitor, authority, need, trust).", zh="出现的异议类型数。")
def objection_type_count(v: ConversationView) -> int:
    return len(set().union(*(v.objections_of(u) for u in v.objections)))


def _label_count(label: str):
    def count(v: ConversationView) -> int:
        return sum(label in v.objections_of(u) for u in v.objections)

    return count


_LABEL_NAMES = {
    "price": ("price", "价格"),
    "timing": ("timing", "时机"),
    "stall": ("stall (let me think about it)", "拖延（我们再考虑）"),
    "competitor": ("competitor", "竞品"),
    "authority": ("authority (someone else decides)", "决策权（需要别人拍板）"),
    "need": ("need (no need seen)", "需求（觉得不需要）"),
    "trust": ("trust", "信任"),
}
for _label in LABELS:
    _en, _zh = _LABEL_NAMES[_label]
    feature(
        f"{_label}_objection_count", group=G, unit="count",
        en=f"Customer segments tagged with the {_en} objection.", zh=f"客户{_zh}异议次数。",
    )(_label_count(_label))


@feature("dominant_objection_type", group=G, kind="category", en="The objection type raised most often (earliest on ties); 'none' without objections.", zh="出现最多的异议类型（无异议为 none）。")
def dominant_objection_type(v: ConversationView) -> str:
    counts = Counter(label for u in v.objections for label in sorted(v.objections_of(u)))
    if not counts:
        return "none"
    order = [label for u in v.objections for label in sorted(v.objections_of(u))]
    return max(counts, key=lambda label: (counts[label], -order.index(label)))


@feature("first_objection_latency_s", group=G, unit="s", en="Seconds from the start to the first customer objection; null if none.", zh="首次客户异议出现的时间（秒）。")
def first_objection_latency_s(v: ConversationView) -> float | None:
    return v.objections[0].start - v.start if v.objections else None


def _questions_after_objections(v: ConversationView) -> list[Utterance]:
    return [
        r for r in v.rep
        if r.is_question and any(o.end < r.start <= o.end + OBJECTION_FOLLOW_UP_S for o in v.objections)
    ]


@feature("objection_open_question_share", group=G, unit="ratio", en="Among rep questions within 60 s after a customer objection, the share that are open; null if none.", zh="异议处理中开放式提问占比（客户异议后60秒内销售提问中开放式的比例）。")
def objection_open_question_share(v: ConversationView) -> float | None:
    questions = v.memo(_questions_after_objections)
    return ratio(sum(q.is_open_question for q in questions), len(questions))


@feature("objection_acknowledged_share", group=G, unit="ratio", en="Share of objections whose next rep segment acknowledges them first (理解/确实/I understand/that's fair).", zh="异议后销售先表示理解/认同的比例。")
def objection_acknowledged_share(v: ConversationView) -> float | None:
    replies = [v.next_rep_after(o) for o in v.objections]
    return ratio(sum(r is not None and r.has("acknowledge") for r in replies), len(v.objections))


@feature("objection_response_latency_s", group=G, unit="s", en="Mean gap from the end of an objection to the start of the next rep segment (negative: the rep cut in).", zh="客户异议后销售回应的平均间隔。")
def objection_response_latency_s(v: ConversationView) -> float | None:
    gaps = [r.start - o.end for o in v.objections if (r := v.next_rep_after(o)) is not None]
    return ratio(sum(gaps), len(gaps))


@feature("objection_rebuttal_s", group=G, unit="s", en="Mean length of the rep turn answering an objection (long rebuttals tend to be defensive).", zh="销售回应异议的平均发言时长。")
def objection_rebuttal_s(v: ConversationView) -> float | None:
    answers = [b.duration for a, b in zip(v.turns, v.turns[1:]) if a.role == "customer" and any(v.objections_of(u) for u in a.utterances)]
    return ratio(sum(answers), len(answers))


@feature("repeated_objection_count", group=G, unit="count", en="Objection tags raised again after the same type was already raised (the first answer did not land).", zh="同类异议重复出现的次数。")
def repeated_objection_count(v: ConversationView) -> int:
    seen: set[str] = set()
    repeated = 0
    for u in v.objections:
        labels = v.objections_of(u)
        repeated += len(labels & seen)
        seen |= labels
    return repeated


@feature("objections_in_last_quarter", group=G, unit="count", en="Objections raised in the last quarter of the conversation (open concerns at the close).", zh="对话最后四分之一时间内的客户异议数。")
def objections_in_last_quarter(v: ConversationView) -> int:
    return sum(o.start >= v.end - v.duration / 4 for o in v.objections)


def _stall_trial_latency(v: ConversationView) -> float | None:
    stall = v.first_objection("stall")
    if stall is None:
        return None
    offer = next((r for r in v.rep if r.index > stall.index and r.has("trial_offer")), None)
    return None if offer is None else offer.start - stall.end


@feature("stall_trial_offer_latency_s", group=G, unit="s", en="Seconds from the end of the first customer stall objection (我们再考虑/let me think about it) to the start of the first later rep segment offering a minimal verification path (trial, pilot, POC, sample, small first step); null if none.", zh="客户首次拖延（我们再考虑）到销售提出最小验证路径（免费试用/先试一下/小范围跑一下）的秒数。")
def stall_trial_offer_latency_s(v: ConversationView) -> float | None:
    return v.memo(_stall_trial_latency)


@feature("stall_trial_offer_within_90s", group=G, kind="bool", en="A minimal verification path was offered within 90 s of the first stall (false when there was no stall).", zh="客户拖延后90秒内提出了最小验证路径。")
def stall_trial_offer_within_90s(v: ConversationView) -> bool:
    latency = v.memo(_stall_trial_latency)
    return latency is not None and latency <= STALL_TRIAL_WINDOW_S


@feature("stall_unanswered", group=G, kind="bool", en="The customer stalled and the rep never offered a minimal verification path afterwards.", zh="客户拖延后销售始终未提出最小验证路径。")
def stall_unanswered(v: ConversationView) -> bool:
    return v.first_objection("stall") is not None and v.memo(_stall_trial_latency) is None
