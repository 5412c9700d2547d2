"""The rule layer on gold spans: the seed article's three events, and pairing truth tables."""
import datetime as dt

import pytest

from kr_event.corpus.markup import parse_markup
from kr_event.rules.assemble import assemble
from kr_event.rules.organizers import implied_organizer
from kr_event.schema import Span


def spans_of(doc_spans):
    return [Span(s["label"], s["start"], s["end"], s["text"]) for s in doc_spans]


def events_from_markup(markup, published=None):
    text, spans = parse_markup(markup)
    pub = dt.date.fromisoformat(published) if published else None
    return [(e.recipient, e.award, e.tier, e.organizer, e.date) for e in assemble(text, spans_of(spans), pub)]


def test_seed_gold_spans_give_the_three_gold_events(seed_doc):
    got = [(e.recipient, e.award, e.tier, e.organizer, e.date)
           for e in assemble(seed_doc.text, spans_of(seed_doc.spans), None)]
    want = [(e["recipient"], e["award"], e["tier"], e["organizer"], e["date"]) for e in seed_doc.events]
    assert sorted(got) == sorted(want)


CASES = [
    # ▲-list: one recipient, three prizes
    ("<RECIPIENT>가람시</RECIPIENT>가 ▲<AWARD>2020 안전 평가</AWARD> <TIER>대상</TIER> ▲<AWARD>제3회 복지 공모전</AWARD> "
     "<TIER>우수상</TIER>을 받았다.", None,
     [("가람시", "2020 안전 평가", "대상", None, None), ("가람시", "제3회 복지 공모전", "우수상", None, None)]),
    # two recipients joined by 와, explicit organizer, relative date against the publication date
    ("<ORGANIZER>환경부</ORGANIZER> 주관 <AWARD>2021 녹색 평가</AWARD>에서 <RECIPIENT>가람시</RECIPIENT>와 "
     "<RECIPIENT>나래군</RECIPIENT>이 <DATE>지난 3일</DATE> <TIER>최우수상</TIER>을 받았다.", "2021-06-10",
     [("가람시", "2021 녹색 평가", "최우수상", "환경부", "2021-06-03"),
      ("나래군", "2021 녹색 평가", "최우수상", "환경부", "2021-06-03")]),
    # anaphora: 구는 -> the main body; award named in an earlier sentence
    ("<RECIPIENT>다솜구</RECIPIENT>, 민원 평가 1위\n<RECIPIENT>다솜구</RECIPIENT>는 <AWARD>2022 민원 평가</AWARD> 결과를 받았다. "
     "구는 <DATE>지난 5일</DATE> <TIER>1위</TIER>에 올랐다고 <DATE>9일</DATE> 밝혔다.", "2022-03-09",
     [("다솜구", "2022 민원 평가", "1위", None, "2022-03-05")]),
    # a results list: tier then winner, several winners
    ("<AWARD>제5회 사진 공모전</AWARD> 결과 ▲<TIER>대상</TIER> <RECIPIENT>김하나</RECIPIENT> ▲<TIER>우수상</TIER> "
     "<RECIPIENT>이두리</RECIPIENT>·<RECIPIENT>박세찬</RECIPIENT>이 뽑혔다.", None,
     [("김하나", "제5회 사진 공모전", "대상", None, None), ("이두리", "제5회 사진 공모전", "우수상", None, None),
      ("박세찬", "제5회 사진 공모전", "우수상", None, None)]),
    # no recipient anywhere: no event (a contest announcement)
    ("<AWARD>2023 디자인 공모전</AWARD>에서 <TIER>대상</TIER> 1팀에 상금을 준다.", None, []),
]


@pytest.mark.parametrize("markup, published, want", CASES)
def test_pairing_truth_table(markup, published, want):
    assert sorted(events_from_markup(markup, published)) == sorted(want)


@pytest.mark.parametrize("award, organizer", [
    ("행정안전부 적극행정 경진대회", "행정안전부"),
    ("2019년 행정제도 개선 경진대회", None),     # 행정제도 is not a body
    ("매일경제 100대 기업", "매일경제"),
    ("대한민국 기술대상", None),
    ("평가", None),
])
def test_implied_organizer(award, organizer):
    assert implied_organizer(award) == organizer
