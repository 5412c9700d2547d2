"""`python -m kr_event.corpus.stats`: the corpus variety table (markdown) for data/README.md.

Counts come from the annotations themselves (spans, events, header facets) and the lexicons in
kr_event/data/ko — nothing is typed in by hand.
"""
from __future__ import annotations

import glob
import re
import sys
from collections import Counter
from pathlib import Path

from ..lexicon import load
from ..rules.dates import Anchor, resolve_date
from .annotated import AnnotatedDoc
from .markup import parse_source

NOT_PRIZE = ("대상자", "상승", "상황", "보상", "예상", "상반기", "세상", "이상")


def _facet(doc: AnnotatedDoc, key: str) -> list[str]:
    return [v.strip() for v in doc.meta.get(key, "").split(",") if v.strip()]


def _tier_category(tier: str) -> str:
    cats = load("tiers")["categories"]
    t = tier.replace(" ", "")
    for cat, words in cats.items():
        if any(t == w.replace(" ", "") for w in words):
            return cat
    for cat, words in cats.items():  # "행정안전부 장관상" ends with a government tier
        if any(t.endswith(w.replace(" ", "")) for w in words if len(w) > 1):
            return cat
    return "other"


def _contest_kind(award: str) -> str:
    best, kind = 0, "other"
    for k, endings in load("contest_kinds")["kinds"].items():
        for e in endings:
            if award.rstrip("'’\" ").endswith(e) and len(e) > best:
                best, kind = len(e), k
    return kind


def _date_kind(expr: str) -> str:
    r = resolve_date(expr, Anchor(2020, 6, 15, "published"))
    return r.pattern or "unparsed"


def table(docs: list[AnnotatedDoc]) -> str:
    rows: list[tuple[str, Counter]] = []
    rows.append(("split", Counter(d.meta.get("split", "?") for d in docs)))
    rows.append(("style", Counter(d.meta.get("style", "?") for d in docs)))
    rows.append(("recipient kind (documents)", Counter(k for d in docs for k in _facet(d, "recipient_kinds"))))
    rows.append(("organizer phrasing (documents)", Counter(k for d in docs for k in _facet(d, "organizer_phrasing"))))
    rows.append(("contest kind (AWARD spans)", Counter(_contest_kind(s["text"]) for d in docs for s in d.spans if s["label"] == "AWARD")))
    rows.append(("tier category (TIER spans)", Counter(_tier_category(s["text"]) for d in docs for s in d.spans if s["label"] == "TIER")))
    rows.append(("date expression (DATE spans, resolver pattern)", Counter(_date_kind(s["text"]) for d in docs for s in d.spans if s["label"] == "DATE")))
    winners = Counter("no event (negative)" if not d.events else ("one event" if len(d.events) == 1 else "several events") for d in docs)
    rows.append(("events per document", winners))
    background = Counter()
    for d in docs:
        if d.published:
            year = int(d.published[:4])
            background["background (earlier-year) events"] += sum(1 for e in d.events if e["date"] and int(e["date"][:4]) < year)
        background["events"] += len(d.events)
    rows.append(("events", background))
    rows.append(("상-words that are not prizes (documents containing)", Counter(w for d in docs for w in NOT_PRIZE if w in d.text)))
    out = []
    for title, counts in rows:
        out.append(f"\n**{title}**\n\n| value | count |\n|---|---|")
        out += [f"| {k} | {v} |" for k, v in counts.most_common()]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    files = argv or sorted(glob.glob(str(Path(__file__).resolve().parents[2] / "data" / "authored" / "*.txt")))
    docs = [d for f in files for d in parse_source(f)]
    print(f"{len(docs)} documents from {len(files)} files")
    print(table(docs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
