"""Language and pace: speech rate, fillers, hedging, customer focus."""

from __future__ import annotations

from behavior import text as t
from behavior.features.registry import feature
from behavior.features.view import ConversationView, Utterance, ratio

G = "language"


def _units(utterances: list[Utterance]) -> int:
    return sum(u.units for u in utterances)


def _rate_per_min(utterances: list[Utterance]) -> float | None:
    seconds = sum(u.duration for u in utterances)
    return ratio(_units(utterances) * 60, seconds)


def _filler_per_100(utterances: list[Utterance]) -> float | None:
    words = [w for u in utterances for w in u.tokens]
    fillers = sum(w in t.FILLERS_ZH or w in t.FILLERS_EN for w in words)
    return ratio(fillers * 100, len(words))


def _per_100_units(utterances: list[Utterance], cue: str) -> float | None:
    return ratio(sum(t.count_cue(u.text, cue) for u in utterances) * 100, _units(utterances))


@feature("conversation_language", group=G, kind="category", en="Language of the conversation (BCP-47 primary tag: zh, en, ...).", zh="对话语言。")
def conversation_language(v: ConversationView) -> str:
    return v.conversation.language.split("-")[0].lower()


@feature("rep_speech_rate", group=G, unit="units/min", en="Rep speaking rate: Chinese characters plus English words per minute of rep talk.", zh="销售语速：每分钟汉字数（英文按词计）。")
def rep_speech_rate(v: ConversationView) -> float | None:
    return _rate_per_min(v.rep)


@feature("customer_speech_rate", group=G, unit="units/min", en="Customer speaking rate in characters/words per minute.", zh="客户语速（每分钟字/词数）。")
def customer_speech_rate(v: ConversationView) -> float | None:
    return _rate_per_min(v.customer)


@feature("speech_rate_gap", group=G, unit="units/min", en="Rep speech rate minus customer speech rate (matching the customer's pace builds rapport).", zh="销售与客户语速之差。")
def speech_rate_gap(v: ConversationView) -> float | None:
    rep, customer = _rate_per_min(v.rep), _rate_per_min(v.customer)
    return None if rep is None or customer is None else rep - customer


@feature("rep_filler_rate", group=G, unit="per 100 words", en="Rep filler words (嗯/那个/就是/um/uh/like) per 100 words.", zh="销售口头禅/填充词（嗯、那个、就是）每百词出现次数。")
def rep_filler_rate(v: ConversationView) -> float | None:
    return _filler_per_100(v.rep)


@feature("customer_filler_rate", group=G, unit="per 100 words", en="Customer filler words per 100 words.", zh="客户填充词每百词出现次数。")
def customer_filler_rate(v: ConversationView) -> float | None:
    return _filler_per_100(v.customer)


@feature("rep_units_per_segment", group=G, unit="units", en="Mean length of a rep segment in characters/words.", zh="销售平均每段发言字数。")
def rep_units_per_segment(v: ConversationView) -> float | None:
    return ratio(_units(v.rep), len(v.rep))


@feature("rep_vocabulary_richness", group=G, unit="ratio", en="Distinct words / words over the rep's first 300 words (type-token ratio; low = repetitive script).", zh="销售词汇丰富度（前300词的不同词比例）。")
def rep_vocabulary_richness(v: ConversationView) -> float | None:
    words = [w for u in v.rep for w in u.tokens][:300]
    return ratio(len(set(words)), len(words))


@feature("rep_hedge_rate", group=G, unit="per 100 units", en="Rep hedges (可能/也许/大概/maybe/probably/I think) per 100 characters/words.", zh="销售模糊措辞（可能、也许、大概）每百字次数。")
def rep_hedge_rate(v: ConversationView) -> float | None:
    return _per_100_units(v.rep, "hedge")


@feature("rep_certainty_rate", group=G, unit="per 100 units", en="Rep certainty words (肯定/保证/definitely/guarantee) per 100 characters/words.", zh="销售确定性措辞（肯定、保证）每百字次数。")
def rep_certainty_rate(v: ConversationView) -> float | None:
    return _per_100_units(v.rep, "certainty")


@feature("rep_customer_focus", group=G, unit="ratio", en="Share of 'you' among the rep's personal pronouns (您/你们/you vs 我们/we/I): customer-centred language.", zh="销售以客户为中心的措辞比例（“您/你们”占人称代词的比例）。")
def rep_customer_focus(v: ConversationView) -> float | None:
    words = [w for u in v.rep for w in u.tokens]
    you = sum(w in t.YOU_WORDS for w in words)
    return ratio(you, you + sum(w in t.WE_WORDS for w in words))


@feature("rep_politeness_rate", group=G, unit="per min", en="Rep courtesy markers (您/请/谢谢/please/thank you) per minute of rep talk.", zh="销售礼貌用语（您、请、谢谢）每分钟次数。")
def rep_politeness_rate(v: ConversationView) -> float | None:
    return ratio(sum(t.count_cue(u.text, "politeness") for u in v.rep) * 60, sum(u.duration for u in v.rep))


@feature("rep_negative_phrasing_count", group=G, unit="count", en="Rep segments with negative phrasing (不行/做不到/can't/unfortunately).", zh="销售消极措辞（不行、做不到）的次数。")
def rep_negative_phrasing_count(v: ConversationView) -> int:
    return sum(u.has("rep_negative") for u in v.rep)


@feature("rep_number_use_count", group=G, unit="count", en="Rep segments containing a number (specifics: figures, dates, percentages).", zh="销售发言中含数字的段数。")
def rep_number_use_count(v: ConversationView) -> int:
    return sum(u.has("number") for u in v.rep)


@feature("rep_introduced_company", group=G, kind="bool", en="The rep introduced themselves or the company in the first minute (我是XX公司的/this is Ann from Acme).", zh="销售在第一分钟内做了自我/公司介绍。")
def rep_introduced_company(v: ConversationView) -> bool:
    return any(u.role == "rep" and u.has("self_intro") for u in v.window(first_s=60))
