"""KLUE-NER real text as stand-off training material (no KLUE text lives in this repository).

The KLUE files sit in the shared folder (`$KR_EVENT_SHARED/data/klue`, default
`<project root>/../shared/data/klue`). The repository holds only `data/klue/overlays.jsonl`:
per sentence its KLUE id, which file it comes from, the sha1 of its text and our spans/events as
offsets and span indices. At training time the text is read from the shared folder, checked
against the hash and turned into `AnnotatedDoc`s.

Overlay record::

    {"id": KLUE id, "file": "dev"|"train-raw", "sha1": hex sha1 of the utf-8 sentence,
     "spans": [{"label", "start", "end"}],
     "events": [{"recipient": i, "award": i|null, "tier": i, "organizer": i|[start,end]|null,
                 "date": ISO|null, "date_text": i|null}]}

Span indices point into the record's own `spans`. `organizer` may also be `[start, end]`, char
offsets of a body written inside the AWARD name (guideline rule 3: inferred, not a span). For a
dev sentence the overlay spans are authoritative; KLUE `DT` spans are kept as DATE wherever they
do not overlap an overlay span.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path
from typing import Any, Iterable

from ..errors import AnnotationError
from ..schema import LABELS
from .shared import shared_dir
from .annotated import AnnotatedDoc, validate_doc
from .check import check_grounding

DEV_FILE = "klue-ner-v1.1_dev.tsv"
RAW_FILE = "klue-ner-v1_train-raw-sent.tsv"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = PROJECT_ROOT / "data" / "klue" / "overlays.jsonl"
EXCLUDED = PROJECT_ROOT / "data" / "klue" / "excluded.tsv"
_KLUE_TO_OURS = {"DT": "DATE"}  # PS LC OG TI QT are not our labels
_FILES = {"dev": "klue-dev", "train-raw": "klue-train-raw"}
_EVENT_KEYS = ("recipient", "award", "tier", "organizer", "date", "date_text")
_EVENT_LABEL = {"recipient": "RECIPIENT", "award": "AWARD", "tier": "TIER",
                "organizer": "ORGANIZER", "date_text": "DATE"}


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def klue_dir(must_exist: bool = True) -> Path:
    """The KLUE folder: `$KR_EVENT_SHARED/data/klue`, else `<project root>/../shared/data/klue`."""
    env = os.environ.get("KR_EVENT_SHARED")
    d = shared_dir() / "data" / "klue"
    if must_exist and not (d / DEV_FILE).is_file():
        how = "KR_EVENT_SHARED=" + env if env else "no KR_EVENT_SHARED set, default ../shared"
        raise FileNotFoundError(
            f"KLUE-NER data not found: {d / DEV_FILE} is missing ({how}). Point the environment "
            "variable KR_EVENT_SHARED at the shared folder that holds data/klue/ (the KLUE files "
            f"{DEV_FILE} and {RAW_FILE}), or place that folder at ../shared next to the project.")
    return d


def bio_spans(text: str, tags: list[str], mapping: dict[str, str] = _KLUE_TO_OURS) -> list[dict]:
    """Character BIO tags -> spans of the mapped labels (others dropped), whitespace-trimmed."""
    spans: list[dict[str, Any]] = []
    start, label = None, None

    def close(end: int) -> None:
        if start is None:
            return
        s, e = start, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.append({"label": label, "start": s, "end": e, "text": text[s:e]})

    for i, tag in enumerate(tags):
        kind, _, name = tag.partition("-")
        if kind == "I" and start is not None and mapping.get(name) == label:
            continue
        close(i)
        start, label = (i, mapping[name]) if kind in ("B", "I") and name in mapping else (None, None)
    close(len(tags))
    return spans


def read_klue_dev(path: str | Path | None = None) -> list[AnnotatedDoc]:
    """KLUE-NER dev: one AnnotatedDoc per sentence, KLUE DT as DATE spans (other tags dropped)."""
    path = Path(path) if path else klue_dir() / DEV_FILE
    docs: list[AnnotatedDoc] = []
    doc_id, chars, tags = None, [], []

    def flush() -> None:
        if doc_id is not None:
            text = "".join(chars)
            docs.append(AnnotatedDoc(id=doc_id, text=text, spans=bio_spans(text, tags),
                                     meta={"source": "klue-dev"}))

    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if line.startswith("## "):
                head, tab, _ = line[3:].partition("\t")
                if tab and head.startswith("klue-ner"):  # else: file header comment
                    flush()
                    doc_id, chars, tags = head, [], []
                continue
            if not line:
                flush()
                doc_id = None
                continue
            ch, tab, tag = line.rpartition("\t")
            if doc_id is None or not tab or len(ch) != 1:
                raise AnnotationError(f"{path}:{n}: expected 'char<TAB>TAG' inside a sentence")
            chars.append(ch)
            tags.append(tag)
    flush()
    return docs


def read_klue_raw(path: str | Path | None = None) -> dict[str, str]:
    """KLUE-NER train raw sentences: {id: sentence} (no labels)."""
    path = Path(path) if path else klue_dir() / RAW_FILE
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if line:
                doc_id, tab, sent = line.partition("\t")
                if not tab:
                    raise AnnotationError(f"{path}:{n}: expected 'id<TAB>sentence'")
                out[doc_id] = sent
    return out


def load_overlays(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Parse and structurally check the overlay file (no KLUE text needed)."""
    path = Path(path) if path else OVERLAYS
    records, seen = [], set()
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            try:
                r = json.loads(line)
                rid, spans, events = r["id"], r["spans"], r["events"]
                if r["file"] not in _FILES or len(r["sha1"]) != 40:
                    raise ValueError("bad 'file' or 'sha1'")
                for s in spans:
                    if s["label"] not in LABELS or not 0 <= int(s["start"]) < int(s["end"]):
                        raise ValueError(f"bad span {s}")
                for ev in events:
                    if set(ev) != set(_EVENT_KEYS):
                        raise ValueError(f"event keys must be {_EVENT_KEYS}")
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise AnnotationError(f"{where}: not an overlay record ({exc})") from exc
            if rid in seen:
                raise AnnotationError(f"{where}: duplicate overlay id {rid!r}")
            seen.add(rid)
            records.append(r)
    return records


