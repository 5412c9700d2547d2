"""Vocabulary trimming of the XLM-R unigram vocabulary for Korean.

Kept pieces:

* the special tokens (``<s> <pad> </s> <unk> <mask>``);
* every piece containing Hangul (syllables, jamo, compatibility / half-width jamo);
* pieces made only of ASCII, digits / numbers, punctuation and symbols (``▁`` ignored);
* CJK pieces: made only of Han ideographs (Hanja), kana and CJK symbols, optionally mixed
  with the above;
* every piece the full tokenizer produces on a Korean corpus (KLUE NER train raw
  sentences + dev sentences by default, plus any extra text files);
* closure: the single-character piece of every character of a kept piece, so no
  character of kept text falls back to ``<unk>`` where the full vocabulary had a piece.

The unigram vocabulary is remapped in its original order with its scores, so text whose
full-vocabulary segmentation uses only kept pieces is segmented identically (the optimal
Viterbi path is still available and nothing better was added). Word-embedding rows are
sliced accordingly.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

KLUE_TRAIN = "klue-ner-v1_train-raw-sent.tsv"
KLUE_DEV = "klue-ner-v1.1_dev.tsv"
META = "\u2581"
_MARKUP = re.compile(r"<([^<>]*):([A-Z]{2,3})>")


# ------------------------------------------------------------------ corpus
def shared_dir(shared: str | os.PathLike | None = None) -> Path:
    """``shared`` argument, else the project-wide default (kr_event.corpus.shared)."""
    from ..corpus.shared import shared_dir as default_shared

    return Path(shared) if shared is not None else default_shared()


def corpus_dir(shared: str | os.PathLike | None = None) -> Path:
    """Folder holding the KLUE NER files (``<shared>/data/klue``)."""
    base = shared_dir(shared)
    return base if (base / KLUE_TRAIN).is_file() else base / "data" / "klue"


def default_corpus(shared: str | os.PathLike | None = None) -> list[Path]:
    d = corpus_dir(shared)
    files = [d / KLUE_TRAIN, d / KLUE_DEV]
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            f"KLUE corpus not found ({', '.join(missing)}): set KR_EVENT_SHARED to the shared/ folder")
    return files


def strip_markup(tagged: str) -> str:
    """``<경찰:OG>은`` -> ``경찰은`` (KLUE inline NE markup)."""
    return _MARKUP.sub(r"\1", tagged)


def read_lines(path: str | os.PathLike) -> list[str]:
    """Sentences of one corpus file.

    KLUE dev (``## klue-...<TAB>tagged sentence`` headers; the per-character rows are
    skipped), ``id<TAB>sentence`` TSV files, or plain text (one text per non-empty line).
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    out: list[str] = []
    if any(ln.startswith("## klue-") for ln in lines[:200]):
        for ln in lines:
            if ln.startswith("## klue-") and "\t" in ln:
                out.append(strip_markup(ln.split("\t", 1)[1]))
        return out
    is_tsv = path.suffix.lower() == ".tsv"
    for ln in lines:
        if is_tsv and "\t" in ln:
            ln = ln.split("\t", 1)[1]
        if ln.strip():
            out.append(ln)
    return out


def read_corpus(paths: Iterable[str | os.PathLike]) -> list[str]:
    out: list[str] = []
    for p in paths:
        out.extend(read_lines(p))
    return out


# ------------------------------------------------------------- selection
def _is_hangul(ch: str) -> bool:
    o = ord(ch)
    return (0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F
            or 0xA960 <= o <= 0xA97F or 0xD7B0 <= o <= 0xD7FF or 0xFFA0 <= o <= 0xFFDC)


