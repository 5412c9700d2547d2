"""Which particle trimmer is better: data-driven rules (kr_event/tagger/edges.py) or kiwipiepy?

For every gold span of the authored corpus whose end falls inside a subword piece (the case the
trimmer exists for), both trimmers see the span extended to the end of that piece and must give
back the gold end. Run: python eval/trim_compare.py [--split dev]
"""
from __future__ import annotations

import argparse
import glob
import time
from collections import Counter

from transformers import AutoTokenizer

from kr_event.corpus.markup import parse_source
from kr_event.tagger.edges import trim_span
from kr_event.tagger.windows import encode


def kiwi_trim(kiwi, text: str, start: int, end: int) -> int:
    """End of the last morpheme that is not a particle/ending (J*, E*, S*) inside [start, end)."""
    toks = kiwi.tokenize(text[max(0, start - 20):min(len(text), end + 10)])
    base = max(0, start - 20)
    best = start
    for t in toks:
        s, e = base + t.start, base + t.start + t.len
        if e <= start or s >= end:
            continue
        if not t.tag.startswith(("J", "E", "S")) or s < start:
            best = max(best, min(e, end))
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default=None)
    ap.add_argument("--model", default="models/kr-event-tagger")
    ap.add_argument("--gold", help="score this gold JSONL (e.g. eval/gold/seed.jsonl) instead of the corpus")
    a = ap.parse_args()
    tok = AutoTokenizer.from_pretrained(a.model)
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    if a.gold:
        from kr_event.corpus import read_jsonl

        docs = list(read_jsonl(a.gold))
    else:
        docs = [d for f in sorted(glob.glob("data/authored/*.txt")) for d in parse_source(f)
                if a.split is None or d.meta.get("split") == a.split]
    score: Counter[str] = Counter()
    secs: Counter[str] = Counter()
    for d in docs:
        enc = encode(tok, d.text)
        for s in d.spans:
            piece = next(((ps, pe) for ps, pe in enc.offsets if ps < s["end"] < pe), None)
            if piece is None:
                continue
            score["cases"] += 1
            t0 = time.perf_counter()
            _, rule_end = trim_span(d.text, s["start"], piece[1], piece[0], s["label"])
            secs["rules"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            kiwi_end = kiwi_trim(kiwi, d.text, s["start"], piece[1])
            secs["kiwi"] += time.perf_counter() - t0
            score["rules"] += rule_end == s["end"]
            score["kiwi"] += kiwi_end == s["end"]
    n = score["cases"]
    print(f"{len(docs)} documents, {n} spans whose end falls inside a subword piece")
    for k in ("rules", "kiwi"):
        print(f"  {k:6s} exact end: {score[k]}/{n} = {score[k] / max(1, n):.3f}   ({secs[k] * 1000 / max(1, n):.3f} ms/span)")


if __name__ == "__main__":
    main()
