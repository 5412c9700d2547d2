"""Property tests of the Python API with a tiny random model: any input, no exception, sane offsets."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kr_event.schema import DocResult

KOREAN = st.sampled_from(list("홍길동서울시대상최우수상을받았다은는이가의에서와과년월일회제")
                         + ["\u1100\u1161", "\u1112\u1161\u11ab"])  # NFD jamo: offsets must map back
PIECES = st.one_of(KOREAN, st.sampled_from([" ", "\n", ".", "·", "「", "」", "<p>", "&amp;", "2012", "年"]),
                   st.characters())
TEXTS = st.one_of(st.text(), st.lists(PIECES, max_size=60).map("".join))
PUBLISHED = st.one_of(st.none(), st.just("2012-10-25"), st.text(max_size=12), st.integers())


@pytest.fixture(scope="module")
def extractor(tiny_model):
    from kr_event.pipeline import EventExtractor

    return EventExtractor(model=tiny_model, batch_size=4, threads=1)


def _check(text, res: DocResult) -> None:
    if res.error is not None:
        assert res.error.code.startswith("E") and not res.spans and not res.events
        return
    for s in res.spans:
        assert 0 <= s.start < s.end <= len(text) and text[s.start:s.end] == s.text
    for ev in res.events:
        for m in ev.mentions:
            assert 0 <= m.start < m.end <= len(text) and text[m.start:m.end] == m.text
        for e in ev.evidence:
            assert 0 <= e.start <= e.end <= len(text) and text[e.start:e.end] == e.text
    DocResult.from_dict(res.to_dict())  # JSON round trip never fails


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(st.tuples(TEXTS, PUBLISHED), min_size=1, max_size=4))
def test_extract_batch_any_input(extractor, docs):
    results = extractor.extract_batch([{"id": str(i), "text": t, "published": p}
                                       for i, (t, p) in enumerate(docs)])
    assert [r.id for r in results] == [str(i) for i in range(len(docs))]
    for (text, _), res in zip(docs, results):
        _check(text, res)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(TEXTS, st.none(), st.integers()), published=PUBLISHED)
def test_run_any_item(extractor, text, published):
    (res,) = extractor._run([("x", text, published, None)])
    assert res.id == "x"
    if not isinstance(text, str):
        assert res.error is not None and res.error.code == "E002"
    _check(text, res)