def _is_cjk(ch: str) -> bool:
    """Han ideographs (Hanja), kana and CJK symbols / radicals."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x2FFFF or 0x3000 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF
            or 0x2E80 <= o <= 0x2FDF or 0xFF66 <= o <= 0xFF9F)


def _is_ascii_punct(ch: str) -> bool:
    return ord(ch) < 0x80 or unicodedata.category(ch)[0] in "PSNZ"


def piece_class(piece: str) -> str | None:
    """Why a piece is kept by rule: ``hangul``, ``ascii``, ``cjk`` or None."""
    body = piece.replace(META, "")
    if any(_is_hangul(c) for c in body):
        return "hangul"
    # the alphabets, not every English/Chinese word: longer pieces stay only if a corpus uses them
    if all(_is_ascii_punct(c) for c in body) and (len(body) <= 2 or not any(c.isalpha() for c in body)):
        return "ascii"
    if len(body) <= 1 and all(_is_cjk(c) or _is_ascii_punct(c) for c in body):
        return "cjk"
    return None


@dataclass
class TrimPlan:
    keep: np.ndarray            # sorted old ids that are kept
    counts: dict[str, int]      # why pieces were kept (a piece counts once, first reason)

    @property
    def size(self) -> int:
        return int(len(self.keep))

    def old_to_new(self, n_old: int) -> np.ndarray:
        m = np.full(n_old, -1, dtype=np.int64)
        m[self.keep] = np.arange(len(self.keep))
        return m


def corpus_pieces(tokenizer, lines: Sequence[str], batch: int = 4096) -> set[str]:
    """Piece strings the (full) ``tokenizers.Tokenizer`` produces on ``lines`` (``<unk>`` excluded)."""
    unk = tokenizer.token_to_id("<unk>")
    seen: set[str] = set()
    for i in range(0, len(lines), batch):
        for enc in tokenizer.encode_batch(list(lines[i:i + batch]), add_special_tokens=False):
            seen.update(t for t, j in zip(enc.tokens, enc.ids) if j != unk)
    return seen


RULES = ("hangul", "ascii", "cjk")


def plan(pieces: Sequence[str], special_ids: Iterable[int], used: Iterable[str] = (),
         rules: Iterable[str] = RULES) -> TrimPlan:
    """Decide which piece ids to keep (see the module docstring).

    ``rules`` picks the rule-based classes kept regardless of the corpus (default all of
    ``hangul``, ``ascii``, ``cjk``); corpus pieces, specials and the closure are always kept.
    """
    rules = set(rules)
    unknown = rules - set(RULES)
    if unknown:
        raise ValueError(f"unknown trim rules {sorted(unknown)}; expected a subset of {RULES}")
    special_ids = list(special_ids)
    index = {p: i for i, p in enumerate(pieces)}
    keep: set[int] = set()
    counts = {"special": 0, "hangul": 0, "ascii": 0, "cjk": 0, "corpus": 0, "closure": 0}
    for i in special_ids:
        if i not in keep:
            keep.add(i)
            counts["special"] += 1
    for i, p in enumerate(pieces):
        if i in keep:
            continue
        cls = piece_class(p)
        if cls in rules:
            keep.add(i)
            counts[cls] += 1
    for p in used:
        i = index.get(p)
        if i is not None and i not in keep:
            keep.add(i)
            counts["corpus"] += 1
    special = set(special_ids)
    for i in list(keep):
        if i in special:
            continue
        for ch in pieces[i]:
            j = index.get(ch)
            if j is not None and j not in keep:
                keep.add(j)
                counts["closure"] += 1
    return TrimPlan(np.array(sorted(keep), dtype=np.int64), counts)


def pieces_of(enc, unk_id: int) -> list[str]:
    """Piece strings of a ``tokenizers.Encoding``, with unknown characters as ``<unk>``."""
    # tokenizers reports an <unk> token by its source text: name it "<unk>" so it never
    # compares equal to a real piece with the same text
    return [t if i != unk_id else "<unk>" for t, i in zip(enc.tokens, enc.ids)]


def line_identity(full_tok, trimmed_tok, lines: Sequence[str], batch: int = 4096) -> dict:
    """Share of lines whose trimmed tokenisation equals the full one (compared as piece strings)."""
    full_unk = full_tok.token_to_id("<unk>")
    trim_unk = trimmed_tok.token_to_id("<unk>")
    same = 0
    diff_examples: list[str] = []
    for i in range(0, len(lines), batch):
        chunk = list(lines[i:i + batch])
        a = full_tok.encode_batch(chunk, add_special_tokens=False)
        b = trimmed_tok.encode_batch(chunk, add_special_tokens=False)
        for line, ea, eb in zip(chunk, a, b):
            if pieces_of(ea, full_unk) == pieces_of(eb, trim_unk):
                same += 1
            elif len(diff_examples) < 5:
                diff_examples.append(line)
    n = len(lines)
    return {"lines": n, "identical": same, "share": (same / n) if n else 1.0, "examples": diff_examples}
