"""Truth tables for the Korean date resolver (kr_event.rules.dates)."""
from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kr_event.rules import dates
from kr_event.rules.dates import Anchor, ResolvedDate, document_anchor, resolve_date

PUB = Anchor(2012, 10, 25, "published")  # a Thursday
CTX = Anchor(2012, 10, None, "context")
YEAR_ONLY = Anchor(2012, None, None, "context")
NONE = Anchor(None)
ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check(expr: str, anchor: Anchor, iso: str | None, gran: str | None, pattern: str | None) -> None:
    got = resolve_date(expr, anchor)
    assert (got.iso, got.granularity) == (iso, gran), got
    if pattern is not None:
        assert got.pattern == pattern, got


# Expressions whose reading does not depend on whether the anchor has a day.
BOTH = [
    # absolute
    ("2012년 10월 22일", "2012-10-22", "day", "ymd_korean"),
    ("2012. 10. 22.", "2012-10-22", "day", "ymd_numeric"),
    ("2012.10.22", "2012-10-22", "day", "ymd_numeric"),
    ("2012-10-22", "2012-10-22", "day", "ymd_numeric"),
    ("2012/10/22", "2012-10-22", "day", "ymd_numeric"),
    ("2012 . 10 . 22", "2012-10-22", "day", "ymd_numeric"),
    ("2012년 10월", "2012-10", "month", "ym_korean"),
    ("2012. 10.", "2012-10", "month", "ym_numeric"),
    ("2012년", "2012", "year", "year"),
    ("2019", "2019", "year", "year_bare"),
    ("10월 22일", "2012-10-22", "day", "month_day"),
    ("10 월 22 일", "2012-10-22", "day", "month_day"),
    ("10월", "2012-10", "month", "month"),
    # relative years and months
    ("지난해 10월", "2011-10", "month", "relative_year_m"),
    ("지난해", "2011", "year", "relative_year"),
    ("작년", "2011", "year", "relative_year"),
    ("재작년", "2010", "year", "relative_year"),
    ("올해", "2012", "year", "relative_year"),
    ("금년", "2012", "year", "relative_year"),
    ("내년", "2013", "year", "relative_year"),
    ("올해 3월", "2012-03", "month", "relative_year_m"),
    ("내년 3월", "2013-03", "month", "relative_year_m"),
    ("지난해 12월 5일", "2011-12-05", "day", "relative_year_md"),
    ("지난달", "2012-09", "month", "relative_month"),
    ("지난 달", "2012-09", "month", "relative_month"),
    ("이달", "2012-10", "month", "relative_month"),
    ("이번 달", "2012-10", "month", "relative_month"),
    ("다음 달", "2012-11", "month", "relative_month"),
    ("이달 초", "2012-10", "month", "relative_month"),
    ("이달 5일", "2012-10-05", "day", "relative_month_day"),
    ("이번 달 5일", "2012-10-05", "day", "relative_month_day"),
    ("지난달 5일", "2012-09-05", "day", "relative_month_day"),
    ("다음 달 5일", "2012-11-05", "day", "relative_month_day"),
    # part of month
    ("3월 초", "2012-03", "month", "month_part"),
    ("3월 중순", "2012-03", "month", "month_part"),
    ("3월 말", "2012-03", "month", "month_part"),
    ("3월께", "2012-03", "month", "month_part"),
    ("3월 초순", "2012-03", "month", "month_part"),
    ("10월 하순", "2012-10", "month", "month_part"),
    ("지난해 10월 초", "2011-10", "month", "relative_year_m"),
    ("2012년 10월 말", "2012-10", "month", "ym_korean"),
    # periods
    ("상반기", "2012", "year", "half_year"),
    ("하반기", "2012", "year", "half_year"),
    ("2013년 상반기", "2013", "year", "half_year"),
    ("내년 상반기", "2013", "year", "half_year"),
    ("3분기", "2012", "year", "quarter"),
    ("10월 한 달", "2012-10", "month", "month_whole"),
    ("10월 한 달 동안", "2012-10", "month", "month_whole"),
    # ranges -> first day
    ("10월 22∼23일", "2012-10-22", "day", "month_day"),
    ("10월 22~23일", "2012-10-22", "day", "month_day"),
    ("2012년 10월 22-23일", "2012-10-22", "day", "ymd_korean"),
    ("지난 22∼23일", "2012-10-22", "day", "relative_day"),
    # surrounding noise and width variants
    ("지난 22일에", "2012-10-22", "day", "relative_day"),
    ("지난22일", "2012-10-22", "day", "relative_day"),
    ("22일 오후", "2012-10-22", "day", "day"),
    ("22일부터", "2012-10-22", "day", "day"),
    ("지난해 10월 초에도", "2011-10", "month", "relative_year_m"),
    ("2012년 10월 22일 오후 2시", "2012-10-22", "day", "ymd_korean"),
    ("２０１２년 １０월 ２２일", "2012-10-22", "day", "ymd_korean"),
    ("지난 10월 22일", "2012-10-22", "day", "directed_month_day"),
    ("지난 10월", "2012-10", "month", "directed_month"),
    ("오는 11월", "2012-11", "month", "directed_month"),
    ("오는 3월", "2013-03", "month", "directed_month"),
    ("지난 11월", "2011-11", "month", "directed_month"),
]

