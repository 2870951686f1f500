"""The assistant without an LLM (extractive + templates) and with a scripted one."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from suggest_support import PLAYBOOK, FailingModel, ListRetriever, ScriptedModel, call

from agent.assist import AssistError, draft_email, intel, minutes

CST = timezone(timedelta(hours=8))
STARTED = datetime(2024, 5, 13, 10, 0, tzinfo=CST)  # a Monday

MEETING = [
    ("rep", "李总您好，我是云帆科技的小王。"),
    ("customer", "我们现在库存盘点太慢，每个月都要花三天时间，经常出错。"),
    ("rep", "明白。那我下周三下午两点给您做一次演示，演示前我把报价单发给您。"),
    ("customer", "好的，那就先从一个仓库试点。"),
    ("customer", "我这边月底之前跟老板汇报一下。"),
    ("rep", "麻烦您周五前把仓库的SKU清单发给我。"),
    ("customer", "没问题。"),
]

MEETING_EN = [
    ("rep", "Hi Dana, this is Alex from Acme Analytics."),
    ("customer", "Our reps waste hours every week logging calls manually."),
    ("rep", "Understood. I'll send you the security whitepaper by Friday."),
    ("customer", "Agreed, let's go with a pilot for one team."),
    ("rep", "Could you share the list of pilot users by next Wednesday at 3pm?"),
]


def test_minutes_action_items_have_owner_and_resolved_date():
    result = minutes(call(MEETING, started_at=STARTED.isoformat()))
    items = [(i.owner, i.owner_role, i.due_text, i.due) for i in result.action_items]
    assert items == [
        ("小王", "rep", "下周三下午两点", datetime(2024, 5, 22, 14, 0, tzinfo=CST)),
        ("李总", "customer", "月底", date(2024, 5, 31)),
        ("李总", "customer", "周五", date(2024, 5, 17)),  # the rep asks the customer: the customer owns it
    ]
    assert result.action_items[0].task.startswith("那我下周三下午两点给您做一次演示") or "演示" in result.action_items[0].task
    assert result.decisions == ["那就先从一个仓库试点。"]
    assert "库存盘点太慢" in result.summary and "小王" in result.summary and "李总" in result.summary
    assert result.generated_by == "template"


def test_minutes_date_is_relative_to_when_it_was_said():
    # The same words said on a Thursday an hour later resolve to a different Wednesday.
    late = call(MEETING, started_at=datetime(2024, 5, 16, 23, 0, tzinfo=CST).isoformat())
    assert minutes(late).action_items[0].due == datetime(2024, 5, 22, 14, 0, tzinfo=CST)
    next_day = call(MEETING, started_at=datetime(2024, 5, 19, 23, 59, 55, tzinfo=CST).isoformat())  # Sunday 23:59:55 + 10 s = Monday
    assert minutes(next_day).action_items[0].due == datetime(2024, 5, 29, 14, 0, tzinfo=CST)


def test_minutes_without_started_at_keep_the_words():
    items = minutes(call(MEETING)).action_items
    assert [(i.due_text, i.due) for i in items] == [("下周三下午两点", None), ("月底", None), ("周五", None)]


def test_minutes_in_english():
    result = minutes(call(MEETING_EN, language="en", started_at=STARTED.isoformat()))
    assert [(i.owner, i.due) for i in result.action_items] == [
        ("Alex", date(2024, 5, 17)),
        ("Dana", datetime(2024, 5, 22, 15, 0, tzinfo=CST)),
    ]
    assert result.decisions == ["Agreed, let's go with a pilot for one team."]
    assert "waste hours" in result.summary


def test_minutes_with_llm_keep_our_action_items():
    model = ScriptedModel(responses=[json.dumps({"summary": "双方约定演示并试点一个仓库。", "decisions": ["试点一个仓库"]}, ensure_ascii=False)], seen=[])
    plain = minutes(call(MEETING, started_at=STARTED.isoformat()))
    result = minutes(call(MEETING, started_at=STARTED.isoformat()), llm=model)
    assert result.generated_by == "llm" and result.summary == "双方约定演示并试点一个仓库。" and result.decisions == ["试点一个仓库"]
    assert result.action_items == plain.action_items
    assert "下周三下午两点" in model.seen[0][1].content  # the model saw the extracted items


def test_minutes_llm_failure_falls_back():
    assert minutes(call(MEETING), llm=FailingModel(responses=["x"])) == minutes(call(MEETING))


def test_email_draft_without_llm():
    kb = ListRetriever(PLAYBOOK)
    conversation = call(MEETING + [("customer", "不过你们一年30万太贵了。")], started_at=STARTED.isoformat())
    draft = draft_email(conversation, kb=kb)
    assert draft.to == "李总" and draft.body.startswith("李总，您好：")
    assert "库存盘点太慢" in draft.body
    assert "下周三下午两点（2024-05-22 14:00）" in draft.body
    assert "价格：" in draft.body and draft.citations[0] == "price-roi"  # the playbook's answer to the objection
    assert draft.body.rstrip().endswith("小王\n云帆科技") and "云帆科技" in draft.subject


def test_email_in_english_and_with_llm():
    conversation = call(MEETING_EN, language="en", started_at=STARTED.isoformat())
    draft = draft_email(conversation)
    assert draft.body.startswith("Hi Dana,") and "Next steps:" in draft.body and "2024-05-17" in draft.body
    model = ScriptedModel(responses=['{"subject": "Pilot next steps", "body": "Hi Dana, ..."}'], seen=[])
    better = draft_email(conversation, llm=model)
    assert (better.subject, better.generated_by) == ("Pilot next steps", "llm")
    assert better.action_items == draft.action_items


def test_intel_from_question_and_conversation():
    kb = ListRetriever(PLAYBOOK + [
        type(PLAYBOOK[0])("comp-kd", "## 竞品：金蝶\n话术：金蝶偏财务，我们专注仓储，扫码盘点一天完成。", "intel.md", 0.9,
                          {"objection_type": "competitor", "stage": "objection_handling", "language": "zh", "section": "竞品：金蝶"})
    ])
    answer = intel("我们和金蝶比有什么优势？", kb)
    assert answer.citations == ["comp-kd"] and "扫码盘点" in answer.answer and answer.language == "zh"
    conversation = call([("rep", "您好"), ("customer", "我们现在用的是金蝶，换系统成本太高。")])
    from_call = intel(conversation, kb)
    assert from_call.competitor == "金蝶" and from_call.answer.startswith("关于金蝶：") and from_call.citations == ["comp-kd"]
    good = ScriptedModel(responses=['{"answer": "金蝶偏财务。", "citations": ["comp-kd"]}'], seen=[])
    assert intel("金蝶？", kb, llm=good).generated_by == "llm"
    made_up = ScriptedModel(responses=['{"answer": "金蝶要倒闭了。", "citations": ["rumour-1"]}'], seen=[])
    assert intel("金蝶？", kb, llm=made_up) == intel("金蝶？", kb)


def test_assistant_bad_input():
    with pytest.raises(AssistError, match="no competitor"):
        intel(call([("rep", "您好"), ("customer", "我们看看。")]), ListRetriever(PLAYBOOK))
    with pytest.raises(AssistError, match="empty"):
        intel("  ", ListRetriever(PLAYBOOK))
    with pytest.raises(AssistError, match="nothing"):
        intel("金蝶？", ListRetriever([]))
    with pytest.raises(AssistError, match="no segments"):
        minutes(call([]))
