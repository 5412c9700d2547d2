"""Organizer implied by an award name that starts with a body ("서울시 ○○ 발표회" -> 서울시).

Known bodies come from kr_event/data/ko/bodies.json when present; otherwise (and for bodies the
lexicon lacks) a body-like first word is recognised by its suffix (rules.json `body_suffix`).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..lexicon import load


@lru_cache(maxsize=None)
def _known_bodies() -> frozenset[str]:
    try:
        data = load("bodies")
    except FileNotFoundError:
        return frozenset()
    names: set[str] = set()
    for group in ("metropolitan", "basic", "ministries", "agencies"):
        for entry in data.get(group, []):
            names.add(entry["name"])
            names.update(entry.get("short", []))
    return frozenset(names)


@lru_cache(maxsize=None)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    rules = load("rules")
    return re.compile(rules["award_prefix_skip"]), re.compile(rules["body_suffix"])


def implied_organizer(award: str) -> str | None:
    skip, body = _patterns()
    words = award.split()
    while words and skip.match(words[0]):
        words = words[1:]
    if len(words) < 2:  # the body must be followed by the contest's own name
        return None
    first = words[0]
    if first in _known_bodies() or body.match(first):
        return first
    return None


@lru_cache(maxsize=None)
def _aliases() -> dict[str, str]:
    """Short form -> full name for bodies whose short forms are unambiguous (전남도 -> 전라남도)."""
    try:
        data = load("bodies")
    except FileNotFoundError:
        return {}
    out: dict[str, str] = {}
    for group in ("metropolitan", "ministries", "agencies"):
        for entry in data.get(group, []):
            for short in entry.get("short", []):
                out.setdefault(short, entry["name"])
    return out


def canonical_body(name: str) -> str:
    """The full name of a known body written in a short form; any other name unchanged."""
    key = "".join(name.split())
    return _aliases().get(key, key)
