"""behavior.synth: synthetic labelled sales conversations with planted effects of known size."""

from __future__ import annotations

import math
import re
import statistics

import numpy as np
import pytest
import statsmodels.api as sm
from opencc import OpenCC
from scipy.stats import fisher_exact

from behavior import synth
from behavior.synth import (
    CLOSED_QUESTIONS,
    NEXT_STEP_PHRASES,
    OBJECTIONS,
    OPEN_QUESTIONS,
    PAIN_STATEMENTS,
    PLANTED_LOG_ODDS_PER_UNIT,
    PLANTED_ODDS_RATIOS,
    STALL_PHRASES,
    TRIAL_OFFER_PHRASES,
    VAGUE_ENDINGS,
    planted_win_probability,
    synthesize,
)
from conversation import parse_conversation

N = 4000
SEED = 0


@pytest.fixture(scope="module")
def corpus():
    return synthesize(N, SEED)


@pytest.fixture(scope="module")
def null_corpus():
    return synthesize(2000, SEED, null=True)


def truth(c):
    return c.metadata["synth"]


# ---------------------------------------------------------------------------------------------------
# phrase banks: the contracts detectors are tested against
# ---------------------------------------------------------------------------------------------------

TRIAL_WORDS = {
    "zh": re.compile(r"试|小范围|POC|概念验证|小样|样品|免费", re.IGNORECASE),
    "en": re.compile(r"\b(trial|pilot|poc|proof of concept|sample|try|tried|free)\b", re.IGNORECASE),
}
TIMED_STEP = {
    "zh": re.compile(
        r"(周[一二三四五六日天]|星期[一二三四五六日天]|明天|后天|[0-9一二三四五六七八九十]+号).*?([上下]午|[0-9一二三四五六七八九十两]+点)"
    ),
    "en": re.compile(
        r"\b(monday|tuesday|wednesday|thursday|friday|tomorrow|the \d+(st|nd|rd|th))\b.*?(\bat \d|\d ?(am|pm)\b)",
        re.IGNORECASE,
    ),
}
OPEN_WORDS = {
    "zh": re.compile(r"什么|怎么|如何|为什么|哪|多少|几"),
    "en": re.compile(r"^(what|how|why|which|who|where|when)\b|\bhow (many|much)\b", re.IGNORECASE),
}
STALL_WORDS = {
    "zh": re.compile(r"考虑|想想|想一想|再说|再看看|琢磨|研究研究|消化"),
    "en": re.compile(
        r"think (about|it over)|get back to you|circle back|revisit|mull|sleep on|digest|put a pin", re.IGNORECASE
    ),
}


def all_banks():
    """(name, role, lang, phrases) for every phrase bank in the module."""
    out = []
    for name in dir(synth):
        value = getattr(synth, name)
        if not name.isupper() or not isinstance(value, dict):
            continue
        if set(value) == {"zh", "en"}:
            for lang in ("zh", "en"):
                phrases = [p if isinstance(p, str) else " ".join(p) for p in value[lang]]
                out.append((name, lang, phrases))
        elif set(value) == {"rep", "customer"}:
            for role in ("rep", "customer"):
                for lang in ("zh", "en"):
                    out.append((f"{name}[{role}]", lang, value[role][lang]))
        elif name in ("OBJECTIONS", "OBJECTION_RESPONSES"):
            for label, banks in value.items():
                for lang in ("zh", "en"):
                    out.append((f"{name}[{label}]", lang, banks[lang]))
    return out


