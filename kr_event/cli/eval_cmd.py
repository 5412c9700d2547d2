"""`kr-event eval GOLD.jsonl [--pred PRED.jsonl] [--json]`: the scorer from the command line."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..corpus.annotated import read_jsonl
from ..corpus.markup import parse_source
from ..errors import KrEventError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("eval", help="score predictions or the model against a gold JSONL")
    _arguments(p)
    p.set_defaults(run=run)


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("gold", nargs="+", help="gold JSONL (inline text or stand-off 'source') or authored .txt sources")
    p.add_argument("--split", help="with authored .txt sources: keep documents of this split (e.g. dev)")
    p.add_argument("--pred", help="predictions JSONL (kr-event extract output); default: run the model")
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def _predict(docs, model: str | None) -> dict[str, dict]:
    from ..pipeline import EventExtractor

    ex = EventExtractor(model=model)
    items = [(d.id, d.text, d.published, None) for d in docs]
    return {r.id: r.to_dict() for r in ex._run(items)}


def run(args: argparse.Namespace) -> int:
    from ..scoring import evaluate, format_report

    try:
        gold = []
        for path in args.gold:
            if path.endswith(".txt"):
                gold += [d for d in parse_source(path) if not args.split or d.meta.get("split") == args.split]
            else:
                gold += list(read_jsonl(path))
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
