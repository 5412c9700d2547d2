"""Fine-tune the token classifier with the HF Trainer; keep the best epoch by dev entity F1."""
from __future__ import annotations

import json
import platform
import shutil
import time
from pathlib import Path
from typing import Any

from ..errors import ConfigError, require
from ..tagger.labels import ID2LABEL, IGNORE, LABEL2ID
from .config import TrainConfig
from .dataset import to_dataset, training_documents

REPO_ROOT = Path(__file__).resolve().parents[2]


def _check_versions(tokenizer: Any) -> None:
    import transformers

    if int(transformers.__version__.split(".")[0]) < 5:
        raise ConfigError(f"transformers >= 5 is required, found {transformers.__version__}")
    if not getattr(tokenizer, "is_fast", False):
        raise ConfigError("a fast tokenizer is required (offset mappings align spans to subwords)")


def seqeval_metrics(pred_ids, label_ids) -> dict[str, float]:
    """Entity-level seqeval over subword IOB2 sequences (special tokens and padding skipped)."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    y_true, y_pred = [], []
    for p_row, l_row in zip(pred_ids, label_ids):
        t, p = [], []
        for pi, li in zip(p_row, l_row):
            if li != IGNORE:
                t.append(ID2LABEL[int(li)])
                p.append(ID2LABEL[int(pi)])
        y_true.append(t)
        y_pred.append(p)
    rep = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True,
                                zero_division=0)
    out = {"f1": rep["micro avg"]["f1-score"], "precision": rep["micro avg"]["precision"],
           "recall": rep["micro avg"]["recall"]}
    for k, v in rep.items():
        if not k.endswith(" avg"):
            out[f"f1_{k}"] = v["f1-score"]
    return out


def _resolve(path: str, root: Path, hint: str = "") -> Path:
    """A model folder given absolute or relative to the repository root."""
    p = Path(path)
    p = p if p.is_absolute() else root / p
    if not (p / "config.json").is_file():
        raise ConfigError(f"model folder {p} not found (no config.json){hint}")
    return p


def train(cfg: TrainConfig, root: Path = REPO_ROOT) -> dict[str, Any]:
    torch = require("torch", "train")
    transformers = require("transformers", "train")
    require("datasets", "train")
    require("accelerate", "train")
    from transformers import (AutoModelForTokenClassification, AutoTokenizer,
                              DataCollatorForTokenClassification, Trainer, TrainingArguments)

    transformers.set_seed(cfg.seed)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    base = _resolve(cfg.base_model, root, hint=": run `python -m kr_event.base.convert` first")
    teacher = _resolve(cfg.teacher_model, root) if cfg.teacher_model else None
    # a student keeps its teacher's tokenizer (and vocabulary)
    tokenizer = AutoTokenizer.from_pretrained(teacher or base)
    _check_versions(tokenizer)

    t0 = time.time()
    train_docs, dev_docs = training_documents(cfg, root)
    train_ds = to_dataset(train_docs, tokenizer, cfg)
    dev_ds = to_dataset(dev_docs, tokenizer, cfg) if dev_docs else None
    if teacher:
        from .distill import add_teacher_logits, make_student

        model = make_student(teacher, cfg.student_layers)
        train_ds = add_teacher_logits(train_ds.remove_columns(["doc_id"]), teacher)
    else:
        model = AutoModelForTokenClassification.from_pretrained(
            base, num_labels=len(ID2LABEL), id2label=ID2LABEL, label2id=LABEL2ID)
        train_ds = train_ds.remove_columns(["doc_id"])
    if cfg.freeze_word_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)

    out = Path(cfg.output_dir)
    out = out if out.is_absolute() else root / out
    ckpt = out / "checkpoints"
    use_dev = dev_ds is not None and cfg.eval_every_epoch
    args = TrainingArguments(
        output_dir=str(ckpt), num_train_epochs=cfg.epochs, max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.batch_size, per_device_eval_batch_size=cfg.batch_size * 2,
        learning_rate=cfg.learning_rate, weight_decay=cfg.weight_decay, warmup_steps=cfg.warmup_ratio,
        lr_scheduler_type="linear", seed=cfg.seed, data_seed=cfg.seed,
        eval_strategy="epoch" if use_dev else "no", save_strategy="epoch" if use_dev else "no",
        load_best_model_at_end=use_dev, metric_for_best_model="f1" if use_dev else None,
        greater_is_better=True, save_total_limit=2, save_only_model=True, logging_steps=10,
        report_to="none", dataloader_num_workers=0, disable_tqdm=True,
        dataloader_pin_memory=torch.cuda.is_available(),
        train_sampling_strategy=cfg.sampling,
        remove_unused_columns=teacher is None,  # keep teacher_logits for the distillation loss
    )

    def compute_metrics(p):
        import numpy as np

        return seqeval_metrics(np.argmax(p.predictions, axis=-1), p.label_ids)

    head = [p for n, p in model.named_parameters() if n.startswith("classifier") and p.requires_grad]
    body = [p for n, p in model.named_parameters() if not n.startswith("classifier") and p.requires_grad]
    optimizer = torch.optim.AdamW([
        {"params": body, "lr": cfg.learning_rate, "weight_decay": cfg.weight_decay},
        {"params": head, "lr": cfg.head_learning_rate, "weight_decay": 0.0},
    ])
    collator = DataCollatorForTokenClassification(tokenizer)
    trainer_cls = Trainer
    if teacher:
        from .distill import DistillCollator, distill_trainer_class

        trainer_cls = distill_trainer_class(cfg.distill_alpha, cfg.distill_temperature)
        collator = DistillCollator(collator)
    trainer = trainer_cls(model=model, args=args, optimizers=(optimizer, None), train_dataset=train_ds,
                          eval_dataset=dev_ds.remove_columns(["doc_id"]) if use_dev else None,
                          data_collator=collator, compute_metrics=compute_metrics if use_dev else None)
    result = trainer.train()
    seconds = time.time() - t0
    dev_metrics = trainer.evaluate() if dev_ds is not None and use_dev else {}

    final = out / "model"
    if final.exists():
        shutil.rmtree(final)
    model = trainer.model
    if cfg.save_fp16:
        model = model.half()
    model.save_pretrained(final)
    tokenizer.save_pretrained(final)
    device = "cuda:" + torch.cuda.get_device_name(0) if torch.cuda.is_available() else f"cpu ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"
    metrics = {
        "train_documents": len(train_docs), "dev_documents": len(dev_docs),
        "train_windows": len(train_ds), "dev_windows": len(dev_ds) if dev_ds is not None else 0,
        "steps": result.global_step, "train_seconds": round(seconds, 1),
        "seconds_per_step": round(result.metrics.get("train_runtime", seconds) / max(1, result.global_step), 3),
        "device": device, "dev": {k: v for k, v in dev_metrics.items() if k.startswith("eval_")},
        "log_history": trainer.state.log_history,
    }
    (final / "train_config.json").write_text(json.dumps(cfg.to_dict(), indent=1, ensure_ascii=False))
    (final / "metrics.json").write_text(json.dumps(metrics, indent=1, ensure_ascii=False))
    shutil.rmtree(ckpt, ignore_errors=True)
    return metrics
