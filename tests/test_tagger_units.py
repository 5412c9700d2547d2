"""Truth tables for the model-free parts of the tagger: IOB2 repair, edge trimming, NFC offsets."""
import unicodedata

import pytest

from kr_event.tagger.edges import batchim, continues, trailing_particle, trim_span
from kr_event.tagger.model import decode
from kr_event.text import normalize
from kr_event.text.sentences import sentences


@pytest.mark.parametrize("labels, spans", [
    (["B-TIER", "I-TIER", "O"], [("TIER", 0, 2)]),
    (["I-TIER", "I-TIER"], [("TIER", 0, 2)]),                      # I- without B-: starts a span
    (["B-AWARD", "I-TIER"], [("AWARD", 0, 1), ("TIER", 1, 2)]),    # label switch: new span
    (["B-DATE", "B-DATE"], [("DATE", 0, 1), ("DATE", 1, 2)]),
    (["O", "O"], []),
    (["B-RECIPIENT", "O", "I-RECIPIENT"], [("RECIPIENT", 0, 1), ("RECIPIENT", 2, 3)]),
])
def test_decode_repairs_iob2(labels, spans):
    got = [(n, s, e) for n, s, e, _ in decode(labels, [0.9] * len(labels))]
    assert got == spans


@pytest.mark.parametrize("piece, label, cut", [
    ("상을", "TIER", 1), ("구가", "RECIPIENT", 1), ("동이", "RECIPIENT", 1), ("대회에서", "AWARD", 2),
    ("기관으로", "TIER", 2), ("시는", "RECIPIENT", 1), ("부의", "ORGANIZER", 1),
    ("예산과", "RECIPIENT", 0),   # department names end in 과
    ("경기도", "RECIPIENT", 0),   # 도 is a name ending for bodies...
    ("해도", "DATE", 1), ("상도", "TIER", 1),   # ...and a particle after dates and tiers
    ("상", "TIER", 0), ("구는", "RECIPIENT", 1),
    ("구은", "RECIPIENT", 0),     # 은 needs a final consonant before it
    ("상를", "TIER", 0),          # 를 needs a vowel before it
])
def test_trailing_particle(piece, label, cut):
    assert trailing_particle(piece, label) == cut


@pytest.mark.parametrize("ch, b", [("가", 0), ("각", 1), ("상", 21), ("을", 8), ("A", None)])
def test_batchim(ch, b):
    assert batchim(ch) == b


@pytest.mark.parametrize("text, start, end, piece, label, want", [
    ("종로구가 상", 0, 4, 2, "RECIPIENT", "종로구"),
    ("‘대통령상을’", 0, 7, 4, "TIER", "대통령상"),
    ("경진대회에서 ", 0, 7, 2, "AWARD", "경진대회"),
    ("창신3동이", 0, 5, 3, "RECIPIENT", "창신3동"),
])
def test_trim_span(text, start, end, piece, label, want):
    s, e = trim_span(text, start, end, piece, label)
    assert text[s:e] == want


def test_nfc_offsets_point_into_the_original():
    original = "A " + unicodedata.normalize("NFD", "종로구가 대통령상을") + " 끝"
    n = normalize(original)
    assert n.text == unicodedata.normalize("NFC", original)
    i = n.text.index("대통령상")
    s, e = n.to_original(i, i + 4)
    assert unicodedata.normalize("NFC", original[s:e]) == "대통령상"


def test_nfc_input_is_not_copied():
    n = normalize("이미 NFC 텍스트")
    assert n.to_original(3, 6) == (3, 6)


@pytest.mark.parametrize("text, expected", [
    ("첫 문장이다. 둘째 문장.\n셋째", ["첫 문장이다.", "둘째 문장.", "셋째"]),
    ("제목\n\n본문 2012. 10. 22. 열렸다.", ["제목", "본문 2012.", "10.", "22.", "열렸다."]),
    ("  \n  ", []),
])
def test_sentences(text, expected):
    assert [text[s:e] for s, e in sentences(text)] == expected


@pytest.mark.parametrize("text, start, end, label, want", [
    ("최우수상을 받았다", 0, 2, "TIER", "최우수상"),              # a piece labelled O inside the word
    ("전라남도교육청은 지난", 0, 6, "RECIPIENT", "전라남도교육청"),  # up to the particle
    ("종로구가 받았다", 0, 3, "RECIPIENT", "종로구"),            # only a particle follows
    ("솔숲마을과 돌담마을", 0, 4, "RECIPIENT", "솔숲마을"),      # 과 after a name is a particle here
    ("평가도 받았다", 0, 2, "AWARD", "평가"),
    ("서울특별시교육청", 0, 2, "RECIPIENT", "서울"),            # too far: the model's call stands
    ("대상 수상", 0, 2, "TIER", "대상"),
])
def test_word_end(text, start, end, label, want):
    from kr_event.tagger.edges import word_end

    assert text[start:word_end(text, start, end, label)] == want


def test_model_names_and_folders(tiny_model, monkeypatch):
    from kr_event.errors import KrEventError
    from kr_event.tagger.model import SHIPPED_MODELS, resolve_model_path

    assert resolve_model_path(tiny_model) == tiny_model
    monkeypatch.setenv("KR_EVENT_MODEL", str(tiny_model))
    assert resolve_model_path(None) == tiny_model          # the environment names the default
    monkeypatch.setitem(SHIPPED_MODELS, "fast", tiny_model)
    assert resolve_model_path("fast") == tiny_model         # a shipped model by name
    with pytest.raises(KrEventError, match="E030.*one of"):
        resolve_model_path("no-such-model")


@pytest.mark.parametrize("text, prev_end, start, want", [
    ("소리마을 어울림터", 7, 7, True),      # began inside the word the previous span ended in
    ("소리마을 어울림터", 9, 7, True),      # overlaps the previous span after its repair
    ("가람구 나래동", 3, 4, False),         # a new word: a new entity
    ("가람구·나래동", 3, 4, False),
    ("가람구와 나래동", 3, 5, False),
    ("", 0, 0, False),
])
def test_continues(text, prev_end, start, want):
    assert continues(text, prev_end, start) is want
