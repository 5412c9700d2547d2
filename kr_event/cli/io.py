"""Records in, results out, for `kr-event extract`.

Readers turn .txt files (or folders of them), JSONL, CSV/TSV and stdin into `Record`s; a record
that cannot be read (bad bytes, bad JSON, no text) still comes out, carrying its error, so that
every input record gives exactly one output record. Writers append one batch at a time and flush,
and `read_done` reads back what an earlier (killed) run already wrote, for `--resume`.
"""
from __future__ import annotations

import csv
import io
import itertools
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, TextIO

from ..errors import ErrorInfo, require
from ..pipeline import MAX_CHARS

INPUT_FORMATS = ("txt", "jsonl", "csv", "tsv")
OUTPUT_FORMATS = ("jsonl", "csv", "parquet")
_EXTENSIONS = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv",
               ".parquet": "parquet"}
CSV_COLUMNS = ("id", "event", "n_events", "recipient", "award", "tier", "organizer", "date",
               "date_text", "confidence", "evidence", "error_code", "error_message", "meta")
csv.field_size_limit(2**31 - 1)  # a 1 MB text must reach the E007 check, not crash the reader


class UsageError(Exception):
    """Bad arguments or inputs that stop the run before it starts (exit status 2)."""


@dataclass
class Record:
    id: str
    text: Any = None
    published: Any = None
    meta: dict[str, Any] = field(default_factory=dict)
    error: ErrorInfo | None = None


@dataclass(frozen=True)
class Fields:
    text: str = "text"
    id: str = "id"
    published: str = "published"


@dataclass(frozen=True)
class Source:
    path: Path | None  # None: stdin
    fmt: str | None    # None: sniff (stdin only)
    name: str          # document id (txt) or the prefix of "<name>:<line>" ids


def format_of(path: str, given: str | None, allowed: tuple[str, ...]) -> str:
    if given and given != "auto":
        return given
    fmt = _EXTENSIONS.get(Path(path).suffix.lower())
    if fmt not in allowed:
        raise UsageError(f"cannot tell the format of {path!r} from its extension; "
                         f"pass one of {', '.join(allowed)} explicitly")
    return fmt


def plan_inputs(inputs: list[str], fmt: str | None, fields: Fields) -> list[Source]:
    """Check every input before any work starts; folders expand to their .txt files."""
    plan: list[Source] = []
    if inputs.count("-") > 1:
        raise UsageError("'-' (stdin) can be given only once")
    for arg in inputs:
        if arg == "-":
            plan.append(Source(None, None if fmt in (None, "auto") else fmt, "stdin"))
            continue
        path = Path(arg)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.txt") if p.is_file())
            if not files:
                print(f"kr-event extract: warning: no .txt files under {arg}", file=sys.stderr)
            plan += [Source(p, "txt", p.relative_to(path).as_posix()) for p in files]
        elif path.is_file():
            kind = format_of(arg, fmt, INPUT_FORMATS)
            plan.append(Source(path, kind, path.name if kind == "txt" else arg))
            if kind in ("csv", "tsv"):
                _check_header(path, kind, fields)
        else:
            raise UsageError(f"input not found: {arg}")
    return plan


def _check_header(path: Path, kind: str, fields: Fields) -> None:
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        header = next(csv.reader(fh, delimiter="\t" if kind == "tsv" else ","), [])
    if fields.text not in header:
        raise UsageError(f"{path} has no column {fields.text!r} (columns: {', '.join(header) or 'none'}); "
                         "name the text column with --text-col")


def count_records(plan: list[Source]) -> int | None:
    """How many records the inputs hold, when that is cheap to know (for the progress bar)."""
    total = 0
    for src in plan:
        if src.fmt == "txt" and src.path is not None:
            total += 1
        elif src.fmt == "jsonl" and src.path is not None:
            with open(src.path, "rb") as fh:
                total += sum(1 for line in fh if line.strip())
        else:
            return None
    return total


