"""Write KLUE overlays by marking text inline, in a scratch file OUTSIDE the repository.

    python data/klue/annotate_helper.py dump /tmp/klue_scratch.txt ID...   # append blocks to edit
    python data/klue/annotate_helper.py build /tmp/klue_scratch.txt       # -> data/klue/overlays.jsonl
    python data/klue/annotate_helper.py export /tmp/klue_scratch.txt      # overlays.jsonl -> scratch
    python data/klue/annotate_helper.py stats                             # counts for the README

A scratch block (dev blocks come pre-filled with KLUE DT as <DATE> tags)::

    ### klue-ner-v1_train_NNNNN_wikitree train-raw
    <RECIPIENT>종로구</RECIPIENT>가 <DATE>지난 22일</DATE> <AWARD>2012년 ○○ 경진대회</AWARD>에서 <TIER>대상</TIER>을 ...
    event: recipient=종로구; award=2012년 ○○ 경진대회; tier=대상; organizer=; date=; date_text=지난 22일

(an invented sentence: never put KLUE text into this file or anywhere in the repository).

Event values are span texts (the first span with that label and text is used); `organizer` may
also be a body written inside the award name (stored as char offsets). `#` lines are comments.
The scratch file holds KLUE text: keep it outside the project (this script refuses otherwise).
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kr_event.corpus.klue import (OVERLAYS, apply_overlays, load_overlays,  # noqa: E402
                                  read_klue_dev, read_klue_raw, sha1)
from kr_event.corpus.markup import _parse_event, parse_markup  # noqa: E402


def _outside(path: Path) -> Path:
    path = path.resolve()
    if path == ROOT or ROOT in path.parents:
        sys.exit(f"refusing: {path} is inside the project; scratch files with KLUE text stay outside")
    return path


def _markup(text: str, spans: list[dict]) -> str:
    out, pos = [], 0
    for s in sorted(spans, key=lambda s: s["start"]):
        out += [text[pos:s["start"]], f"<{s['label']}>", s["text"], f"</{s['label']}>"]
        pos = s["end"]
    return "".join(out + [text[pos:]])


def dump(scratch: Path, ids: list[str]) -> None:
    dev, raw = {d.id: d for d in read_klue_dev()}, read_klue_raw()
    with open(_outside(scratch), "a", encoding="utf-8") as fh:
        for i in ids:
            if i in dev:
                fh.write(f"### {i} dev\n{_markup(dev[i].text, dev[i].spans)}\n\n")
            else:
                fh.write(f"### {i} train-raw\n{raw[i]}\n\n")


def export(scratch: Path) -> None:
    """Write the current overlays back as an editable scratch file (round-trips through build)."""
    recs = load_overlays()
    with open(_outside(scratch), "x", encoding="utf-8") as fh:
        for r, d in zip(recs, apply_overlays(recs)):
            fh.write(f"### {r['id']} {r['file']}\n{_markup(d.text, d.spans)}\n")
            for ev in d.events:
                fh.write("event: " + "; ".join(f"{k}={ev[k] or ''}" for k in
                         ("recipient", "award", "tier", "organizer", "date", "date_text")) + "\n")
            fh.write("\n")


def build(scratch: Path, out: Path = OVERLAYS) -> None:
    dev, raw = {d.id: d for d in read_klue_dev()}, read_klue_raw()
    records = []
    blocks = _outside(scratch).read_text(encoding="utf-8").split("\n### ")
    for block in blocks:
        lines = [l for l in block.removeprefix("### ").split("\n") if l.strip() and not l.startswith("#")]
        if not lines:
            continue
        rid, kind = lines[0].split()
        text, spans = parse_markup(lines[1], rid)
        truth = dev[rid].text if kind == "dev" else raw[rid]
        if text != truth:
            sys.exit(f"{rid}: marked-up text differs from KLUE:\n{text}\n{truth}")
        spans.sort(key=lambda s: s["start"])
        events = []
        for line in lines[2:]:
            ev = _parse_event(line.removeprefix("event:"), rid)
            rec = {"recipient": None, "award": None, "tier": None, "organizer": None,
                   "date": ev["date"], "date_text": None}
            for key, label in (("recipient", "RECIPIENT"), ("award", "AWARD"), ("tier", "TIER"),
                               ("organizer", "ORGANIZER"), ("date_text", "DATE")):
                v = ev[key]
                if v is None:
                    continue
                hit = [n for n, s in enumerate(spans) if s["label"] == label and s["text"] == v]
                if hit:
                    rec[key] = hit[0]
                elif key == "organizer" and rec["award"] is not None and v in spans[rec["award"]]["text"]:
                    a = spans[rec["award"]]
                    rec[key] = [a["start"] + a["text"].index(v), a["start"] + a["text"].index(v) + len(v)]
                else:
                    sys.exit(f"{rid}: event {key}={v!r} is not a {label} span")
            events.append(rec)
        if kind == "dev":  # KLUE DT spans left out of the markup come back unless overlapped
            for k in dev[rid].spans:
                if all(k["end"] <= s["start"] or s["end"] <= k["start"] for s in spans):
                    print(f"note {rid}: KLUE DATE {k['text']!r} is kept (not in markup)")
        records.append({"id": rid, "file": kind, "sha1": sha1(truth),
                        "spans": [{"label": s["label"], "start": s["start"], "end": s["end"]}
                                  for s in spans], "events": events})
    records.sort(key=lambda r: r["id"])
    apply_overlays(records, dev=dev, raw=raw)  # validates everything
    with open(out, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} overlay records to {out}")
    stats()


def stats() -> None:
    recs = load_overlays()
    docs = apply_overlays(recs)
    by_file = Counter(r["file"] for r in recs)
    labels = Counter(s["label"] for d in docs for s in d.spans)
    own = Counter(s["label"] for r in recs for s in r["spans"])
    pos = sum(1 for d in docs if d.events)
    mention = sum(1 for d in docs if not d.events and any(s["label"] in ("AWARD", "TIER") for s in d.spans))
    print(f"sentences {len(recs)} {dict(by_file)}; with events {pos}; award mention without event "
          f"{mention}; negatives {len(recs) - pos - mention}; events {sum(len(d.events) for d in docs)}")
    print(f"spans in docs {dict(labels)}; overlay-stored spans {dict(own)}")


if __name__ == "__main__":
    cmd, *args = sys.argv[1:] or ["help"]
    if cmd == "dump":
        dump(Path(args[0]), args[1:])
    elif cmd == "export":
        export(Path(args[0]))
    elif cmd == "build":
        build(Path(args[0]))
    elif cmd == "stats":
        stats()
    else:
        print(__doc__)
