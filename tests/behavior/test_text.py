"""Question types, cue phrases and the objection lexicon's negation, on sentences with known answers."""

from __future__ import annotations

import pytest

from behavior import text as t
from behavior.objections import lexicon


@pytest.mark.parametrize(
    ("sentence", "is_question", "is_open"),
    [
        ("您现在是怎么管理客户跟进的？", True, True),
        ("你们一年大概有多少个销售？", True, True),
        ("为什么当时没选我们", False, False),  # no question mark and no yes/no form: ASR dropped it, we can't tell
        ("你们现在用的是哪家的系统呢？", True, True),
        ("那我们下周三下午两点开个线上会，您看怎么样？", True, False),  # tag after a proposal: closed
        ("先试用两周，好吗？", True, False),
        ("这个价格您能接受吗", True, False),  # yes/no form without a question mark
        ("你们有没有预算", True, False),
        ("几乎所有客户都在用。", False, False),  # 几乎 is not 几
        ("What does your current process look like?", True, True),
        ("Which team would use it first?", True, True),
        ("Do you have a budget for this?", True, False),
        ("We can start on Monday, right?", True, False),
        ("Let's do a pilot, how does that sound?", True, False),
        ("We use it every day.", False, False),
        ("how do you handle renewals today", True, True),  # ASR output without punctuation
    ],
)
def test_question_types(sentence, is_question, is_open):
    questions = t.question_sentences(sentence)
    assert bool(questions) is is_question
    assert any(t.is_open_question(q) for q in questions) is is_open


@pytest.mark.parametrize(
    ("text", "cue", "present"),
    [
        ("要不先免费试用两周？", "trial_offer", True),
        ("我们可以先小范围跑一下", "trial_offer", True),
        ("How about a two-week pilot with one team?", "trial_offer", True),
        ("我们的产品功能很全", "trial_offer", False),
        ("下周三下午两点开个线上会", "time", True),
        ("Let's meet Tuesday at 10", "time", True),
        ("What does that cost you?", "price", False),
        ("How much does it cost?", "price", True),
        ("每个月对账要花三天时间，很头疼", "pain", True),
    ],
)
def test_cues(text, cue, present):
    assert t.has_cue(text, cue) is present


def test_tokens_segment_chinese_and_keep_english_words():
    assert t.tokens("价格不是问题，我们用Excel。") == ("价格", "不是", "问题", "我们", "用", "excel")
    assert t.spoken_units("我们用Excel做报表") == 7  # 6 characters + 1 English word


@pytest.mark.parametrize(
    ("text", "positive", "denied"),
    [
        ("价格太贵了", {"price"}, set()),
        ("价格不是问题，主要是我们得问问老板", {"authority"}, {"price"}),
        ("其实也不算太贵", set(), {"price"}),
        ("预算没问题", set(), {"price"}),
        ("太贵了，我们再考虑一下吧", {"price", "stall"}, set()),
        ("Honestly, price isn't an issue for us.", set(), {"price"}),
        ("That's not too expensive.", set(), {"price"}),
        ("It's way over our budget and I need to run it by my CFO.", {"price", "authority"}, set()),
        ("We're already using Salesforce.", {"competitor"}, set()),
        ("我自己就能拍板", set(), {"authority"}),
    ],
)
def test_lexicon_triggers_and_negation(text, positive, denied):
    matches = lexicon.match(text)
    assert {m.label for m in matches if not m.denied} == positive
    assert {m.label for m in matches if m.denied} == denied
