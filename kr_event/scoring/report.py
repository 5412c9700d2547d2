"""One evaluation report: span scores (seqeval) + event scores, as a dict and as text."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from ..corpus.annotated import AnnotatedDoc
from ..schema import EVENT_FIELDS
from .events import event_scores
from .spans import span_scores


def evaluate(gold: Sequence[AnnotatedDoc], pred: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """pred maps document id -> a record with `spans` and `events` (DocResult.to_dict shape).

    A gold document with no prediction counts as predicted empty (it is never silently dropped).
    """
    missing = [d.id for d in gold if d.id not in pred]
    empty: dict[str, Any] = {"spans": [], "events": []}
    preds = [pred.get(d.id, empty) for d in gold]
    spans = span_scores([(len(d.text), d.spans) for d in gold], [list(p.get("spans") or []) for p in preds])
    events = event_scores([d.events for d in gold], [list(p.get("events") or []) for p in preds])
    return {"documents": len(gold), "missing_predictions": missing, "spans": spans, "events": events}


def format_report(r: dict[str, Any]) -> str:
    lines = [f"documents: {r['documents']}"
             + (f"  (no prediction for {len(r['missing_predictions'])})" if r["missing_predictions"] else "")]
    lines.append("")
    lines.append(f"{'spans (seqeval, entity, IOB2)':<32}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}")
    for label, s in sorted(r["spans"]["per_label"].items()):
        lines.append(f"  {label:<30}{s['precision']:7.3f}{s['recall']:7.3f}{s['f1']:7.3f}{s['support']:6d}")
    m = r["spans"]["micro"]
    lines.append(f"  {'micro':<30}{m['precision']:7.3f}{m['recall']:7.3f}{m['f1']:7.3f}{m['support']:6d}")
    lines.append("")
    ev = r["events"]
    lines.append(f"{'events':<32}{'P':>7}{'R':>7}{'F1':>7}{'gold':>6}{'pred':>6}")
    for mode in ("strict", "relaxed"):
        e = ev[mode]
        lines.append(f"  {mode:<30}{e['precision']:7.3f}{e['recall']:7.3f}{e['f1']:7.3f}{e['gold']:6d}{e['pred']:6d}")
    lines.append(f"field accuracy over {ev['matched_pairs']} relaxed-matched events:")
    for f in EVENT_FIELDS:
        acc = ev["field_accuracy"][f]
        lines.append(f"  {f:<30}{'n/a' if acc is None else f'{acc:7.3f}'}")
    return "\n".join(lines)
