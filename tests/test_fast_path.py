"""Fast-path options of the tagger on a tiny random model: int8 keeps spans valid, the cue
prefilter skips cue-less windows and keeps cue windows, decoding on ids equals the reference.
No timing assertions (timings live in eval/bench.py and eval/BENCHMARKS.md)."""
import random

import pytest

from kr_event.errors import ConfigError
from kr_event.tagger.labels import ID2LABEL
from kr_event.tagger.model import STAGES, Tagger, decode, decode_ids

NO_CUE = "서울시는 내년도 예산안을 편성해 시의회에 제출했다고 21일 밝혔다. 복지 비중이 늘었다. "
CUE = "종로구가 행정안전부 주관 경진대회에서 대통령상을 수상했다고 25일 밝혔다. "


def _key(spans):
    return [(s.label, s.start, s.end, s.text) for s in spans]


def _valid(texts, results):
    assert len(results) == len(texts)
    for text, spans in zip(texts, results):
        for s in spans:
            assert 0 <= s.start < s.end <= len(text) and text[s.start:s.end] == s.text
            assert s.label in {lab[2:] for lab in ID2LABEL.values() if lab != "O"}


@pytest.fixture(scope="module")
def texts():
    return [CUE, NO_CUE * 6, CUE + NO_CUE * 8 + "그리고 " + CUE, "짧은 글", NO_CUE + CUE]


@pytest.mark.parametrize("mode", ["int8", "int8-channel"])
def test_int8_keeps_spans_valid(tiny_model, texts, mode):
    import torch
    from torch import nn

    tagger = Tagger(tiny_model, threads=1, batch_size=2, quantize=mode)
    kinds = {name: type(m) for name, m in tagger.model.named_modules()}
    ffn_out = [n for n in kinds if n.endswith(".output.dense") and ".attention." not in n]
    assert ffn_out and all(kinds[n] is nn.Linear for n in ffn_out)  # kept fp32
    assert kinds["classifier"] is nn.Linear
    qkv = [n for n in kinds if n.endswith(".attention.self.query")]
    assert qkv and all(kinds[n] is not nn.Linear for n in qkv)  # dynamic int8 Linear
    results = tagger.tag(texts)
    _valid(texts, results)
    assert any(results)  # a random model tags something
    assert tagger.counts["documents"] == len(texts) and tagger.timings["forward"] > 0
    assert torch.get_num_threads() == 1


def test_int8_rejects_unknown_mode(tiny_model):
    with pytest.raises(ConfigError, match="quantize"):
        Tagger(tiny_model, threads=1, quantize="int4")


def _count_rows(tagger):
    seen = []

    def hook(module, args, kwargs, output):
        seen.append(int(kwargs["input_ids"].shape[0]))

    tagger.model.register_forward_hook(hook, with_kwargs=True)
    return seen


def _windows(tagger, text):
    """(start char, end char, has cue) of every window of `text` (NFC input)."""
    from kr_event.tagger.cues import has_cue
    from kr_event.tagger.windows import encode, window_starts

    enc = encode(tagger.tokenizer, text)
    body = tagger.max_length - 2
    out = []
    for st in window_starts(len(enc.ids), body, tagger.stride):
        a, b = enc.offsets[st][0], enc.offsets[min(st + body, len(enc.ids)) - 1][1]
        out.append((a, b, has_cue(text, a, b)))
    return out