REP_STATEMENT_BANKS = [
    "SELF_INTRODUCTIONS",
    "AGENDA",
    "REP_RESTATEMENTS",
    "PITCH",
    "VALUE_ROI",
    "PRICING",
    "IMPLEMENTATION",
    "STALL_ACKNOWLEDGEMENTS",
    "TRIAL_OFFER_PHRASES",
    "CLOSING_SUMMARIES",
    "NEXT_STEP_PHRASES",
    "VAGUE_ENDINGS",
    "GOODBYES[rep]",
    "BACKCHANNELS[rep]",
] + [f"OBJECTION_RESPONSES[{k}]" for k in synth.OBJECTION_RESPONSES]
CUSTOMER_BANKS = [
    "GREETINGS",
    "SMALL_TALK_REPLIES",
    "CLOSED_ANSWERS",
    "CUSTOMER_CONTEXT",
    "PAIN_STATEMENTS",
    "CUSTOMER_ELABORATIONS",
    "PRICE_QUESTIONS",
    "PRICE_REACTIONS",
    "HANDLING_REPLIES",
    "TRIAL_OFFER_REPLIES",
    "NEXT_STEP_CONFIRMATIONS",
    "VAGUE_ENDING_REPLIES",
    "GOODBYES[customer]",
    "BACKCHANNELS[customer]",
] + [f"OBJECTIONS[{k}]" for k in OBJECTIONS if k != "stall"]


def test_every_slot_has_many_phrasings():
    slots = [
        STALL_PHRASES,
        TRIAL_OFFER_PHRASES,
        NEXT_STEP_PHRASES,
        VAGUE_ENDINGS,
        OPEN_QUESTIONS,
        CLOSED_QUESTIONS,
        PAIN_STATEMENTS,
        synth.PITCH,
        synth.VALUE_ROI,
        synth.PRICING,
        synth.SELF_INTRODUCTIONS,
        synth.AGENDA,
        *OBJECTIONS.values(),
    ]
    for bank in slots:
        for lang in ("zh", "en"):
            assert len(bank[lang]) >= 8 and len(set(bank[lang])) == len(bank[lang])
    assert set(OBJECTIONS) == {"price", "timing", "stall", "competitor", "authority", "need", "trust"}
    assert OBJECTIONS["stall"] is STALL_PHRASES


def test_only_trial_offers_offer_a_trial():
    for lang in ("zh", "en"):
        assert all(TRIAL_WORDS[lang].search(p) for p in TRIAL_OFFER_PHRASES[lang])
    for name, lang, phrases in all_banks():
        if name != "TRIAL_OFFER_PHRASES":
            assert not [p for p in phrases if TRIAL_WORDS[lang].search(p)], name


def test_only_next_steps_set_a_timed_next_step():
    for lang in ("zh", "en"):
        assert all(TIMED_STEP[lang].search(p) for p in NEXT_STEP_PHRASES[lang])
    for name, lang, phrases in all_banks():
        if name != "NEXT_STEP_PHRASES":
            assert not [p for p in phrases if TIMED_STEP[lang].search(p)], name


def test_questions_are_open_or_closed_as_labelled():
    for lang in ("zh", "en"):
        assert all(p.endswith(("？", "?")) and OPEN_WORDS[lang].search(p) for p in OPEN_QUESTIONS[lang])
        for p in CLOSED_QUESTIONS[lang]:
            assert p.endswith(("？", "?"))
            tagless = p.replace("怎么样", "") if lang == "zh" else p.replace("How does that sound?", "")
            assert not OPEN_WORDS[lang].search(tagless), p
        # rep small talk is statements or closed questions
        for p in synth.SMALL_TALK[lang]:
            assert not (p.endswith(("？", "?")) and OPEN_WORDS[lang].search(p.replace("怎么样", ""))), p
    assert any("怎么样" in p for p in CLOSED_QUESTIONS["zh"]) and any(
        p.endswith(("对吧？", "好吗？", "可以吗？")) for p in CLOSED_QUESTIONS["zh"]
    )
    assert any(p.endswith((", right?", ", okay?")) for p in CLOSED_QUESTIONS["en"])
    banks = {(name, lang): phrases for name, lang, phrases in all_banks()}
    for name in REP_STATEMENT_BANKS:
        for lang in ("zh", "en"):
            assert not [p for p in banks[name, lang] if "？" in p or "?" in p], name
    for lang in ("zh", "en"):  # the rep's answers to customer questions are statements too
        assert not [a for _, a in synth.CUSTOMER_QA[lang] if "？" in a or "?" in a]


def test_stalls_are_the_only_customer_delays():
    for lang in ("zh", "en"):
        assert all(STALL_WORDS[lang].search(p) for p in STALL_PHRASES[lang])
    banks = {(name, lang): phrases for name, lang, phrases in all_banks()}
    for name in CUSTOMER_BANKS:
        for lang in ("zh", "en"):
            assert not [p for p in banks[name, lang] if STALL_WORDS[lang].search(p)], name


