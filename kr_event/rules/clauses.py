"""Where in a sentence a mention sits: its clause, and its item in a ▲-list (where every item
is a prize of its own, with its own organizer). Patterns: data/ko/rules.json."""
from __future__ import annotations

from typing import Callable, Sequence, TypeVar

from ..lexicon import rule_pattern as _rx

T = TypeVar("T")


def clause_bounds(text: str, sent: tuple[int, int], pos: int) -> tuple[int, int]:
    s, e = sent
    left = s
    for m in _rx("clause_breaks").finditer(text, s, pos):
        left = m.end()
    m = _rx("clause_breaks").search(text, pos, e)
    return left, (m.start() if m else e)


def list_item(text: str, sent: tuple[int, int], pos: int) -> tuple[int, int] | None:
    """The ▲-item of the sentence that holds `pos`; None when the sentence is no list."""
    starts = [m.end() for m in _rx("list_item_break").finditer(text, sent[0], pos)]
    nxt = _rx("list_item_break").search(text, pos, sent[1])
    if not starts and not nxt:
        return None
    return (starts[-1] if starts else sent[0]), (nxt.start() if nxt else sent[1])


def same_item(items: Sequence[T], start_of: Callable[[T], int], text: str, sent: tuple[int, int],
              anchor: int | None) -> list[T]:
    """The candidates in the anchor's ▲-item when it has any, else all of them."""
    item = list_item(text, sent, anchor) if anchor is not None else None
    own = [x for x in items if item and item[0] <= start_of(x) < item[1]]
    return own or list(items)
