"""Who ran the contest: ORGANIZER spans linked by a cue (주최 before 주관), else the body an
award name starts with ("서울시 ○○ 발표회" -> 서울시), else a cued span nearby, else any span.

Known bodies come from kr_event/data/ko/bodies.json when present; otherwise (and for bodies the
lexicon lacks) a body-like first word is recognised by its suffix (rules.json `body_suffix`).
A background event ("2018년에도 … 받은 바 있다") gets only an organizer its own sentence states.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

from ..lexicon import load
from ..lexicon import rule_pattern as _rx
from ..schema import Span
from ..text.sentences import sentences
from .clauses import same_item

_CUE_REACH = 12  # chars after a span in which its cue (주최/주관/…) must start




@lru_cache(maxsize=None)
def _ranked_cues() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(c) for c in load("rules")["organizer_cue_rank"])


def _cue_rank(text: str, o: Span, limit: int) -> int | None:
    """Rank of the cue linking span o (0 = 주최 …), or None: the cue follows it ("A부 주관",
    "A부에서 실시한") or precedes it ("주최 A부가")."""
    before = _rx("organizer_cue_before").search(text, max(0, o.start - 6), o.start)
    for rank, rx in enumerate(_ranked_cues()):
        if rx.search(text, o.end, min(limit, o.end + _CUE_REACH)) or (before and rx.search(before.group(0))):
            return rank
    return None


def cued_organizer(text: str, sent: tuple[int, int], orgs: Sequence[Span], anchor: int | None = None) -> str | None:
    """The sentence's ORGANIZER linked by a cue, the host (주최) before the runner (주관); a body
    with no cue is a venue or a bystander, not the organizer. In a list ("▲A부 주관 ‘X’ 대상
    ▲B청 주관 ‘Y’ 우수상") the award at `anchor` takes the organizer of its own item."""
    cued = [(rank, k) for k, o in enumerate(orgs)
            if sent[0] <= o.start < sent[1] and (rank := _cue_rank(text, o, sent[1])) is not None]
    cued = same_item(cued, lambda c: orgs[c[1]].start, text, sent, anchor)
    return orgs[min(cued)[1]].text.strip() if cued else None


def is_background(text: str, sentences: Iterable[tuple[int, int]]) -> bool:
    """All the event's sentences tell an earlier prize ("…에도 … 받은 바 있다")."""
    return all(_rx("background_cue").search(text, s, e) for s, e in sentences)


def choose_organizer(text: str, stated: Sequence[str], award: str | None, anchors: Sequence[int],
                     sentences: Sequence[tuple[int, int]], orgs: Sequence[Span]) -> str | None:
    """stated: organizers cued in the event's own sentences, best first; anchors: char offsets of
    the event's mentions."""
    if stated:
        return stated[0]
    implied = implied_organizer(award) if award else None
    if implied and not _rx("bare_region").match(implied):
        return implied  # "서울시 자치회관 우수사례 발표회" -> 서울시, an earlier prize's too
    if is_background(text, sentences):
        return None
    dist = {id(o): min(abs(o.start - a) for a in anchors) for o in orgs} if anchors else {}
    cued = [o for o in orgs if _cue_rank(text, o, len(text)) is not None]
    window = load("rules")["organizer_window"]
    cued_near = [o for o in cued if dist.get(id(o), window + 1) <= window]
    if implied:
        # a bare region ("전남 마을가꾸기 콘테스트") is its government, unless the text says who
        # ran it ("경기 청소년 관현악 경연대회" … "경기음악교육협회가 주최한")
        return min(cued_near, key=lambda o: dist[id(o)]).text.strip() if cued_near else canonical_body(implied)
    if not orgs or not anchors:
        return None
    near = cued_near or [
        o for o in orgs if any(s <= o.start < e for s, e in sentences)] or cued or list(orgs)
    nearest = min(near, key=lambda o: dist[id(o)])
    if nearest in cued:  # "A부가 주최하고 B협회가 주관했으며": the host, from the same sentence
        sent = _sentence_around(text, nearest.start)
        rivals = [o for o in cued if sent[0] <= o.start < sent[1]]
        return min(rivals, key=lambda o: (_cue_rank(text, o, sent[1]) or 0, dist.get(id(o), 0))).text.strip()
    return nearest.text.strip()


@lru_cache(maxsize=32)
def _doc_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """One split per document, however many events ask (the text is the cache key)."""
    return tuple(sentences(text))


def _sentence_around(text: str, pos: int) -> tuple[int, int]:
    return next(((s, e) for s, e in _doc_sentences(text) if s <= pos < e), (0, len(text)))


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
    if first in _known_bodies() or (body.match(first) and not _rx("generic_body").match(first)):
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


def _completions() -> list[tuple[str, str]]:
    table = load("rules")["short_form_completions"]
    return sorted(table.items(), key=lambda kv: len(kv[0]), reverse=True)


def expanded(name: str) -> str:
    """A school's short form written out ("한빛고" -> "한빛고등학교"), for comparing names."""
    key = "".join(name.split())
    for short, full in _completions():
        if key.endswith(short) and len(key) > len(short) and not key.endswith(full):
            return key[: -len(short)] + full
    return key


def full_form(name: str, text: str) -> str:
    """The long form of a short name when the document writes it out somewhere: a school's
    ("한빛고" -> "한빛고등학교"), or a sub-unit with its parent body ("세무과" -> "서초구 세무과")."""
    for short, full in _completions():
        if name.endswith(short) and len(name) > len(short):
            cand = name[: -len(short)] + full
            if cand in text:
                return cand
    canonical = canonical_body(name)
    if canonical != "".join(name.split()) and canonical in text:
        return canonical  # "전남도" -> "전라남도" when the document also writes it out
    if " " not in name and _rx("subunit").search(name):
        m = re.search(r"(?<![가-힣])(" + _rx("parent_body").pattern + r")\s" + re.escape(name), text)
        if m:
            return f"{m.group(1)} {name}"
    return name


def same_place(a: str, b: str) -> bool:
    """"포항" and "포항시" (a headline's short form of a local government) are one body."""
    a, b = "".join(a.split()), "".join(b.split())
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 2 and long_[:-1] == short and long_[-1] in "시군구도"

