"""The seed gold set is internally consistent and loads with `datasets`."""
import json
import re

import pytest

from kr_event.corpus import validate_doc
from kr_event.rules.dates import Anchor, resolve_date
from kr_event.schema import EVENT_FIELDS, LABELS

from .conftest import SEED_GOLD


def test_spans_slice_to_their_text(seed_doc):
    validate_doc(seed_doc)  # raises on any mismatch, overlap or unknown label
    for s in seed_doc.spans:
        assert seed_doc.text[s["start"]:s["end"]] == s["text"]
        assert s["label"] in LABELS


def test_every_label_is_used(seed_doc):
    assert {s["label"] for s in seed_doc.spans} == set(LABELS)


def test_event_fields_occur_in_text_or_are_resolved_dates(seed_doc):
    assert len(seed_doc.events) == 3
    span_texts = {s["text"] for s in seed_doc.spans}
    for ev in seed_doc.events:
        assert set(EVENT_FIELDS) <= set(ev)
        for f in ("recipient", "award", "tier", "organizer"):
            assert ev[f] in seed_doc.text
        assert ev["date_text"] in span_texts
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", ev["date"])
        # the date follows from the article's own context (October 2012), not from a publication date
        assert resolve_date(ev["date_text"], Anchor(2012, 10, None, "context")).iso == ev["date"]


def test_no_text_is_committed():
    record = json.loads(SEED_GOLD.read_text(encoding="utf-8").splitlines()[0])
    assert "text" not in record and record["source"].startswith("shared:")


def test_datasets_loads_the_gold_jsonl():
    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("json", data_files=str(SEED_GOLD), split="train")
    assert ds.num_rows == 1 and len(ds[0]["spans"]) == 35 and len(ds[0]["events"]) == 3
