"""Optional int8 dynamic quantisation of the tagger's encoder (CPU only).

Per docs in /work/shared/notes/base-encoder-facts.md: the FFN output projections
(`encoder.layer.N.output.dense`) hold single huge weights and see outlier inputs, so one int8
scale per tensor crushes them; every other nn.Linear (attention q/k/v and output, FFN
intermediate) quantises almost for free. Those FFN output layers and the classifier stay fp32.
"""
from __future__ import annotations

import re
import warnings
from typing import Any

from ..errors import ConfigError

MODES = ("int8", "int8-channel")  # per-tensor weight scales / one scale per output channel
_KEEP_FP32 = re.compile(r"(^|\.)encoder\.layer\.\d+\.output\.dense$|(^|\.)classifier$")


def int8_targets(model: Any) -> list[str]:
    """Names of the nn.Linear modules that get int8 weights (all but FFN outputs and the head)."""
    from torch import nn

    return [name for name, mod in model.named_modules()
            if isinstance(mod, nn.Linear) and not _KEEP_FP32.search(name)]


def quantize_model(model: Any, mode: str) -> Any:
    """Dynamic int8 quantisation of `int8_targets(model)`; returns the (new) model, in eval mode."""
    if mode not in MODES:
        raise ConfigError(f"quantize={mode!r}; expected one of {', '.join(MODES)} or None")
    import torch
    from torch.ao.quantization import default_dynamic_qconfig, per_channel_dynamic_qconfig, quantize_dynamic

    qconfig = per_channel_dynamic_qconfig if mode == "int8-channel" else default_dynamic_qconfig
    spec = {name: qconfig for name in int8_targets(model)}
    with warnings.catch_warnings():  # torch.ao.quantization announces its move to torchao
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.filterwarnings("ignore", message=".*quantize_per_(tensor|channel).*deprecated")
        qmodel = quantize_dynamic(model, spec, dtype=torch.qint8, inplace=True)  # no fp32 copy
    return qmodel.eval()
