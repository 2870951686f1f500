"""Next steps: does the conversation end with an agreed, dated action."""

from __future__ import annotations

from behavior.features.registry import feature
from behavior.features.view import ConversationView, Utterance

G = "next_steps"
# The close: the last 20% of the conversation, but never less than the last two minutes.
CLOSING_SHARE, CLOSING_MIN_S = 0.2, 120.0


def closing(v: ConversationView) -> list[Utterance]:
    return v.window(last_s=max(CLOSING_MIN_S, v.duration * CLOSING_SHARE))


def _is_dated_action(u: Utterance) -> bool:
    return u.has("time") and u.has("meeting_action")


def _agreed_next_step(v: ConversationView) -> Utterance | None:
    """A dated action in the close, proposed by the customer or followed by a customer's agreement."""
    close = closing(v)
    for position, u in enumerate(close):
        if not _is_dated_action(u):
            continue
        later = [w for w in close[position + 1 :] if w.role == "customer"]
        if u.role == "customer" or any(w.has("agreement") and not v.objections_of(w) for w in later):
            return u
    return None


@feature("next_step_set", group=G, kind="bool", en="The conversation ends with a concrete next step: in the close, an action with a time (下周三下午两点开个线上会, let's meet Tuesday at 10) that the customer proposed or agreed to.", zh="对话以明确的下一步结束（约定了时间的具体行动，且客户提出或同意）。")
def next_step_set(v: ConversationView) -> bool:
    return v.memo(_agreed_next_step) is not None


@feature("dated_action_mentions", group=G, unit="count", en="Segments anywhere proposing an action with a time (meeting, demo, call, signing at a date).", zh="提到带时间的具体行动的发言段数。")
def dated_action_mentions(v: ConversationView) -> int:
    return sum(_is_dated_action(u) for u in v.utterances)


@feature("time_reference_count", group=G, unit="count", en="Segments mentioning a calendar time (下周三, 两点, Tuesday, 10am).", zh="提到具体日期/时间的发言段数。")
def time_reference_count(v: ConversationView) -> int:
    return sum(u.has("time") for u in v.utterances)


@feature("rep_commitment_ask_count", group=G, unit="count", en="Rep segments asking for a commitment (那我们就这么定/can we move forward?).", zh="销售请求承诺/推进成交的次数。")
def rep_commitment_ask_count(v: ConversationView) -> int:
    return sum(u.has("commitment_ask") for u in v.rep)


@feature("recap_at_close", group=G, kind="bool", en="The rep recaps the conversation in the close (总结一下/to recap).", zh="结束前销售做了总结回顾。")
def recap_at_close(v: ConversationView) -> bool:
    return any(u.role == "rep" and u.has("recap") for u in closing(v))


@feature("decision_process_discussed", group=G, kind="bool", en="Who decides or how the purchase is approved came up (决策/审批/采购流程, decision maker, procurement).", zh="讨论过决策人或采购审批流程。")
def decision_process_discussed(v: ConversationView) -> bool:
    return any(u.has("decision_process") for u in v.utterances)


@feature("timeline_discussed", group=G, kind="bool", en="An implementation or go-live timeline came up (上线/实施/go-live/rollout).", zh="讨论过上线/实施时间表。")
def timeline_discussed(v: ConversationView) -> bool:
    return any(u.has("timeline") for u in v.utterances)


@feature("material_promised", group=G, kind="bool", en="The rep promised to send material (发给您/I'll send over the proposal).", zh="销售承诺发送资料/方案。")
def material_promised(v: ConversationView) -> bool:
    return any(u.has("send_material") for u in v.rep)


@feature("customer_agreement_in_close", group=G, unit="count", en="Customer segments in the close that agree (好的/没问题/sounds good).", zh="收尾阶段客户表示同意的次数。")
def customer_agreement_in_close(v: ConversationView) -> int:
    return sum(u.role == "customer" and u.has("agreement") for u in closing(v))


@feature("last_speaker_role", group=G, kind="category", en="Role of whoever speaks last: rep or customer.", zh="最后发言的一方（rep / customer）。")
def last_speaker_role(v: ConversationView) -> str:
    return next((u.role for u in reversed(v.utterances) if u.role in ("rep", "customer")), "none")


@feature("next_step_lead_s", group=G, unit="s", en="Seconds from the agreed next step to the end of the conversation; null without one.", zh="约定下一步到对话结束的秒数。")
def next_step_lead_s(v: ConversationView) -> float | None:
    step = v.memo(_agreed_next_step)
    return None if step is None else v.end - step.start
