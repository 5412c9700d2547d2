"""`kr-event extract-ray INPUT --output DIR`: award events over a Ray cluster (kr_event[ray]).

INPUT is a JSONL or Parquet file, a folder of them, or a remote URI (s3://, gs://, ...) that Ray
Data can read; rows need `text`, should have `id`, may have `published` and any other columns,
which are kept. DIR receives one output row per input row, with flat columns: id, events_json,
spans_json, n_events, error_code, error_message (+ the input columns; `text` only with
--with-text). A row that cannot be processed carries error_code / error_message; the run goes on.
Each of --concurrency actors loads the model once and reserves --num-cpus CPUs; see docs/ray.md.
Exit status: 0 all rows fine, 1 some rows failed, 2 usage error or failed job (a model that
cannot be loaded, an unreadable input).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import KrEventError

PARQUET_EXT = (".parquet", ".pq")
JSON_EXT = (".jsonl", ".json", ".jsonl.gz", ".json.gz", ".ndjson")
from .extract_cmd import _positive, failed_suffix


def _positive_float(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        x = 0.0
    if not x > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value!r}")
    return x


def add_parser(sub: Any) -> None:
    p = sub.add_parser("extract-ray", help="extract award events over a Ray cluster (JSONL/Parquet)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", metavar="INPUT", help="JSONL/Parquet file, folder, or URI readable by Ray Data")
    p.add_argument("-o", "--output", required=True, metavar="DIR",
                   help="output folder (or URI); must not exist or be empty")
    p.add_argument("--address", help="Ray cluster to join, e.g. auto or ray://head:10001 "
                                     "(default: $RAY_ADDRESS, else a local Ray instance)")
    p.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl",
                   help="output format (default: jsonl)")
    p.add_argument("--input-format", choices=("auto", "jsonl", "parquet"), default="auto",
                   help="input format (default: from the extension, else jsonl)")
    p.add_argument("--concurrency", type=_positive, default=1,
                   help="actors, i.e. model copies working in parallel (default: 1)")
    p.add_argument("--batch-size", type=_positive, default=16, help="rows per model call (default: 16)")
    p.add_argument("--num-cpus", type=_positive_float, default=1.0,
                   help="CPUs reserved per actor; also its torch threads (default: 1)")
    p.add_argument("--num-gpus", type=_positive_float, help="GPUs per actor (e.g. 1, or 0.5 to share)")
    p.add_argument("--threads", type=_positive, help="torch threads per actor (default: --num-cpus)")
    p.add_argument("--model", help="model folder, at the same path on every node "
                                   "(default: the shipped model or $KR_EVENT_MODEL)")
    p.add_argument("--device", help="torch device inside each actor (default: cuda if available)")
    p.add_argument("--text-col", default="text", help="text column (default: text)")
    p.add_argument("--id-col", default="id", help="id column (default: id)")
    p.add_argument("--published-col", default="published", help="date column (default: published)")
    p.add_argument("--with-text", action="store_true", help="keep the text column in the output")
    p.set_defaults(run=run)


def input_format(path: str, choice: str = "auto") -> str:
    if choice != "auto":
        return choice
    low = path.lower().rstrip("/")
    if low.endswith(PARQUET_EXT):
        return "parquet"
    if low.endswith(JSON_EXT):
        return "jsonl"
    local = Path(path)
    if local.is_dir():
        names = [f.name.lower() for f in local.rglob("*") if f.is_file()]
        if any(n.endswith(PARQUET_EXT) for n in names) and not any(n.endswith(JSON_EXT) for n in names):
            return "parquet"
    return "jsonl"


def _check_output(out: str) -> None:
    if "://" in out:
        return
    p = Path(out)
    if p.exists() and (not p.is_dir() or any(p.iterdir())):
        raise KrEventError("E020", f"--output {out} exists and is not an empty folder")


def _summary(out: str, fmt: str, seconds: float) -> tuple[str, int]:
    """Counts read back from the written output (cheap for Parquet: three columns)."""
    import ray.data

    cols = ["id", "error_code", "n_events"]
    ds = (ray.data.read_parquet(out) if fmt == "parquet" else ray.data.read_json(out)).select_columns(cols)
    n_docs = n_events = 0
    failed: list[tuple[Any, str]] = []
    for batch in ds.iter_batches(batch_format="numpy", batch_size=4096):
        n_docs += len(batch["id"])
        n_events += int(batch["n_events"].sum())
        failed.extend((i, c) for i, c in zip(batch["id"], batch["error_code"]) if isinstance(c, str))
    line = (f"kr-event extract-ray: {n_docs} documents, {n_events} events, {len(failed)} errors, "
            f"{seconds:.1f} s ({n_docs / max(seconds, 1e-9):.1f} docs/s including start-up) -> {out}")
    return line + failed_suffix(failed), len(failed)


def _first_line(exc: BaseException) -> str:
    lines = [ln for ln in str(exc).splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def run(args: argparse.Namespace) -> int:
    from ..errors import require

    started = time.perf_counter()
    try:
        ray = require("ray", "ray")
        require("ray.data", "ray")
        if args.format == "parquet" or args.input_format == "parquet":
            require("pyarrow.parquet", "parquet")
        _check_output(args.output)
        in_fmt = input_format(args.input, args.input_format)
        if "://" not in args.input and not Path(args.input).exists():
            raise KrEventError("E008", f"no such input: {args.input}")
        if not args.address and not os.environ.get("RAY_ADDRESS"):  # local run: check the model now
            from ..tagger.model import resolve_model_path

            resolve_model_path(args.model)
    except KrEventError as exc:
        print(f"kr-event extract-ray: {exc}", file=sys.stderr)
        return 2

    from ..ray import extract_dataset

    started_ray = False
    if not ray.is_initialized():
        ray.init(address=args.address, include_dashboard=False)
        started_ray = True
    try:
        ds = ray.data.read_parquet(args.input) if in_fmt == "parquet" else ray.data.read_json(args.input)
        out = extract_dataset(ds, model=args.model, concurrency=args.concurrency,
                              batch_size=args.batch_size, num_cpus_per_actor=args.num_cpus,
                              threads=args.threads, num_gpus_per_actor=args.num_gpus or 0,
                              device=args.device, text_column=args.text_col, id_column=args.id_col,
                              published_column=args.published_col)
        if not args.with_text and args.text_col in (ds.columns() or []):
            out = out.drop_columns([args.text_col])
        if args.format == "parquet":
            out.write_parquet(args.output)
        else:
            out.write_json(args.output, force_ascii=False)
        line, n_failed = _summary(args.output, args.format, time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - a job-level failure (model, input): say it in one line
        print(f"kr-event extract-ray: the job failed: {type(exc).__name__}: {_first_line(exc)}",
              file=sys.stderr)
        return 2
    finally:
        if started_ray:
            ray.shutdown()
    print(line, file=sys.stderr)
    return 1 if n_failed else 0


__all__ = ["add_parser", "run", "input_format"]