def test_chinese_is_simplified_with_full_width_punctuation_and_no_emoji():
    t2s = OpenCC("t2s")
    cast = (
        [r["zh"] for r in synth.REPS]
        + synth.COMPANIES["zh"]
        + synth.INDUSTRIES["zh"]
        + [f for d in synth.DOMAINS.values() for f in [d["zh"]["product"], *d["zh"]["features"]]]
    )
    emoji = re.compile("[\U0001f000-\U0001ffff\u2600-\u27bf\ufe0f]")
    for name, lang, phrases in all_banks():
        if name in ("COMPANIES", "INDUSTRIES"):
            continue
        for p in phrases:
            assert not emoji.search(p), p
            if lang == "zh":
                assert t2s.convert(p) == p, p
                assert not re.search(r"[,?!;:]|\.(?!\d)", p), p
                assert re.search(r"[。？！]$", p), p
    for p in cast:
        assert t2s.convert(p) == p


# ---------------------------------------------------------------------------------------------------
# the corpus
# ---------------------------------------------------------------------------------------------------


def test_deterministic_and_prefix_stable():
    a = [c.model_dump_json() for c in synthesize(25, 7)]
    assert a == [c.model_dump_json() for c in synthesize(25, 7)]
    assert a[:10] == [c.model_dump_json() for c in synthesize(10, 7)]
    assert a != [c.model_dump_json() for c in synthesize(25, 8)]
    null = synthesize(25, 7, null=True)
    assert [c.segments for c in null] == [parse_conversation(j).segments for j in a]  # same texts, other outcomes


def test_schema_round_trip_and_shape(corpus):
    for c in corpus[:400]:
        assert parse_conversation(c.model_dump_json()) == c
    ids = [c.id for c in corpus]
    assert ids[123] == "synth-000123" and len(set(ids)) == N
    reps = set()
    for c in corpus:
        assert [(p.speaker, p.role) for p in c.participants] == [("rep", "rep"), ("customer", "customer")]
        assert all(p.name for p in c.participants)
        assert c.outcome in ("won", "lost") and c.language in ("zh", "en") and c.channel in ("call", "chat")
        assert re.fullmatch(r"rep(0[1-9]|1\d|20)", c.metadata["rep"])
        reps.add(c.metadata["rep"])
        assert len(truth(c)["segment_labels"]) == len(c.segments)
        assert truth(c)["p_won"] == pytest.approx(planted_win_probability(truth(c)), abs=1e-6)
    assert len(reps) == 20
    skills = {r["skill"] for r in synth.REPS}
    assert len(skills) == 20 and min(skills) < -1 and max(skills) > 1


def test_durations_language_and_channel_shares(corpus):
    for c in corpus:
        assert 0.7 * 600 <= c.duration <= 1.3 * 600, (c.id, c.duration)
    durations = [c.duration for c in corpus]
    assert statistics.pstdev(durations) > 40  # lengths vary
    assert abs(sum(c.language == "zh" for c in corpus) / N - 0.6) < 0.03
    assert abs(sum(c.channel == "chat" for c in corpus) / N - 0.1) < 0.02
    for c in synthesize(150, 3, minutes=5.0, zh_share=0.0):
        assert c.language == "en" and 0.7 * 300 <= c.duration <= 1.3 * 300, (c.id, c.duration)
    assert all(c.language == "zh" for c in synthesize(20, 3, zh_share=1.0))


