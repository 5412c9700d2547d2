"""`kr-event render RESULTS.jsonl -o view.html`: one self-contained HTML page to eyeball output.

RESULTS is `kr-event extract --with-text` JSONL: each document's text with its spans marked by
label, its events as a table, and its error if it failed. Inline CSS only, no network assets.
"""
from __future__ import annotations

import argparse
import json
import sys
from html import escape
from typing import Any

from ..schema import EVENT_FIELDS, LABELS

COLOURS = {"AWARD": "#ffd166", "TIER": "#ef8fa0", "ORGANIZER": "#9bd3f5", "DATE": "#b9e4a6",
           "RECIPIENT": "#d3b8f5"}
CSS = """
body{font-family:system-ui,"Noto Sans KR","Malgun Gothic",sans-serif;margin:2em auto;max-width:60em;
 line-height:1.7;color:#222}
.legend span,mark{border-radius:.3em;padding:.1em .35em}
.legend span{margin-right:.5em;font-size:.85em;font-weight:600}
section{border-top:1px solid #ddd;padding:1em 0}
h2{font-size:1em;font-family:monospace;margin:0 0 .5em}
.text{white-space:pre-wrap}
mark{margin:0 .1em}
mark .lab{font-size:.65em;font-weight:700;margin-left:.4em;vertical-align:middle;opacity:.75}
table{border-collapse:collapse;margin-top:.7em;font-size:.9em}
th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left}
th{background:#f4f4f4}
.error{color:#a00;font-weight:600}
.none{color:#777;font-style:italic}
""" + "".join(f".l-{lab}{{background:{c}}}\n" for lab, c in COLOURS.items())


def add_parser(sub: Any) -> None:
    p = sub.add_parser("render", help="HTML view of `extract --with-text` output",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", metavar="INPUT.jsonl", help="output of `kr-event extract --with-text`")
    p.add_argument("-o", "--output", default="-", help="HTML file (default: - = stdout)")
    p.add_argument("--title", default="kr-event results", help="page title")
    p.add_argument("--limit", type=int, metavar="N", help="render only the first N documents")
    p.set_defaults(run=run)


def _marked(text: str, spans: list[dict[str, Any]]) -> str:
    """The text, escaped, with non-overlapping valid spans wrapped in labelled <mark>s."""
    out, pos = [], 0
    for s in sorted(spans, key=lambda s: (s.get("start", 0), -s.get("end", 0))):
        start, end, label = s.get("start"), s.get("end"), str(s.get("label"))
        if not (isinstance(start, int) and isinstance(end, int) and pos <= start < end <= len(text)):
            continue  # overlapping or out of range: skipped, never misplaced
        cls = f"l-{label}" if label in COLOURS else ""
        out += [escape(text[pos:start]), f'<mark class="{cls}" title="{escape(label)} '
                f'{escape(str(s.get("score", "")))}">{escape(text[start:end])}'
                f'<span class="lab">{escape(label)}</span></mark>']
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def _events_table(events: list[dict[str, Any]]) -> str:
    if not events:
        return '<p class="none">no events</p>'
    head = "".join(f"<th>{escape(c)}</th>" for c in EVENT_FIELDS + ("confidence",))
    rows = []
    for ev in events:
        cells = [ev.get(c) for c in EVENT_FIELDS] + [ev.get("confidence")]
        rows.append("<tr>" + "".join(f"<td>{escape('' if v is None else str(v))}</td>" for v in cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def render(records: list[dict[str, Any]], title: str = "kr-event results") -> str:
    legend = "".join(f'<span class="l-{lab}">{lab}</span>' for lab in LABELS)
    n_events = sum(len(r.get("events") or []) for r in records)
    n_err = sum(1 for r in records if r.get("error"))
    parts = [f"<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
             f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>",
             f"<p>{len(records)} documents, {n_events} events, {n_err} errors</p>",
             f'<p class="legend">{legend}</p>']
    for r in records:
        parts.append(f"<section><h2>{escape(str(r.get('id')))}</h2>")
        err = r.get("error")
        if err:
            parts.append(f'<p class="error">{escape(str(err.get("code")))}: {escape(str(err.get("message")))}</p>')
        text = r.get("text")
        if isinstance(text, str):
            parts.append(f'<div class="text">{_marked(text, r.get("spans") or [])}</div>')
        if r.get("meta"):
            parts.append(f"<p><small>{escape(json.dumps(r['meta'], ensure_ascii=False))}</small></p>")
        if not err:
            parts.append(_events_table(r.get("events") or []))
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def run(args: argparse.Namespace) -> int:
    records: list[dict[str, Any]] = []
    try:
        with open(args.input, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                rec = json.loads(line)
                if not isinstance(rec, dict) or "text" not in rec:
                    raise ValueError(f"line {n} has no 'text': render needs the text of each document; "
                                     "run `kr-event extract --with-text` to include it")
                records.append(rec)
                if args.limit is not None and len(records) >= args.limit:
                    break
    except (OSError, ValueError) as exc:  # JSONDecodeError is a ValueError
        print(f"kr-event render: {args.input}: {exc}", file=sys.stderr)
        return 2
    page = render(records, args.title)
    if args.output == "-":
        sys.stdout.write(page)
    else:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(page)
    return 0
