"""The shipped models end to end: the seed article yields exactly its three events.

Uses the real pipeline (models/kr-event-tagger + rules), no publication date, nothing special-cased.
"""
from pathlib import Path

import pytest

from kr_event.corpus.shared import read_shared_text

MODEL = Path(__file__).resolve().parents[1] / "models" / "kr-event-tagger"

SEED_EVENTS = {
    ("종로구", "2012년 행정제도 선진화 우수사례 경진대회", "대통령상", "행정안전부", "2012-10-22"),
    ("종로구", "2012년 서울시 제2회 자치구 행정 우수사례 발표회", "장려상", "서울시", "2012-10-19"),
    ("창신3동", "제9회 서울시 자치회관 우수사례 발표회", "우수상", "서울시", "2012-10-16"),
}


@pytest.fixture(scope="module")
def extractor():
    from kr_event import EventExtractor

    return EventExtractor(model=MODEL)


@pytest.fixture(scope="module")
def seed_text():
    from .conftest import require_shared

    require_shared("seed/000_e73b876f4d18a131.txt")
    return read_shared_text("shared:seed/000_e73b876f4d18a131.txt")


def test_shipped_model_loads_offline():
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(MODEL)
    assert set(model.config.label2id) >= {"O", "B-AWARD", "I-TIER", "B-RECIPIENT"}


def test_seed_article_yields_exactly_the_three_events(extractor, seed_text):
    events = extractor.extract(seed_text)
    got = {(e.recipient, e.award, e.tier, e.organizer, e.date) for e in events}
    assert got == SEED_EVENTS
    assert len(events) == 3


@pytest.mark.parametrize("options", [{"model": "fast"}, {"model": "fast", "precision": "auto"}])
def test_fast_path_yields_the_same_three_events(seed_text, options):
    """Issue 7: the fast path (4-layer student; bf16 where the CPU has it) keeps the seed events."""
    from kr_event import EventExtractor

    events = EventExtractor(**options).extract(seed_text)
    assert {(e.recipient, e.award, e.tier, e.organizer, e.date) for e in events} == SEED_EVENTS
    assert len(events) == 3


def test_events_carry_evidence_and_mentions_inside_the_text(extractor, seed_text):
    for e in extractor.extract(seed_text):
        assert 0 < e.confidence <= 1
        for ev in e.evidence:
            assert seed_text[ev.start:ev.end] == ev.text
        for m in e.mentions:
            assert seed_text[m.start:m.end] == m.text


def test_module_level_extract_and_json_round_trip(seed_text):
    import json

    import kr_event
    from kr_event.schema import AwardEvent

    events = kr_event.extract(seed_text, published="2012-10-25")
    assert {(e.recipient, e.tier) for e in events} == {(r, t) for r, _, t, _, _ in SEED_EVENTS}
    for e in events:
        assert AwardEvent.from_dict(json.loads(json.dumps(e.to_dict(), ensure_ascii=False))).key() == e.key()