def read_inputs(plan: list[Source], fields: Fields, stdin: BinaryIO) -> Iterator[Record]:
    for src in plan:
        if src.path is None:
            yield from _read_stdin(stdin, src.fmt, fields)
        elif src.fmt == "txt":
            yield _read_txt(src.path, src.name)
        elif src.fmt == "jsonl":
            with open(src.path, "rb") as fh:
                yield from _read_jsonl(fh, src.name, fields)
        else:
            with open(src.path, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
                yield from _read_csv(fh, src.name, fields, "\t" if src.fmt == "tsv" else ",")


def _read_txt(path: Path, doc_id: str) -> Record:
    try:
        size = path.stat().st_size
        if size > 4 * MAX_CHARS:  # more bytes than 1M characters can take: refuse unread
            return Record(doc_id, error=ErrorInfo("E007", f"file has {size:,} bytes; the limit is "
                                                          f"{MAX_CHARS:,} characters"))
        data = path.read_bytes()
    except OSError as exc:
        return Record(doc_id, error=ErrorInfo("E008", f"cannot read {path}: {exc.strerror or exc}"))
    return _decode(data, doc_id)


def _decode(data: bytes, doc_id: str) -> Record:
    try:
        return Record(doc_id, data.decode("utf-8-sig"))  # strict: no silent replacement chars
    except UnicodeDecodeError as exc:
        return Record(doc_id, error=ErrorInfo("E004", f"not valid UTF-8 (byte {exc.start}: "
                                                      f"{data[exc.start:exc.start + 1]!r})"))


def _from_mapping(obj: dict[str, Any], where: str, fields: Fields) -> Record:
    rid = obj.get(fields.id)
    meta = {k: v for k, v in obj.items() if k not in (fields.id, fields.text, fields.published)}
    rec = Record(where if rid is None or rid == "" else str(rid), obj.get(fields.text),
                 obj.get(fields.published), meta)
    if fields.text not in obj:
        rec.error = ErrorInfo("E002", f"record has no {fields.text!r} field")
    return rec


def _read_jsonl(lines: Iterable[bytes], name: str, fields: Fields) -> Iterator[Record]:
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        where = f"{name}:{n}"
        try:
            obj = json.loads(raw.rstrip(b"\r\n").decode("utf-8-sig" if n == 1 else "utf-8"))
        except UnicodeDecodeError as exc:
            yield Record(where, error=ErrorInfo("E004", f"line {n} is not valid UTF-8 (byte {exc.start})"))
            continue
        except json.JSONDecodeError as exc:
            yield Record(where, error=ErrorInfo("E003", f"line {n} is not valid JSON: {exc.msg} "
                                                        f"(column {exc.colno})"))
            continue
        if not isinstance(obj, dict):
            yield Record(where, error=ErrorInfo("E003", f"line {n} is JSON but not an object"))
            continue
        yield _from_mapping(obj, where, fields)


def _read_csv(fh: TextIO, name: str, fields: Fields, delimiter: str) -> Iterator[Record]:
    reader = csv.reader(fh, delimiter=delimiter)
    header = next(reader, [])
    while True:
        where = f"{name}:{reader.line_num + 1}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(where, error=ErrorInfo("E003", f"malformed CSV row: {exc}"))
            continue
        if not any(cell.strip() for cell in row):
            continue
        try:
            for cell in row:
                cell.encode("utf-8")  # undecodable bytes survive as lone surrogates
        except UnicodeEncodeError:
            yield Record(where, error=ErrorInfo("E004", "row has bytes that are not valid UTF-8"))
            continue
        if len(row) > len(header):
            yield Record(where, error=ErrorInfo("E003", f"row has {len(row)} fields, the header {len(header)}"))
            continue
        yield _from_mapping(dict(zip(header, row)), where, fields)


def _read_stdin(stream: BinaryIO, fmt: str | None, fields: Fields) -> Iterator[Record]:
    if fmt in ("csv", "tsv"):
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
        yield from _read_csv(text, "stdin", fields, "\t" if fmt == "tsv" else ",")
        return
    head: list[bytes] = []
    for raw in stream:  # sniff: the first non-blank line is a JSON object -> JSONL
        head.append(raw)
        if raw.strip():
            break
    if fmt is None and head:
        try:
            fmt = "jsonl" if isinstance(json.loads(head[-1].decode("utf-8-sig")), dict) else "txt"
        except ValueError:  # JSONDecodeError and UnicodeDecodeError
            fmt = "txt"
    if fmt == "jsonl":
        yield from _read_jsonl(itertools.chain(head, stream), "stdin", fields)
    else:
        yield _decode(b"".join(head) + stream.read(), "stdin")


# ---------------------------------------------------------------- output
def event_rows(rec: dict[str, Any], with_text: bool = False) -> list[dict[str, Any]]:
    """One flat row per event; a document without events (or failed) still gets one row."""
    err = rec.get("error") or {}
    base = {"id": rec.get("id"), "n_events": len(rec.get("events") or []),
            "error_code": err.get("code"), "error_message": err.get("message"),
            "meta": json.dumps(rec["meta"], ensure_ascii=False) if rec.get("meta") else None}
    if with_text:
        base["text"] = rec.get("text")
    rows = []
    for i, ev in enumerate(rec.get("events") or []):
        row = dict(base, event=i, confidence=ev.get("confidence"),
                   evidence=" … ".join(e["text"] for e in ev.get("evidence") or []) or None)
        rows.append(row | {k: ev.get(k) for k in ("recipient", "award", "tier", "organizer", "date", "date_text")})
    return rows or [base]


class Writer:
    """Appends batches of result dicts to JSONL / CSV / Parquet, flushing after each batch."""

    def __init__(self, path: str, fmt: str, with_text: bool = False, append: bool = False) -> None:
        self.fmt, self.with_text = fmt, with_text
        self.columns = CSV_COLUMNS + (("text",) if with_text else ())
        self.fh: TextIO | None = None
        self._pq = None
        if fmt == "parquet":
            pa = require("pyarrow", "parquet")
            pq = require("pyarrow.parquet", "parquet")
            ints, floats = ("event", "n_events"), ("confidence",)
            self.schema = pa.schema([(c, pa.int32() if c in ints else pa.float64() if c in floats
                                      else pa.string()) for c in self.columns])
            self._pq = pq.ParquetWriter(path, self.schema)
            return
        new = not append or not Path(path).is_file() or Path(path).stat().st_size == 0
        self.fh = sys.stdout if path == "-" else open(path, "a" if append else "w", encoding="utf-8", newline="")
        if fmt == "csv" and new:
            self._write([list(self.columns)])

    def _write(self, rows: list[list[Any]]) -> None:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        self.fh.write(buf.getvalue())

    def write(self, records: list[dict[str, Any]]) -> None:
        if self.fmt == "jsonl":
            self.fh.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        else:
            rows = [row for r in records for row in event_rows(r, self.with_text)]
            if self._pq is not None:
                import pyarrow as pa

                self._pq.write_table(pa.Table.from_pylist(rows, schema=self.schema))
                return
            self._write([["" if row.get(c) is None else row.get(c) for c in self.columns] for row in rows])
        self.fh.flush()

    def close(self) -> None:
        if self._pq is not None:
            self._pq.close()
        elif self.fh is not None and self.fh is not sys.stdout:
            self.fh.close()
