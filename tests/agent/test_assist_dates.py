"""Dates as said in calls, resolved against the moment they were said (base: Monday 2024-05-13 10:00 +08:00)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from agent.assist_dates import cn_int, find_dates

CST = timezone(timedelta(hours=8))
MONDAY = datetime(2024, 5, 13, 10, 0, tzinfo=CST)


@pytest.mark.parametrize(
    ("text", "said", "value"),
    [
        ("那我下周三下午两点给您演示", "下周三下午两点", datetime(2024, 5, 22, 14, 0, tzinfo=CST)),
        ("下星期一上午十点半开会", "下星期一上午十点半", datetime(2024, 5, 20, 10, 30, tzinfo=CST)),
        ("周五前把报价发给您", "周五", date(2024, 5, 17)),
        ("这周三之前确认", "这周三", date(2024, 5, 15)),
        ("明天上午10:30再聊", "明天上午10:30", datetime(2024, 5, 14, 10, 30, tzinfo=CST)),
        ("后天晚上八点", "后天晚上八点", datetime(2024, 5, 15, 20, 0, tzinfo=CST)),
        ("5月20日上线", "5月20日", date(2024, 5, 20)),
        ("三月二号签的", "三月二号", date(2025, 3, 2)),  # already past this year: next year
        ("15号之前给答复", "15号", date(2024, 5, 15)),
        ("两周之内给您答复", "两周之内", date(2024, 5, 27)),
        ("三天后回复", "三天后", date(2024, 5, 16)),
        ("月底之前签合同", "月底", date(2024, 5, 31)),
        ("下个月底上线", "下个月底", date(2024, 6, 30)),
        ("下周给您回复", "下周", date(2024, 5, 24)),
        ("三点半开会", "三点半", datetime(2024, 5, 13, 15, 30, tzinfo=CST)),
        ("I'll send it by next Wednesday at 3pm", "next Wednesday at 3pm", datetime(2024, 5, 22, 15, 0, tzinfo=CST)),
        ("Let's talk on Friday at 10am", "Friday at 10am", datetime(2024, 5, 17, 10, 0, tzinfo=CST)),
        ("tomorrow at 9:30 am works", "tomorrow at 9:30 am", datetime(2024, 5, 14, 9, 30, tzinfo=CST)),
        ("by May 28th", "May 28th", date(2024, 5, 28)),
        ("on 3 June", "3 June", date(2024, 6, 3)),
        ("within 2 weeks", "within 2 weeks", date(2024, 5, 27)),
        ("by the end of the month", "end of the month", date(2024, 5, 31)),
        ("go live 2024-07-01", "2024-07-01", date(2024, 7, 1)),
    ],
)
def test_resolved(text, said, value):
    mentions = find_dates(text, MONDAY)
    assert [(m.text, m.value) for m in mentions] == [(said, value)]
    assert text[mentions[0].start : mentions[0].end] == said


@pytest.mark.parametrize("text", ["有三点需要说明", "1号仓库的库存", "the sun is out", "我们有50个销售", "we have 3 points to cover"])
def test_not_dates(text):
    assert find_dates(text, MONDAY) == []


def test_without_a_base_the_words_are_kept_without_a_value():
    assert [(m.text, m.value) for m in find_dates("下周三下午两点", None)] == [("下周三下午两点", None)]


def test_weekday_alone_is_the_next_one_not_today():
    wednesday = datetime(2024, 5, 15, 9, 0)
    assert find_dates("周三见", wednesday)[0].value == date(2024, 5, 22)
    assert find_dates("周四见", wednesday)[0].value == date(2024, 5, 16)


def test_invalid_calendar_date_keeps_the_words():
    assert [(m.text, m.value) for m in find_dates("2月30日交付", MONDAY)] == [("2月30日", None)]


@pytest.mark.parametrize(("text", "value"), [("两", 2), ("十", 10), ("十一", 11), ("二十三", 23), ("三十", 30), ("15", 15), ("百", None)])
def test_chinese_numerals(text, value):
    assert cn_int(text) == value
