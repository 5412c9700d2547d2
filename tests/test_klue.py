"""KLUE stand-off overlays: format, hashes against the shared text, validation, DT->DATE, sampling.

No KLUE text is committed: everything that needs a sentence reads it from the shared folder at
run time, and those tests skip (with the reason) when the folder is absent.
"""
from __future__ import annotations

import copy
import re

import pytest

from kr_event.corpus import validate_doc
from kr_event.corpus.check import check_grounding
from kr_event.corpus.klue import (DEV_FILE, EXCLUDED, OVERLAYS, apply_overlays, bio_spans,
                                  klue_dir, klue_training_docs, load_excluded, load_overlays,
                                  read_klue_dev, read_klue_raw, sha1)
from kr_event.errors import AnnotationError
from kr_event.schema import LABELS

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


def _shared_or_skip():
    try:
        return klue_dir()
    except FileNotFoundError as exc:
        pytest.skip(f"KLUE shared data absent (set KR_EVENT_SHARED or provide ../shared): {exc}")


@pytest.fixture(scope="module")
def dev():
    _shared_or_skip()
    return {d.id: d for d in read_klue_dev()}


@pytest.fixture(scope="module")
def raw():
    _shared_or_skip()
    return read_klue_raw()


@pytest.fixture(scope="module")
def overlay_docs(dev, raw):
    return apply_overlays(load_overlays(), dev=dev, raw=raw)


# --- no shared data needed -------------------------------------------------------------------

def test_overlays_parse_and_hold_no_text():
    recs = load_overlays()
    assert len(recs) >= 100
    for r in recs:
        assert set(r) == {"id", "file", "sha1", "spans", "events"}
        assert r["file"] in ("dev", "train-raw") and re.fullmatch(r"[0-9a-f]{40}", r["sha1"])
        for s in r["spans"]:
            assert set(s) == {"label", "start", "end"} and s["label"] in LABELS
        for ev in r["events"]:
            for k in ("recipient", "award", "tier", "date_text"):
                assert ev[k] is None or isinstance(ev[k], int)
            assert ev["organizer"] is None or isinstance(ev["organizer"], (int, list))
    for path in (OVERLAYS, EXCLUDED):  # stand-off only: no Korean text committed
        assert not _HANGUL.search(path.read_text(encoding="utf-8")), path
    assert sum(len(r["events"]) for r in recs) >= 25
    assert not set(load_excluded()) & {r["id"] for r in recs}


def test_bio_spans_maps_dt_only_and_trims():
    text = "지난 5일 서울시"
    tags = ["B-DT", "I-DT", "I-DT", "I-DT", "I-DT", "I-DT", "B-LC", "I-LC", "I-LC"]  # DT ends in a space
    assert bio_spans(text, tags) == [{"label": "DATE", "start": 0, "end": 5, "text": "지난 5일"}]
    assert bio_spans("ab", ["I-DT", "B-DT"]) == [
        {"label": "DATE", "start": 0, "end": 1, "text": "a"},
        {"label": "DATE", "start": 1, "end": 2, "text": "b"}]


def test_missing_shared_dir_says_how_to_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("KR_EVENT_SHARED", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="KR_EVENT_SHARED"):
        klue_dir()
    assert klue_dir(must_exist=False) == tmp_path / "data" / "klue"


# --- against the shared KLUE text ------------------------------------------------------------

def test_hashes_match_shared_text(dev, raw):
    for r in load_overlays():
        text = dev[r["id"]].text if r["file"] == "dev" else raw[r["id"]]
        assert sha1(text) == r["sha1"], r["id"]


def test_all_overlay_docs_validate(overlay_docs):
    assert len(overlay_docs) == len(load_overlays())
    for d in overlay_docs:
        validate_doc(d)
        check_grounding(d)
        prev_end = -1
        for s in d.spans:
            assert d.text[s["start"]:s["end"]] == s["text"] and s["label"] in LABELS
            assert s["start"] >= prev_end, f"{d.id}: overlapping spans"
            prev_end = s["end"]
    assert sum(bool(d.events) for d in overlay_docs) >= 20


