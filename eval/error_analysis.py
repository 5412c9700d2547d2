"""Where do events go wrong? Per-document diff of gold vs predicted events, on a corpus split.

    python eval/error_analysis.py --split train --oracle        # rules on gold spans
    python eval/error_analysis.py --split dev                   # model spans (cached in eval/out/)
    python eval/error_analysis.py --split dev --summary         # counts only

Rule changes are tuned with --oracle on the train split and checked once on dev.
"""
from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
from collections import Counter

from kr_event.corpus.markup import parse_source
from kr_event.rules.assemble import assemble
from kr_event.schema import EVENT_FIELDS, Span
from kr_event.scoring.events import _same, event_scores, match_events, relaxed_match


def _spans(docs, args) -> list[list[Span]]:
    if args.oracle:
        return [[Span(s["label"], s["start"], s["end"], s["text"], 1.0) for s in d.spans] for d in docs]
    cache = f"eval/out/spans-{args.split}-{os.path.basename(os.path.normpath(args.model))}.jsonl"
    if os.path.exists(cache) and not args.retag:
        with open(cache, encoding="utf-8") as fh:
            rows = {r["id"]: r["spans"] for r in map(json.loads, fh)}
        if all(d.id in rows for d in docs):
            return [[Span.from_dict(s) for s in rows[d.id]] for d in docs]
    from kr_event.tagger.model import Tagger

    tagged = Tagger(args.model).tag([d.text for d in docs])
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache, "w", encoding="utf-8") as fh:
        for d, spans in zip(docs, tagged):
            fh.write(json.dumps({"id": d.id, "spans": [s.to_dict() for s in spans]}, ensure_ascii=False) + "\n")
    return tagged


def _fmt(e: dict) -> str:
    return " / ".join(str(e.get(f)) for f in EVENT_FIELDS)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train")
    ap.add_argument("--oracle", action="store_true", help="assemble on gold spans")
    ap.add_argument("--model", default="models/kr-event-tagger")
    ap.add_argument("--retag", action="store_true", help="ignore the span cache")
    ap.add_argument("--summary", action="store_true")
    a = ap.parse_args()
    docs = [d for f in sorted(glob.glob("data/authored/*.txt")) for d in parse_source(f)
            if d.meta.get("split") == a.split]
    golds, preds, kinds = [], [], Counter()
    for d, spans in zip(docs, _spans(docs, a)):
        pub = dt.date.fromisoformat(d.published) if d.published else None
        pred = [e.to_dict() for e in assemble(d.text, spans, pub)]
        golds.append(d.events)
        preds.append(pred)
        strict = {i for i, _ in match_events(d.events, pred, "strict")}
        rel = dict(match_events(d.events, pred, "relaxed"))
        lines = []
        for i, g in enumerate(d.events):
            if i in strict:
                continue
            if i in rel:
                p = pred[rel[i]]
                bad = [f for f in EVENT_FIELDS if not _same(f, g, p)]
                kinds.update(f"field:{f}" for f in bad)
                lines.append(f"  ~ {_fmt(g)}\n    got " + "; ".join(f"{f}={p.get(f)!r}" for f in bad))
            else:
                near = [p for p in pred if relaxed_match({**g, "recipient": p.get("recipient")}, p)]
                kinds["missed:recipient" if near else "missed"] += 1
                lines.append(f"  - {_fmt(g)}" + (f"\n    (recipient given as {near[0]['recipient']!r})" if near else ""))
        for j, p in enumerate(pred):
            if j not in rel.values():
                kinds["spurious"] += 1
                lines.append(f"  + {_fmt(p)}")
        if lines and not a.summary:
            print(f"## {d.id}\n" + "\n".join(lines))
    s = event_scores(golds, preds)
    print(f"\n{len(docs)} {a.split} docs, {'gold' if a.oracle else 'model'} spans: "
          f"strict {s['strict']['f1']:.3f} relaxed {s['relaxed']['f1']:.3f}  "
          + " ".join(f"{k}={v:.2f}" for k, v in s["field_accuracy"].items() if v is not None))
    print("  " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))


if __name__ == "__main__":
    main()
