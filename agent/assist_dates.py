"""Dates and times as people say them in sales calls, in Chinese and English, resolved against a moment.

    find_dates("那我下周三下午两点给您演示", base=datetime(2024, 5, 13, 10))   # a Monday
    -> [DateMention(text="下周三下午两点", start=2, end=9, value=datetime(2024, 5, 22, 14, 0))]

Why our own parser: general date libraries read 下周三下午两点, 月底 or 三点半 poorly or not at all, and
minutes need exactly these. Conventions (documented because people disagree on them):
- 下周三 / next Wednesday: the Wednesday of the next calendar week (weeks start on Monday).
- 周三 / Wednesday / on Wednesday alone: the next Wednesday after the base day (today excluded).
- 下周 / next week, 这周 / this week, 月底 / end of the month: a deadline, so the Friday of that week /
  the last day of the month.
- 两点 without 上午/下午 and without am/pm: 1-6 o'clock read as afternoon (business hours), else as said.
- 5月3日 / May 3: this year, or next year when that day has already passed.
Mentions without a base (the conversation has no `started_at`) keep their text and get no value.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = r"[零〇一二两俩三四五六七八九十\d]{1,4}"
_WEEKDAY_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
# Full names only: "sun", "sat" and "wed" are everyday words.
_WEEKDAY_EN = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTH_EN = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}


def cn_int(text: str) -> int | None:
    """零..九十九 and Arabic digits: 两 -> 2, 十一 -> 11, 二十三 -> 23, 三十 -> 30, 15 -> 15."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        high = _CN_DIGITS.get(tens, None) if tens else 1
        low = _CN_DIGITS.get(ones, None) if ones else 0
        return None if high is None or low is None else high * 10 + low
    if len(text) == 1 and text in _CN_DIGITS:
        return _CN_DIGITS[text]
    return None


@dataclass(frozen=True)
class DateMention:
    text: str
    start: int
    end: int
    value: date | datetime | None  # datetime when a time of day was said, else date; None without a base


