"""Training documents -> `datasets.Dataset` of aligned subword windows."""
from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

from ..corpus.annotated import AnnotatedDoc, validate_doc
from ..corpus.markup import parse_source
from ..errors import ConfigError
from ..tagger.labels import IGNORE
from ..tagger.windows import training_windows
from .config import TrainConfig


def expand_patterns(patterns: list[str], root: Path) -> list[Path]:
    paths: list[Path] = []
    for pat in patterns:
        hits = sorted(glob.glob(str(root / pat))) or sorted(glob.glob(pat))
        if not hits:
            raise ConfigError(f"train/dev file pattern {pat!r} matches nothing")
        paths += [Path(h) for h in hits]
    return paths


def load_documents(patterns: list[str], split: str | None, root: Path) -> list[AnnotatedDoc]:
    """Authored sources (`.txt`, filtered by their `split:` header) and JSONL files (via datasets)."""
    docs: list[AnnotatedDoc] = []
    for path in expand_patterns(patterns, root):
        if path.suffix == ".txt":
            docs += [d for d in parse_source(path) if split is None or d.meta.get("split") == split]
        elif path.suffix == ".jsonl":
            import datasets

            ds = datasets.load_dataset("json", data_files=str(path), split="train")
            docs += [AnnotatedDoc.from_dict(r) for r in ds]
        else:
            raise ConfigError(f"{path}: training files must be .txt (authored markup) or .jsonl")
    for d in docs:
        validate_doc(d)
    return docs


def training_documents(cfg: TrainConfig, root: Path) -> tuple[list[AnnotatedDoc], list[AnnotatedDoc]]:
    """(train, dev) documents per the config; KLUE and augmentation only ever feed train."""
    train = load_documents(cfg.train_files, cfg.train_split, root)
    dev = load_documents(cfg.train_files, cfg.dev_split, root)
    if cfg.dev_files:
        dev += load_documents(cfg.dev_files, None, root)
    if cfg.augment_copies:
        from .augment import augment_documents

        train += augment_documents(train, cfg.augment_copies, cfg.seed)
    if cfg.klue_plain_sentences or cfg.klue_overlays:
        from ..corpus.klue import klue_training_docs

        train += klue_training_docs(cfg.klue_plain_sentences, cfg.seed)
    if cfg.distill_klue_raw:
        from .distill import unlabeled_klue_docs

        train += unlabeled_klue_docs(cfg.distill_klue_raw, cfg.seed)
    if cfg.distill_unlabeled_files:
        from .distill import unlabeled_documents

        train += unlabeled_documents(cfg.distill_unlabeled_files, root)
    overlap = {d.id for d in train} & {d.id for d in dev}
    if overlap:
        raise ConfigError(f"documents in both train and dev: {sorted(overlap)[:5]}")
    return train, dev


def to_dataset(docs: list[AnnotatedDoc], tokenizer: Any, cfg: TrainConfig):
    import datasets

    rows: list[dict[str, Any]] = []
    for d in docs:
        for w in training_windows(tokenizer, d.text, d.spans, cfg.max_length, cfg.stride):
            w["doc_id"] = d.id
            if d.meta.get("unlabeled"):  # teacher-only text (distillation): no gold labels
                w["labels"] = [IGNORE] * len(w["labels"])
            rows.append(w)
    return datasets.Dataset.from_list(rows)
