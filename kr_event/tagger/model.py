"""The tagger: text -> labelled char spans, with the fine-tuned token classifier.

Documents are tokenised once, cut into overlapping windows, and all windows of a batch of
documents are sorted by length so padding stays small. Overlapping predictions are averaged.
Fast-path options (all off by default, measured in eval/BENCHMARKS.md): int8 dynamic
quantisation (`quantize`, see quantize.py) and an award-cue prefilter (`prefilter`, see cues.py).
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Sequence

from ..errors import KrEventError
from ..schema import Span
from ..text import normalize
from .edges import continues, keep_span, trim_span, word_end, word_start
from .labels import ID2LABEL
from .windows import encode, window_starts

REPO_ROOT = Path(__file__).resolve().parents[2]
# shipped models by name; `model=` also takes any HF folder
SHIPPED_MODELS = {"accurate": REPO_ROOT / "models" / "kr-event-tagger",
                  "fast": REPO_ROOT / "models" / "kr-event-tagger-fast"}
DEFAULT_MODEL_NAME = "accurate"
DEFAULT_MODEL = SHIPPED_MODELS[DEFAULT_MODEL_NAME]
# seconds accumulated per stage in Tagger.timings (EventExtractor adds "rules")
STAGES = ("normalize", "tokenize", "prefilter", "forward", "decode")


def resolve_model_path(model: str | os.PathLike | None) -> Path:
    """A folder, a shipped model's name ("fast", "accurate"), $KR_EVENT_MODEL, or the default."""
    choice = str(model or os.environ.get("KR_EVENT_MODEL") or DEFAULT_MODEL_NAME)
    path = SHIPPED_MODELS.get(choice, Path(choice))
    if not (path / "config.json").is_file():
        raise KrEventError("E030", f"no model at {path} (expected an HF folder with config.json, or one of "
                                   f"{sorted(SHIPPED_MODELS)}); pass model=... or set KR_EVENT_MODEL")
    return path


def decode(labels: Sequence[str], probs: Sequence[float]) -> list[tuple[str, int, int, float]]:
    """IOB2 labels per token -> (label, first token, last token + 1, score); repairs invalid I-.

    The readable reference; the tagger runs `decode_ids` (same result, label ids, fewer loops)."""
    out: list[tuple[str, int, int, float]] = []
    cur: list[Any] | None = None
    for i, lab in enumerate(labels):
        if lab == "O":
            cur = None
            continue
        prefix, name = lab.split("-", 1)
        if prefix == "B" or cur is None or cur[0] != name:
            cur = [name, i, i + 1, [probs[i]]]
            out.append(cur)  # type: ignore[arg-type]
        else:
            cur[2] = i + 1
            cur[3].append(probs[i])
    return [(n, s, e, sum(p) / len(p)) for n, s, e, p in out]


def decode_ids(best: Any, conf: Any, type_of: Sequence[int], is_begin: Sequence[bool],
               o_id: int = 0) -> list[tuple[int, int, int, float]]:
    """`decode` on label ids, looping in Python over the non-O tokens only (found with one torch
    op): best/conf are 1-D tensors per token; type_of[id] is the entity type index, is_begin[id]
    whether the label is B-. Returns (type index, first token, last token + 1, mean conf).
    Measured (eval/BENCHMARKS.md): 1.7x faster than `decode` on 220-token documents, 2.8x on
    5,000 tokens; a fully vectorised variant (scatter/index_add) lost on typical documents."""
    idx = (best != o_id).nonzero().flatten().tolist()
    if not idx:
        return []
    b, c = best.tolist(), conf.tolist()
    out: list[list[Any]] = []
    cur: list[Any] | None = None
    prev = -2
    for i in idx:
        lab = b[i]
        t = type_of[lab]
        if is_begin[lab] or cur is None or prev != i - 1 or cur[0] != t:
            cur = [t, i, i + 1, c[i], 1]
            out.append(cur)
        else:
            cur[2] = i + 1
            cur[3] += c[i]
            cur[4] += 1
        prev = i
    return [(t, s, e, total / n) for t, s, e, total, n in out]