def _anonymous(pattern: str) -> str:
    """The same pattern without group names, to embed a second copy (the time is re-parsed on its own)."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


# --- Chinese -------------------------------------------------------------------------------------------
_ZH_TIME = rf"(?P<ampm>上午|早上|早晨|中午|下午|傍晚|晚上)?(?:(?P<hour>{_CN_NUM})[点點时](?:(?P<half>半)|(?P<minute>{_CN_NUM})分?)?|(?P<hh>\d{{1,2}})[:：](?P<mm>\d{{2}}))"
_ZH_DAY = (
    rf"(?P<rel>今天|今日|明天|明日|后天|大后天)"
    rf"|(?P<week>下下|下个?|这个?|本)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])"
    rf"|(?P<md_m>{_CN_NUM})月(?P<md_d>{_CN_NUM})[日号]"
    # a bare 5号 only before a time word or punctuation: 1号仓库 is warehouse No. 1, not a date
    rf"|(?P<dom>{_CN_NUM})号(?=之?前|以前|上午|下午|晚上|早上|中午|左右|[，。,.!！?？\s]|$)"
    rf"|(?P<in_n>{_CN_NUM}|半)(?P<in_u>天|个?星期|周|个月)(?:之?内|以?后|之后)"
    rf"|(?P<monthend>(?:本月|这个月|下个?月)?月?底|月末)"
    rf"|(?P<nextmonth>下个?月初?)"
    rf"|(?P<weekonly>下下周|下个?(?:周|星期|礼拜)|这周|本周|这个?星期)"
)
_ZH = re.compile(rf"(?:(?P<day>{_ZH_DAY})(?:的)?(?P<time>{_anonymous(_ZH_TIME)})?|(?P<timeonly>{_anonymous(_ZH_TIME)}))")
_ZH_TIME_RE = re.compile(_ZH_TIME)

# --- English -------------------------------------------------------------------------------------------
_EN_WD = "|".join(sorted(_WEEKDAY_EN, key=len, reverse=True))
_EN_MONTH = "|".join(sorted(_MONTH_EN, key=len, reverse=True))
_EN_TIME = r"(?:at\s+)?(?P<eh>\d{1,2})(?::(?P<em>\d{2}))?\s*(?P<eampm>am|pm|a\.m\.|p\.m\.)|(?:at\s+)(?P<eh24>\d{1,2}):(?P<em24>\d{2})|(?P<noon>noon|midday)"
_EN_DAY = (
    r"(?P<erel>today|tonight|tomorrow|the day after tomorrow)"
    rf"|(?P<eweek>next|this|coming)?\s*(?P<ewd>{_EN_WD})\b"
    rf"|(?P<emonth>{_EN_MONTH})\.?\s+(?P<eday>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"|(?P<eday2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<emonth2>{_EN_MONTH})\b"
    r"|(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?:in|within)\s+(?P<ein_n>\d+|a|one|two|three|four)\s+(?P<ein_u>days?|weeks?|months?)"
    r"|(?P<eweekend>end of (?:the |this )?week|next week|this week)"
    r"|(?P<emonthend>end of (?:the |this )?month)"
    r"|(?P<enextmonth>next month)"
)
_EN = re.compile(
    rf"\b(?:(?P<day>{_EN_DAY})(?:,?\s+(?P<time>{_anonymous(_EN_TIME)}))?|(?P<timeonly>{_anonymous(_EN_TIME)}))", re.IGNORECASE
)
_EN_TIME_RE = re.compile(_EN_TIME, re.IGNORECASE)
_EN_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}


def find_dates(text: str, base: datetime | None = None) -> list[DateMention]:
    """Every date/time mention in `text`, left to right, resolved against `base` when given."""
    mentions = []
    for pattern, resolve in ((_ZH, _resolve_zh), (_EN, _resolve_en)):
        for match in pattern.finditer(text):
            if not match.group(0).strip() or (match.group("timeonly") and not _clock_is_explicit(match.group("timeonly"))):
                continue
            try:
                value = resolve(match, base) if base is not None else None
            except ValueError:  # 2月30日 and the like: keep the words, no value
                value = None
            if base is not None and value is None and not _plausible(match):
                continue
            said = match.group(0)
            start = match.start() + len(said) - len(said.lstrip())
            mentions.append(DateMention(said.strip(), start, start + len(said.strip()), value))
    # The two languages' patterns can both see "9:30" in a mixed sentence: keep the longest reading.
    kept: list[DateMention] = []
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(mention.end <= other.start or mention.start >= other.end for other in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def _clock_is_explicit(text: str) -> bool:
    """A time said on its own counts only with 下午/pm/半/分 or hh:mm: 三点 alone is as often "three points"."""
    return bool(re.search(r"上午|早上|早晨|中午|下午|傍晚|晚上|半|分|[:：]|am|pm|a\.m\.|p\.m\.|noon|midday", text, re.IGNORECASE))


def _plausible(match: re.Match[str]) -> bool:
    return bool(match.group("day"))


def _shift_week(base: date, weeks: int, weekday: int) -> date:
    monday = base - timedelta(days=base.weekday())
    return monday + timedelta(weeks=weeks, days=weekday)


def _next_weekday(base: date, weekday: int) -> date:
    ahead = (weekday - base.weekday()) % 7 or 7
    return base + timedelta(days=ahead)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _upcoming(base: date, month: int, day: int) -> date:
    candidate = date(base.year, month, day)
    return candidate if candidate >= base else date(base.year + 1, month, day)


def _with_time(day: date | None, clock: time | None, base: datetime) -> date | datetime | None:
    if day is None:
        return None
    return datetime.combine(day, clock, tzinfo=base.tzinfo) if clock else day  # the call's own time zone


def _zh_clock(match: re.Match[str]) -> time | None:
    if match is None:
        return None
    if match.group("hh"):
        hour, minute = int(match.group("hh")), int(match.group("mm"))
    else:
        hour = cn_int(match.group("hour"))
        minute = 30 if match.group("half") else (cn_int(match.group("minute")) if match.group("minute") else 0)
        if hour is None or minute is None:
            return None
    ampm = match.group("ampm")
    if ampm in ("下午", "傍晚", "晚上") and hour < 12:
        hour += 12
    elif ampm == "中午" and hour < 5:
        hour += 12
    elif ampm is None and 1 <= hour <= 6:
        hour += 12  # business hours: 两点 in a sales call is 14:00
    return time(hour % 24, minute)


def _resolve_zh(match: re.Match[str], base: datetime) -> date | datetime | None:
    today = base.date()
    time_text = match.group("time") or match.group("timeonly")
    clock = _zh_clock(_ZH_TIME_RE.fullmatch(time_text)) if time_text else None
    if not match.group("day"):
        return _with_time(today, clock, base)
    g = match.groupdict()
    if g["rel"]:
        offset = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}[g["rel"]]
        day = today + timedelta(days=offset)
    elif g["wd"]:
        weekday = _WEEKDAY_ZH[g["wd"]]
        week = g["week"] or ""
        if week.startswith("下下"):
            day = _shift_week(today, 2, weekday)
        elif week.startswith("下"):
            day = _shift_week(today, 1, weekday)
        elif week:
            day = _shift_week(today, 0, weekday)
        else:
            day = _next_weekday(today, weekday)
    elif g["md_m"]:
        month, dom = cn_int(g["md_m"]), cn_int(g["md_d"])
        day = _upcoming(today, month, dom) if month and dom else None
    elif g["dom"]:
        dom = cn_int(g["dom"])
        if not dom:
            return None
        day = date(today.year, today.month, dom)
        if day < today:
            day = _add_months(date(today.year, today.month, 1), 1).replace(day=dom)
    elif g["in_u"]:
        n = 0.5 if g["in_n"] == "半" else cn_int(g["in_n"])
        if n is None:
            return None
        unit = g["in_u"]
        if unit == "天":
            day = today + timedelta(days=n)
        elif unit.endswith("月"):
            day = _add_months(today, int(n)) if n >= 1 else today + timedelta(days=15)
        else:
            day = today + timedelta(days=round(7 * n))
    elif g["monthend"]:
        first = date(today.year, today.month, 1)
        day = _month_end(*(_add_months(first, 1) if g["monthend"].startswith("下") else first).timetuple()[:2])
    elif g["nextmonth"]:
        day = _add_months(date(today.year, today.month, 1), 1)
    elif g["weekonly"]:
        text = g["weekonly"]
        weeks = 2 if text.startswith("下下") else 1 if text.startswith("下") else 0
        day = _shift_week(today, weeks, 4)  # a deadline "next week": that week's Friday
    else:
        return None
    return _with_time(day, clock, base)


def _en_clock(match: re.Match[str] | None) -> time | None:
    if match is None:
        return None
    if match.group("noon"):
        return time(12, 0)
    if match.group("eh24"):
        return time(int(match.group("eh24")) % 24, int(match.group("em24")))
    hour, minute = int(match.group("eh")), int(match.group("em") or 0)
    pm = match.group("eampm").lower().startswith("p")
    if pm and hour < 12:
        hour += 12
    if not pm and hour == 12:
        hour = 0
    return time(hour % 24, minute)


def _resolve_en(match: re.Match[str], base: datetime) -> date | datetime | None:
    today = base.date()
    time_text = match.group("time") or match.group("timeonly")
    clock = _en_clock(_EN_TIME_RE.fullmatch(time_text)) if time_text else None
    if not match.group("day"):
        return _with_time(today, clock, base)
    g = {k: (v.lower() if isinstance(v, str) else v) for k, v in match.groupdict().items()}
    if g["erel"]:
        day = today + timedelta(days={"today": 0, "tonight": 0, "tomorrow": 1, "the day after tomorrow": 2}[g["erel"]])
        if g["erel"] == "tonight" and clock is None:
            clock = time(19, 0)
    elif g["ewd"]:
        weekday = _WEEKDAY_EN[g["ewd"]]
        if g["eweek"] == "next":
            day = _shift_week(today, 1, weekday)
        elif g["eweek"] == "this":
            day = _shift_week(today, 0, weekday)
        else:
            day = _next_weekday(today, weekday)
    elif g["emonth"] or g["emonth2"]:
        month = _MONTH_EN[g["emonth"] or g["emonth2"]]
        day = _upcoming(today, month, int(g["eday"] or g["eday2"]))
    elif g["iso"]:
        day = date.fromisoformat(g["iso"])
    elif g["ein_u"]:
        n = _EN_SMALL.get(g["ein_n"]) or int(g["ein_n"])
        unit = g["ein_u"]
        day = today + timedelta(days=n) if unit.startswith("day") else today + timedelta(weeks=n) if unit.startswith("week") else _add_months(today, n)
    elif g["eweekend"]:
        day = _shift_week(today, 1 if g["eweekend"] == "next week" else 0, 4)
    elif g["emonthend"]:
        day = _month_end(today.year, today.month)
    elif g["enextmonth"]:
        day = _add_months(date(today.year, today.month, 1), 1)
    else:
        return None
    return _with_time(day, clock, base)


__all__ = ["DateMention", "cn_int", "find_dates"]
