"""`--resume`: read back what an earlier (possibly killed) run of `kr-event extract` wrote.

Output is written one whole batch at a time, so a killed run leaves complete records plus at most
one torn record at the end; that tail is cut off here and those documents are simply redone.
"""
from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

from .io import CSV_COLUMNS, UsageError


@dataclass
class Done:
    """What an earlier run already wrote: record count per id, its events and failed ids."""

    ids: Counter = field(default_factory=Counter)
    events: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)


def read_done(path: str, fmt: str, with_text: bool = False) -> Done:
    """Read back an output for --resume; a torn last record (killed mid-write) is cut off."""
    done, p = Done(), Path(path)
    if not p.is_file():
        return done
    good = 0  # byte offset after the last complete record
    with open(p, "rb") as fh:
        if fmt == "jsonl":
            for n, raw in enumerate(fh, 1):
                try:
                    rec = json.loads(raw) if raw.endswith(b"\n") else None
                except ValueError:
                    rec = None
                if not isinstance(rec, dict):
                    if fh.read(1):  # not the last line: not a torn write, so do not cut it
                        raise UsageError(f"line {n} of {path} is not a JSON record; cannot resume into it")
                    break
                good += len(raw)
                _count(done, str(rec.get("id")), len(rec.get("events") or []), (rec.get("error") or {}).get("code"))
        else:
            good = _read_done_csv(fh, done, CSV_COLUMNS + (("text",) if with_text else ()))
    if good < p.stat().st_size:
        with open(p, "r+b") as fh:
            fh.truncate(good)
    return done


def _count(done: Done, rid: str, n_events: int, code: str | None) -> None:
    done.ids[rid] += 1
    done.events += n_events
    if code:
        done.errors.append((rid, code))


def _read_done_csv(fh: BinaryIO, done: Done, columns: tuple[str, ...]) -> int:
    offset = [0]

    def lines() -> Iterator[str]:
        for raw in fh:
            if not raw.endswith(b"\n"):
                return  # torn line
            offset[0] += len(raw)
            yield raw.decode("utf-8", errors="replace")

    reader = csv.reader(lines())
    header = next(reader, None)
    if header is None:
        return 0
    if tuple(header) != columns:
        raise UsageError("the existing output's columns differ from this run's (was --with-text "
                         "used in one run only?); cannot resume into it")
    good = offset[0]
    doc: list[dict[str, str]] = []  # rows of the current document, written only once complete
    try:
        for row in reader:
            rec = dict(zip(columns, row))
            if doc and doc[0]["id"] != rec["id"]:
                doc = []  # an incomplete document cannot be followed by another: start over
            doc.append(rec)
            n = int(rec.get("n_events") or 0)
            if len(doc) >= max(1, n):
                _count(done, rec["id"], n, rec.get("error_code") or None)
                good, doc = offset[0], []
    except (csv.Error, ValueError):  # torn quoted field at the end
        pass
    return good