def test_prefilter_skips_cueless_windows(tiny_model, texts):
    full = Tagger(tiny_model, threads=1, batch_size=2)
    fast = Tagger(tiny_model, threads=1, batch_size=2, prefilter=True)
    rows = _count_rows(fast)
    windows = [_windows(fast, t) for t in texts]
    n_cue = sum(c for ws in windows for *_, c in ws)
    n_all = sum(len(ws) for ws in windows)
    assert 0 < n_cue < n_all and len(windows[2]) >= 3  # the fixture mixes both kinds
    got, ref = fast.tag(texts), full.tag(texts)
    _valid(texts, got)
    assert sum(rows) == n_cue  # the encoder saw exactly the cue windows
    assert fast.counts["windows"] == n_all and fast.counts["windows_skipped"] == n_all - n_cue
    for text, ws, g, r in zip(texts, windows, got, ref):
        if all(c for *_, c in ws):  # nothing skipped: the same spans (scores up to batching noise)
            assert _key(g) == _key(r)
            assert [s.score for s in g] == pytest.approx([s.score for s in r], abs=1e-5)
        if not any(c for *_, c in ws):
            assert g == []  # no cue: no spans, no forward pass
        cue = [(a, b) for a, b, c in ws if c]
        skipped = [(a, b) for a, b, c in ws if not c]
        for s in g:  # every span comes from a cue window (its end may reach the end of its word)
            assert any(a <= s.start < b for a, b in cue)
        for s in r:  # a span wholly inside a cue window, clear of skipped windows, is kept
            inside = any(a <= s.start and s.end <= b for a, b in cue)
            clear = all(s.end <= a or s.start >= b for a, b in skipped)
            if inside and clear:
                assert (s.label, s.start, s.end, s.text) in _key(g)


def test_prefilter_cue_table():
    from kr_event.tagger.cues import has_cue

    for text in ["대통령상을 받았다", "경기도교육감상", "신인상 수상", "대상을 차지했다", "종합 1위",
                 "우수기관 선정", "기관표창", "금메달", "A등급"]:
        assert has_cue(text), text
    for text in ["10명 이상 참석했다", "세상을 바꾸는 힘", "물가 상승과 상황", "지원 대상자 모집", NO_CUE]:
        assert not has_cue(text), text
    assert has_cue("앞 문장. 대상을 받았다", 6) and not has_cue("대상을 받았다. 뒤 문장", 9)


def test_decode_ids_equals_reference():
    import torch

    labels = list(ID2LABEL.values())
    types = sorted({lab[2:] for lab in labels if lab != "O"})
    type_of = [types.index(lab[2:]) if lab != "O" else -1 for lab in labels]
    is_begin = [lab.startswith("B-") for lab in labels]
    rng = random.Random(7)
    for n in [1, 2, 5, 40, 300]:
        for _ in range(30):
            # skewed towards O and I- so that runs, repairs and type switches all occur
            ids = [rng.choice([0, 0, 0] + list(range(1, len(labels)))) for _ in range(n)]
            conf = [rng.random() for _ in range(n)]
            ref = decode([labels[i] for i in ids], conf)
            got = decode_ids(torch.tensor(ids), torch.tensor(conf, dtype=torch.float64), type_of, is_begin, 0)
            assert [(types[k], a, b) for k, a, b, _ in got] == [(t, a, b) for t, a, b, _ in ref]
            assert [s for *_, s in got] == pytest.approx([s for *_, s in ref])


def test_timings_cover_every_stage(tiny_model):
    from kr_event.pipeline import EventExtractor

    ex = EventExtractor(tiny_model, threads=1, batch_size=2)
    ex.extract_batch([CUE, NO_CUE])
    assert set(ex.timings) == set(STAGES) | {"rules"}
    assert all(v >= 0 for v in ex.timings.values()) and ex.timings["forward"] > 0
    ex.tagger.reset_timings()
    assert not any(ex.timings.values()) and not any(ex.tagger.counts.values())


@pytest.mark.parametrize("asked, native, want", [
    ("fp32", True, "fp32"), ("bf16", False, "bf16"), ("auto", True, "bf16"), ("auto", False, "fp32"),
])
def test_precision_resolution(monkeypatch, asked, native, want):
    import torch

    from kr_event.tagger import precision

    monkeypatch.setattr(precision, "cpu_has_native_bf16", lambda: native)
    assert precision.resolve_precision(asked, torch.device("cpu")) == want


def test_precision_rejects_unknown_and_int8_mix(tiny_model):
    from kr_event.errors import KrEventError

    with pytest.raises(KrEventError, match="precision must be one of"):
        Tagger(tiny_model, precision="fp16")
    with pytest.raises(KrEventError, match="alternatives"):
        Tagger(tiny_model, precision="bf16", quantize="int8")


def test_bf16_forward_keeps_spans_valid(tiny_model, texts):
    tagger = Tagger(tiny_model, threads=1, batch_size=2, precision="bf16")
    assert tagger.precision == "bf16"
    results = tagger.tag(texts)
    _valid(texts, results)