class Tagger:
    """Loads an HF token-classification folder; `tag(texts)` returns spans per text.

    Keyword-only fast-path options:
      quantize  -- None (fp32) or "int8" / "int8-channel": dynamic int8 weights for every
                   nn.Linear but the FFN output layers and the classifier (CPU only);
      prefilter -- run the encoder only on windows with an award cue (kr_event/data/ko/
                   award_cues.json); other windows yield no spans (dates there are lost);
      precision -- "fp32", "bf16" (autocast) or "auto" (bf16 where the CPU/GPU has it
                   natively, see precision.py).
    `timings` accumulates seconds per stage (STAGES) and `counts` windows run/skipped.
    """

    def __init__(self, model: str | os.PathLike | None = None, device: str | None = None,
                 batch_size: int = 16, max_length: int | None = None, stride: int | None = None,
                 threads: int | None = None, *, quantize: str | None = None,
                 prefilter: bool = False, min_score: float | None = None,
                 precision: str = "fp32") -> None:
        import torch

        from .encoder import FastTokenizer, load_model

        self.path = resolve_model_path(model)
        if threads:
            torch.set_num_threads(threads)
        try:  # torch + tokenizers only: no transformers import on the inference path
            self.tokenizer = FastTokenizer(self.path)
            self.model = load_model(self.path)
        except (OSError, ValueError, RuntimeError, KeyError, TypeError) as exc:
            raise KrEventError("E030", f"cannot load model from {self.path}: {exc}") from exc
        if not self.tokenizer.is_fast:
            raise KrEventError("E030", "the tagger needs a fast tokenizer (offset mappings)")
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.model.to(self.device).eval()
        self.quantize = quantize
        if quantize:
            if self.device.type != "cpu":
                raise KrEventError("E030", f"quantize={quantize!r} runs on the CPU only, not {self.device}")
            from .quantize import quantize_model

            self.model = quantize_model(self.model, quantize)
        self.prefilter = prefilter
        from .precision import resolve_precision

        self.precision = resolve_precision(precision, self.device)
        if self.precision == "bf16" and quantize:
            raise KrEventError("E030", "precision='bf16' and quantize are alternatives: choose one")
        cfg = self._train_config()
        self.max_length = max_length or cfg.get("max_length", 256)
        self.stride = stride or cfg.get("stride", 64)
        # the floor belongs to the model it was tuned for (its tagger.json), not to the code
        decoding = self._decoding()
        self.min_score = min_score if min_score is not None else decoding.get("min_score", 0.0)
        self.min_chars = decoding.get("min_chars")
        self.batch_size = batch_size
        self.id2label = {int(k): v for k, v in self.model.config.id2label.items()} or ID2LABEL
        self._types = sorted({lab.split("-", 1)[1] for lab in self.id2label.values() if lab != "O"})
        ids = range(max(self.id2label) + 1)
        labs = [self.id2label.get(i, "O") for i in ids]
        self._type_of = [self._types.index(lab[2:]) if lab != "O" else -1 for lab in labs]
        self._is_begin = [lab.startswith("B-") for lab in labs]
        self._o_id = labs.index("O")
        self.timings: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.counts: dict[str, int] = {"documents": 0, "tokens": 0, "windows": 0, "windows_skipped": 0}

    def _decoding(self) -> dict[str, Any]:
        import json

        f = self.path / "tagger.json"
        return json.loads(f.read_text()) if f.is_file() else {}

    def _train_config(self) -> dict[str, Any]:
        import json

        f = self.path / "train_config.json"
        return json.loads(f.read_text()) if f.is_file() else {}

    def reset_timings(self) -> None:
        for k in self.timings:
            self.timings[k] = 0.0
        for k in self.counts:
            self.counts[k] = 0

    def tag(self, texts: Sequence[str]) -> list[list[Span]]:
        import torch

        clock = time.perf_counter
        t0 = clock()
        norms = [normalize(t) for t in texts]
        t1 = clock()
        encs = [encode(self.tokenizer, n.text) for n in norms]
        body = self.max_length - 2
        windows = [(d, st) for d, e in enumerate(encs) for st in window_starts(len(e.ids), body, self.stride)
                   if e.ids]
        t2 = clock()
        self.counts["windows"] += len(windows)
        if self.prefilter:
            from .cues import has_cue

            kept = []
            for d, st in windows:
                offs = encs[d].offsets
                if has_cue(norms[d].text, offs[st][0], offs[min(st + body, len(offs)) - 1][1]):
                    kept.append((d, st))
            self.counts["windows_skipped"] += len(windows) - len(kept)
            windows = kept
        windows.sort(key=lambda w: min(body, len(encs[w[0]].ids) - w[1]))
        t3 = clock()
        n_labels = len(self.id2label)
        sums = [torch.zeros(len(e.ids), n_labels) for e in encs]
        cls, sep, pad = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id, self.tokenizer.pad_token_id
        from .precision import forward_context

        with torch.inference_mode(), forward_context(self.precision, self.device):
            for b in range(0, len(windows), self.batch_size):
                chunk = windows[b:b + self.batch_size]
                rows = [[cls] + encs[d].ids[st:st + body] + [sep] for d, st in chunk]
                width = max(len(r) for r in rows)
                ids = torch.full((len(rows), width), pad, dtype=torch.long)
                mask = torch.zeros((len(rows), width), dtype=torch.long)
                for i, r in enumerate(rows):
                    ids[i, :len(r)] = torch.tensor(r)
                    mask[i, :len(r)] = 1
                logits = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).logits
                probs = logits.float().softmax(-1).cpu()
                for i, (d, st) in enumerate(chunk):
                    n = len(rows[i]) - 2
                    sums[d][st:st + n] += probs[i, 1:n + 1]
        t4 = clock()
        out = [self._spans(texts[d], norms[d], encs[d], sums[d]) for d in range(len(texts))]
        t5 = clock()
        for stage, dt_ in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            self.timings[stage] += dt_
        self.counts["documents"] += len(texts)
        self.counts["tokens"] += sum(len(e.ids) for e in encs)
        return out

    def _spans(self, original: str, norm, enc, sums) -> list[Span]:
        if not enc.ids:
            return []
        total = sums.sum(-1)
        probs, best = sums.max(-1)
        best = best.masked_fill(total <= 0, self._o_id)  # a token no window covered (prefilter) is O
        conf = probs / total.clamp_min(1e-9)
        spans: list[Span] = []
        prev_end = 0
        for k, t0, t1, score in decode_ids(best, conf, self._type_of, self._is_begin, self._o_id):
            name = self._types[k]
            start, end = enc.offsets[t0][0], enc.offsets[t1 - 1][1]
            start, end = trim_span(norm.text, start, end, enc.offsets[t1 - 1][0], name)
            start = word_start(norm.text, start, prev_end)
            end = word_end(norm.text, start, end, name)
            o_start, o_end = norm.to_original(start, end)
            last = spans[-1] if spans else None
            if last is not None and continues(original, last.end, o_start):
                # one entity of the same type ("어울|림터"), else a fragment to drop
                if last.label == name and o_end > last.end:
                    spans[-1] = Span(name, last.start, o_end, original[last.start:o_end],
                                     min(last.score, score))
                    prev_end = end
                continue
            if end <= start or not keep_span(name, norm.text[start:end], score, self.min_score,
                                                       self.min_chars):
                continue
            prev_end = end
            spans.append(Span(name, o_start, o_end, original[o_start:o_end], score))
        return spans
