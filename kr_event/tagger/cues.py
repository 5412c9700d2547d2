"""Award cues for the tagger's optional prefilter (data: kr_event/data/ko/award_cues.json).

A window with no cue is not run through the encoder. Strong patterns always count; weak ones
(the bare 상 patterns) count unless they lie inside a word that is not a prize (tiers.json
`not_prize_words`: 이상, 상황, 대상자 …) starting at a word start.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..lexicon import load


@lru_cache(maxsize=None)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str] | None, re.Pattern[str]]:
    data = load("award_cues")
    strong = re.compile("|".join(f"(?:{p})" for p in data["patterns"]))
    weak = re.compile("|".join(f"(?:{p})" for p in data["weak_patterns"])) if data.get("weak_patterns") else None
    words = sorted(load("tiers")["not_prize_words"], key=len, reverse=True)
    # every start of a not-prize word at a word start (the longest one there): "10명 이상" and
    # "세상을" are not cues, but "교육감상" and "신인상" are prizes ending in 감상/인상
    not_prize = re.compile("(?<![가-힣])(?=(" + "|".join(re.escape(w) for w in words) + "))")
    return strong, weak, not_prize


def _inside_not_prize(text: str, pos: int, not_prize: re.Pattern[str], reach: int) -> bool:
    for m in not_prize.finditer(text, max(0, pos - reach), pos + 1):
        if m.start() <= pos < m.start() + len(m.group(1)):
            return True
    return False


def has_cue(text: str, start: int = 0, end: int | None = None) -> bool:
    """True when text[start:end] holds an award cue."""
    strong, weak, not_prize = _patterns()
    end = len(text) if end is None else end
    if strong.search(text, start, end):
        return True
    if weak is None:
        return False
    reach = max(len(w) for w in load("tiers")["not_prize_words"])
    return any(not _inside_not_prize(text, m.start(), not_prize, reach)
               for m in weak.finditer(text, start, end))