def load_excluded(path: str | Path | None = None) -> dict[str, str]:
    """Dev ids kept out of the plain sample (award-like but outside our labels): {id: reason}."""
    path = Path(path) if path else EXCLUDED
    if not path.is_file():
        return {}
    rows = (l.split("\t") for l in path.read_text(encoding="utf-8").splitlines())
    return {r[0]: (r[1] if len(r) > 1 else "") for r in rows if r[0] and not r[0].startswith("#")}


def _resolve(r: dict[str, Any], spans: list[dict], text: str) -> list[dict[str, Any]]:
    events = []
    for j, ev in enumerate(r["events"]):
        out: dict[str, Any] = {"date": ev["date"]}
        for key, label in _EVENT_LABEL.items():
            v = ev[key]
            if key == "organizer" and isinstance(v, list) and len(v) == 2:
                out[key] = text[v[0]:v[1]] or None
                continue
            if v is not None and not (isinstance(v, int) and 0 <= v < len(spans)
                                      and spans[v]["label"] == label):
                raise AnnotationError(f"overlay {r['id']!r}: event {j} {key}={v!r} is not a {label} span index")
            out[key] = spans[v]["text"] if v is not None else None
        events.append(out)
    return events


def apply_overlays(overlays: Iterable[dict[str, Any]], dev: dict[str, AnnotatedDoc] | None = None,
                   raw: dict[str, str] | None = None) -> list[AnnotatedDoc]:
    """Overlay records + KLUE text -> validated AnnotatedDocs (sha1-checked per sentence)."""
    overlays = list(overlays)
    if dev is None and any(r["file"] == "dev" for r in overlays):
        dev = {d.id: d for d in read_klue_dev()}
    if raw is None and any(r["file"] == "train-raw" for r in overlays):
        raw = read_klue_raw()
    docs = []
    for r in overlays:
        base = dev.get(r["id"]) if r["file"] == "dev" else None
        if r["file"] == "dev":
            text = base.text if base else None
        else:
            text = (raw or {}).get(r["id"])
        if text is None:
            raise AnnotationError(f"overlay {r['id']!r}: no such sentence in KLUE {r['file']}")
        if sha1(text) != r["sha1"]:
            raise AnnotationError(f"overlay {r['id']!r}: sha1 mismatch, the KLUE {r['file']} text "
                                  "differs from the annotated one (wrong KLUE version?)")
        spans = [{"label": s["label"], "start": s["start"], "end": s["end"],
                  "text": text[s["start"]:s["end"]]} for s in r["spans"]]
        events = _resolve(r, spans, text)
        if base is not None:  # keep KLUE DATE spans that no overlay span touches
            spans += [k for k in base.spans
                      if all(k["end"] <= s["start"] or s["end"] <= k["start"] for s in spans)]
        spans.sort(key=lambda s: (s["start"], s["end"]))
        doc = AnnotatedDoc(id=r["id"], text=text, spans=spans, events=events,
                           meta={"source": _FILES[r["file"]], "overlay": True})
        validate_doc(doc)
        check_grounding(doc)
        docs.append(doc)
    return docs


def klue_training_docs(max_plain: int | None = None, seed: int = 0, *,
                       overlays_path: str | Path | None = None) -> list[AnnotatedDoc]:
    """All overlay docs + a seeded sample of `max_plain` plain DT-labelled dev sentences
    (None: all of them; overlaid and excluded ids never enter the sample)."""
    dev = {d.id: d for d in read_klue_dev()}
    overlays = load_overlays(overlays_path)
    docs = apply_overlays(overlays, dev=dev)
    taken = {r["id"] for r in overlays} | set(load_excluded())
    pool = sorted(i for i in dev if i not in taken)
    if max_plain is not None and max_plain < len(pool):
        pool = sorted(random.Random(seed).sample(pool, max(0, max_plain)))
    for i in pool:
        validate_doc(dev[i])
        docs.append(dev[i])
    return docs
