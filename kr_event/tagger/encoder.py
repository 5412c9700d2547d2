"""A torch-only BERT token classifier and tokenizer for inference, read from an HF folder
(config.json + model.safetensors + tokenizer.json) without importing transformers.

Why: importing transformers' modelling code costs ~2 s of a cold start — more than loading and
running a small model. The architecture is fixed (BERT encoder + linear head), so a few lines of
torch reproduce it exactly; tests compare it with transformers on the same weights. Module names
match transformers' state-dict keys, so weights load as they are and int8 targets keep their
names. Other architectures fall back to transformers (`load_model`).
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

SUPPORTED = {"bert"}


class _Embeddings(nn.Module):
    def __init__(self, c: Any) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(ids.shape[1], device=ids.device)
        x = self.word_embeddings(ids) + self.position_embeddings(pos)[None] + self.token_type_embeddings.weight[0]
        return self.LayerNorm(x)


class _SelfAttention(nn.Module):
    def __init__(self, c: Any) -> None:
        super().__init__()
        self.heads = c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.heads, h // self.heads).transpose(1, 2)

        out = F.scaled_dot_product_attention(split(self.query(x)), split(self.key(x)), split(self.value(x)),
                                             attn_mask=keep)
        return out.transpose(1, 2).reshape(b, t, h)


class _DenseNorm(nn.Module):
    """dense -> + residual -> LayerNorm (BertSelfOutput / BertOutput)."""

    def __init__(self, c: Any, d_in: int) -> None:
        super().__init__()
        self.dense = nn.Linear(d_in, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, y: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(y) + residual)


class _Attention(nn.Module):
    def __init__(self, c: Any) -> None:
        super().__init__()
        self.self = _SelfAttention(c)
        self.output = _DenseNorm(c, c.hidden_size)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(x, keep), x)


class _Intermediate(nn.Module):
    def __init__(self, c: Any) -> None:
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(x))


class _Layer(nn.Module):
    def __init__(self, c: Any) -> None:
        super().__init__()
        self.attention = _Attention(c)
        self.intermediate = _Intermediate(c)
        self.output = _DenseNorm(c, c.intermediate_size)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        a = self.attention(x, keep)
        return self.output(self.intermediate(a), a)


class _Encoder(nn.Module):
    def __init__(self, c: Any) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(c) for _ in range(c.num_hidden_layers))


class _Bert(nn.Module):
    def __init__(self, c: Any) -> None:
        super().__init__()
        self.embeddings = _Embeddings(c)
        self.encoder = _Encoder(c)


class BertTagger(nn.Module):
    """BertForTokenClassification, inference only: `model(input_ids=…, attention_mask=…).logits`."""

    def __init__(self, config: Any) -> None:
        super().__init__()
        self.config = config
        self.bert = _Bert(config)
        self.classifier = nn.Linear(config.hidden_size, len(config.id2label))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None) -> SimpleNamespace:
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        keep = attention_mask.bool()[:, None, None, :]
        x = self.bert.embeddings(input_ids)
        for layer in self.bert.encoder.layer:
            x = layer(x, keep)
        return SimpleNamespace(logits=self.classifier(x))


def read_config(path: Path) -> SimpleNamespace:
    raw = json.loads((path / "config.json").read_text(encoding="utf-8"))
    defaults = {"type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu",
                "position_embedding_type": "absolute", "id2label": {"0": "O"}}
    return SimpleNamespace(**{**defaults, **raw})


def supported(config: SimpleNamespace) -> bool:
    return (config.model_type in SUPPORTED and config.hidden_act == "gelu"
            and config.position_embedding_type == "absolute")


class _no_init:
    """Turn nn.Linear / nn.Embedding / nn.LayerNorm parameter init into no-ops (a meta-device
    build would do the same but imports torch's reference kernels: +2 s of cold start)."""

    _targets = (nn.Linear, nn.Embedding, nn.LayerNorm)

    def __enter__(self) -> None:
        self._saved = [(cls, cls.reset_parameters) for cls in self._targets]
        for cls in self._targets:
            cls.reset_parameters = lambda self: None

    def __exit__(self, *exc: Any) -> None:
        for cls, fn in self._saved:
            cls.reset_parameters = fn


def load_model(path: Path) -> nn.Module:
    """The folder's token classifier in fp32, eval mode: torch-only for BERT, else transformers."""
    config = read_config(path)
    weights = path / "model.safetensors"
    if not supported(config) or not weights.is_file():
        from transformers import AutoModelForTokenClassification

        return AutoModelForTokenClassification.from_pretrained(path, dtype=torch.float32).eval()
    from safetensors.torch import load_file

    with _no_init():  # every parameter is overwritten by the file: skip the random init
        model = BertTagger(config)
    state = {k: v.float() for k, v in load_file(str(weights)).items()
             if not k.endswith("position_ids")}
    model.load_state_dict(state, strict=True, assign=True)
    return model.eval()


def _as_transformers_xlmr(spec: dict[str, Any], add_prefix_space: bool) -> None:
    """transformers' XLMRobertaTokenizer rebuilds part of tokenizer.json when it loads it: only
    the file's Precompiled normaliser, and WhitespaceSplit + Metaspace pre-tokenisation. Do the
    same, so ids and offsets equal those the model was trained with."""
    norm = spec.get("normalizer") or {}
    parts = norm.get("normalizers", [norm]) if norm.get("type") == "Sequence" else [norm]
    spec["normalizer"] = next((p for p in parts if p.get("type") == "Precompiled"), None)
    scheme = "always" if add_prefix_space else "never"
    spec["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "WhitespaceSplit"},
        {"type": "Metaspace", "replacement": "▁", "prepend_scheme": scheme, "split": True}]}


class FastTokenizer:
    """The subset of a transformers fast tokenizer that kr_event uses, on `tokenizers` alone."""

    is_fast = True

    def __init__(self, path: Path) -> None:
        from tokenizers import Tokenizer

        cfg_file = path / "tokenizer_config.json"
        cfg = json.loads(cfg_file.read_text(encoding="utf-8")) if cfg_file.is_file() else {}
        spec = json.loads((path / "tokenizer.json").read_text(encoding="utf-8"))
        if cfg.get("tokenizer_class") == "XLMRobertaTokenizer":
            _as_transformers_xlmr(spec, cfg.get("add_prefix_space", True))
        self._tok = Tokenizer.from_str(json.dumps(spec))
        self._tok.no_truncation()
        self._tok.no_padding()
        ids = {name: self._tok.token_to_id(cfg.get(name, default)) for name, default in
               (("cls_token", "<s>"), ("sep_token", "</s>"), ("pad_token", "<pad>"))}
        if None in ids.values():
            raise ValueError(f"{path}: tokenizer lacks a special token: {ids}")
        self.cls_token_id, self.sep_token_id, self.pad_token_id = ids["cls_token"], ids["sep_token"], ids["pad_token"]

    def __call__(self, text: str, add_special_tokens: bool = True, return_offsets_mapping: bool = False,
                 **_: Any) -> dict[str, list]:
        enc = self._tok.encode(text, add_special_tokens=add_special_tokens)
        out: dict[str, list] = {"input_ids": enc.ids}
        if return_offsets_mapping:
            out["offset_mapping"] = enc.offsets
        return out
