"""The authoring format of the training corpus: inline tags that compile to char offsets.

A source file holds documents like::

    ### doc: seoul-001
    split: train
    published: 2023-05-12
    style: 구청 보도자료
    recipient_kinds: 기초지자체
    ---
    <RECIPIENT>종로구</RECIPIENT>가 <ORGANIZER>행정안전부</ORGANIZER> 주관 ...
    ---
    event: recipient=종로구; award=...; tier=대통령상; organizer=행정안전부; date=2012-10-22; date_text=지난 22일

Only the five label names are tags; any other `<...>` stays literal text.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from ..errors import AnnotationError
from ..schema import EVENT_FIELDS, LABELS
from .annotated import AnnotatedDoc

_TAG = re.compile(r"</?(" + "|".join(LABELS) + r")>")
_HEADER = re.compile(r"^### doc:\s*(\S+)\s*$")
_EVENT_KEYS = set(EVENT_FIELDS) | {"date_text"}


def parse_markup(markup: str, where: str = "markup") -> tuple[str, list[dict[str, Any]]]:
    """Strip the label tags; return (plain text, spans with offsets into it)."""
    out: list[str] = []
    spans: list[dict[str, Any]] = []
    pos = 0
    length = 0
    open_label: str | None = None
    open_at = 0
    for m in _TAG.finditer(markup):
        chunk = markup[pos:m.start()]
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        closing, label = m.group(0).startswith("</"), m.group(1)
        if not closing:
            if open_label is not None:
                raise AnnotationError(f"{where}: <{label}> opened inside <{open_label}>")
            open_label, open_at = label, length
        else:
            if open_label != label:
                raise AnnotationError(f"{where}: </{label}> closes {open_label or 'nothing'}")
            text = "".join(out)[open_at:length]
            if not text.strip():
                raise AnnotationError(f"{where}: empty <{label}> span")
            spans.append({"label": label, "start": open_at, "end": length, "text": text})
            open_label = None
    if open_label is not None:
        raise AnnotationError(f"{where}: <{open_label}> never closed")
    out.append(markup[pos:])
    return "".join(out), spans


def _parse_event(line: str, where: str) -> dict[str, Any]:
    ev: dict[str, Any] = {k: None for k in (*EVENT_FIELDS, "date_text")}
    for part in line.split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise AnnotationError(f"{where}: event part {part.strip()!r} is not key=value")
        k, v = (x.strip() for x in part.split("=", 1))
        if k not in _EVENT_KEYS:
            raise AnnotationError(f"{where}: unknown event field {k!r}")
        ev[k] = v or None
    return ev


def parse_source(path: str | Path) -> list[AnnotatedDoc]:
    """Parse one authored source file into annotated documents (NFC)."""
    path = Path(path)
    raw = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    blocks = re.split(r"(?m)^(?=### doc:)", raw)
    docs = []
    for block in blocks:
        if not block.strip().startswith("### doc:"):
            if block.strip():
                raise AnnotationError(f"{path}: text before the first '### doc:' header")
            continue
        lines = block.split("\n")
        m = _HEADER.match(lines[0].strip())
        if not m:
            raise AnnotationError(f"{path}: bad header {lines[0]!r}")
        doc_id = m.group(1)
        where = f"{path.name}:{doc_id}"
        try:
            first = lines.index("---")
            second = lines.index("---", first + 1)
        except ValueError as exc:
            raise AnnotationError(f"{where}: needs two '---' lines around the text") from exc
        meta: dict[str, Any] = {}
        for line in lines[1:first]:
            if line.strip():
                k, _, v = line.partition(":")
                meta[k.strip()] = v.strip()
        body = "\n".join(lines[first + 1:second]).strip("\n")
        text, spans = parse_markup(body, where)
        events = [_parse_event(line[len("event:"):], where)
                  for line in lines[second + 1:] if line.strip().startswith("event:")]
        published = meta.pop("published", None)
        if published in ("", "none", "None", "null"):
            published = None
        docs.append(AnnotatedDoc(id=doc_id, text=text, spans=spans, events=events,
                                 published=published, meta=meta))
    return docs
