"""The rule layer on gold spans: the seed article's three events, and pairing truth tables."""
import datetime as dt

import pytest

from kr_event.corpus.markup import parse_markup
from kr_event.rules.assemble import assemble
from kr_event.rules.organizers import expanded, full_form, implied_organizer, same_place
from kr_event.rules.clauses import list_item
from kr_event.rules.recipients import contracted
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
    # the cue before the organizer ("주최 환경부가"); a school's short form written out elsewhere
    ("<RECIPIENT>한빛고</RECIPIENT>가 <AWARD>2021 과학 대회</AWARD>에서 <TIER>금상</TIER>을 받았다. "
     "주최 <ORGANIZER>환경부</ORGANIZER>가 연 시상식에는 한빛고등학교 학생들이 참석했다.", None,
     [("한빛고등학교", "2021 과학 대회", "금상", "환경부", None)]),
    # a background prize ("…에도 … 받은 바 있다") takes no organizer from elsewhere in the text
    ("<RECIPIENT>가람시</RECIPIENT>는 <ORGANIZER>환경부</ORGANIZER>가 주관한 <AWARD>2022 녹색 평가</AWARD>에서 "
     "<TIER>대상</TIER>을 받았다. 시는 <DATE>2019년</DATE>에도 <AWARD>2019 물 평가</AWARD>에서 <TIER>우수상</TIER>을 "
     "받은 바 있다.", None,
     [("가람시", "2022 녹색 평가", "대상", "환경부", None), ("가람시", "2019 물 평가", "우수상", None, "2019")]),
    # a TIER span that names no prize (a division) makes no event
    ("<RECIPIENT>가람고</RECIPIENT>가 <AWARD>2023 토론 대회</AWARD> <TIER>고등부</TIER>에서 <TIER>대상</TIER>을 받았다.",
     None, [("가람고", "2023 토론 대회", "대상", None, None)]),
    # "각각": as many prizes as winners, paired in order
    ("<AWARD>2021 마을 발표회</AWARD>에서 <RECIPIENT>반송2동</RECIPIENT>과 <RECIPIENT>좌1동</RECIPIENT>이 각각 "
     "<TIER>최우수상</TIER>과 <TIER>우수상</TIER>을 받았다.", None,
     [("반송2동", "2021 마을 발표회", "최우수상", None, None), ("좌1동", "2021 마을 발표회", "우수상", None, None)]),
    # a tally of prizes ("대상 1곳, 우수상 3곳") is no prize of the main body
    ("<RECIPIENT>세진건설</RECIPIENT>은 <AWARD>2021 건축대전</AWARD>에서 <TIER>최우수상</TIER>을 받았다. "
     "이번 대전에서는 <TIER>대상</TIER> 1곳, <TIER>우수상</TIER> 6곳이 선정됐다.", None,
     [("세진건설", "2021 건축대전", "최우수상", None, None)]),
    # list items with parentheses and quoted titles between the winners
    ("<AWARD>제9회 수필 공모전</AWARD> <TIER>우수상</TIER>은 ▲<RECIPIENT>김동수</RECIPIENT>(횡성·농업) "
     "▲<RECIPIENT>박준혁</RECIPIENT>(평창) 씨와 <RECIPIENT>하지원</RECIPIENT> 씨의 ‘아침’과 <RECIPIENT>류상철</RECIPIENT> 씨에게 돌아갔다.",
     None, [(n, "제9회 수필 공모전", "우수상", None, None) for n in ("김동수", "박준혁", "하지원", "류상철")]),
    # 구는 refers to the winner named in the title/lead, not to the name repeated most often
    ("<RECIPIENT>가람구</RECIPIENT>, 행정 평가에서 영예\n구는 <AWARD>2022 행정 평가</AWARD>에서 <TIER>대상</TIER>을 받았다. "
     "<RECIPIENT>나래동</RECIPIENT>은 별도로 <AWARD>2022 마을 발표회</AWARD>에서 <TIER>우수상</TIER>을 받았다. "
     "<RECIPIENT>나래동</RECIPIENT> 주민들이 기뻐했다.", None,
     [("가람구", "2022 행정 평가", "대상", None, None), ("나래동", "2022 마을 발표회", "우수상", None, None)]),
    # the winner's fullest name: with the title the document gives it elsewhere
    ("한빛고 <RECIPIENT>김서윤 학생</RECIPIENT>이 글쓰기 대회에서 입상했다. <RECIPIENT>김서윤</RECIPIENT>은 "
     "<AWARD>제15회 글쓰기 대회</AWARD>에서 <TIER>대상</TIER>을 받았다.", None,
     [("김서윤 학생", "제15회 글쓰기 대회", "대상", None, None)]),
    # a list of prizes answers a list of winners in order, even without 각각 (a headline)
    ("<RECIPIENT>가람전자</RECIPIENT>·<RECIPIENT>나래전기</RECIPIENT>, '<AWARD>2024 디자인 어워드</AWARD>' "
     "<TIER>금상</TIER>·<TIER>은상</TIER>", None,
     [("가람전자", "2024 디자인 어워드", "금상", None, None), ("나래전기", "2024 디자인 어워드", "은상", None, None)]),
    # names listed together are two winners: a later 금상 of one never renames the other's event
    ("<RECIPIENT>가람전자</RECIPIENT>와 <RECIPIENT>나래전기</RECIPIENT>가 <AWARD>2024 디자인 어워드</AWARD>에서 각각 "
     "<TIER>금상</TIER>과 <TIER>은상</TIER>을 받았다. 심사는 3단계로 진행됐다. <TIER>금상</TIER>은 음성 리모컨이, "
     "<RECIPIENT>나래전기</RECIPIENT>는 곡면 화면으로 <TIER>은상</TIER>을 받았다.", None,
     [("가람전자", "2024 디자인 어워드", "금상", None, None), ("나래전기", "2024 디자인 어워드", "은상", None, None),
      ("나래전기", "2024 디자인 어워드", "금상", None, None)]),
    # a judging period ("1월부터 10월까지") is not the date of the prize; the report date is
    ("<ORGANIZER>가람시</ORGANIZER>는 <AWARD>2022 재활용 평가</AWARD>에서 <RECIPIENT>나래구</RECIPIENT>가 "
     "<TIER>대상</TIER>을 받았다고 <DATE>13일</DATE> 밝혔다. 평가는 <DATE>올해 1월</DATE>부터 <DATE>10월</DATE>까지 "
     "진행됐다.", "2022-12-13",
     [("나래구", "2022 재활용 평가", "대상", "가람시", "2022-12-13")]),
    ("<ORGANIZER>가람도</ORGANIZER>는 도내 시군의 <DATE>상반기</DATE> 실적을 점검한 <AWARD>2016년 일자리 평가</AWARD>에서 "
     "<RECIPIENT>나래시</RECIPIENT>를 <TIER>최우수기관</TIER>으로 선정했다고 <DATE>7일</DATE> 밝혔다.", "2016-09-08",
     [("나래시", "2016년 일자리 평가", "최우수기관", "가람도", "2016-09-07")]),
    # a ceremony sentence before the prize gives its date when the prize's own sentences give none
    ("<AWARD>제5회 농업인 대상</AWARD> 수상자가 가려졌다. 시상식은 <DATE>20일</DATE> 도청에서 열렸다. "
     "<TIER>대상</TIER>은 <RECIPIENT>이정숙</RECIPIENT> 씨가 받았다. 이 씨는 <DATE>2016년</DATE> 귀농했다.",
     "2020-11-20", [("이정숙", "제5회 농업인 대상", "대상", None, "2020-11-20")]),
    # an earlier prize whose name starts with a body gets that body; a bare region gives way to
    # the body the text says ran the contest
    ("<RECIPIENT>홍성호</RECIPIENT> 씨가 <AWARD>제20회 가람도 농업인 대상</AWARD>에서 <TIER>대상</TIER>을 받았다. "
     "그는 2017년 <AWARD>제14회 괴산군 농업인상</AWARD>에서도 <TIER>우수상</TIER>을 받은 바 있다.", None,
     [("홍성호", "제20회 가람도 농업인 대상", "대상", None, None),
      ("홍성호", "제14회 괴산군 농업인상", "우수상", "괴산군", None)]),
    ("<ORGANIZER>경기음악교육협회</ORGANIZER>가 주최한 <AWARD>제9회 경기 청소년 관현악 경연대회</AWARD>에서 "
     "<RECIPIENT>하모니아 오케스트라</RECIPIENT>가 <TIER>금상</TIER>을 받았다.", None,
     [("하모니아 오케스트라", "제9회 경기 청소년 관현악 경연대회", "금상", "경기음악교육협회", None)]),
    ("<RECIPIENT>가람은행</RECIPIENT>이 <AWARD>2019 한국금융신보 금융대상</AWARD>에서 <TIER>대상</TIER>을 받았다.", None,
     [("가람은행", "2019 한국금융신보 금융대상", "대상", "한국금융신보", None)]),
    # a division before the prize and a "winner" word after it are not part of the tier
    ("<AWARD>제27회 시조 백일장</AWARD>에서 <RECIPIENT>유다현 학생</RECIPIENT>이 <TIER>고등부 장원</TIER>을 차지했다. "
     "<RECIPIENT>가람군</RECIPIENT>은 <AWARD>2023 통계 경진대회</AWARD>에서 <TIER>우수상 수상기관</TIER>으로 뽑혔다.", None,
     [("유다현 학생", "제27회 시조 백일장", "장원", None, None), ("가람군", "2023 통계 경진대회", "우수상", None, None)]),
    # an office stands for its body; a headline's short name (충북) is the body named in full
    ("<RECIPIENT>가람1동 주민센터</RECIPIENT>가 <AWARD>2019 민원실 평가</AWARD>에서 <TIER>우수기관</TIER>으로 뽑혔다.", None,
     [("가람1동", "2019 민원실 평가", "우수기관", None, None)]),
    ("<AWARD>디지털 혁신평가</AWARD>…<RECIPIENT>충북</RECIPIENT> <TIER>최우수상</TIER>\n<AWARD>2023년 디지털 혁신평가</AWARD>에서 "
     "<RECIPIENT>충청북도</RECIPIENT>가 <TIER>최우수상</TIER>을 받았다.", None,
     [("충청북도", "2023년 디지털 혁신평가", "최우수상", None, None)]),
    # a prize as topic ("우수상은 …"): its winners follow it, up to the next prize
    ("<AWARD>2022 청년 창업 경진대회</AWARD> <TIER>최우수상</TIER>은 <RECIPIENT>남도윤 대표</RECIPIENT>가, <TIER>우수상</TIER>은 "
     "▲담양 ‘대숲공방’ <RECIPIENT>조하람 대표</RECIPIENT> ▲해남 <RECIPIENT>정민재 대표</RECIPIENT>가 각각 차지했다.", None,
     [("남도윤 대표", "2022 청년 창업 경진대회", "최우수상", None, None),
      ("조하람 대표", "2022 청년 창업 경진대회", "우수상", None, None),
      ("정민재 대표", "2022 청년 창업 경진대회", "우수상", None, None)]),
    # a count of winners, and the next sentence (with no prize of its own) names them
    ("<AWARD>2023 데이터 평가</AWARD>에서 뽑힌 <TIER>우수기관</TIER>은 모두 64곳이다. 광역 중에서는 <RECIPIENT>가람시</RECIPIENT>와 "
     "<RECIPIENT>나래도</RECIPIENT>가, 공공기관 중에서는 <RECIPIENT>다솜공사</RECIPIENT>가 이름을 올렸다.", None,
     [(n, "2023 데이터 평가", "우수기관", None, None) for n in ("가람시", "나래도", "다솜공사")]),
    # "…" ends a headline clause: each winner keeps its own prize
    ("<RECIPIENT>가람건설</RECIPIENT>, <AWARD>건설안전 경진대회</AWARD> '<TIER>대상</TIER>'…<RECIPIENT>나래건설</RECIPIENT> "
     "<TIER>우수상</TIER>", None,
     [("가람건설", "건설안전 경진대회", "대상", None, None), ("나래건설", "건설안전 경진대회", "우수상", None, None)]),
    # a known short name is written out when the document writes the full name; a team named
    # with and without its school is one winner
    ("<RECIPIENT>전남도</RECIPIENT>가 <AWARD>2021년 귀농 평가</AWARD>에서 <TIER>우수기관</TIER>에 올랐다. 전라남도 관계자는 기뻐했다.",
     None, [("전라남도", "2021년 귀농 평가", "우수기관", None, None)]),
    ("<RECIPIENT>운정중 태권도부</RECIPIENT>, <AWARD>품새 대회</AWARD> <TIER>1위</TIER>\n<RECIPIENT>태권도부</RECIPIENT>가 "
     "<AWARD>제14회 품새 대회</AWARD>에서 <TIER>1위</TIER>를 차지했다.", None,
     [("운정중 태권도부", "제14회 품새 대회", "1위", None, None)]),
    # a shop name ending in 상 (밥상) is no prize even when tagged as one
    ("<AWARD>제5회 요리 경연대회</AWARD>에서 ‘<TIER>바다밥상</TIER>’의 <RECIPIENT>정다은 셰프</RECIPIENT>가 <TIER>1위</TIER>를 "
     "차지했다.", None, [("정다은 셰프", "제5회 요리 경연대회", "1위", None, None)]),
    # the prize's sentence names the award in short; the event takes the full name given elsewhere
    ("<RECIPIENT>가람구</RECIPIENT>는 <AWARD>2021년 공공데이터 활용 우수사례 평가</AWARD> 결과를 알렸다. "
     "<AWARD>공공데이터 활용 평가</AWARD>에서 구는 <TIER>우수상</TIER>을 받았다.", None,
     [("가람구", "2021년 공공데이터 활용 우수사례 평가", "우수상", None, None)]),
    # a list of prizes with their own organizers: each award takes the one of its own item
    ("<RECIPIENT>가람시</RECIPIENT>는 ▲<ORGANIZER>환경부</ORGANIZER> 주관 ‘<AWARD>2019 대기 평가</AWARD>’ <TIER>장려상</TIER> "
     "▲<ORGANIZER>보건복지부</ORGANIZER> 주관 ‘<AWARD>2019 건강 평가</AWARD>’ <TIER>최우수상</TIER>을 받았다.", None,
     [("가람시", "2019 대기 평가", "장려상", "환경부", None), ("가람시", "2019 건강 평가", "최우수상", "보건복지부", None)]),
    # only a unit (동, 과, 팀 …) stands in for the main body: another person's prize is their own
    ("<RECIPIENT>채하람 학생</RECIPIENT>, ‘<AWARD>청소년 백일장</AWARD>’ <TIER>장원</TIER>\n"
     "<RECIPIENT>채하람 학생</RECIPIENT>이 <AWARD>제22회 청소년 백일장</AWARD>에서 고등부 <TIER>장원</TIER>을 차지했다. "
     "중등부 <TIER>장원</TIER>은 <RECIPIENT>봉다솜 학생</RECIPIENT>에게 돌아갔다.", None,
     [("채하람 학생", "제22회 청소년 백일장", "장원", None, None), ("봉다솜 학생", "제22회 청소년 백일장", "장원", None, None)]),
    # prizes listed before their winners, paired in order by 각각
    ("<AWARD>2020 어촌 경진대회</AWARD>의 <TIER>최우수상</TIER>과 <TIER>우수상</TIER>은 <RECIPIENT>동백섬 어촌계</RECIPIENT>와 "
     "<RECIPIENT>솔밭2리 어촌계</RECIPIENT>가 각각 받았다.", None,
     [("동백섬 어촌계", "2020 어촌 경진대회", "최우수상", None, None), ("솔밭2리 어촌계", "2020 어촌 경진대회", "우수상", None, None)]),
    # the organizers are named in another sentence: the host (주최) before the runner (주관)
    ("<RECIPIENT>가람 이야기꾼</RECIPIENT>이 <AWARD>2019 도시재생 공모</AWARD>에서 <TIER>대상</TIER>을 받았다. 이번 공모는 "
     "<ORGANIZER>도시재생협회</ORGANIZER>가 주관하고 <ORGANIZER>국토교통부</ORGANIZER>가 주최했다.", None,
     [("가람 이야기꾼", "2019 도시재생 공모", "대상", "국토교통부", None)]),
    # an earlier prize dated by nothing but its name took place that year
    ("<RECIPIENT>가람전자</RECIPIENT>가 <AWARD>2024 디자인 어워드</AWARD>에서 <TIER>대상</TIER>을 받았다. 회사는 "
     "<AWARD>2014 코리아 디자인 어워드</AWARD>에서도 <TIER>동상</TIER>을 받은 바 있다.", None,
     [("가람전자", "2024 디자인 어워드", "대상", None, None), ("가람전자", "2014 코리아 디자인 어워드", "동상", None, "2014")]),
    # an award is never only its year: a name the tagger split after its year is one award
    ("<DATE>지난 19일</DATE> 열린 ‘<AWARD>2012년</AWARD> <AWARD>가람시 제2회 행정 발표회</AWARD>’에서 <RECIPIENT>나래구</RECIPIENT>가 "
     "<TIER>장려상</TIER>을 받았다.", "2012-10-25",
     [("나래구", "2012년 가람시 제2회 행정 발표회", "장려상", None, "2012-10-19")]),
    # the tagger took the grade into the award name: an award is never named "… 우수상"
    ("<RECIPIENT>나래구</RECIPIENT>가 <AWARD>제3회 가람시 행정 발표회 우수상</AWARD>을 받았다.", None,
     [("나래구", "제3회 가람시 행정 발표회", "우수상", None, None)]),
    # … but may be named "… 대상"
    ("<RECIPIENT>가람전자</RECIPIENT>가 <AWARD>2024 대한민국 디자인 대상</AWARD>에서 <TIER>금상</TIER>을 받았다.", None,
     [("가람전자", "2024 대한민국 디자인 대상", "금상", None, None)]),
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
    ("2022 지방정부 공공데이터 분석 경진대회", None),  # generic words that end like a body
    ("2022년 시도교육청 평가", None),
    ("제7회 교육기부 대상", None),
    ("2019 한국금융신보 금융대상", "한국금융신보"),
])
def test_implied_organizer(award, organizer):
    assert implied_organizer(award) == organizer


