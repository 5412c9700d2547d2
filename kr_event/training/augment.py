"""Name-swap augmentation: copies of authored documents with other real bodies' names.

A name is swapped everywhere it occurs in the document (spans, plain text, event fields), so a
copy stays consistent; names come from kr_event/data/ko/bodies.json (same group: a 구 for a 구,
a ministry for a ministry). Augmented copies only ever join the training split.
"""
from __future__ import annotations

import random
import re
from functools import lru_cache

from ..corpus.annotated import AnnotatedDoc, validate_doc
from ..errors import AnnotationError
from ..lexicon import load


@lru_cache(maxsize=None)
def _pools() -> dict[str, tuple[str, ...]]:
    data = load("bodies")
    pools: dict[str, list[str]] = {}
    for e in data["basic"]:
        suffix = e["name"][-1]  # 구 / 시 / 군
        pools.setdefault(f"basic-{suffix}", []).append(e["name"])
    pools["metropolitan"] = [e["name"] for e in data["metropolitan"]]
    pools["ministries"] = [e["name"] for e in data["ministries"] if not e.get("former")]
    return {k: tuple(sorted(set(v))) for k, v in pools.items()}


@lru_cache(maxsize=None)
def _group_of() -> dict[str, str]:
    out: dict[str, str] = {}
    for group, names in _pools().items():
        for n in names:
            out.setdefault(n, group)
    return out


def _swap_plan(doc: AnnotatedDoc, rng: random.Random) -> dict[str, str]:
    groups = _group_of()
    plan: dict[str, str] = {}
    for s in doc.spans:
        if s["label"] in ("RECIPIENT", "ORGANIZER") and s["text"] in groups and s["text"] not in plan:
            pool = [n for n in _pools()[groups[s["text"]]] if n != s["text"] and n not in doc.text]
            if pool:
                plan[s["text"]] = rng.choice(pool)
    return plan


def swap_names(doc: AnnotatedDoc, plan: dict[str, str], new_id: str) -> AnnotatedDoc:
    """Apply {old: new} everywhere, rebuilding span offsets."""
    if not plan:
        return doc
    rx = re.compile("|".join(re.escape(k) for k in sorted(plan, key=len, reverse=True)))
    # map old offsets -> new offsets while rewriting the text
    pieces, shift_points, pos, delta = [], [], 0, 0
    for m in rx.finditer(doc.text):
        pieces.append(doc.text[pos:m.start()])
        new = plan[m.group(0)]
        pieces.append(new)
        shift_points.append((m.start(), m.end(), delta, len(new) - len(m.group(0))))
        delta += len(new) - len(m.group(0))
        pos = m.end()
    pieces.append(doc.text[pos:])
    text = "".join(pieces)

    def move(i: int, is_end: bool) -> int:
        d = 0
        for s, e, before, change in shift_points:
            if i >= e or (is_end and i == e):
                d = before + change
            elif i == s:
                d = before
                break
            elif s < i < e:
                raise AnnotationError(f"{doc.id}: a span boundary falls inside a swapped name")
            elif i < s:
                break
        return i + d

    spans = []
    for s in doc.spans:
        start, end = move(s["start"], False), move(s["end"], True)
        spans.append({**s, "start": start, "end": end, "text": text[start:end]})
    events = [{k: (rx.sub(lambda m: plan[m.group(0)], v) if isinstance(v, str) and k != "date" else v)
               for k, v in ev.items()} for ev in doc.events]
    out = AnnotatedDoc(id=new_id, text=text, spans=spans, events=events, published=doc.published,
                       meta={**doc.meta, "augmented_from": doc.id})
    validate_doc(out)
    return out


def augment_documents(docs: list[AnnotatedDoc], copies: int, seed: int) -> list[AnnotatedDoc]:
    rng = random.Random(seed)
    out: list[AnnotatedDoc] = []
    for d in docs:
        for c in range(copies):
            plan = _swap_plan(d, rng)
            if not plan:
                break
            try:
                out.append(swap_names(d, plan, f"{d.id}~aug{c + 1}"))
            except AnnotationError:
                continue
    return out
