"""Coaching hints: plain remarks derived from a conversation's features, one rule per hint.

Rules register in `HINT_RULES`; each reads the feature values and returns a Hint or None. Thresholds
are the coaching rules of thumb most teams start from (a 60-90 s monologue loses the customer;
winners offer a minimal trial within 90 s of a stall), kept here so coaches can tune them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel

from behavior.features import FeatureValue

Severity = Literal["info", "warning"]


class Hint(BaseModel):
    key: str
    severity: Severity
    en: str
    zh: str


HintRule = Callable[[dict[str, FeatureValue]], Hint | None]
HINT_RULES: dict[str, HintRule] = {}


def hint_rule(key: str):
    def register(rule: HintRule) -> HintRule:
        HINT_RULES[key] = rule
        return rule

    return register


@hint_rule("long_monologue")
def _long_monologue(f):
    seconds = f["longest_monologue_s"]
    if seconds > 90:
        return Hint(key="long_monologue", severity="warning", en=f"Longest monologue {seconds:.0f} s: break it up with a question after 60 s.", zh=f"最长独白 {seconds:.0f} 秒：超过60秒请穿插一个问题，让客户参与。")


@hint_rule("talk_ratio_high")
def _talk_ratio(f):
    ratio = f["talk_ratio"]
    if ratio is not None and ratio > 0.65:
        return Hint(key="talk_ratio_high", severity="warning", en=f"The rep talked {ratio:.0%} of the time: let the customer talk more (aim below 60%).", zh=f"销售发言占比 {ratio:.0%}：多让客户说（建议低于60%）。")


@hint_rule("stall_without_trial")
def _stall(f):
    latency = f["stall_trial_offer_latency_s"]
    if f["stall_unanswered"]:
        return Hint(key="stall_without_trial", severity="warning", en="The customer stalled and no minimal trial path was offered: propose a small, low-risk first step (pilot, free trial).", zh="客户表示“再考虑”后没有提出最小验证路径：建议给出低风险的第一步（免费试用、小范围试点）。")
    if latency is not None and latency > 90:
        return Hint(key="stall_without_trial", severity="info", en=f"A trial path came {latency:.0f} s after the stall: offer it within 90 s next time.", zh=f"客户拖延后 {latency:.0f} 秒才提出试用方案：下次争取在90秒内提出。")


@hint_rule("no_next_step")
def _next_step(f):
    if not f["next_step_set"]:
        return Hint(key="no_next_step", severity="warning", en="The conversation ended without a concrete next step: agree on an action with a date and time.", zh="对话结束时没有明确下一步：约定具体的行动和时间。")


@hint_rule("few_open_questions")
def _open_questions(f):
    if f["rep_question_count"] >= 3 and (f["rep_open_question_share"] or 0) < 0.3:
        return Hint(key="few_open_questions", severity="info", en="Mostly yes/no questions: ask more open questions (what/how/why) to uncover needs.", zh="提问以封闭式为主：多用“什么/怎么/为什么”类开放式问题挖掘需求。")


@hint_rule("objection_closed_questions")
def _objection_questions(f):
    share = f["objection_open_question_share"]
    if share is not None and share < 0.5:
        return Hint(key="objection_closed_questions", severity="info", en=f"After objections only {share:.0%} of questions were open: explore the concern before answering it.", zh=f"异议后开放式提问仅占 {share:.0%}：先问清顾虑再回应。")


@hint_rule("late_pain")
def _pain(f):
    latency = f["first_pain_point_latency_s"]
    if latency is None and f["conversation_duration_s"] > 120:
        return Hint(key="late_pain", severity="info", en="The customer never stated a problem: spend more time on discovery.", zh="客户始终没有说出痛点：多花时间做需求挖掘。")
    if latency is not None and latency > 300:
        return Hint(key="late_pain", severity="info", en=f"The first pain point came only after {latency / 60:.1f} min: ask about challenges earlier.", zh=f"客户第一次说出痛点已是第 {latency / 60:.1f} 分钟：更早询问挑战和问题。")


@hint_rule("interruptions")
def _interruptions(f):
    if f["interruption_count"] >= 3:
        return Hint(key="interruptions", severity="info", en=f"The rep cut the customer off {f['interruption_count']} times: let them finish.", zh=f"销售打断客户 {f['interruption_count']} 次：让客户把话说完。")


def hints_for(features: dict[str, FeatureValue]) -> list[Hint]:
    return [hint for rule in HINT_RULES.values() if (hint := rule(features)) is not None]