NULLS = [  # (expr, reason, pattern) independent of the anchor
    ("지난 1년간", "duration", "duration_span"),
    ("3일 동안", "duration", "duration_span"),
    ("지난 3일간", "duration", "duration_span"),
    ("10년째", "duration", "duration_span"),
    ("한 달 동안", "duration", "duration_span"),
    ("이틀간", "duration", "duration_day_word"),
    ("2년", "duration", "duration_count"),
    ("3개월", "duration", "duration_count"),
    ("지난 2년", "duration", "duration_count"),
    ("2월 30일", "invalid date", "month_day"),
    ("2012-02-30", "invalid date", "ymd_numeric"),
    ("2012년 13월", "invalid date", "ym_korean"),
    ("13월", "invalid date", "month"),
    ("지난 32일", "invalid date", "relative_day"),
    ("", "unparsed", None),
    ("오후 2시", "unparsed", None),
    ("이번 주민자치회", "unparsed", None),
    ("대통령상", "unparsed", None),
]


@pytest.mark.parametrize("anchor", [PUB, CTX], ids=["published", "context"])
@pytest.mark.parametrize("expr,iso,gran,pattern", BOTH)
def test_both_anchors(expr: str, anchor: Anchor, iso: str, gran: str, pattern: str) -> None:
    check(expr, anchor, iso, gran, pattern)


@pytest.mark.parametrize("anchor", [PUB, CTX, NONE], ids=["published", "context", "none"])
@pytest.mark.parametrize("expr,reason,pattern", NULLS)
def test_nulls(expr: str, anchor: Anchor, reason: str, pattern: str | None) -> None:
    assert resolve_date(expr, anchor) == ResolvedDate(None, None, reason, pattern)


# Published anchor 2012-10-25 (Thursday) unless another is given.
DAY_ANCHORED = [
    ("오는 5일", PUB, "2012-11-05", "day"),  # 5 <= 25 -> next month
    ("오는 5일까지", PUB, "2012-11-05", "day"),
    ("오는 28일", PUB, "2012-10-28", "day"),
    ("오는 5일", Anchor(2012, 10, 4), "2012-10-05", "day"),
    ("오는 5일", Anchor(2012, 12, 20), "2013-01-05", "day"),
    ("오는 31일", Anchor(2012, 11, 5), "2012-12-31", "day"),  # no 31 November
    ("지난 22일", PUB, "2012-10-22", "day"),
    ("지난 25일", PUB, "2012-10-25", "day"),  # on or before
    ("지난 22일", Anchor(2012, 10, 5), "2012-09-22", "day"),
    ("지난 31일", Anchor(2012, 10, 5), "2012-08-31", "day"),  # no 31 September
    ("지난 25일", Anchor(2013, 1, 10), "2012-12-25", "day"),
    ("22일", PUB, "2012-10-22", "day"),
    ("29일", PUB, "2012-10-29", "day"),
    ("12일", Anchor(2012, 10, 5), "2012-10-12", "day"),  # within grace (5 + 7)
    ("13일", Anchor(2012, 10, 5), "2012-09-13", "day"),
    ("29일", Anchor(2012, 10, 5), "2012-09-29", "day"),
    ("10월 22일", Anchor(2013, 1, 10), "2012-10-22", "day"),  # > 183 days ahead -> last year
    ("12월 28일", Anchor(2013, 1, 10), "2012-12-28", "day"),
    ("7월 1일", Anchor(2013, 1, 10), "2013-07-01", "day"),  # 172 days ahead: same year
    ("10월", Anchor(2013, 1, 10), "2012-10", "month"),
    ("3월", Anchor(2012, 10, 25), "2012-03", "month"),
    ("지난달", Anchor(2013, 1, 10), "2012-12", "month"),
    ("지난달 5일", Anchor(2013, 1, 10), "2012-12-05", "day"),
    ("다음 달", Anchor(2012, 12, 3), "2013-01", "month"),
    ("지난 10월", Anchor(2013, 1, 10), "2012-10", "month"),
    ("지난 10월 28일", PUB, "2011-10-28", "day"),
    ("오는 10월 28일", PUB, "2012-10-28", "day"),
    ("오는 10월 20일", PUB, "2013-10-20", "day"),
    # deictic
    ("이날", PUB, "2012-10-25", "day"),
    ("당일", PUB, "2012-10-25", "day"),
    ("오늘", PUB, "2012-10-25", "day"),
    ("금일", PUB, "2012-10-25", "day"),
    ("어제", PUB, "2012-10-24", "day"),
    ("그제", PUB, "2012-10-23", "day"),
    ("그저께", PUB, "2012-10-23", "day"),
    ("내일", PUB, "2012-10-26", "day"),
    ("모레", PUB, "2012-10-27", "day"),
    ("어제", Anchor(2012, 11, 1), "2012-10-31", "day"),
    ("이날 오후", PUB, "2012-10-25", "day"),
    # weeks: Monday of the week, or the named weekday
    ("지난주", PUB, "2012-10-15", "week"),
    ("지난 주", PUB, "2012-10-15", "week"),
    ("이번 주", PUB, "2012-10-22", "week"),
    ("이번주에", PUB, "2012-10-22", "week"),
    ("다음 주", PUB, "2012-10-29", "week"),
    ("지난주 금요일", PUB, "2012-10-19", "day"),
    ("다음 주 월요일", PUB, "2012-10-29", "day"),
]


