"""`kr-event train --config CONFIG.json`: fine-tune the tagger (needs the `train` extra)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..errors import KrEventError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("train", help="fine-tune the token classifier from a JSON config")
    p.add_argument("--config", required=True, help="JSON file filling kr_event.training.TrainConfig")
    p.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                   help="override one config field, e.g. --set max_steps=5")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..training.config import TrainConfig

    try:
        cfg = TrainConfig.from_json(args.config)
        if args.set:
            data = cfg.to_dict()
            for item in args.set:
                key, _, value = item.partition("=")
                try:
                    data[key] = json.loads(value)
                except json.JSONDecodeError:
                    data[key] = value
            cfg = TrainConfig.from_dict(data, where=f"{args.config} + --set")
        from ..training.train import train

        metrics = train(cfg)
    except KrEventError as exc:
        print(f"kr-event train: {exc}", file=sys.stderr)
        return 2
    summary = {k: v for k, v in metrics.items() if k != "log_history"}
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    return 0
