"""Trim particles and punctuation at span edges (data: kr_event/data/ko/span_edges.json).

Why only inside the last subword: when a particle is its own piece the model already decided
about it; when XLM-R glued it to the entity ("상을"), the piece's label covers both.
"""
from __future__ import annotations

from functools import lru_cache

from ..lexicon import load, strip_chars

_HANGUL_BASE, _HANGUL_LAST = 0xAC00, 0xD7A3


def batchim(ch: str) -> int | None:
    """Final-consonant index of a Hangul syllable (0 = none), None for non-Hangul."""
    code = ord(ch)
    if not _HANGUL_BASE <= code <= _HANGUL_LAST:
        return None
    return (code - _HANGUL_BASE) % 28


@lru_cache(maxsize=None)
def _table() -> tuple[list[tuple[str, str]], dict[str, set[str]], dict[str, set[str]]]:
    data = load("span_edges")
    rows = [(p, cond) for cond in ("after_consonant", "after_vowel", "after_rieul", "any") for p in data[cond]]
    rows.sort(key=lambda r: len(r[0]), reverse=True)
    keep = {p: set(labels) for p, labels in data["keep_for_labels"].items()}
    only = {p: set(labels) for p, labels in data.get("only_for_labels", {}).items()}
    return rows, keep, only


def _agrees(prev: str, cond: str) -> bool:
    b = batchim(prev)
    if cond == "any":
        return True
    if b is None:  # digits/latin before a particle: accept (e.g. "3동이" handled by 동)
        return cond != "after_rieul"
    return {"after_consonant": b != 0, "after_vowel": b == 0, "after_rieul": b == 8}[cond]


def trailing_particle(piece_text: str, label: str) -> int:
    """Length of the particle to cut from the end of the span's last piece (0 = none)."""
    rows, keep, only = _table()
    for particle, cond in rows:
        if len(piece_text) > len(particle) and piece_text.endswith(particle):
            if label in keep.get(particle, ()) or (particle in only and label not in only[particle]):
                continue
            if _agrees(piece_text[-len(particle) - 1], cond):
                return len(particle)
    return 0


def trim_span(text: str, start: int, end: int, last_piece_start: int, label: str) -> tuple[int, int]:
    """Narrow [start, end) of `text`: edge punctuation/space, then a glued particle."""
    chars = strip_chars()
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    piece_from = max(start, last_piece_start)
    if end - piece_from >= 2:
        cut = trailing_particle(text[piece_from:end], label)
        end -= cut
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


@lru_cache(maxsize=None)
def _min_chars() -> dict[str, int]:
    return load("span_edges").get("min_chars", {"default": 1})


def keep_span(label: str, text: str, score: float, min_score: float = 0.0,
              min_chars: dict[str, int] | None = None) -> bool:
    """Too short or too unsure to be an entity (one-syllable names, fragments of a venue)."""
    chars = min_chars or _min_chars()
    return len(text.strip()) >= chars.get(label, chars["default"]) and score >= min_score


def word_start(text: str, start: int, floor: int, max_back: int = 4) -> int:
    """Pull a span's start back to the start of its word ("려상" in "장려상" -> "장려상").

    XLM-R sometimes splits a word so that its first piece gets O; an entity never begins in
    the middle of a Hangul word, so the start moves left over letters/digits (at most
    `max_back`, never past `floor`, the end of the previous span)."""
    i = start
    while i > floor and start - i < max_back and (text[i - 1].isalnum()):
        i -= 1
    if i == start or (i > floor and text[i - 1].isalnum()):
        return start  # a longer word: leave the model's decision alone
    return i


@lru_cache(maxsize=None)
def _all_particles() -> frozenset[str]:
    return frozenset(p for p, _ in _table()[0])


def word_end(text: str, start: int, end: int, label: str, max_forward: int = 3) -> int:
    """Push a span's end to the end of its word ("최우" in "최우수상" -> "최우수상"), short of a
    particle ("전라남도교육|청은" -> "전라남도교육청"): an entity never stops inside a word unless a
    particle follows. At most `max_forward` chars; a longer rest is left alone."""
    if end >= len(text) or not text[end].isalnum() or end <= start or not text[end - 1].isalnum():
        return end
    stop = end
    while stop < len(text) and text[stop].isalnum() and stop - end <= max_forward + 4:
        stop += 1
    rest = text[end:stop]
    if any(rest == p or rest.endswith(p) and rest[:-len(p)] in _all_particles() for p, _ in _table()[0]):
        return end  # only particles follow ("솔숲마을|과", "평가|도"): the model stopped right
    new_end = stop - trailing_particle(text[start:stop], label)
    if new_end <= end or new_end - end > max_forward or (stop < len(text) and text[stop].isalnum()):
        return end
    return new_end


def continues(text: str, prev_end: int, start: int) -> bool:
    """A span that overlaps the previous one after the repairs, or begins inside the word the
    previous one ended in ("소리마을 어울|림터"), is no entity of its own."""
    return start < prev_end or (start == prev_end and start > 0 and text[start - 1].isalnum()
                                and start < len(text) and text[start].isalnum())
