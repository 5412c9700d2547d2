"""Sentence boundaries with offsets: lines, then sentence-final punctuation."""
from __future__ import annotations

import re

_BREAK = re.compile(r"\n+|(?<=[.!?。])[\"'”’)\]]*\s+")


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of each non-blank sentence, trimmed of surrounding whitespace."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _BREAK.finditer(text):
        out.append((pos, m.start() if m.group(0).startswith("\n") else m.end()))
        pos = m.end()
    out.append((pos, len(text)))
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed
