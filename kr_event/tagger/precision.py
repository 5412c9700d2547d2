"""Forward precision: fp32, or bf16 autocast where the CPU computes bf16 natively.

Why: on CPUs with AVX512-BF16 or AMX the encoder's matmuls run ~1.6x faster in bf16 with the
spans unchanged on the dev set; without those instructions bf16 is emulated and slower, so
"auto" only picks it when /proc/cpuinfo (or the GPU) says it is native.
"""
from __future__ import annotations

import contextlib
from functools import lru_cache
from typing import Any, ContextManager

from ..errors import KrEventError

PRECISIONS = ("fp32", "bf16", "auto")


@lru_cache(maxsize=None)
def cpu_has_native_bf16() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"avx512_bf16", "amx_bf16"})
    except OSError:
        pass
    return False


def resolve_precision(precision: str, device: Any) -> str:
    if precision not in PRECISIONS:
        raise KrEventError("E030", f"precision must be one of {PRECISIONS}, got {precision!r}")
    if precision != "auto":
        return precision
    if device.type == "cuda":
        import torch

        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    return "bf16" if cpu_has_native_bf16() else "fp32"


def forward_context(precision: str, device: Any) -> ContextManager[Any]:
    if precision == "bf16":
        import torch

        return torch.autocast(device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()