@pytest.mark.parametrize("expr,anchor,iso,gran", DAY_ANCHORED)
def test_day_anchored(expr: str, anchor: Anchor, iso: str, gran: str) -> None:
    check(expr, anchor, iso, gran, None)


# Context anchor (2012, 10, no day): relative days fall in the anchor month; no rollover rules.
CONTEXT_ONLY = [
    ("지난 22일", "2012-10-22", "day"),
    ("지난 28일", "2012-10-28", "day"),
    ("오는 5일", "2012-10-05", "day"),
    ("29일", "2012-10-29", "day"),
    ("3월", "2012-03", "month"),
    ("12월 28일", "2012-12-28", "day"),
    ("오는 3월", "2013-03", "month"),
]


@pytest.mark.parametrize("expr,iso,gran", CONTEXT_ONLY)
def test_context_anchor(expr: str, iso: str, gran: str) -> None:
    check(expr, CTX, iso, gran, None)


MISSING = [  # (expr, anchor, reason)
    ("이날", CTX, "no anchor day"),
    ("당일", CTX, "no anchor day"),
    ("오늘", CTX, "no anchor day"),
    ("어제", CTX, "no anchor day"),
    ("지난주", CTX, "no anchor day"),
    ("이번 주", YEAR_ONLY, "no anchor day"),
    ("지난 22일", YEAR_ONLY, "no anchor month"),
    ("22일", YEAR_ONLY, "no anchor month"),
    ("지난달", YEAR_ONLY, "no anchor month"),
    ("이날", NONE, "no anchor year"),
    ("지난 22일", NONE, "no anchor year"),
    ("10월 22일", NONE, "no anchor year"),
    ("10월", NONE, "no anchor year"),
    ("3월 초", NONE, "no anchor year"),
    ("지난해", NONE, "no anchor year"),
    ("지난해 10월 초", NONE, "no anchor year"),
    ("상반기", NONE, "no anchor year"),
    ("지난 10월", NONE, "no anchor year"),
    ("지난 22일", Anchor(None, 10), "no anchor year"),
]


@pytest.mark.parametrize("expr,anchor,reason", MISSING)
def test_missing_anchor(expr: str, anchor: Anchor, reason: str) -> None:
    got = resolve_date(expr, anchor)
    assert (got.iso, got.granularity, got.reason) == (None, None, reason)


@pytest.mark.parametrize("expr,iso", [("2012년 10월 22일", "2012-10-22"), ("2012. 10.", "2012-10"),
                                      ("2012년 상반기", "2012"), ("2019", "2019")])
def test_absolute_without_anchor(expr: str, iso: str) -> None:
    assert resolve_date(expr, NONE).iso == iso


def test_year_only_anchor_reads_month_day() -> None:
    check("10월 22일", YEAR_ONLY, "2012-10-22", "day", "month_day")
    check("지난해 10월 초", YEAR_ONLY, "2011-10", "month", None)


def test_non_string_is_unparsed() -> None:
    assert resolve_date(None, PUB).reason == "unparsed"  # type: ignore[arg-type]


def test_invalid_anchor_never_raises() -> None:
    assert resolve_date("어제", Anchor(2012, 13, 40)).reason == "invalid date"
    assert resolve_date("내년", Anchor(9999)).reason == "invalid date"


# ---------------------------------------------------------------- the data table

