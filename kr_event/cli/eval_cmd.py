"""`kr-event eval GOLD.jsonl [--pred PRED.jsonl] [--json]`: the scorer from the command line."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..corpus.annotated import read_jsonl
from ..errors import KrEventError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("eval", help="score predictions or the model against a gold JSONL")
    _arguments(p)
    p.set_defaults(run=run)


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("gold", help="gold JSONL (inline text or stand-off 'source')")
    p.add_argument("--pred", help="predictions JSONL (kr-event extract output); default: run the model")
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def _predict(docs, model: str | None) -> dict[str, dict]:
    from ..pipeline import EventExtractor

    ex = EventExtractor(model=model)
    out = {}
    for d in docs:
        res = ex.extract_doc(d.text, published=d.published, doc_id=d.id)
        out[d.id] = res.to_dict()
    return out


def run(args: argparse.Namespace) -> int:
    from ..scoring import evaluate, format_report

    try:
        gold = list(read_jsonl(args.gold))
        if args.pred:
            pred: dict[str, dict] = {}
            with open(args.pred, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        rec = json.loads(line)
                        pred[str(rec.get("id"))] = rec
        else:
            pred = _predict(gold, args.model)
    except (KrEventError, OSError, json.JSONDecodeError) as exc:
        print(f"kr-event eval: {exc}", file=sys.stderr)
        return 2
    report = evaluate(gold, pred)
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else format_report(report))
    return 0


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="eval/evaluate.py", description=__doc__)
    _arguments(p)
    return run(p.parse_args(argv))
