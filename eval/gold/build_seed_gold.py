"""Build `seed.jsonl`: stand-off gold for the seed article (text stays in ../shared).

Each annotation is (label, surface string, which occurrence in the file) so a reviewer can read
the decisions; offsets are computed and checked against the exact file text. Decisions follow
docs/annotation-guideline.md. Run: python eval/gold/build_seed_gold.py
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kr_event.corpus.shared import read_shared_text, shared_dir

SOURCE = "shared:seed/000_e73b876f4d18a131.txt"

# (label, text, occurrence number of `text` in the file, 1-based), in reading order.
ANNOTATIONS = [
    # sub-headline: three awards with their tiers, no recipient named
    ("AWARD", "행정제도 선진화 우수사례 경진대회", 1), ("TIER", "대통령상", 1),
    ("AWARD", "서울시 자치구 행정 우수사례 발표회", 1), ("TIER", "장려상", 1),
    ("AWARD", "서울시 자치회관 우수사례 발표회", 1), ("TIER", "우수상", 1),
    # ▲-summary sentence
    ("RECIPIENT", "종로구", 4), ("DATE", "10월 한 달", 1),
    ("AWARD", "2012년 행정제도 선진화 우수사례 경진대회", 1), ("TIER", "대통령상", 2),
    ("AWARD", "2012년 서울시 제2회 자치구 행정 우수사례 발표회", 1), ("TIER", "장려상", 2),
    ("AWARD", "제9회 서울시 자치회관 우수사례 발표회", 1), ("TIER", "우수상", 2),
    # detail paragraph 1
    ("DATE", "지난 22일", 1), ("ORGANIZER", "행정안전부", 1),
    ("AWARD", "2012년 행정제도 선진화 우수사례 경진대회", 2), ("RECIPIENT", "종로구", 5),
    ("DATE", "지난해 10월 초", 1),
    # headline widget inside the body
    ("RECIPIENT", "종로구", 7), ("AWARD", "행정제도 개선 우수사례", 1), ("TIER", "대통령상", 3),
    # detail paragraph 2 (subject omitted)
    ("DATE", "지난 19일", 1),
    ("AWARD", "2012년 서울시 제2회 자치구 행정 우수사례 발표회", 2), ("TIER", "장려상", 3),
    # headline widget 2
    ("RECIPIENT", "종로구", 8), ("AWARD", "자치회관 우수사례 발표", 3), ("TIER", "우수상", 3),
    # detail paragraph 3: the sub-unit is the winner
    ("DATE", "지난 16일", 1), ("AWARD", "제9회 서울시 자치회관 우수사례 발표회", 2),
    ("RECIPIENT", "창신3동", 1), ("TIER", "우수상", 4),
    ("RECIPIENT", "창신3동", 2), ("DATE", "지난 1년간", 1), ("TIER", "우수상", 5),
]

EVENTS = [
    {"recipient": "종로구", "award": "2012년 행정제도 선진화 우수사례 경진대회", "tier": "대통령상",
     "organizer": "행정안전부", "date": "2012-10-22", "date_text": "지난 22일"},
    {"recipient": "종로구", "award": "2012년 서울시 제2회 자치구 행정 우수사례 발표회", "tier": "장려상",
     "organizer": "서울시", "date": "2012-10-19", "date_text": "지난 19일"},
    {"recipient": "창신3동", "award": "제9회 서울시 자치회관 우수사례 발표회", "tier": "우수상",
     "organizer": "서울시", "date": "2012-10-16", "date_text": "지난 16일"},
]


def nth(text: str, needle: str, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            raise SystemExit(f"occurrence {n} of {needle!r} not found")
    return pos


def main() -> None:
    raw = (shared_dir() / SOURCE[len("shared:"):]).read_bytes()
    text = read_shared_text(SOURCE)
    spans = []
    for label, needle, n in ANNOTATIONS:
        start = nth(text, needle, n)
        spans.append({"label": label, "start": start, "end": start + len(needle), "text": needle})
    spans.sort(key=lambda s: s["start"])
    record = {"id": "000_e73b876f4d18a131", "source": SOURCE,
              "sha256": hashlib.sha256(raw).hexdigest(), "published": None,
              "spans": spans, "events": EVENTS,
              "meta": {"note": "no publication date in the article; dates from its context (Oct 2012)"}}
    out = Path(__file__).with_name("seed.jsonl")
    out.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(spans)} spans, {len(EVENTS)} events")


if __name__ == "__main__":
    main()
