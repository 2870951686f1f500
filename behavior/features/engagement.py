"""Engagement: how invested the customer is, and how that changes over the conversation."""

from __future__ import annotations

import re

from behavior import text as t
from behavior.features.registry import feature
from behavior.features.view import ConversationView, ratio

G = "engagement"


def _customer_share(v: ConversationView, utterances) -> float | None:
    customer = sum(u.duration for u in utterances if u.role == "customer")
    return ratio(customer, customer + sum(u.duration for u in utterances if u.role == "rep"))


@feature("customer_units", group=G, unit="units", en="Characters/words the customer said in total.", zh="客户发言总字数。")
def customer_units(v: ConversationView) -> int:
    return sum(u.units for u in v.customer)


@feature("customer_share_trend", group=G, unit="ratio", en="Customer talk share in the second half minus the first half (positive: the customer opens up).", zh="客户发言占比变化（后半段减前半段）。")
def customer_share_trend(v: ConversationView) -> float | None:
    middle = v.start + v.duration / 2
    first = _customer_share(v, [u for u in v.utterances if u.start < middle])
    second = _customer_share(v, [u for u in v.utterances if u.start >= middle])
    return None if first is None or second is None else second - first


@feature("customer_buying_signal_count", group=G, unit="count", en="Customer segments showing buying intent (asks about contract, onboarding, go-live: 合同怎么签/how soon can we start).", zh="客户购买信号次数（问合同、上线、付款等）。")
def customer_buying_signal_count(v: ConversationView) -> int:
    return sum(u.has("buying_signal") for u in v.customer)


@feature("customer_agreement_count", group=G, unit="count", en="Customer segments agreeing (好的/可以/没问题/sounds good) without an objection.", zh="客户表示同意的次数（不含带异议的发言）。")
def customer_agreement_count(v: ConversationView) -> int:
    return sum(u.has("agreement") and not v.objections_of(u) for u in v.customer)


@feature("customer_backchannel_count", group=G, unit="count", en="Customer segments that are only a listener response (嗯/对/okay).", zh="客户仅附和（嗯、对、好）的次数。")
def customer_backchannel_count(v: ConversationView) -> int:
    return sum(t.is_backchannel(u.text) for u in v.customer)


@feature("customer_short_reply_share", group=G, unit="ratio", en="Share of customer segments under 4 characters/words (curt answers signal low engagement).", zh="客户简短回复（少于4个字/词）的比例。")
def customer_short_reply_share(v: ConversationView) -> float | None:
    return ratio(sum(u.units < 4 for u in v.customer), len(v.customer))


@feature("customer_positive_share", group=G, unit="ratio", en="Share of customer segments with positive words (不错/挺好/great/useful).", zh="客户正面表达的发言比例。")
def customer_positive_share(v: ConversationView) -> float | None:
    return ratio(sum(u.has("positive") for u in v.customer), len(v.customer))


@feature("customer_negative_share", group=G, unit="ratio", en="Share of customer segments with negative or worried words (担心/不放心/concerned).", zh="客户负面/担忧表达的发言比例。")
def customer_negative_share(v: ConversationView) -> float | None:
    return ratio(sum(u.has("negative") for u in v.customer), len(v.customer))


@feature("customer_future_talk_count", group=G, unit="count", en="Customer segments picturing the future with the product (以后/上线后/once we/next quarter).", zh="客户谈及未来使用场景的次数。")
def customer_future_talk_count(v: ConversationView) -> int:
    return sum(u.has("future_talk") for u in v.customer)


@feature("customer_long_turn_count", group=G, unit="count", en="Customer turns longer than 30 s (the customer tells a story).", zh="客户超过30秒的长发言次数。")
def customer_long_turn_count(v: ConversationView) -> int:
    return sum(turn.duration > 30 for turn in v.turns_of("customer"))


@feature("customer_share_last_third", group=G, unit="ratio", en="Customer talk share in the last third of the conversation.", zh="最后三分之一时间内客户发言占比。")
def customer_share_last_third(v: ConversationView) -> float | None:
    return _customer_share(v, v.window(last_s=v.duration / 3))


@feature("rep_empathy_count", group=G, unit="count", en="Rep segments acknowledging the customer's view or feelings (理解/确实/I hear you/makes sense).", zh="销售表达理解/共情的次数。")
def rep_empathy_count(v: ConversationView) -> int:
    return sum(u.has("acknowledge") for u in v.rep)


@feature("customer_name_used", group=G, kind="bool", en="The rep addresses the customer by name (王总/Ms. Chen/David): a name from the customer's participant entry.", zh="销售称呼了客户的名字（如王总、陈女士）。")
def customer_name_used(v: ConversationView) -> bool:
    forms = [form for p in v.conversation.participants if p.role == "customer" and p.name for form in _address_forms(p.name)]
    return any(form.search(u.text) for form in forms for u in v.rep)


def _address_forms(name: str) -> list[re.Pattern[str]]:
    """A Chinese name: the full name or the surname with a title (王总, 王经理); otherwise any part of it as a word."""
    if t.is_chinese(name):
        return [re.compile(re.escape(name)), re.compile(re.escape(name[0]) + r"(?:总|经理|工|老师|先生|女士|小姐|主任|院长|校长|姐|哥)")]
    return [re.compile(rf"\b{re.escape(part)}\b", re.IGNORECASE) for part in name.split() if len(part) > 1]


@feature("customer_engaged_minutes_share", group=G, unit="ratio", en="Share of conversation minutes in which the customer says something beyond a backchannel.", zh="客户有实质发言的分钟占比。")
def customer_engaged_minutes_share(v: ConversationView) -> float | None:
    minutes = int(v.duration // 60) + 1 if v.duration > 0 else 0
    engaged = {int((u.start - v.start) // 60) for u in v.customer if not t.is_backchannel(u.text)}
    return ratio(len(engaged), minutes)
