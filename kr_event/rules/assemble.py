"""Spans -> award events.

Each TIER mention becomes a candidate: its award (same clause/sentence, else the sentence
before), its recipient(s) (same clause, sentence, else the document's main body for anaphora
and omitted subjects), its organizer and date (same sentence as an award mention). Candidates
naming the same prize of the same award are merged; fields come from the most informative one.
Who won is decided in recipients.py, which date in event_dates.py, who ran it in organizers.py.
Patterns live in kr_event/data/ko/rules.json.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Sequence

from ..lexicon import load
from ..lexicon import rule_pattern as _rx
from ..schema import AwardEvent, Evidence, Span
from ..scoring.events import normalize_value
from ..text.sentences import sentences
from .event_dates import date_for, mention_date
from .organizers import choose_organizer, cued_organizer, full_form, is_background
from .recipients import co_winners, main_body, pick_recipients, same_body, with_title


@dataclass
class _Mention:
    tier: Span
    award: Span | None
    recipients: list[str]
    recipient_is_main: bool
    sentence: tuple[int, int]
    organizer: str | None = None
    organizer_explicit: bool = False
    date: str | None = None
    date_text: str | None = None
    date_rank: float = 0
    spans: list[Span] = field(default_factory=list)
    specific: bool = True  # its sentence names no other award (not a summary line)


def _pick_award(tier: Span, sent: tuple[int, int], awards: list[Span]) -> Span | None:
    before = [a for a in awards if sent[0] <= a.start and a.end <= tier.start]
    if before:
        return before[-1]
    after = [a for a in awards if tier.end <= a.start < sent[1]]
    if after:
        return after[0]
    # results lists and follow-up sentences refer back to the award named earlier
    earlier = [a for a in awards if a.end <= sent[0]]
    if earlier:
        return earlier[-1]
    later = [a for a in awards if a.start >= sent[1]]
    return later[0] if later else None


def _awards_in(awards: list[Span], sent: tuple[int, int]) -> int:
    return sum(sent[0] <= a.start < sent[1] for a in awards)


def _sentence_of(sents: list[tuple[int, int]], pos: int) -> int:
    for i, (s, e) in enumerate(sents):
        if s <= pos < e:
            return i
    return max(0, len(sents) - 1)


def assemble(text: str, spans: Sequence[Span], published: dt.date | None = None) -> list[AwardEvent]:
    spans = _joined_awards(text, sorted((t for s in spans for t in _tier_split(_trimmed(s))), key=lambda s: s.start))
    by = {lab: [s for s in spans if s.label == lab] for lab in ("AWARD", "TIER", "ORGANIZER", "DATE", "RECIPIENT")}
    sents = sentences(text) or [(0, len(text))]
    main = main_body(text, spans, sents)
    mentions: list[_Mention] = []
    for tier in by["TIER"]:
        if not _rx("tier_head").search(tier.text) or _rx("not_tier").search(tier.text):
            # "고등부", "전남": a fragment; "수상기관": the winners, not a prize
            continue
        if _rx("tier_tally").match(text, tier.end):  # "대상 1곳, 최우수상 3곳이 선정됐다": a tally
            continue
        si = _sentence_of(sents, tier.start)
        sent = sents[si]
        award = _pick_award(tier, sent, by["AWARD"])
        recips, use_main = pick_recipients(text, tier, sent, by["RECIPIENT"], main, by["TIER"],
                                            sents[si + 1] if si + 1 < len(sents) else None)
        names = [r.text for r in recips] or ([main] if use_main and main else [])
        if not names:
            continue
        a_sent = sents[_sentence_of(sents, award.start)] if award else sent
        org = cued_organizer(text, a_sent, by["ORGANIZER"], award.start if award else None) or \
            cued_organizer(text, sent, by["ORGANIZER"], tier.start)
        date, date_text, rank = mention_date(text, sents, si, tier, award, a_sent, by["DATE"], published)
        mentions.append(_Mention(
            tier=tier, award=award, recipients=names, recipient_is_main=not recips, sentence=sent,
            organizer=org, organizer_explicit=org is not None, date=date, date_text=date_text,
            date_rank=rank, spans=[tier] + ([award] if award else []) + recips,
            specific=_awards_in(by["AWARD"], sent) <= 1))
    groups = _merge(mentions, main, co_winners(text, sents, by["RECIPIENT"], by["TIER"]))
    extra = _award_mentions(text, sents, groups, by, published)
    dated = [_dated(text, g.members + extra.get(id(g), [])) for g in groups]
    _share_dates(groups, dated)
    return [_event(text, g, extra.get(id(g), []), by["ORGANIZER"], d, by["RECIPIENT"]) for g, d in zip(groups, dated)]


def _joined_awards(text: str, spans: list[Span]) -> list[Span]:
    """"2012년" + "서울시 제2회 … 발표회" tagged as two AWARD spans are one name: an award is never
    only its year or ordinal."""
    out: list[Span] = []
    for s in spans:
        prev = out[-1] if out else None
        if (prev is not None and prev.label == s.label == "AWARD" and _rx("award_prefix_skip").match(prev.text)
                and not text[prev.end:s.start].strip()):
            out[-1] = Span("AWARD", prev.start, s.end, text[prev.start:s.end], min(prev.score, s.score))
        else:
            out.append(s)
    return out


def _tier_split(span: Span) -> list[Span]:
    """"… 발표회 우수상" tagged as one AWARD is the award and its TIER: an award may be named
    "… 대상", never "… 우수상" (award_tier_tail)."""
    m = _rx("award_tier_tail").search(span.text) if span.label == "AWARD" else None
    if not m or not span.text[:m.start()].strip():
        return [span]
    a, b = span.start + m.start(1), span.start + m.end(1)
    return [Span("AWARD", span.start, span.start + m.start(), span.text[:m.start()], span.score),
            Span("TIER", a, b, span.text[m.start(1):m.end(1)], span.score)]


_EDGE_RULES = {"TIER": ("tier_division", "tier_winner_suffix"), "RECIPIENT": (None, "recipient_office_suffix")}


def _trimmed(span: Span) -> Span:
    """"고등부 장원" -> "장원", "우수상 수상기관" -> "우수상": who competed or won is not the prize;
    "길음1동 주민센터" -> "길음1동": the office stands for its body."""
    if span.label not in _EDGE_RULES:
        return span
    head_rule, tail_rule = _EDGE_RULES[span.label]
    head = _rx(head_rule).match(span.text) if head_rule else None
    tail = _rx(tail_rule).search(span.text) if tail_rule else None
    a = head.end() if head else 0
    b = tail.start() if tail else len(span.text)
    if (a, b) == (0, len(span.text)) or b <= a:
        return span
    return Span(span.label, span.start + a, span.start + b, span.text[a:b], span.score)


def _dated(text: str, ms: list[_Mention]) -> _Mention:
    """The mention whose date the event takes: a real date before a report date, the event's
    own news before an earlier prize's, a specific sentence before a summary line."""
    return max(ms, key=lambda m: (m.date_rank >= 1, not is_background(text, [m.sentence]), m.specific,
                                  m.date_rank))


