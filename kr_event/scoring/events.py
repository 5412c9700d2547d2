"""Event-level scoring: one-to-one matching of predicted to gold events per document.

strict  — recipient, award, tier, organizer and date all equal after normalisation;
relaxed — recipient and tier equal, award equal by containment or char-bigram overlap.
Per-field accuracy (organizer, date, …) is measured over relaxed-matched pairs.
"""
from __future__ import annotations

import unicodedata
from typing import Any, Callable, Sequence

from ..lexicon import particles, strip_chars
from ..schema import EVENT_FIELDS

AWARD_BIGRAM_DICE = 0.5  # relaxed award match threshold


def normalize_value(value: str | None) -> str | None:
    """NFC, no whitespace, no edge punctuation, no trailing particle (both sides get the same)."""
    if value is None:
        return None
    s = unicodedata.normalize("NFC", value).strip(strip_chars())
    s = "".join(s.split())
    for p in particles():
        if s.endswith(p) and len(s) - len(p) >= 2:
            s = s[: -len(p)]
            break
    return s or None


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)} or {s}


def award_match(gold: str | None, pred: str | None) -> bool:
    g, p = normalize_value(gold), normalize_value(pred)
    if g is None or p is None:
        return g is None and p is None
    if g in p or p in g:
        return True
    bg, bp = _bigrams(g), _bigrams(p)
    return 2 * len(bg & bp) / (len(bg) + len(bp)) >= AWARD_BIGRAM_DICE


def _same(field: str, g: dict, p: dict) -> bool:
    if field == "date":
        return g.get("date") == p.get("date")
    return normalize_value(g.get(field)) == normalize_value(p.get(field))


def relaxed_match(g: dict, p: dict) -> bool:
    return _same("recipient", g, p) and _same("tier", g, p) and award_match(g.get("award"), p.get("award"))


def strict_match(g: dict, p: dict) -> bool:
    return all(_same(f, g, p) for f in EVENT_FIELDS)


MATCHERS: dict[str, Callable[[dict, dict], bool]] = {"strict": strict_match, "relaxed": relaxed_match}


def match_events(gold: Sequence[dict], pred: Sequence[dict], mode: str = "relaxed") -> list[tuple[int, int]]:
    """Maximum one-to-one matching (Kuhn's augmenting paths): (gold index, pred index) pairs."""
    ok = MATCHERS[mode]
    adj = [[j for j, p in enumerate(pred) if ok(g, p)] for g in gold]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else (1.0 if not n_pred else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "pred": n_pred, "gold": n_gold}


def event_scores(gold: Sequence[Sequence[dict]], pred: Sequence[Sequence[dict]]) -> dict[str, Any]:
    """gold/pred: event dicts per document (same order). Returns strict, relaxed and per-field."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold documents but {len(pred)} predicted")
    n_gold = sum(len(g) for g in gold)
    n_pred = sum(len(p) for p in pred)
    out: dict[str, Any] = {}
    for mode in MATCHERS:
        tp = sum(len(match_events(g, p, mode)) for g, p in zip(gold, pred))
        out[mode] = _prf(tp, n_pred, n_gold)
    fields: dict[str, list[int]] = {f: [0, 0] for f in EVENT_FIELDS}
    for g, p in zip(gold, pred):
        for i, j in match_events(g, p, "relaxed"):
            for f in EVENT_FIELDS:
                fields[f][0] += _same(f, g[i], p[j])
                fields[f][1] += 1
    out["field_accuracy"] = {f: (c / n if n else None) for f, (c, n) in fields.items()}
    out["matched_pairs"] = fields["date"][1]
    return out
