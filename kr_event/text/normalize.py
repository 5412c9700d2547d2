"""NFC normalisation with a map back to the original offsets.

Models and lexicons expect composed Hangul (NFC); users' offsets must point into what they gave
us. Nearly all input is already NFC, so that path costs one check and no copy.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    text: str
    _starts: tuple[int, ...] | None = None  # normalised index -> original start index
    _orig_len: int = 0

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of `text` back to the original string."""
        if self._starts is None:
            return start, end
        o_start = self._starts[start] if start < len(self._starts) else self._orig_len
        o_end = self._starts[end] if end < len(self._starts) else self._orig_len
        return o_start, max(o_end, o_start + (end > start))


def normalize(original: str) -> NormalizedText:
    if unicodedata.is_normalized("NFC", original):
        return NormalizedText(original, None, len(original))
    out: list[str] = []
    starts: list[int] = []
    pos = 0
    for m in _WORD.finditer(original):
        gap = original[pos:m.start()]
        out.append(gap)
        starts.extend(range(pos, m.start()))
        word = m.group(0)
        norm = unicodedata.normalize("NFC", word)
        # original prefix length needed to produce each normalised char
        p = 0
        for k in range(len(norm)):
            while p < len(word) and len(unicodedata.normalize("NFC", word[:p])) <= k:
                p += 1
            starts.append(m.start() + max(0, p - 1))
        out.append(norm)
        pos = m.end()
    out.append(original[pos:])
    starts.extend(range(pos, len(original)))
    return NormalizedText("".join(out), tuple(starts), len(original))