@pytest.mark.parametrize("name, text, want", [
    ("한빛고", "한빛고등학교 학생", "한빛고등학교"),
    ("한빛고", "다른 글", "한빛고"),               # not written out: unchanged
    ("동해대", "동해대학교는", "동해대학교"),
    ("서울여고", "서울여자고등학교", "서울여자고등학교"),
    ("종로구", "종로구청", "종로구"),
    ("세무과", "서초구 세무과가 1위", "서초구 세무과"),   # a department with its parent body
    ("길음1동", "성북구 길음1동이", "길음1동"),          # a 동 is named on its own
])
def test_full_form(name, text, want):
    assert full_form(name, text) == want


@pytest.mark.parametrize("a, b, same", [("한빛고", "한빛고등학교", True), ("동해대", "동해대학교", True),
                                        ("한빛고", "한빛중", False), ("가람시", "가람구", False)])
def test_short_forms_compare_equal(a, b, same):
    assert (expanded(a) == expanded(b)) is same


@pytest.mark.parametrize("a, b, same", [("포항", "포항시", True), ("김해시", "김해", True), ("성동", "성동구", True),
                                        ("포항", "포항군청", False), ("시", "시청", False), ("경남", "경남교육청", False)])
def test_same_place(a, b, same):
    assert same_place(a, b) is same


@pytest.mark.parametrize("short, long_, same", [
    ("경남교육청", "경상남도교육청", True), ("새결대병원", "새결대학교병원", True),
    ("남구", "남동구", False),                    # too short to tell: two districts
    ("하람손보", "하람손해보험", False),           # the kind of body (보험) is not kept
    ("서울시청", "서울특별시", False), ("경남교육청", "경북교육청", False),
])
def test_contracted_names(short, long_, same):
    assert contracted(short, long_) is same


@pytest.mark.parametrize("text, pos, want", [
    ("가람시는 ▲A 대상 ▲B 우수상을 받았다.", 8, (6, 11)),
    ("가람시는 ▲A 대상 ▲B 우수상을 받았다.", 12, (12, 23)),
    ("가람시는 A 대상을 받았다.", 6, None),      # no list
])
def test_list_item(text, pos, want):
    assert list_item(text, (0, len(text)), pos) == want
