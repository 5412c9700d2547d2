"""`python -m kr_event.corpus.check FILE...`: validate authored source files, print a summary.

Beyond `validate_doc`, an authored document's events must be grounded in its spans: recipient,
award and tier are texts of spans with those labels; the organizer is an ORGANIZER span or a body
that the award name contains; date_text is a DATE span.
"""
from __future__ import annotations

import sys
from collections import Counter

from ..errors import AnnotationError
from .annotated import AnnotatedDoc, validate_doc
from .markup import parse_source

_GROUNDING = {"recipient": "RECIPIENT", "award": "AWARD", "tier": "TIER", "date_text": "DATE"}


def check_grounding(doc: AnnotatedDoc) -> None:
    by_label: dict[str, set[str]] = {}
    for s in doc.spans:
        by_label.setdefault(s["label"], set()).add(s["text"])
    for j, ev in enumerate(doc.events):
        for field, label in _GROUNDING.items():
            v = ev.get(field)
            if v is not None and v not in by_label.get(label, set()):
                raise AnnotationError(
                    f"document {doc.id!r}: event {j} {field}={v!r} is not the text of any {label} span")
        org = ev.get("organizer")
        if org and org not in by_label.get("ORGANIZER", set()) and org not in (ev.get("award") or ""):
            raise AnnotationError(
                f"document {doc.id!r}: event {j} organizer={org!r} is neither an ORGANIZER span "
                "nor contained in the award name")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m kr_event.corpus.check FILE...", file=sys.stderr)
        return 2
    failures = 0
    ids: Counter[str] = Counter()
    for path in argv:
        try:
            docs = parse_source(path)
        except AnnotationError as exc:
            print(f"FAIL {exc}")
            failures += 1
            continue
        labels: Counter[str] = Counter()
        splits: Counter[str] = Counter()
        neg = 0
        for d in docs:
            ids[d.id] += 1
            try:
                validate_doc(d)
                check_grounding(d)
            except AnnotationError as exc:
                print(f"FAIL {path}: {exc}")
                failures += 1
            labels.update(s["label"] for s in d.spans)
            splits[d.meta.get("split", "?")] += 1
            neg += not d.events
        print(f"{path}: {len(docs)} docs {dict(splits)}, {neg} without events, spans {dict(labels)}")
    for i, n in ids.items():
        if n > 1:
            print(f"FAIL duplicate document id {i!r} ({n} times)")
            failures += 1
    print("OK" if not failures else f"{failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
