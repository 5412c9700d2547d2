"""Tokenise a whole document once, then cut it into overlapping windows of subword tokens.

Training and inference share this code, so a model sees at run time exactly the windows it was
trained on. Offsets always point into the text that was tokenised.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .labels import IGNORE, LABEL2ID


@dataclass(frozen=True, slots=True)
class Encoded:
    ids: list[int]                      # subword ids, no special tokens
    offsets: list[tuple[int, int]]      # char offsets of each subword


def encode(tokenizer: Any, text: str) -> Encoded:
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True,
                    return_attention_mask=False, verbose=False)  # long texts are windowed below
    offsets = [(int(s), int(e)) for s, e in enc["offset_mapping"]]
    # XLM-R pieces may carry the leading space ("▁x"): point offsets at the first real char
    fixed = []
    for s, e in offsets:
        while s < e and text[s].isspace():
            s += 1
        fixed.append((s, e))
    return Encoded(list(enc["input_ids"]), fixed)


def window_starts(n_tokens: int, size: int, stride: int) -> list[int]:
    """Start positions of windows of `size` tokens overlapping by `stride` tokens."""
    if size <= stride:
        raise ValueError(f"window size {size} must exceed stride {stride}")
    if n_tokens <= size:
        return [0]
    step = size - stride
    starts = list(range(0, n_tokens - size, step))
    starts.append(n_tokens - size)
    return starts


def token_labels(offsets: Sequence[tuple[int, int]], spans: Sequence[dict]) -> list[int]:
    """IOB2 label id per token: B on the first token that overlaps a span, I on the rest."""
    labels = [LABEL2ID["O"]] * len(offsets)
    ordered = sorted(spans, key=lambda s: s["start"])
    k, last_span = 0, -1
    for i, (s, e) in enumerate(offsets):
        if s >= e:
            continue
        while k < len(ordered) and ordered[k]["end"] <= s:
            k += 1
        if k < len(ordered) and ordered[k]["start"] < e:
            prefix = "I-" if last_span == k else "B-"
            labels[i] = LABEL2ID[prefix + ordered[k]["label"]]
            last_span = k
    return labels


def training_windows(tokenizer: Any, text: str, spans: Sequence[dict], size: int, stride: int) -> list[dict]:
    """Model inputs (with CLS/SEP) and aligned labels for every window of one document."""
    enc = encode(tokenizer, text)
    labels = token_labels(enc.offsets, spans)
    body = size - 2
    out = []
    for st in window_starts(len(enc.ids), body, stride):
        ids = enc.ids[st:st + body]
        lab = labels[st:st + body]
        # a window that starts inside a span must not start with I- (invalid IOB2)
        if lab and lab[0] != LABEL2ID["O"]:
            name = [k for k, v in LABEL2ID.items() if v == lab[0]][0]
            lab = [LABEL2ID["B-" + name[2:]]] + lab[1:]
        out.append({
            "input_ids": [tokenizer.cls_token_id] + ids + [tokenizer.sep_token_id],
            "labels": [IGNORE] + lab + [IGNORE],
        })
    return out
