"""Span scoring with seqeval on character-level IOB2 sequences.

Characters are the tokens, so two spans count as equal exactly when label, start and end are
equal — independent of any model tokenizer.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence


def char_tags(length: int, spans: Iterable[dict[str, Any]]) -> list[str]:
    tags = ["O"] * length
    for s in spans:
        start, end, label = int(s["start"]), int(s["end"]), s["label"]
        if not 0 <= start < end <= length:
            raise ValueError(f"span {s} outside text of length {length}")
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": tp + fn}


def span_scores(gold: Sequence[tuple[int, list[dict]]], pred: Sequence[list[dict]]) -> dict[str, Any]:
    """gold: (text length, spans) per document; pred: spans per document, same order.

    Returns {"micro": {...}, "per_label": {label: {...}}} computed by seqeval (strict IOB2).
    """
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold documents but {len(pred)} predicted")
    y_true = [char_tags(n, spans) for n, spans in gold]
    y_pred = [char_tags(n, spans) for (n, _), spans in zip(gold, pred)]
    if not any(t != "O" for seq in y_true + y_pred for t in seq):
        return {"micro": _prf(0, 0, 0), "per_label": {}}
    rep = classification_report(y_true, y_pred, mode="strict", scheme=IOB2,
                                output_dict=True, zero_division=0)
    per_label = {k: {"precision": v["precision"], "recall": v["recall"], "f1": v["f1-score"],
                     "support": int(v["support"])}
                 for k, v in rep.items() if not k.endswith(" avg")}
    m = rep["micro avg"]
    micro = {"precision": m["precision"], "recall": m["recall"], "f1": m["f1-score"],
             "support": int(m["support"])}
    return {"micro": micro, "per_label": per_label}
