"""Choose a model's span score floor (`min_score` in its tagger.json) on the dev set — never the seed.

Tags the dev documents once with no floor, then re-assembles events for each candidate floor.
    python eval/tune_threshold.py [--model models/kr-event-tagger] [--split dev]
"""
from __future__ import annotations

import argparse
import datetime as dt
import glob

from kr_event.corpus.markup import parse_source
from kr_event.rules.assemble import assemble
from kr_event.scoring import evaluate
from kr_event.tagger.model import Tagger


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/kr-event-tagger")
    ap.add_argument("--split", default="dev")
    a = ap.parse_args()
    docs = [d for f in sorted(glob.glob("data/authored/*.txt")) for d in parse_source(f)
            if d.meta.get("split") == a.split]
    tagger = Tagger(a.model, min_score=0.0)
    tagged = tagger.tag([d.text for d in docs])
    print(f"{len(docs)} {a.split} documents")
    print(f"{'floor':>6} {'span F1':>8} {'strict':>7} {'relaxed':>8}")
    for floor in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85):
        pred = {}
        for d, spans in zip(docs, tagged):
            kept = [s for s in spans if s.score >= floor]
            pub = dt.date.fromisoformat(d.published) if d.published else None
            pred[d.id] = {"spans": [s.to_dict() for s in kept],
                          "events": [e.to_dict() for e in assemble(d.text, kept, pub)]}
        r = evaluate(docs, pred)
        print(f"{floor:6.2f} {r['spans']['micro']['f1']:8.3f} {r['events']['strict']['f1']:7.3f} "
              f"{r['events']['relaxed']['f1']:8.3f}")


if __name__ == "__main__":
    main()
