"""Truth tables for the scorers, and the report on the gold set vs itself and a damaged copy."""
import copy

import pytest

from kr_event.scoring import evaluate, event_scores, match_events, normalize_value, span_scores
from kr_event.scoring.events import award_match, relaxed_match, strict_match


def ev(recipient="종로구", award="2012년 행정 경진대회", tier="대통령상", organizer="행정안전부", date="2012-10-22"):
    return {"recipient": recipient, "award": award, "tier": tier, "organizer": organizer, "date": date}


@pytest.mark.parametrize("raw, norm", [
    ("종로구가", "종로구"), ("종로구", "종로구"), (" 대통령상을 ", "대통령상"), ("‘대상’", "대상"),
    ("경진대회에서", "경진대회"), ("행정 안전부", "행정안전부"), ("구가", "구가"), (None, None), ("  ", None),
])
def test_normalize_value(raw, norm):
    assert normalize_value(raw) == norm


@pytest.mark.parametrize("gold, pred, ok", [
    ("2012년 행정제도 선진화 우수사례 경진대회", "2012년 행정제도 선진화 우수사례 경진대회", True),
    ("2012년 행정제도 선진화 우수사례 경진대회", "행정제도 선진화 우수사례 경진대회", True),  # containment
    ("2012년 행정제도 선진화 우수사례 경진대회", "행정제도 선진화 우수사례 경진 대회에서", True),
    ("2012년 행정제도 선진화 우수사례 경진대회", "2012 행정제도 선진화 경진대회", True),      # bigram overlap
    ("2012년 행정제도 선진화 우수사례 경진대회", "제9회 서울시 자치회관 발표회", False),
    ("대한민국 안전대상", None, False), (None, None, True),
])
def test_award_match(gold, pred, ok):
    assert award_match(gold, pred) is ok


@pytest.mark.parametrize("pred, strict, relaxed", [
    (ev(), True, True),
    (ev(recipient="종로구는", tier="대통령상을"), True, True),     # particles normalised
    (ev(date="2012-10-21"), False, True),                           # date wrong: relaxed only
    (ev(organizer=None), False, True),
    (ev(award="행정 경진대회"), False, True),                       # shorter award: containment
    (ev(tier="장려상"), False, False),
    (ev(recipient="중구"), False, False),
    (ev(award="서울 자치회관 발표회"), False, False),
])
def test_event_match_truth_table(pred, strict, relaxed):
    assert strict_match(ev(), pred) is strict
    assert relaxed_match(ev(), pred) is relaxed


def test_matching_is_one_to_one_and_maximal():
    gold = [ev(tier="대상"), ev(tier="대상", date=None)]
    pred = [ev(tier="대상", date=None)]
    assert len(match_events(gold, pred, "relaxed")) == 1
    # a greedy matcher would pair gold 0 with pred 0 and lose gold 1's only partner
    gold = [ev(award="행정 경진대회"), ev(award="2012년 행정 경진대회 본선")]
    pred = [ev(award="2012년 행정 경진대회 본선"), ev(award="행정 경진대회")]
    assert len(match_events(gold, pred, "strict")) == 2


@pytest.mark.parametrize("gold, pred, p, r", [
    ([[ev()]], [[ev()]], 1.0, 1.0),
    ([[ev()]], [[]], 0.0, 0.0),                        # nothing predicted: zero, not undefined
    ([[]], [[ev()]], 0.0, 0.0),
    ([[ev(), ev(tier="장려상")]], [[ev()]], 1.0, 0.5),
    ([[ev()]], [[ev(), ev()]], 0.5, 1.0),              # a duplicate prediction is a false positive
    ([[]], [[]], 1.0, 1.0),
])
def test_event_scores_truth_table(gold, pred, p, r):
    s = event_scores(gold, pred)["relaxed"]
    assert (s["precision"], s["recall"]) == (p, r)


def sp(label, start, end):
    return {"label": label, "start": start, "end": end, "text": "x" * (end - start)}


@pytest.mark.parametrize("pred, f1", [
    ([sp("AWARD", 0, 5), sp("TIER", 6, 9)], 1.0),
    ([sp("AWARD", 0, 4), sp("TIER", 6, 9)], 0.5),     # boundary off by one: wrong entity
    ([sp("ORGANIZER", 0, 5), sp("TIER", 6, 9)], 0.5),  # wrong label
    ([sp("TIER", 6, 9)], 2 / 3),
    ([], 0.0),
])
def test_span_scores_truth_table(pred, f1):
    gold = [(12, [sp("AWARD", 0, 5), sp("TIER", 6, 9)])]
    assert span_scores(gold, [pred])["micro"]["f1"] == pytest.approx(f1)


def test_gold_vs_itself_is_perfect(seed_doc):
    r = evaluate([seed_doc], {seed_doc.id: seed_doc.to_dict()})
    assert r["spans"]["micro"]["f1"] == 1.0
    assert r["events"]["strict"]["f1"] == r["events"]["relaxed"]["f1"] == 1.0


def test_damaged_copy_scores_below_one(seed_doc):
    damaged = copy.deepcopy(seed_doc.to_dict())
    damaged["spans"] = damaged["spans"][1:]          # lose a span
    damaged["events"][0]["date"] = "2012-10-21"      # wrong date
    damaged["events"].pop()                          # lose an event
    r = evaluate([seed_doc], {seed_doc.id: damaged})
    assert r["spans"]["micro"]["f1"] < 1.0
    assert r["events"]["strict"]["f1"] < r["events"]["relaxed"]["f1"] < 1.0
    assert r["events"]["field_accuracy"]["date"] == 0.5


def test_missing_prediction_counts_as_empty(seed_doc):
    r = evaluate([seed_doc], {})
    assert r["missing_predictions"] == [seed_doc.id] and r["events"]["relaxed"]["recall"] == 0.0
