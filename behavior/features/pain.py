"""Pain discovery: when and how well the rep gets the customer to state the problem."""

from __future__ import annotations

import re

from behavior.features.registry import feature
from behavior.features.view import ConversationView, Utterance, ratio

G = "pain"
_NO_PROBLEM = re.compile(
    r"没(?:什么|啥)?(?:问题|麻烦|困扰)|不(?:麻烦|难|慢)|挺好|还好|\bno (?:problem|issue)s?\b|\bnot (?:a|really a) (?:problem|issue)\b|"
    r"\bno (?:real )?(?:pain|complaints)\b",
    re.IGNORECASE,
)
# Kinds of pain, so a rep who uncovers several (time, money, errors...) shows broader discovery.
_PAIN_TOPICS = {
    "time": re.compile(r"时间|费时|耗时|加班|慢|天|小时|\b(?:hours?|days?|time|slow|forever|late)\b", re.I),
    "cost": re.compile(r"成本|浪费|钱|损失|\b(?:cost|money|waste|expensive|budget|losing)\b", re.I),
    "errors": re.compile(r"出错|错误|漏|丢|\b(?:errors?|mistakes?|miss\w*|lost|drop\w*)\b", re.I),
    "visibility": re.compile(r"看不到|不清楚|不知道|混乱|乱|\b(?:visibility|no idea|blind|chaos|messy|track)\b", re.I),
    "people": re.compile(r"人手|流失|投诉|压力|跟不上|\b(?:staff|people|churn|complain\w*|keep up|turnover)\b", re.I),
}


def pain_statements(v: ConversationView) -> list[Utterance]:
    """Customer utterances stating a problem; objections (太贵了) and negated problems (没什么问题) are not pain."""
    return v.memo(_pain_statements)


def _pain_statements(v: ConversationView) -> list[Utterance]:
    return [u for u in v.customer if u.has("pain") and not v.objections_of(u) and not _NO_PROBLEM.search(u.text)]


def _first_pitch(v: ConversationView) -> float | None:
    """Start of the first rep monologue over 30 s: where the pitch begins."""
    return next((turn.start for turn in v.turns_of("rep") if turn.duration > 30), None)


@feature("first_pain_point_latency_s", group=G, unit="s", en="Seconds from the conversation start to the first customer statement of a problem or pain; null if none.", zh="首次提及客户痛点的延迟秒数（对话开始到客户第一次陈述问题/痛点）。")
def first_pain_point_latency_s(v: ConversationView) -> float | None:
    pains = pain_statements(v)
    return pains[0].start - v.start if pains else None


@feature("pain_point_count", group=G, unit="count", en="Customer segments that state a problem or pain.", zh="客户陈述痛点的次数。")
def pain_point_count(v: ConversationView) -> int:
    return len(pain_statements(v))


@feature("pain_talk_s", group=G, unit="s", en="Seconds the customer spends describing problems.", zh="客户描述痛点的总时长。")
def pain_talk_s(v: ConversationView) -> float:
    return sum(u.duration for u in pain_statements(v))


@feature("quantified_pain_count", group=G, unit="count", en="Customer pain statements that carry a number (三天, 20%, 4 hours): a measurable problem.", zh="量化痛点次数（带数字的痛点陈述）。")
def quantified_pain_count(v: ConversationView) -> int:
    return sum(u.has("number") for u in pain_statements(v))


@feature("pain_topic_count", group=G, unit="count", en="Distinct kinds of pain the customer raised (time, cost, errors, visibility, people).", zh="客户提到的痛点类型数（时间、成本、差错、可见性、人员）。")
def pain_topic_count(v: ConversationView) -> int:
    return sum(any(pattern.search(u.text) for u in pain_statements(v)) for pattern in _PAIN_TOPICS.values())


@feature("pain_before_pitch", group=G, kind="bool", en="The customer stated a pain before the rep's first monologue over 30 s (or there was no such monologue).", zh="在销售首次长篇介绍（>30秒）之前客户已说出痛点。")
def pain_before_pitch(v: ConversationView) -> bool:
    pains, pitch = pain_statements(v), _first_pitch(v)
    return bool(pains) and (pitch is None or pains[0].start < pitch)


@feature("discovery_before_pitch_s", group=G, unit="s", en="Seconds from the start to the rep's first monologue over 30 s (time spent on discovery); null if the rep never pitches that long.", zh="首次长篇介绍前的探询时长（秒）。")
def discovery_before_pitch_s(v: ConversationView) -> float | None:
    pitch = _first_pitch(v)
    return None if pitch is None else pitch - v.start


@feature("rep_problem_probe_count", group=G, unit="count", en="Rep open questions about challenges or problems (有什么挑战/what's the biggest problem).", zh="销售询问问题/挑战的开放式提问次数。")
def rep_problem_probe_count(v: ConversationView) -> int:
    return sum(u.is_open_question and u.has("problem_probe") for u in v.rep)


@feature("rep_impact_question_count", group=G, unit="count", en="Rep questions about the impact or cost of a problem (影响/损失, what does that cost you).", zh="销售询问问题影响/代价的提问次数。")
def rep_impact_question_count(v: ConversationView) -> int:
    return sum(u.is_question and u.has("impact_probe") for u in v.rep)


@feature("rep_paraphrase_count", group=G, unit="count", en="Rep segments restating what the customer said (您刚才提到/so what I'm hearing): active listening.", zh="销售复述客户观点（您刚才提到…）的次数。")
def rep_paraphrase_count(v: ConversationView) -> int:
    return sum(u.has("paraphrase") for u in v.rep)


@feature("pain_share_of_customer_turns", group=G, unit="ratio", en="Share of the customer's segments that state a pain.", zh="客户发言中陈述痛点的比例。")
def pain_share_of_customer_turns(v: ConversationView) -> float | None:
    return ratio(len(pain_statements(v)), len(v.customer))


@feature("rep_pain_follow_up_share", group=G, unit="ratio", en="Share of customer pain statements the rep answers with a question in the next rep segment.", zh="客户说出痛点后销售紧接着追问的比例。")
def rep_pain_follow_up_share(v: ConversationView) -> float | None:
    pains = pain_statements(v)
    followed = [v.next_rep_after(u) for u in pains]
    return ratio(sum(r is not None and r.is_question for r in followed), len(pains))
