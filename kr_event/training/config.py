"""Training configuration: one dataclass, filled from JSON, validated before any work starts."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..errors import ConfigError


@dataclass
class TrainConfig:
    """Everything a training run depends on; saved next to the model it produced."""

    base_model: str = "models/base/e5-small-ko"
    output_dir: str = "runs/tagger"
    train_files: list[str] = field(default_factory=lambda: ["data/authored/*.txt"])
    train_split: str = "train"          # authored sources: the `split:` header to keep
    dev_split: str = "dev"
    dev_files: list[str] = field(default_factory=list)  # extra dev JSONL (never the seed gold)
    klue_plain_sentences: int = 0       # KLUE dev sentences with DATE supervision (0 = none)
    klue_overlays: str | None = None    # stand-off award annotations of KLUE sentences
    augment_copies: int = 0             # name-swapped copies of each authored train document
    max_length: int = 256
    stride: int = 64
    epochs: float = 8.0
    batch_size: int = 16
    learning_rate: float = 1e-4
    head_learning_rate: float = 2e-3    # the new classifier: e5's token states are nearly parallel
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    freeze_word_embeddings: bool = True
    seed: int = 42
    threads: int | None = None
    save_fp16: bool = True
    sampling: str = "random"            # Trainer sampler: "random" | "group_by_length"
    teacher_model: str | None = None    # distil from this tagger instead of fine-tuning base_model
    student_layers: list[int] = field(default_factory=list)  # teacher layers the student keeps
    distill_alpha: float = 0.5          # weight of the teacher term (1 - alpha: gold labels)
    distill_temperature: float = 2.0
    distill_klue_raw: int = 0           # unlabeled KLUE raw sentences scored by the teacher only
    distill_unlabeled_files: list[str] = field(default_factory=list)  # JSONL {"id", "text"}: teacher-only
    max_steps: int = -1                 # >0 overrides epochs (smoke tests)
    eval_every_epoch: bool = True

    @classmethod
    def from_json(cls, path: str | Path) -> "TrainConfig":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
        return cls.from_dict(data, where=str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "config") -> "TrainConfig":
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known) - {"_comment"})
        if unknown:
            raise ConfigError(f"{where}: unknown field(s) {unknown}; known: {sorted(known)}")
        cfg = cls(**{k: v for k, v in data.items() if k in known})
        cfg.validate(where)
        return cfg

    def validate(self, where: str = "config") -> None:
        checks = [
            (self.max_length >= 16, "max_length must be >= 16"),
            (0 <= self.stride < self.max_length - 2, "stride must be in [0, max_length - 2)"),
            (self.epochs > 0 or self.max_steps > 0, "epochs or max_steps must be > 0"),
            (self.batch_size >= 1, "batch_size must be >= 1"),
            (0 < self.learning_rate < 1, "learning_rate must be in (0, 1)"),
            (0 < self.head_learning_rate < 1, "head_learning_rate must be in (0, 1)"),
            (0 <= self.warmup_ratio < 1, "warmup_ratio must be in [0, 1)"),
            (self.klue_plain_sentences >= 0, "klue_plain_sentences must be >= 0"),
            (self.augment_copies >= 0, "augment_copies must be >= 0"),
            (0 <= self.distill_alpha <= 1, "distill_alpha must be in [0, 1]"),
            (self.distill_temperature > 0, "distill_temperature must be > 0"),
            (self.teacher_model is None or bool(self.student_layers),
             "a teacher_model needs student_layers (the teacher layers to keep)"),
            (self.teacher_model is not None or not (self.distill_unlabeled_files or self.distill_klue_raw),
             "distill_* fields need a teacher_model (unlabeled text is scored by the teacher)"),
            (isinstance(self.train_files, list) and bool(self.train_files), "train_files must be a non-empty list"),
        ]
        for ok, msg in checks:
            if not ok:
                raise ConfigError(f"{where}: {msg}")
        files = self.train_files + self.dev_files + self.distill_unlabeled_files
        if any("seed" in Path(p).parts or "seed.jsonl" in p for p in files):
            raise ConfigError(f"{where}: the seed article is test data and never feeds training")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