def test_table_is_package_data_and_complete() -> None:
    raw = json.loads(resources.files("kr_event.data.ko").joinpath("date_patterns.json")
                     .read_text(encoding="utf-8"))
    names = [p["name"] for p in raw["patterns"]]
    assert len(names) == len(set(names))
    assert {p["kind"] for p in raw["patterns"]} <= set(dates._HANDLERS)
    assert [p.name for p in dates._table().patterns] == names
    assert dates._table() is dates._table()  # loaded once


# ---------------------------------------------------------------- document_anchor

DOC = ("2012년 행정제도 선진화 우수사례 경진대회에서 종로구가 대통령상을 받았다. "
       "행정안전부는 10월 한 달 동안 심사를 거쳐 지난 22일 시상식을 열었다. "
       "종로구는 지난해 10월 초에도 장관상을 받은 바 있으며 내년 3월 발표회에 나간다. "
       "지난달 예선에는 40곳이 참가했다. 이날 시상식에서")


def test_document_anchor_context() -> None:
    at = DOC.index("지난 22일")
    anchor = document_anchor(DOC, at, None)
    assert anchor == Anchor(2012, 10, None, "context")
    assert resolve_date("지난 22일", anchor).iso == "2012-10-22"
    # later relative mentions (지난해 10월 초, 내년 3월, 지난달) do not move the anchor
    assert document_anchor(DOC, len(DOC), None) == Anchor(2012, 10, None, "context")
    assert resolve_date("지난해 10월 초", document_anchor(DOC, DOC.index("지난해"), None)).iso == "2011-10"
    assert resolve_date("이날", document_anchor(DOC, DOC.index("이날"), None)).reason == "no anchor day"


def test_document_anchor_published() -> None:
    anchor = document_anchor(DOC, 10, dt.date(2012, 10, 25))
    assert anchor == Anchor(2012, 10, 25, "published")
    assert resolve_date("이날", anchor).iso == "2012-10-25"
    assert document_anchor("", 0, dt.datetime(2019, 3, 5, 14, 0)) == Anchor(2019, 3, 5, "published")


@pytest.mark.parametrize("text,expected", [
    ("입력 2012. 10. 22. 지난 22일 열린", Anchor(2012, 10, None, "context")),
    ("입력 2012-10-22 14:00 | 이날", Anchor(2012, 10, None, "context")),
    ("2019 대한민국 지방자치 경영대상 시상식이 지난 5일 열렸다", Anchor(2019, None, None, "context")),
    ("2011년 대회에 이어 2012년 대회에서 지난 5일", Anchor(2012, None, None, "context")),
    ("지난해(2011년) 대회에 이어 2012년 11월 대회에서 지난해(2011년) 지난 5일", Anchor(2012, 11, None, "context")),
    ("10월 한 달 동안 심사해 지난 22일", Anchor(None, 10, None, "context")),
    ("2012년 3월 시작해 지난 10월 오는 11월 지난 5일", Anchor(2012, 3, None, "context")),
    ("심사를 거쳐 지난 22일 시상식을 열었다", Anchor(None, None, None, "none")),
    ("인구 2019 명이 사는 마을에서 지난 5일", Anchor(None, None, None, "none")),
])
def test_document_anchor_mentions(text: str, expected: Anchor) -> None:
    assert document_anchor(text, len(text), None) == expected


def test_document_anchor_falls_back_to_the_text_after() -> None:
    text = "지난 22일 열린 2012년 경진대회(10월 한 달 동안 심사)"
    assert document_anchor(text, 0, None) == Anchor(2012, 10, None, "context")
    assert document_anchor(text, -5, None) == Anchor(2012, 10, None, "context")
    assert document_anchor(text, 10_000, None) == Anchor(2012, 10, None, "context")


# ---------------------------------------------------------------- properties

anchors = st.builds(Anchor, st.none() | st.integers(-5, 12_000), st.none() | st.integers(-2, 14),
                    st.none() | st.integers(-2, 40), st.sampled_from(["published", "context", "none"]))
date_ish = st.text(alphabet=st.sampled_from(list("0123456789 .-/~∼년월일지난오는해달주이번다음초말중순께간동안한두"
                                                 "상하반기분어제내일날당오늘요금토")), max_size=24)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60) | date_ish, anchors)
def test_resolve_never_raises(expr: str, anchor: Anchor) -> None:
    got = resolve_date(expr, anchor)
    assert isinstance(got, ResolvedDate)
    if got.iso is not None:
        assert ISO.match(got.iso) and got.granularity in {"day", "week", "month", "year"}
        assert got.reason is None
    else:
        assert got.granularity is None and got.reason


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80) | date_ish, st.integers(-10, 200))
def test_document_anchor_never_raises(text: str, pos: int) -> None:
    anchor = document_anchor(text, pos, None)
    assert anchor.day is None and anchor.source in {"context", "none"}
    assert anchor.month is None or 1 <= anchor.month <= 12
    assert anchor.year is None or 1900 <= anchor.year <= 2099
