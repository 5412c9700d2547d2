"""Who won: the recipient(s) of a prize mention, the document's main body (for 구는/시는), and
when two names are one winner. Patterns live in kr_event/data/ko/rules.json.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence

from ..lexicon import load
from ..lexicon import rule_pattern as _rx
from ..schema import Span
from ..scoring.events import normalize_value
from .clauses import clause_bounds
from .organizers import canonical_body, expanded, same_place


def main_body(text: str, spans: Sequence[Span], sents: list[tuple[int, int]]) -> str | None:
    """The document's main body, which 구는/시는/군은 refer to: the first winner named in the
    title/lead area, else the most frequent recipient, earliest on ties."""
    lead_end = _lead_end(text, sents)
    in_lead = [s for s in spans if s.label == "RECIPIENT" and s.start < lead_end]
    if in_lead:
        return in_lead[0].text
    surface = [s.text for s in spans if s.label == "RECIPIENT"]
    names = [normalize_value(t) or t for t in surface]
    if not names:
        return None
    counts = Counter(names)
    best = max(counts, key=lambda n: (counts[n], -names.index(n)))
    return surface[names.index(best)]


def _lead_end(text: str, sents: list[tuple[int, int]]) -> int:
    """End of the title + lead: the first `lead_sentences` sentences with real prose (page
    furniture such as "본문 바로가기" or "닫기" does not count)."""
    want = load("rules")["lead_sentences"]
    for s, e in sents:
        if len(_rx("hangul").findall(text, s, e)) >= 8:
            want -= 1
            if want == 0:
                return e
    return len(text)


def _recipient_chain(text: str, recips: list[Span], idx: int, tiers: Sequence[Span] = ()) -> list[Span]:
    """The recipient at idx plus the ones joined to it by 와/과/,/및/▲ just before/after (a short
    affiliation may sit between: "A 교사와 광주 B고 C 교사"); never across another prize."""
    def joined(a: Span, b: Span) -> bool:
        gap = _rx("recipient_gap_noise").sub("", text[a.end:b.start])  # "(횡성)", "씨의 ‘제목’"
        return bool(_rx("recipient_conjunction").match(gap)) and not any(
            a.end <= t.start < b.start for t in tiers)

    chain = [recips[idx]]
    j = idx
    while j > 0 and joined(recips[j - 1], recips[j]):
        chain.insert(0, recips[j - 1])
        j -= 1
    j = idx
    while j + 1 < len(recips) and joined(recips[j], recips[j + 1]):
        chain.append(recips[j + 1])
        j += 1
    return chain


def pick_recipients(text: str, tier: Span, sent: tuple[int, int], recips: list[Span],
                     main: str | None, tiers: Sequence[Span] = (),
                     next_sent: tuple[int, int] | None = None) -> tuple[list[Span], bool]:
    in_sent = [r for r in recips if sent[0] <= r.start < sent[1]]
    if _rx("tier_topic").match(text, tier.end):
        # "우수상은 ▲A ▲B가 차지했다": the winners follow the prize, up to the next prize
        nxt = min((t.start for t in tiers if tier.end <= t.start < sent[1]), default=sent[1])
        after = [r for r in in_sent if tier.end <= r.start < nxt]
        if after:
            return _respectively(text, after, tier, sent, tiers), False
    c0, c1 = clause_bounds(text, sent, tier.start)
    in_clause = [r for r in in_sent if c0 <= r.start < c1]
    pool = in_clause or [r for r in in_sent if r.end <= tier.start] or in_sent
    if pool:
        best = min(pool, key=lambda r: (abs(r.start - tier.start), r.start > tier.start))
        chain = _recipient_chain(text, in_sent, in_sent.index(best), tiers)
        return _respectively(text, chain, tier, sent, tiers), False
    if next_sent is not None and _rx("winners_follow").search(text, *sent):
        # "우수기관은 모두 64곳이다. … A와 B가 이름을 올렸다": the next sentence lists the winners
        listed = [r for r in recips if next_sent[0] <= r.start < next_sent[1]]
        if listed and not any(next_sent[0] <= t.start < next_sent[1] for t in tiers):
            return listed, False
    return [], main is not None


def _respectively(text: str, chain: list[Span], tier: Span, sent: tuple[int, int],
                  tiers: Sequence[Span]) -> list[Span]:
    """"A와 B가 각각 최우수상과 우수상을", "A·B, … 금상·은상": as many prizes as winners, paired in
    order (a list of prizes without 각각 only when the prizes themselves form one list)."""
    if len(chain) < 2:
        return chain
    before = tier.end <= chain[0].start  # "최우수상과 우수상은 A와 B가 각각 받았다"
    if before:
        listed = [t for t in tiers if sent[0] <= t.start and t.end <= chain[0].start]
    else:
        listed = [t for t in tiers if chain[-1].end <= t.start < sent[1]]
    if len(listed) != len(chain) or tier not in listed:
        return chain
    one_list = all(_rx("tier_conjunction").fullmatch(text[a.end:b.start]) for a, b in zip(listed, listed[1:]))
    if before and not one_list:
        return chain
    if not (one_list or _rx("respectively").search(text, min(chain[-1].end, tier.end), sent[1])):
        return chain
    return [chain[listed.index(tier)]]


def same_body(a: str, b: str) -> bool:
    short, long_ = sorted((" ".join(a.split()), " ".join(b.split())), key=len)
    if " " in long_ and " " not in short and long_.endswith(" " + short):
        return True  # "운정중 태권도부" and "태권도부": the name without its affiliation
    na, nb = normalize_value(a), normalize_value(b)
    return (na == nb or normalize_value(canonical_body(a)) == normalize_value(canonical_body(b))
            or expanded(na or a) == expanded(nb or b)
            or same_place(na or a, nb or b) or contracted("".join(short.split()), "".join(long_.split())))


def contracted(short: str, long_: str) -> bool:
    """"경남교육청" / "경상남도교육청", "새결대병원" / "새결대학교병원": a headline's contraction keeps
    the first syllable, the kind of body (the last two) and the order of what it keeps."""
    if len(short) < 4 or len(long_) <= len(short) or short[0] != long_[0] or short[-2:] != long_[-2:]:
        return False
    pos = 0
    for ch in short:
        pos = long_.find(ch, pos) + 1
        if pos == 0:
            return False
    return True


def co_winners(text: str, sents: list[tuple[int, int]], recips: list[Span],
                tiers: Sequence[Span]) -> set[frozenset[str]]:
    """Names listed together ("삼성전자·한빛디스플레이", "A와 B가") are two winners, never a body
    and its sub-unit."""
    pairs: set[frozenset[str]] = set()
    for sent in sents:
        in_sent = [r for r in recips if sent[0] <= r.start < sent[1]]
        for i in range(len(in_sent)):
            names = {normalize_value(r.text) for r in _recipient_chain(text, in_sent, i, tiers)}
            pairs.update(frozenset((a, b)) for a in names for b in names if a != b)
    return pairs


def with_title(name: str, recipients_in_doc: Sequence[Span]) -> str:
    """"김서윤" -> "김서윤 학생" when the document also names the winner with a title."""
    titled = [r.text for r in recipients_in_doc
              if r.text.startswith(name + " ") and _rx("person_title").fullmatch(r.text[len(name) + 1:])]
    return max(titled, key=len, default=name)
