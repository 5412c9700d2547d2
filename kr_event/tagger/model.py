"""The tagger: text -> labelled char spans, with the fine-tuned token classifier.

Documents are tokenised once, cut into overlapping windows, and all windows of a batch of
documents are sorted by length so padding stays small. Overlapping predictions are averaged.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from ..errors import KrEventError
from ..schema import Span
from ..text import normalize
from .edges import trim_span
from .labels import ID2LABEL
from .windows import encode, window_starts

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = REPO_ROOT / "models" / "kr-event-tagger"


def resolve_model_path(model: str | os.PathLike | None) -> Path:
    path = Path(model or os.environ.get("KR_EVENT_MODEL") or DEFAULT_MODEL)
    if not (path / "config.json").is_file():
        raise KrEventError("E030", f"no model at {path} (expected an HF folder with config.json); "
                                   "pass model=... or set KR_EVENT_MODEL")
    return path


def decode(labels: Sequence[str], probs: Sequence[float]) -> list[tuple[str, int, int, float]]:
    """IOB2 labels per token -> (label, first token, last token + 1, score); repairs invalid I-."""
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


class Tagger:
    """Loads an HF token-classification folder; `tag(texts)` returns spans per text."""

    def __init__(self, model: str | os.PathLike | None = None, device: str | None = None,
                 batch_size: int = 16, max_length: int | None = None, stride: int | None = None,
                 threads: int | None = None) -> None:
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        self.path = resolve_model_path(model)
        if threads:
            torch.set_num_threads(threads)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.path)
            self.model = AutoModelForTokenClassification.from_pretrained(self.path, dtype=torch.float32)
        except (OSError, ValueError) as exc:
            raise KrEventError("E030", f"cannot load model from {self.path}: {exc}") from exc
        if not self.tokenizer.is_fast:
            raise KrEventError("E030", "the tagger needs a fast tokenizer (offset mappings)")
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.model.to(self.device).eval()
        cfg = self._train_config()
        self.max_length = max_length or cfg.get("max_length", 256)
        self.stride = stride or cfg.get("stride", 64)
        self.batch_size = batch_size
        self.id2label = {int(k): v for k, v in self.model.config.id2label.items()} or ID2LABEL

    def _train_config(self) -> dict[str, Any]:
        import json

        f = self.path / "train_config.json"
        return json.loads(f.read_text()) if f.is_file() else {}

    def tag(self, texts: Sequence[str]) -> list[list[Span]]:
        import torch

        norms = [normalize(t) for t in texts]
        encs = [encode(self.tokenizer, n.text) for n in norms]
        body = self.max_length - 2
        windows = [(d, st) for d, e in enumerate(encs) for st in window_starts(len(e.ids), body, self.stride)
                   if e.ids]
        windows.sort(key=lambda w: min(body, len(encs[w[0]].ids) - w[1]))
        n_labels = len(self.id2label)
        sums = [torch.zeros(len(e.ids), n_labels) for e in encs]
        cls, sep, pad = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id, self.tokenizer.pad_token_id
        with torch.inference_mode():
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
        return [self._spans(texts[d], norms[d], encs[d], sums[d]) for d in range(len(texts))]

    def _spans(self, original: str, norm, enc, sums) -> list[Span]:
        if not enc.ids:
            return []
        probs, best = sums.max(-1)
        total = sums.sum(-1).clamp_min(1e-9)
        conf = (probs / total).tolist()
        labels = [self.id2label[int(i)] for i in best.tolist()]
        spans: list[Span] = []
        for name, t0, t1, score in decode(labels, conf):
            start, end = enc.offsets[t0][0], enc.offsets[t1 - 1][1]
            start, end = trim_span(norm.text, start, end, enc.offsets[t1 - 1][0], name)
            if end <= start:
                continue
            o_start, o_end = norm.to_original(start, end)
            spans.append(Span(name, o_start, o_end, original[o_start:o_end], score))
        return spans