def test_sha1_mismatch_names_the_id(dev, raw):
    rec = copy.deepcopy(load_overlays()[0])
    rec["sha1"] = "0" * 40
    with pytest.raises(AnnotationError, match=re.escape(rec["id"])):
        apply_overlays([rec], dev=dev, raw=raw)


def _dt_runs(doc_id):
    """(start, end) of each DT run for one dev id, read straight from the TSV."""
    lines, on = [], False
    with open(klue_dir() / DEV_FILE, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("## "):
                on = line[3:].split("\t")[0] == doc_id
            elif on and line.strip("\n"):
                lines.append(line.rstrip("\n").rsplit("\t", 1)[1])
            elif on:
                break
    runs = []
    for i, tag in enumerate(lines):
        if tag == "B-DT" or (tag == "I-DT" and (i == 0 or lines[i - 1] not in ("B-DT", "I-DT"))):
            runs.append([i, i + 1])
        elif tag == "I-DT":
            runs[-1][1] = i + 1
    return [tuple(r) for r in runs], len(lines)


@pytest.mark.parametrize("doc_id", ["klue-ner-v1_dev_00415-wikitree",
                                    "klue-ner-v1_dev_04915-wikitree",
                                    "klue-ner-v1_dev_00000-wikitree"])
def test_dt_becomes_date_on_real_dev_ids(dev, doc_id):
    doc = dev[doc_id]
    runs, n_chars = _dt_runs(doc_id)
    assert n_chars == len(doc.text)
    assert [(s["start"], s["end"]) for s in doc.spans] == runs
    assert all(s["label"] == "DATE" and s["text"] == doc.text[s["start"]:s["end"]] for s in doc.spans)
    assert doc.meta == {"source": "klue-dev"} and doc.id == doc_id


def test_dev_reader_counts(dev):
    assert len(dev) == 5000
    text = (klue_dir() / DEV_FILE).read_text(encoding="utf-8")
    assert sum(len(d.spans) for d in dev.values()) == text.count("\tB-DT\n")
    assert {s["label"] for d in dev.values() for s in d.spans} == {"DATE"}


def test_raw_reader(raw):
    assert len(raw) == 21008 and all(k.startswith("klue-ner-v1_train_") for k in raw)


def test_overlay_replaces_only_overlapping_dt(dev, overlay_docs):
    by_id = {d.id: d for d in overlay_docs}
    replaced = 0
    for r in load_overlays():
        if r["file"] != "dev":
            continue
        got = {(s["start"], s["end"], s["label"]) for s in by_id[r["id"]].spans}
        for k in dev[r["id"]].spans:
            key = (k["start"], k["end"], "DATE")
            over = [(o["start"], o["end"], o["label"]) for o in r["spans"]
                    if k["start"] < o["end"] and o["start"] < k["end"]]
            assert (key in got) == (not over or key in over), (r["id"], key)
            replaced += key not in got
    assert replaced > 0  # e.g. a year inside an AWARD name is no longer a DATE


def test_sampling_is_deterministic(dev):
    overlay_ids = {r["id"] for r in load_overlays()}
    a = [d.id for d in klue_training_docs(150, seed=7)]
    b = [d.id for d in klue_training_docs(150, seed=7)]
    c = [d.id for d in klue_training_docs(150, seed=8)]
    assert a == b and a != c
    assert len(a) == len(overlay_ids) + 150 and overlay_ids <= set(a)
    assert not set(a) & set(load_excluded())
    assert len(set(a)) == len(a)
    only = klue_training_docs(0, seed=7)
    assert {d.id for d in only} == overlay_ids
    everything = klue_training_docs(None, seed=0)
    assert len(everything) == len(dev) - len(set(load_excluded()) | {i for i in overlay_ids if i in dev}) \
        + len(overlay_ids)
