"""Value and pricing talk: does the rep build value before price, and how is money discussed."""

from __future__ import annotations

from behavior.features.registry import feature
from behavior.features.view import ConversationView, Utterance

G = "value"


def _first(utterances: list[Utterance], cue: str) -> Utterance | None:
    return next((u for u in utterances if u.has(cue)), None)


@feature("price_mention_count", group=G, unit="count", en="Segments (either side) that talk about price, cost, budget or discounts.", zh="谈及价格/费用/预算的发言段数。")
def price_mention_count(v: ConversationView) -> int:
    return sum(u.has("price") for u in v.utterances)


@feature("first_price_mention_latency_s", group=G, unit="s", en="Seconds from the start until price is first mentioned; null if never.", zh="首次谈到价格的时间（秒）。")
def first_price_mention_latency_s(v: ConversationView) -> float | None:
    first = _first(v.utterances, "price")
    return None if first is None else first.start - v.start


@feature("price_first_raised_by", group=G, kind="category", en="Who first brought up price: rep, customer or none.", zh="谁先提到价格：rep / customer / none。")
def price_first_raised_by(v: ConversationView) -> str:
    first = _first([u for u in v.utterances if u.role in ("rep", "customer")], "price")
    return "none" if first is None else first.role


@feature("budget_discussed", group=G, kind="bool", en="The customer's budget came up (预算/budget).", zh="讨论过客户预算。")
def budget_discussed(v: ConversationView) -> bool:
    return any("预算" in u.text or "budget" in u.text.lower() for u in v.utterances)


@feature("discount_offered", group=G, kind="bool", en="The rep offered a discount or concession (打折/优惠/discount).", zh="销售主动给出折扣或让步。")
def discount_offered(v: ConversationView) -> bool:
    return any(u.has("discount") for u in v.rep)


@feature("rep_value_statement_count", group=G, unit="count", en="Rep segments stating a benefit (save, increase, reduce, ROI; 节省/提升/降低/回报).", zh="销售陈述价值/收益的次数。")
def rep_value_statement_count(v: ConversationView) -> int:
    return sum(u.has("value") for u in v.rep)


@feature("rep_quantified_value_count", group=G, unit="count", en="Rep value statements with a number (节省30%的时间, cut reporting by 5 hours).", zh="销售量化价值陈述（带数字）的次数。")
def rep_quantified_value_count(v: ConversationView) -> int:
    return sum(u.has("value") and u.has("number") for u in v.rep)


@feature("value_before_price", group=G, kind="bool", en="The rep stated a benefit before price was first mentioned (true when price never came up but value did).", zh="先讲价值再谈价格。")
def value_before_price(v: ConversationView) -> bool:
    value, price = _first(v.rep, "value"), _first(v.utterances, "price")
    return value is not None and (price is None or value.start < price.start)


@feature("case_study_count", group=G, unit="count", en="Rep segments citing a customer story or reference (案例/像XX公司/customers like you).", zh="销售引用客户案例的次数。")
def case_study_count(v: ConversationView) -> int:
    return sum(u.has("case_study") for u in v.rep)


@feature("competitor_mention_count", group=G, unit="count", en="Segments (either side) naming a competitor or alternative.", zh="提及竞品/替代方案的发言段数。")
def competitor_mention_count(v: ConversationView) -> int:
    return sum(u.has("competitor") for u in v.utterances)


@feature("rep_feature_mention_count", group=G, unit="count", en="Rep segments describing product features (功能/报表/集成, dashboard, integration).", zh="销售介绍产品功能的次数。")
def rep_feature_mention_count(v: ConversationView) -> int:
    return sum(u.has("feature") for u in v.rep)


@feature("feature_to_value_ratio", group=G, unit="ratio", en="Rep feature mentions per rep value statement (feature dumping vs selling outcomes); null without value statements.", zh="功能介绍次数 / 价值陈述次数。")
def feature_to_value_ratio(v: ConversationView) -> float | None:
    value = rep_value_statement_count(v)
    return rep_feature_mention_count(v) / value if value else None


@feature("price_talk_share", group=G, unit="ratio", en="Share of talk time spent in segments about price.", zh="价格话题占发言时长的比例。")
def price_talk_share(v: ConversationView) -> float | None:
    total = sum(u.duration for u in v.utterances)
    return sum(u.duration for u in v.utterances if u.has("price")) / total if total else None
