"""IOB2 label inventory shared by training and inference."""
from __future__ import annotations

from ..schema import LABELS

IOB2_LABELS: tuple[str, ...] = ("O",) + tuple(f"{p}-{l}" for l in LABELS for p in ("B", "I"))
LABEL2ID: dict[str, int] = {l: i for i, l in enumerate(IOB2_LABELS)}
ID2LABEL: dict[int, str] = dict(enumerate(IOB2_LABELS))
IGNORE = -100  # special tokens / padding: no loss