def _share_dates(groups: list["_Group"], dated: list[_Mention]) -> None:
    """Winners of one contest share its date: a group that found none of its own (only "…라고
    8일 밝혔다", or nothing) takes the date of a dated group with the same award."""
    threshold = load("rules")["merge_overlap"]
    for k, g in enumerate(groups):
        aw = g.award()
        if dated[k].date_rank >= 1 or aw is None:
            continue
        for j, h in enumerate(groups):
            other = h.award()
            if j != k and dated[j].date_rank >= 1 and other is not None and \
                    _award_overlap(aw.text, other.text) >= threshold and not _years_differ(aw.text, other.text):
                dated[k] = dated[j]
                break


@dataclass
class _Group:
    recipient: str
    main: bool
    members: list[_Mention]

    def award(self) -> Span | None:
        return max((m.award for m in self.members if m.award), key=lambda a: len(a.text), default=None)


def _contains(longer: str, short: Span | None) -> bool:
    """Every word of the short name appears in the longer one, in order."""
    if short is None:
        return False
    words, pos = longer.split(), 0
    for w in short.text.split():
        while pos < len(words) and words[pos] != w:
            pos += 1
        if pos == len(words):
            return False
        pos += 1
    return not _years_differ(longer, short.text)


def _award_year(award: Span | None, text: str, g: _Group) -> str | None:
    """An earlier prize dated by nothing but its name ("2014 코리아 디자인 어워드") took place
    that year."""
    if award is None or not is_background(text, [m.sentence for m in g.members]):
        return None
    years = set(_rx("award_year").findall(award.text))
    return years.pop() if len(years) == 1 else None


def _award_overlap(a: str | None, b: str | None) -> float:
    a, b = normalize_value(a), normalize_value(b)
    if not a or not b:
        return 1.0 if a == b else 0.0
    if a in b or b in a:
        return 1.0
    ga = {a[i:i + 2] for i in range(len(a) - 1)}
    gb = {b[i:i + 2] for i in range(len(b) - 1)}
    return len(ga & gb) / max(1, min(len(ga), len(gb)))


def _same_tier(a: str, b: str, same_winner: bool) -> bool:
    """Equal, or a headline's short form of the same winner's prize ("최우수" / "최우수기관")."""
    na, nb = normalize_value(a) or a, normalize_value(b) or b
    return na == nb or (same_winner and (na.startswith(nb) or nb.startswith(na)))


def _years_differ(a: str, b: str) -> bool:
    """"2021년 정보공개 평가" and "2023년 정보공개 평가" are two prizes, not one mentioned twice."""
    ya, yb = set(_rx("award_year").findall(a)), set(_rx("award_year").findall(b))
    return bool(ya and yb and not ya & yb)


