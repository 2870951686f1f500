"""Questioning: how much, how openly and how evenly the rep asks."""

from __future__ import annotations

from behavior import text as t
from behavior.features.registry import feature
from behavior.features.view import ConversationView, ratio

G = "questioning"


@feature("rep_question_count", group=G, unit="count", en="Rep segments that ask a question.", zh="销售提问次数（含问句的销售发言段）。")
def rep_question_count(v: ConversationView) -> int:
    return sum(u.is_question for u in v.rep)


@feature("rep_open_question_count", group=G, unit="count", en="Rep segments asking for information a yes/no cannot answer (什么/怎么/如何/为什么/哪/多少/几, what/how/why/which); a confirmation tag after a proposal (…您看怎么样？, right?) is closed.", zh="销售开放式提问次数；提议后的确认式提问（您看怎么样？/好吗？）算封闭式。")
def rep_open_question_count(v: ConversationView) -> int:
    return sum(u.is_open_question for u in v.rep)


@feature("rep_closed_question_count", group=G, unit="count", en="Rep question segments that ask no open question.", zh="销售封闭式提问次数。")
def rep_closed_question_count(v: ConversationView) -> int:
    return sum(u.is_question and not u.is_open_question for u in v.rep)


@feature("rep_open_question_share", group=G, unit="ratio", en="rep_open_question_count / rep_question_count.", zh="开放式提问占销售提问的比例。")
def rep_open_question_share(v: ConversationView) -> float | None:
    return ratio(rep_open_question_count(v), rep_question_count(v))


@feature("rep_questions_per_min", group=G, unit="1/min", en="Rep question segments per conversation minute.", zh="销售每分钟提问数。")
def rep_questions_per_min(v: ConversationView) -> float | None:
    return ratio(rep_question_count(v), v.minutes)


@feature("rep_questions_first_5min", group=G, unit="count", en="Rep question segments starting in the first 5 minutes (discovery before pitching).", zh="前5分钟销售提问次数。")
def rep_questions_first_5min(v: ConversationView) -> int:
    return sum(u.is_question for u in v.window(first_s=300) if u.role == "rep")


@feature("rep_tag_question_count", group=G, unit="count", en="Rep sentences that close a proposal with a confirmation tag (…好吗？/…, right?).", zh="销售确认式提问（…好吗？/…对吧？）次数。")
def rep_tag_question_count(v: ConversationView) -> int:
    return sum(t.is_tag_question(s) for u in v.rep for s in u.question_sentences)


@feature("rep_stacked_question_count", group=G, unit="count", en="Rep segments that fire two or more questions at once.", zh="销售连环发问（一段内两个及以上问题）次数。")
def rep_stacked_question_count(v: ConversationView) -> int:
    return sum(len(u.question_sentences) >= 2 for u in v.rep)


@feature("first_rep_question_latency_s", group=G, unit="s", en="Seconds from the conversation start to the rep's first question; null if none.", zh="销售首次提问的时间（秒）。")
def first_rep_question_latency_s(v: ConversationView) -> float | None:
    first = next((u for u in v.rep if u.is_question), None)
    return None if first is None else first.start - v.start


@feature("longest_rep_stretch_without_question_s", group=G, unit="s", en="Longest time between two consecutive rep questions (or from the start / to the end).", zh="销售两次提问之间的最长间隔。")
def longest_rep_stretch_without_question_s(v: ConversationView) -> float:
    marks = [v.start] + [u.start for u in v.rep if u.is_question] + [v.end]
    return max(b - a for a, b in zip(marks, marks[1:]))


@feature("rep_question_spread", group=G, unit="ratio", en="Share of the conversation's ten equal time slices in which the rep asks at least one question.", zh="提问分布度：对话十等分后含销售提问的时段占比。")
def rep_question_spread(v: ConversationView) -> float | None:
    if v.duration <= 0:
        return None
    slices = {min(9, int((u.start - v.start) / v.duration * 10)) for u in v.rep if u.is_question}
    return len(slices) / 10


@feature("customer_answer_after_question_s", group=G, unit="s", en="Mean length of the customer turn that follows a rep question.", zh="销售提问后客户回答的平均时长。")
def customer_answer_after_question_s(v: ConversationView) -> float | None:
    answers = [b.duration for a, b in zip(v.turns, v.turns[1:]) if a.role == "rep" and a.utterances[-1].is_question]
    return ratio(sum(answers), len(answers))


@feature("customer_question_count", group=G, unit="count", en="Customer segments that ask a question (an engaged buyer asks).", zh="客户提问次数。")
def customer_question_count(v: ConversationView) -> int:
    return sum(u.is_question for u in v.customer)


@feature("customer_question_share", group=G, unit="ratio", en="Customer question segments / all question segments.", zh="客户提问占全部提问的比例。")
def customer_question_share(v: ConversationView) -> float | None:
    customer = customer_question_count(v)
    return ratio(customer, customer + rep_question_count(v))