def test_segments_in_time_order_with_realistic_timing(corpus):
    counts = [len(c.segments) for c in corpus]
    assert 80 <= statistics.median(counts) <= 130
    assert sum(60 <= k <= 150 for k in counts) / N > 0.9
    overlaps = 0
    for c in corpus:
        starts = [s.start for s in c.segments]
        assert starts == sorted(starts) and all(s.end >= s.start for s in c.segments)
        if c.channel == "chat":
            assert all(s.start == s.end for s in c.segments)
            continue
        for a, b in zip(c.segments, c.segments[1:]):
            if b.start < a.end:
                overlaps += 1
                assert a.speaker == "customer" and b.speaker == "rep"  # the rep interrupts
            else:
                assert b.start - a.end <= 3.0
    assert overlaps > N  # interruptions happen, not everywhere
    # speaking rate: about 4 characters/s in Chinese, 2.5 words/s in English
    zh = [
        (len(re.sub(r"[，。？！、：；]", "", s.text)), s.duration)
        for c in corpus[:300]
        if c.language == "zh" and c.channel == "call"
        for s in c.segments
        if s.duration > 3
    ]
    en = [
        (len(s.text.split()), s.duration)
        for c in corpus[:300]
        if c.language == "en" and c.channel == "call"
        for s in c.segments
        if s.duration > 3
    ]
    assert 3.3 < sum(n for n, _ in zh) / sum(d for _, d in zh) < 4.7
    assert 2.0 < sum(n for n, _ in en) / sum(d for _, d in en) < 3.0


def test_ground_truth_matches_the_text(corpus):
    lists = {
        name: {lang: set(bank[lang]) for lang in ("zh", "en")}
        for name, bank in [
            ("trial", TRIAL_OFFER_PHRASES),
            ("stall", STALL_PHRASES),
            ("next", NEXT_STEP_PHRASES),
            ("vague", VAGUE_ENDINGS),
            ("open", OPEN_QUESTIONS),
            ("pain", PAIN_STATEMENTS),
        ]
    }
    plans = set()
    for c in corpus:
        t, lang = truth(c), c.language
        texts = {name: bank[lang] for name, bank in lists.items()}
        in_bank = lambda name, s, texts=texts: s.text in texts[name]
        stalls = [s for s in c.segments if in_bank("stall", s)]
        trials = [s for s in c.segments if in_bank("trial", s)]
        assert all(s.speaker == "customer" for s in stalls) and all(s.speaker == "rep" for s in trials)
        assert len(stalls) == int(t["stall"]) and len(trials) == int(t["trial_offer"])
        if t["stall"]:
            assert stalls[0].end == t["stall_end_s"]
        if t["trial_offer"]:
            assert trials[0].start == t["trial_offer_start_s"]
        plans.add(t["trial_plan"])
        if t["stall"] and t["trial_offer"]:
            latency = t["trial_offer_latency_s"]
            assert latency == pytest.approx(trials[0].start - stalls[0].end, abs=0.011)
            assert latency > 0
            if t["trial_plan"] == "within_90s":
                assert 4.0 <= latency <= 85.0 and t["trial_offer_within_90s"]
            else:
                assert t["trial_plan"] == "late" and 95.0 <= latency <= 400.0 and not t["trial_offer_within_90s"]
        else:
            assert t["trial_offer_latency_s"] is None and not t["trial_offer_within_90s"]
        assert t["stall_trial_offer_within_90s"] == t["trial_offer_within_90s"]
        nexts = [s for s in c.segments if in_bank("next", s)]
        vague = [s for s in c.segments if in_bank("vague", s)]
        assert (len(nexts), len(vague)) == ((1, 0) if t["next_step_set"] else (0, 1))
        assert all(s.speaker == "rep" for s in nexts + vague)
        if nexts:
            assert nexts[0].start == t["next_step_start_s"] and nexts[0].start > c.segments[-1].start - 60
        opens = [s for s in c.segments if s.speaker == "rep" and in_bank("open", s)]
        assert len(opens) == t["rep_open_questions"] >= 1
        pains = [s for s in c.segments if in_bank("pain", s)]
        assert all(s.speaker == "customer" for s in pains) and pains[0].start == t["first_pain_s"]
        assert len(pains) == t["pain_statements"]
        labelled = [(o["type"], o["start_s"]) for o in t["objections"]]
        assert labelled == [
            (lab.split(":")[1], s.start)
            for s, lab in zip(c.segments, t["segment_labels"])
            if lab.startswith("objection:")
        ]
        for o, s in zip(
            t["objections"], [s for s, lab in zip(c.segments, t["segment_labels"]) if lab.startswith("objection:")]
        ):
            assert s.speaker == "customer" and s.text in OBJECTIONS[o["type"]][lang]
    assert plans == {"none", "never", "within_90s", "late"}


