"""Resolve Korean date expressions (`지난 22일`, `지난해 10월 초`, `2012. 10. 22.`) to ISO dates.

The regexes and relative words live in `kr_event/data/ko/date_patterns.json` so the language data
can grow without touching code; this module holds one small handler per pattern *kind*.
Relative expressions are read against an `Anchor` (the document's "present"): the publication
date when known, else what the document itself states (`document_anchor`).

Decisions worth knowing (all tested in tests/test_dates.py):
* Matching: the leftmost match in the expression wins; ties go to the entry listed first in the
  table. Extra words and particles around the date are ignored.
* `10월 22일` / `10월` take the anchor year; when the anchor has a day and the result would lie
  more than `max_days_ahead` (183) days after it, the previous year is used (a news report
  rarely states a date half a year ahead without saying `내년`).
* `지난 N일` = the latest N-th on or before the anchor day; `오는 N일` = the first N-th after it
  (months without an N-th are skipped). Without an anchor day both mean the anchor month.
* Bare `N일` = anchor month; with an anchor day and N > day + 7 (`bare_day_grace`), the
  previous month (a report dated the 5th that says `29일` means last month's 29th).
* `지난 10월` / `오는 10월` = the latest / next October relative to the anchor month.
* Weeks return the Monday of that week with granularity "week"; with a weekday (`지난주
  금요일`) the day itself. Halves and quarters (`상반기`, `3분기`) return the year.
* Durations (`지난 1년간`, `3일 동안`, `2년`) return iso None, reason "duration".
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Callable


@dataclass(frozen=True)
class Anchor:
    """The "present" a relative expression is read against."""

    year: int | None
    month: int | None = None
    day: int | None = None
    source: str = "none"  # "published" | "context" | "none"


@dataclass(frozen=True)
class ResolvedDate:
    """An ISO date at the granularity the text states, or None with the reason."""

    iso: str | None  # "YYYY-MM-DD" | "YYYY-MM" | "YYYY" | None
    granularity: str | None  # "day" | "week" | "month" | "year" | None
    reason: str | None = None  # why iso is None
    pattern: str | None = None  # name of the table entry that matched


@dataclass(frozen=True)
class _Pattern:
    name: str
    kind: str
    regex: re.Pattern[str]
    skip_after: re.Pattern[str] | None = None


@dataclass(frozen=True)
class _Table:
    patterns: tuple[_Pattern, ...]
    words: dict[str, dict[str, int]]
    params: dict[str, int]
    mentions: tuple[_Pattern, ...]
    lookbehind: int


class _Unresolvable(Exception):
    """Raised by a handler when the anchor lacks what the expression needs."""


_PLACEHOLDER = re.compile(r"<<(\w+)>>")


def _compile(regex: str, fragments: dict[str, str], words: dict[str, dict[str, int]]) -> re.Pattern[str]:
    """Expand <<fragment>> and <<word_table>> placeholders; word keys may be spaced in text."""
    def expand(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in fragments:
            return fragments[name]
        keys = sorted(words[name], key=len, reverse=True)
        return "(?:" + "|".join(r"\s*".join(map(re.escape, k)) for k in keys) + ")"
    return re.compile(_PLACEHOLDER.sub(expand, regex))


@lru_cache(maxsize=1)
def _table() -> _Table:
    """Load and compile the JSON table once."""
    raw = json.loads(resources.files("kr_event.data.ko").joinpath("date_patterns.json")
                     .read_text(encoding="utf-8"))
    frags, words = raw["fragments"], raw["words"]

    def pattern(e: dict[str, Any]) -> _Pattern:
        skip = _compile(e["skip_after"], frags, words) if e.get("skip_after") else None
        return _Pattern(e["name"], e.get("kind", "mention"), _compile(e["regex"], frags, words), skip)

    anchor = raw["anchor"]
    return _Table(tuple(pattern(e) for e in raw["patterns"]), words, raw["params"],
                  tuple(pattern(e) for e in anchor["mentions"]), int(anchor["lookbehind_chars"]))


# ---------------------------------------------------------------- building results

def _day(d: dt.date) -> ResolvedDate:
    return ResolvedDate(d.isoformat(), "day")


def _ymd(y: int, m: int, d: int) -> ResolvedDate:
    return _day(dt.date(y, m, d))  # ValueError -> "invalid date"


def _ym(y: int, m: int) -> ResolvedDate:
    dt.date(y, m, 1)  # validates year and month
    return ResolvedDate(f"{y:04d}-{m:02d}", "month")


def _y(y: int) -> ResolvedDate:
    dt.date(y, 1, 1)
    return ResolvedDate(f"{y:04d}", "year")


def _need(value: int | None, what: str) -> int:
    if value is None:
        raise _Unresolvable(f"no anchor {what}")
    return value


def _anchor_date(a: Anchor) -> dt.date:
    """The anchor as a date; deictic expressions cannot be read without a day."""
    year = _need(a.year, "year")
    if a.month is None or a.day is None:
        raise _Unresolvable("no anchor day")
    return dt.date(year, a.month, a.day)


def _shift_month(y: int, m: int, offset: int) -> tuple[int, int]:
    y2, m0 = divmod(y * 12 + (m - 1) + offset, 12)
    return y2, m0 + 1


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _int(m: re.Match[str], group: str) -> int | None:
    value = m.groupdict().get(group)
    return int(value) if value else None


def _word(m: re.Match[str], group: str, table: str) -> int:
    return _table().words[table][_key(m.group(group))]


def _maybe_previous_year(a: Anchor, year: int, month: int, day: int) -> int:
    """Use the previous year when the date would lie too far after a full anchor date."""
    if a.month is None or a.day is None:
        return year
    ahead = (dt.date(year, month, day) - dt.date(year, a.month, a.day)).days
    return year - 1 if ahead > _table().params["max_days_ahead"] else year


# ---------------------------------------------------------------- handlers, one per kind

Handler = Callable[[re.Match[str], Anchor], ResolvedDate]


def _absolute_md(m: re.Match[str], a: Anchor) -> ResolvedDate:
    month, day = int(m["m"]), int(m["d"])
    year = _need(a.year, "year")
    return _ymd(_maybe_previous_year(a, year, month, day), month, day)


def _absolute_m(m: re.Match[str], a: Anchor) -> ResolvedDate:
    month = int(m["m"])
    year = _need(a.year, "year")
    return _ym(_maybe_previous_year(a, year, month, 1), month)


def _relative_year(m: re.Match[str], a: Anchor) -> ResolvedDate:
    year = _need(a.year, "year") + _word(m, "yw", "year_word")
    month, day = _int(m, "m"), _int(m, "d")
    if month is None:
        return _y(year)
    return _ym(year, month) if day is None else _ymd(year, month, day)


def _relative_month(m: re.Match[str], a: Anchor) -> ResolvedDate:
    year, month = _shift_month(_need(a.year, "year"), _need(a.month, "month"),
                               _word(m, "mw", "month_word"))
    day = _int(m, "d")
    return _ym(year, month) if day is None else _ymd(year, month, day)


def _directed_month(m: re.Match[str], a: Anchor) -> ResolvedDate:
    """`지난 10월` = latest October on/before the anchor; `오는 10월` = next one after it."""
    year, month, day = _need(a.year, "year"), int(m["m"]), _int(m, "d")
    if a.month is not None:
        target = (month, day if day is not None and a.day is not None else 0)
        now = (a.month, a.day if day is not None and a.day is not None else 0)
        if _word(m, "dir", "direction") < 0:
            year -= target > now
        else:
            year += target < now or (target == now and day is not None)
    return _ym(year, month) if day is None else _ymd(year, month, day)


def _relative_day(m: re.Match[str], a: Anchor) -> ResolvedDate:
    """`지난 N일` / `오는 N일`: nearest N-th before / after the anchor day, skipping short months."""
    year, month, day = _need(a.year, "year"), _need(a.month, "month"), int(m["d"])
    if a.day is None:
        return _ymd(year, month, day)
    step = _word(m, "dir", "direction")
    offset = (-1 if day > a.day else 0) if step < 0 else (1 if day <= a.day else 0)
    for _ in range(3):
        y, mo = _shift_month(year, month, offset)
        try:
            return _ymd(y, mo, day)
        except ValueError:
            offset += step
    raise ValueError("no such day")


def _bare_day(m: re.Match[str], a: Anchor) -> ResolvedDate:
    year, month, day = _need(a.year, "year"), _need(a.month, "month"), int(m["d"])
    if a.day is not None and day > a.day + _table().params["bare_day_grace"]:
        year, month = _shift_month(year, month, -1)
    return _ymd(year, month, day)


def _deictic_day(m: re.Match[str], a: Anchor) -> ResolvedDate:
    return _day(_anchor_date(a) + dt.timedelta(days=_word(m, "dw", "day_word")))


def _week(m: re.Match[str], a: Anchor) -> ResolvedDate:
    today = _anchor_date(a)
    monday = today - dt.timedelta(days=today.weekday() - 7 * _word(m, "ww", "week_word"))
    if m["wd"]:
        return _day(monday + dt.timedelta(days=_table().words["weekday"][m["wd"]]))
    return ResolvedDate(monday.isoformat(), "week")


def _period_of_year(m: re.Match[str], a: Anchor) -> ResolvedDate:
    if m["y"]:
        return _y(int(m["y"]))
    offset = _word(m, "yw", "year_word") if m["yw"] else 0
    return _y(_need(a.year, "year") + offset)


_HANDLERS: dict[str, Handler] = {
    "absolute_ymd": lambda m, a: _ymd(int(m["y"]), int(m["m"]), int(m["d"])),
    "absolute_ym": lambda m, a: _ym(int(m["y"]), int(m["m"])),
    "absolute_y": lambda m, a: _y(int(m["y"])),
    "absolute_md": _absolute_md, "absolute_m": _absolute_m, "part_of_month": _absolute_m,
    "relative_year": _relative_year, "relative_month": _relative_month,
    "directed_month": _directed_month, "relative_day": _relative_day, "bare_day": _bare_day,
    "deictic_day": _deictic_day, "week": _week, "period_of_year": _period_of_year,
    "duration": lambda m, a: ResolvedDate(None, None, "duration"),
}


# ---------------------------------------------------------------- public API

def _normalize(expr: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", expr)).strip()


def resolve_date(expr: str, anchor: Anchor) -> ResolvedDate:
    """Resolve one date expression against `anchor`; never raises."""
    if not isinstance(expr, str):
        return ResolvedDate(None, None, "unparsed")
    text = _normalize(expr)
    best: tuple[_Pattern, re.Match[str]] | None = None
    for pat in _table().patterns:
        found = pat.regex.search(text)
        if found and (best is None or found.start() < best[1].start()):
            best = (pat, found)
    if best is None:
        return ResolvedDate(None, None, "unparsed")
    pat, found = best
    try:
        dt.date(2000, _int(found, "m") or 1, _int(found, "d") or 1)  # "2월 30일" is invalid in any year
        result = _HANDLERS[pat.kind](found, anchor)
    except _Unresolvable as exc:
        result = ResolvedDate(None, None, str(exc))
    except (ValueError, OverflowError, TypeError):
        result = ResolvedDate(None, None, "invalid date")
    return replace(result, pattern=pat.name)


def _mentions(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(position, value) of every absolute year and unqualified month stated in `text`."""
    table = _table()
    years: list[tuple[int, int]] = []
    months: list[tuple[int, int]] = []
    for pat in table.mentions:
        for m in pat.regex.finditer(text):
            before = text[max(0, m.start() - table.lookbehind):m.start()]
            if pat.skip_after is not None and pat.skip_after.search(before):
                continue
            if m.groupdict().get("y"):
                years.append((m.start(), int(m["y"])))
            if m.groupdict().get("m") and 1 <= int(m["m"]) <= 12:
                months.append((m.start(), int(m["m"])))
    return sorted(years), sorted(months)


def _nearest(items: list[tuple[int, int]], pos: int) -> int | None:
    """Latest value stated before `pos`; failing that, the first one after it."""
    before = [v for p, v in items if p < pos]
    if before:
        return before[-1]
    return items[0][1] if items else None


def document_anchor(text: str, pos: int, published: dt.date | None) -> Anchor:
    """The "present" for an expression at `pos`: the publication date, else the text's context."""
    if published is not None:
        return Anchor(published.year, published.month, published.day, "published")
    if not isinstance(text, str):
        return Anchor(None)
    pos = max(0, min(int(pos), len(text)))
    years, months = _mentions(text)
    year, month = _nearest(years, pos), _nearest(months, pos)
    return Anchor(year, month, None, "context" if year is not None or month is not None else "none")
