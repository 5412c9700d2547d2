"""`kr-event` command line: one module per subcommand, each with `add_parser` and `run`."""
from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> module under kr_event.cli (imported lazily: `kr-event eval` needs no torch)
COMMANDS: dict[str, str] = {
    "extract": "extract_cmd",
    "extract-ray": "ray_cmd",
    "render": "render_cmd",
    "eval": "eval_cmd",
    "train": "train_cmd",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kr-event", description=__doc__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS.items():
        try:
            mod = importlib.import_module(f"kr_event.cli.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"kr_event.cli.{module}":
                raise
            continue
        mod.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    return int(args.run(args) or 0)