def test_planted_behavior_frequencies(corpus):
    t = [truth(c) for c in corpus]
    assert 0.56 < np.mean([x["stall"] for x in t]) < 0.64
    stalled = [x for x in t if x["stall"]]
    for plan in ("within_90s", "late", "never"):
        assert 0.15 < np.mean([x["trial_plan"] == plan for x in stalled]) < 0.5
    # better reps do the planted behaviors more often
    for key in ("stall_trial_offer_within_90s", "next_step_set", "rep_open_questions"):
        low = np.mean([x[key] for x in t if x["rep_skill"] < 0])
        high = np.mean([x[key] for x in t if x["rep_skill"] > 0])
        assert high > low * 1.3, key
    assert 0.35 <= np.mean([c.outcome == "won" for c in corpus]) <= 0.45


def design(corpus, extra=()):
    t = [truth(c) for c in corpus]
    cols = ["stall_trial_offer_within_90s", "next_step_set", "rep_open_questions", *extra]
    x = np.array([[float(len(r[k]) if isinstance(r[k], list) else r[k]) for k in cols] for r in t])
    y = np.array([c.outcome == "won" for c in corpus], dtype=float)
    return x, y


def test_planted_odds_ratios_are_recovered(corpus):
    x, y = design(
        corpus,
        extra=(
            "stall",
            "rep_talk_share",
            "objections",
            "small_talk_s",
            "rep_closed_questions",
            "longest_rep_monologue_s",
            "pain_statements",
        ),
    )
    fit = sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    ci = fit.conf_int(alpha=0.05)
    for j, (key, odds_ratio) in enumerate(PLANTED_ODDS_RATIOS.items(), start=1):
        assert math.exp(ci[j][0]) < odds_ratio < math.exp(ci[j][1]), (key, np.exp(ci[j]))
    assert ci[3][0] < PLANTED_LOG_ODDS_PER_UNIT["rep_open_questions"] < ci[3][1]
    # nothing else carries an effect once the planted behaviors are known
    assert all(p > 0.01 for p in fit.pvalues[4:]), fit.pvalues[4:]
    # a stratified (Mantel-Haenszel, by next step) estimate agrees among stalled conversations
    t = [truth(c) for c in corpus]
    num = den = 0.0
    for ns in (False, True):
        cell = [
            (r["trial_offer_within_90s"], c.outcome == "won")
            for r, c in zip(t, corpus)
            if r["stall"] and r["next_step_set"] == ns
        ]
        n = {(q, w): sum(1 for cq, cw in cell if (cq, cw) == (q, w)) for q in (True, False) for w in (True, False)}
        num += n[True, True] * n[False, False] / len(cell)
        den += n[True, False] * n[False, True] / len(cell)
    assert 3.0 < num / den < 7.0


def test_null_corpus_has_no_association(null_corpus, corpus):
    assert [c.segments for c in null_corpus[:50]] == [c.segments for c in corpus[:50]]
    assert all(truth(c)["null"] and truth(c)["p_won"] == 0.4 for c in null_corpus)
    won = np.array([c.outcome == "won" for c in null_corpus])
    assert 0.36 < won.mean() < 0.44
    t = [truth(c) for c in null_corpus]
    median_q = np.median([r["rep_open_questions"] for r in t])
    for behavior in (
        [r["stall_trial_offer_within_90s"] for r in t],
        [r["next_step_set"] for r in t],
        [r["rep_open_questions"] > median_q for r in t],
    ):
        b = np.array(behavior, dtype=bool)
        table = [[int(np.sum(b & won)), int(np.sum(b & ~won))], [int(np.sum(~b & won)), int(np.sum(~b & ~won))]]
        assert fisher_exact(table)[1] > 0.01, table


def test_rejects_bad_arguments():
    assert synthesize(0, 1) == []
    for kwargs in ({"n": -1, "seed": 0}, {"n": 1, "seed": 0, "minutes": 0}, {"n": 1, "seed": 0, "zh_share": 1.5}):
        with pytest.raises(ValueError):
            synthesize(**kwargs)
