"""An annotated document (text + char-offset spans + event records) and its validator.

One JSONL line per document, the same shape for the gold set, the authored corpus and training
input, so `datasets.load_dataset("json", ...)` reads any of them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import AnnotationError
from ..schema import EVENT_FIELDS, LABELS

_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(slots=True)
class AnnotatedDoc:
    id: str
    text: str
    spans: list[dict[str, Any]] = field(default_factory=list)  # label,start,end,text
    events: list[dict[str, Any]] = field(default_factory=list)  # EVENT_FIELDS + date_text
    published: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "published": self.published,
                "spans": self.spans, "events": self.events, "meta": self.meta}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "AnnotatedDoc":
        """Accepts inline `text` or stand-off `source` ("shared:<path>") + `sha256`."""
        text = d.get("text")
        if text is None:
            from .shared import read_shared_text

            if "source" not in d:
                raise AnnotationError(f"document {d.get('id')!r} has neither 'text' nor 'source'")
            text = read_shared_text(d["source"], d.get("sha256"))
        meta = dict(d.get("meta") or {})
        if "source" in d:
            meta.setdefault("source", d["source"])
        return cls(id=str(d["id"]), text=text, spans=list(d.get("spans") or []),
                   events=list(d.get("events") or []), published=d.get("published"),
                   meta=meta)


def validate_doc(doc: AnnotatedDoc, labels: Iterable[str] = LABELS) -> None:
    """Raise AnnotationError naming the document and the exact problem."""
    known = set(labels)
    where = f"document {doc.id!r}"
    prev_end, prev = -1, None
    for i, s in enumerate(sorted(doc.spans, key=lambda s: (s["start"], s["end"]))):
        if s["label"] not in known:
            raise AnnotationError(f"{where}: span {i} has unknown label {s['label']!r}")
        if not (0 <= s["start"] < s["end"] <= len(doc.text)):
            raise AnnotationError(f"{where}: span {s} lies outside the text (length {len(doc.text)})")
        if doc.text[s["start"]:s["end"]] != s["text"]:
            raise AnnotationError(
                f"{where}: span {s['label']} [{s['start']},{s['end']}) is "
                f"{doc.text[s['start']:s['end']]!r} in the text, not {s['text']!r}")
        if s["text"] != s["text"].strip():
            raise AnnotationError(f"{where}: span {s['text']!r} has surrounding whitespace")
        if s["start"] < prev_end:
            raise AnnotationError(f"{where}: span {s['text']!r} overlaps {prev['text']!r}")
        prev_end, prev = s["end"], s
    for j, ev in enumerate(doc.events):
        for f in EVENT_FIELDS:
            if f not in ev:
                raise AnnotationError(f"{where}: event {j} lacks field {f!r}")
        for f in ("recipient", "award", "tier", "organizer"):
            v = ev[f]
            if v is not None and v not in doc.text:
                raise AnnotationError(f"{where}: event {j} {f}={v!r} does not occur in the text")
        if ev["recipient"] is None or ev["tier"] is None:
            raise AnnotationError(f"{where}: event {j} needs a recipient and a tier")
        if ev["date"] is not None and not _ISO.match(ev["date"]):
            raise AnnotationError(f"{where}: event {j} date {ev['date']!r} is not YYYY[-MM[-DD]]")
        dt = ev.get("date_text")
        if dt is not None and dt not in doc.text:
            raise AnnotationError(f"{where}: event {j} date_text {dt!r} does not occur in the text")
    if doc.published is not None and not _ISO.match(doc.published):
        raise AnnotationError(f"{where}: published {doc.published!r} is not YYYY-MM-DD")


def read_jsonl(path: str | Path) -> Iterator[AnnotatedDoc]:
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield AnnotatedDoc.from_dict(json.loads(line))
                except (json.JSONDecodeError, KeyError) as exc:
                    raise AnnotationError(f"{path}:{n}: not an annotated document ({exc})") from exc
                except AnnotationError as exc:
                    raise AnnotationError(f"{path}:{n}: {exc.message}") from exc


def write_jsonl(docs: Iterable[AnnotatedDoc], path: str | Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d.to_dict(), ensure_ascii=False) + "\n")
            n += 1
    return n