def _merge(mentions: list[_Mention], main: str | None, partners: set[frozenset[str]] = frozenset()) -> list[_Group]:
    threshold = load("rules")["merge_overlap"]
    groups: list[_Group] = []
    for m in mentions:
        for name in m.recipients:
            is_main = m.recipient_is_main or normalize_value(name) == normalize_value(main)
            home = None
            for g in groups:
                same_tier = _same_tier(g.members[0].tier.text, m.tier.text, same_body(g.recipient, name))
                named = [x.award.text for x in g.members if x.award]
                award_ok = m.award is None or not named or any(
                    _award_overlap(a, m.award.text) >= threshold and not _years_differ(a, m.award.text)
                    for a in named)
                # the main body and a named sub-unit are one winner across sentences (summary vs
                # detail), but two names in one sentence are two winners
                unit = name if g.main else g.recipient  # the one that is not the main body
                who_ok = same_body(g.recipient, name) or (
                    (g.main or is_main) and all(x.sentence != m.sentence for x in g.members)
                    and bool(_rx("main_body_unit").search(unit))
                    and frozenset((normalize_value(g.recipient), normalize_value(name))) not in partners)
                if same_tier and award_ok and who_ok:
                    home = g
                    break
            if home is None:
                groups.append(_Group(name, is_main, [m]))
            else:
                home.members.append(m)
                same = same_body(home.recipient, name)
                if home.main and not is_main and not same:  # a named sub-unit beats the main body
                    home.recipient, home.main = name, False
                elif same and len(name) > len(home.recipient):
                    home.recipient = name  # the full name beats a short form (전남도 -> 전라남도)
    return groups


def _award_mentions(text: str, sents: list[tuple[int, int]], groups: list[_Group],
                    by: dict[str, list[Span]], published: dt.date | None) -> dict[int, list[_Mention]]:
    """An award named without a tier ("22일 열린 A부 주관 B대회에서 …") still tells the event's
    organizer and date: each such AWARD span joins the group whose award it matches best."""
    threshold = load("rules")["merge_overlap"]
    awards = [(g, g.award()) for g in groups]
    background = [is_background(text, [m.sentence for m in g.members]) for g in groups]
    extra: dict[int, list[_Mention]] = {}
    for a in by["AWARD"]:
        sent = sents[_sentence_of(sents, a.start)]
        # an earlier prize ("2019년에도 …") learns nothing from sentences about this year's
        scored = [(_award_overlap(a.text, aw.text), k) for k, (g, aw) in enumerate(awards)
                  if aw and not _years_differ(a.text, aw.text)
                  and not (background[k] and not is_background(text, [sent]))]
        if not scored:
            continue
        best, k = max(scored)
        if best < threshold:
            continue
        org = cued_organizer(text, sent, by["ORGANIZER"], a.start)
        date, date_text, rank = date_for(text, sent, a.start, by["DATE"], published)
        g = awards[k][0]
        extra.setdefault(id(g), []).append(_Mention(
            tier=g.members[0].tier, award=a, recipients=[], recipient_is_main=False, sentence=sent,
            organizer=org, organizer_explicit=org is not None, date=date, date_text=date_text,
            date_rank=rank, spans=[a], specific=_awards_in(by["AWARD"], sent) <= 1))
    return extra


def _event(text: str, g: _Group, extra: list[_Mention], orgs_in_doc: list[Span], dated: _Mention,
           recipients_in_doc: Sequence[Span] = ()) -> AwardEvent:
    ms = g.members + extra
    # the fullest name the document gives this award ("공공데이터 활용 평가" is the detail
    # paragraph's short form of "2021년 공공데이터 활용 우수사례 평가")
    award = max((m.award for m in ms if m.award and (m in g.members or _contains(m.award.text, g.award()))),
                key=lambda a: len(a.text), default=None)
    year = _award_year(award, text, g)
    organizer = choose_organizer(
        text, [m.organizer for m in ms if m.organizer], award.text if award else None,
        [s.start for m in ms for s in m.spans], sorted({m.sentence for m in ms}), orgs_in_doc)
    # a total order: ties on `start` must not follow set order (which changes with PYTHONHASHSEED)
    spans = sorted({s for m in ms for s in m.spans}, key=lambda s: (s.start, s.end, s.label, s.score))
    score = sum(s.score for s in spans) / len(spans)
    conf = score * (0.85 if g.main else 1.0) * (1.0 if award else 0.6)
    sents = sorted({m.sentence for m in g.members})
    return AwardEvent(
        recipient=with_title(full_form(g.recipient, text), recipients_in_doc), award=" ".join(award.text.split()) if award else None,
        tier=max((m.tier.text for m in g.members), key=len), organizer=organizer,
        date=dated.date or year, date_text=dated.date_text if dated.date else year,
        confidence=round(conf, 4), evidence=[Evidence(s, e, text[s:e]) for s, e in sents], mentions=spans)
