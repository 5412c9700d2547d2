"""Which date an award event gets: the best-resolved DATE of the prize's own sentence (a real
date before a "…라고 8일 밝혔다" report date, then the finest granularity, then the nearest),
then its award's sentence, the next sentence, or a ceremony sentence soon after.
"""
from __future__ import annotations

import datetime as dt

from ..lexicon import load
from ..lexicon import rule_pattern as _rx
from ..schema import Span
from .dates import document_anchor, resolve_date
from .organizers import is_background

_GRANULARITY_RANK = {"day": 3, "week": 2, "month": 2, "year": 1, None: 0}




def date_for(text: str, sent: tuple[int, int], anchor_pos: int, dates: list[Span],
              published: dt.date | None) -> tuple[str | None, str | None, int]:
    """Best-resolved DATE of the sentence: finest granularity, then nearest to the mention.
    A date that only says when the news was announced ("27일 밝혔다") ranks below any other."""
    best: tuple[str | None, str | None, int] = (None, None, 0)
    best_key = None
    for d in dates:
        if not sent[0] <= d.start < sent[1] or _rx("period_cue").match(text, d.end, sent[1]) \
                or _rx("period_date").search(d.text):
            continue  # "올해 1월부터 10월까지": when it was judged, not when it was won
        r = resolve_date(d.text, document_anchor(text, d.start, published))
        if _rx("same_day").match(d.text):
            earlier = _last_stated_day(text, d.start, dates, published)
            r = earlier or r
        if r.iso is None:
            continue
        rank = _GRANULARITY_RANK.get(r.granularity, 0)
        report = bool(_rx("report_date_cue").match(text, d.end, sent[1]))
        key = (not report, rank, -abs(d.start - anchor_pos))
        if best_key is None or key > best_key:
            best, best_key = (r.iso, d.text, rank if not report else 0.5), key
    return best


def mention_date(text: str, sents: list[tuple[int, int]], si: int, tier: Span, award: Span | None,
                  a_sent: tuple[int, int], dates: list[Span], published: dt.date | None):
    """The prize's own sentence, then its award's sentence, then the next sentence when the
    first only said when the news was announced, then a ceremony sentence soon after
    ("시상식은 오는 10일 …") when nothing so far named a date."""
    sent = sents[si]
    best = date_for(text, sent, tier.start, dates, published)
    if award and a_sent != sent:
        d2 = date_for(text, a_sent, award.start, dates, published)
        if d2[2] > best[2]:
            best = d2
    if is_background(text, [sent]):
        return best
    coarse = None
    if best[2] < 1 and si + 1 < len(sents) and not is_background(text, [sents[si + 1]]):
        # "…받았다고 8일 밝혔다. 대회는 지난 7일 열렸으며" (but not "…2019년에도 받은 바 있다")
        nxt = sents[si + 1]
        d3 = date_for(text, nxt, nxt[0], dates, published)
        if d3[2] >= 3 or (d3[2] >= 1 and _rx("ceremony_cue").search(text, *nxt)):
            best = d3
        elif d3[2] >= 1:
            coarse = d3  # a year or month with no ceremony ("박 씨는 2016년 귀농해"): last resort
    if best[2] < 1:
        reach = load("rules")["ceremony_reach"]
        # after the prize first ("…받았다. 시상식은 오는 10일"), then before ("시상식은 20일 열렸으며 …")
        for s2 in sents[si + 1:si + 1 + reach] + sents[max(0, si - reach):si][::-1]:
            if _rx("ceremony_cue").search(text, *s2) and not is_background(text, [s2]):
                d4 = date_for(text, s2, s2[0], dates, published)
                if d4[2] >= 3:
                    return d4
    if best[2] < 1 and coarse is not None:
        best = coarse
    return best


def _last_stated_day(text: str, pos: int, dates: list[Span], published: dt.date | None):
    """"이날" names the day the text last stated (not the publication day), if it stated one."""
    for d in reversed([d for d in dates if d.end <= pos]):
        if _rx("same_day").match(d.text) or _rx("report_date_cue").match(text, d.end):
            continue
        r = resolve_date(d.text, document_anchor(text, d.start, published))
        if r.granularity == "day":
            return r
    return None
