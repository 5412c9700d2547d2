"""`kr-event extract INPUT... [-o OUT]`: award events from many documents, one record each.

Every input record gives exactly one output record (JSONL) or at least one row (CSV/Parquet);
a record that cannot be processed carries `"error": {"code", "message"}` and the run goes on.
Output is flushed after each batch; `--resume` skips what an earlier run already wrote.
Exit status: 0 all records fine, 1 some records failed, 2 usage error (nothing processed).
"""
from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ..errors import ErrorInfo, KrEventError, require
from .io import (INPUT_FORMATS, OUTPUT_FORMATS, Fields, Record, UsageError, Writer, count_records,
                 format_of, plan_inputs, read_inputs)
from .resume import Done, read_done

SHOW_FAILED = 10  # failed ids listed in the summary


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return n


def add_parser(sub: Any) -> None:
    p = sub.add_parser("extract", help="extract award events from files (txt, JSONL, CSV, stdin)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help=".txt file, folder of .txt files, .jsonl, .csv/.tsv, or - for stdin")
    p.add_argument("-o", "--output", default="-", help="output file (default: - = stdout)")
    p.add_argument("--format", choices=("auto",) + INPUT_FORMATS, default="auto",
                   help="input format (default: from the extension; stdin: JSONL if it parses)")
    p.add_argument("--output-format", choices=("auto",) + OUTPUT_FORMATS, default="auto",
                   help="output format (default: from the -o extension, else jsonl)")
    p.add_argument("--text-col", default="text", help="text field/column (default: text)")
    p.add_argument("--id-col", default="id", help="id field/column (default: id)")
    p.add_argument("--published-col", default="published", help="date field/column (default: published)")
    p.add_argument("--published", metavar="YYYY-MM-DD",
                   help="publication date for records without one (anchors relative dates)")
    p.add_argument("--with-text", action="store_true",
                   help="add the processed text to each record (needed by `kr-event render`)")
    p.add_argument("--keep-html", action="store_true", help="do not strip HTML markup from texts")
    p.add_argument("--resume", action="store_true",
                   help="skip records already in the output (JSONL/CSV) and append the rest")
    p.add_argument("--batch-size", type=_positive, default=16, help="documents per batch (default: 16)")
    p.add_argument("--threads", type=_positive, help="CPU threads for the model")
    p.add_argument("--model", help="model folder or shipped model name: accurate (default), fast; or $KR_EVENT_MODEL")
    p.add_argument("--device", help="torch device, e.g. cpu, cuda, cuda:1 (default: cuda if available)")
    p.add_argument("--precision", choices=("fp32", "bf16", "auto"), default="fp32",
                   help="encoder precision (default fp32); auto = bf16 where the CPU/GPU computes it natively")
    p.add_argument("--prefilter", action="store_true",
                   help="run the encoder only on windows with an award cue (events only; dates elsewhere are lost)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def _prepare(rec: Record, default_pub, keep_html: bool) -> tuple[str | None, Any]:
    """Checks the pipeline would make anyway, on the raw text (size before HTML parsing)."""
    from ..pipeline import check_text, parse_published
    from ..text.html import clean_text

    try:
        check_text(rec.text)
        pub = parse_published(rec.published) or default_pub
        text = rec.text if keep_html else clean_text(rec.text)[0]
        return text, pub
    except KrEventError as exc:
        rec.error = exc.info()
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        rec.error = ErrorInfo("E099", f"{type(exc).__name__}: {exc}")
    return None, None


def process(extractor, batch: list[Record], default_pub=None, keep_html: bool = False,
            with_text: bool = False) -> list[dict[str, Any]]:
    """One result dict (DocResult.to_dict + meta [+ text]) per record, in order."""
    from ..schema import DocResult

    texts: list[Any] = []
    items = []
    for rec in batch:
        text, pub = (None, None) if rec.error else _prepare(rec, default_pub, keep_html)
        texts.append(text if text is not None else rec.text)
        if rec.error is None:
            items.append((rec.id, text, pub, None))
    done = iter(extractor._run(items) if items else [])
    out = []
    for rec, text in zip(batch, texts):
        res = DocResult(rec.id, error=rec.error) if rec.error else next(done)
        res.meta = rec.meta
        d = res.to_dict()
        if with_text:  # no text for undecodable, missing or oversized documents
            oversized = d["error"] is not None and d["error"]["code"] == "E007"
            d["text"] = text if isinstance(text, str) and not oversized else None
        out.append(d)
    return out


def _summary(n_docs: int, n_events: int, failed: list[tuple[str, str]], seconds: float,
             work_seconds: float, done: Done) -> str:
    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    prev = sum(done.ids.values())
    docs = n(n_docs + prev, "document") + (f" ({prev} from an earlier run)" if prev else "")
    line = (f"kr-event extract: {docs}, {n(n_events + done.events, 'event')}, {n(len(failed), 'error')}, "
            f"{seconds:.1f} s ({n_docs / max(work_seconds, 1e-9):.1f} docs/s after loading the model)")
    return line + failed_suffix(failed)


def failed_suffix(failed: list) -> str:
    """"; failed: id [code], … and N more" for a run summary ("" when nothing failed)."""
    if not failed:
        return ""
    shown = ", ".join(f"{i} [{c}]" for i, c in failed[:SHOW_FAILED])
    more = f" and {len(failed) - SHOW_FAILED} more" if len(failed) > SHOW_FAILED else ""
    return f"; failed: {shown}{more}"


def run(args: argparse.Namespace) -> int:
    from ..pipeline import parse_published

    started = time.perf_counter()
    fields = Fields(args.text_col, args.id_col, args.published_col)
    try:
        default_pub = parse_published(args.published)
        out_fmt = (format_of(args.output, args.output_format, OUTPUT_FORMATS)
                   if args.output != "-" or args.output_format != "auto" else "jsonl")
        if out_fmt == "parquet" and args.output == "-":
            raise UsageError("Parquet cannot go to stdout; give -o FILE.parquet")
        if args.resume and (args.output == "-" or out_fmt == "parquet"):
            raise UsageError("--resume needs a JSONL or CSV output file (-o)")
        if out_fmt == "parquet":
            require("pyarrow.parquet", "parquet")
        plan = plan_inputs(args.inputs, args.format, fields)
        done = read_done(args.output, out_fmt, args.with_text) if args.resume else Done()
    except (UsageError, KrEventError, OSError) as exc:
        print(f"kr-event extract: {exc}", file=sys.stderr)
        return 2
    show = not args.quiet and sys.stderr.isatty()
    try:
        extractor = _load(args, show)
    except Exception as exc:  # noqa: BLE001 - bad --model/--device: a usage error
        print(f"kr-event extract: cannot load the model: {exc}", file=sys.stderr)
        return 2
    try:
        writer = Writer(args.output, out_fmt, args.with_text, append=args.resume)
    except (KrEventError, OSError) as exc:
        print(f"kr-event extract: {exc}", file=sys.stderr)
        return 2

    from tqdm import tqdm

    work_started = time.perf_counter()
    pending = done.ids.copy()
    seen: set[str] = set()
    failed: list[tuple[str, str]] = list(done.errors)
    n_docs = n_events = 0
    bar = tqdm(total=count_records(plan), desc="extract", unit="doc", file=sys.stderr, disable=not show,
               dynamic_ncols=True)
    batch: list[Record] = []

    def flush() -> None:
        nonlocal n_docs, n_events
        results = process(extractor, batch, default_pub, args.keep_html, args.with_text)
        writer.write(results)
        for r in results:
            n_events += len(r["events"])
            if r["error"]:
                failed.append((r["id"], r["error"]["code"]))
        n_docs += len(batch)
        bar.update(len(batch))
        batch.clear()

    try:
        for rec in read_inputs(plan, fields, sys.stdin.buffer):
            if pending[rec.id] > 0:  # written by an earlier run
                pending[rec.id] -= 1
                seen.add(rec.id)
                bar.update(1)
                continue
            if rec.error is None and rec.id in seen:
                rec.error = ErrorInfo("E006", f"id {rec.id!r} was already used by an earlier record")
            seen.add(rec.id)
            batch.append(rec)
            if len(batch) >= args.batch_size:
                flush()
        if batch:
            flush()
    except KeyboardInterrupt:
        print(f"\nkr-event extract: interrupted after {n_docs} documents; "
              "rerun with --resume to continue", file=sys.stderr)
        return 130
    finally:
        bar.close()
        writer.close()
    end = time.perf_counter()
    print(_summary(n_docs, n_events, failed, end - started, end - work_started, done), file=sys.stderr)
    return 1 if failed else 0


def _load(args: argparse.Namespace, show_progress: bool):
    from ..pipeline import EventExtractor

    if not show_progress and "transformers" in sys.modules:  # a non-BERT model loads through it
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    return EventExtractor(model=args.model, device=args.device, batch_size=args.batch_size,
                          threads=args.threads, precision=args.precision, prefilter=args.prefilter)
