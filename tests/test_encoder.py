"""The torch-only inference encoder and tokenizer equal transformers on the same folder
(tiny random model here; the shipped model in the acceptance test path)."""
from pathlib import Path

import pytest

TEXTS = ["종로구가 행정안전부 주관 경진대회에서 대통령상을 수상했다고 25일 밝혔다. ",
         "ＡＢＣ  테스트…\n\n두 줄  ", " 앞 공백", "①②③ 漢字 😀 tab\tx", ""]
SHIPPED = Path(__file__).resolve().parents[1] / "models" / "kr-event-tagger"


def _folders(tiny_model):
    return [tiny_model] + ([SHIPPED] if (SHIPPED / "config.json").is_file() else [])


@pytest.mark.parametrize("text", TEXTS)
def test_tokenizer_equals_transformers(tiny_model, text):
    from transformers import AutoTokenizer

    from kr_event.tagger.encoder import FastTokenizer

    for folder in _folders(tiny_model):
        ours, ref = FastTokenizer(folder), AutoTokenizer.from_pretrained(folder)
        a = ours(text, add_special_tokens=False, return_offsets_mapping=True)
        b = ref(text, add_special_tokens=False, return_offsets_mapping=True)
        assert a["input_ids"] == b["input_ids"]
        assert [tuple(o) for o in a["offset_mapping"]] == [tuple(o) for o in b["offset_mapping"]]
        assert (ours.cls_token_id, ours.sep_token_id, ours.pad_token_id) == \
            (ref.cls_token_id, ref.sep_token_id, ref.pad_token_id)


def test_encoder_equals_transformers_with_padding(tiny_model):
    import torch
    from transformers import AutoModelForTokenClassification

    from kr_event.tagger.encoder import BertTagger, load_model

    for folder in _folders(tiny_model):
        ours = load_model(folder)
        assert isinstance(ours, BertTagger)  # no transformers model on the inference path
        ref = AutoModelForTokenClassification.from_pretrained(folder, dtype=torch.float32).eval()
        torch.manual_seed(1)
        ids = torch.randint(5, 2000, (3, 24))
        mask = torch.ones_like(ids)
        mask[1, 15:] = 0
        mask[2, 4:] = 0
        with torch.inference_mode():
            a = ours(input_ids=ids, attention_mask=mask).logits
            b = ref(input_ids=ids, attention_mask=mask).logits
        real = mask.bool()
        assert torch.allclose(a[real], b[real], atol=1e-4)
        assert ours.config.id2label == ref.config.id2label or \
            {int(k): v for k, v in ours.config.id2label.items()} == ref.config.id2label


def test_other_architectures_fall_back_to_transformers(tmp_path):
    import json

    from kr_event.tagger.encoder import read_config, supported

    (tmp_path / "config.json").write_text(json.dumps({"model_type": "deberta-v2", "hidden_act": "gelu"}))
    assert not supported(read_config(tmp_path))
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_act": "relu"}))
    assert not supported(read_config(tmp_path))
