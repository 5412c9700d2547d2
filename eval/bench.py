"""Throughput benchmark: a plain transformers pipeline vs kr_event's batched tagger (issue 7).

    python eval/bench.py                       # --rounds 2 --threads 2, markdown table
    python eval/bench.py --json --save eval/out/bench.json
    python eval/bench.py --variants none --no-cold --min-docs 85   # quick look

Run on purpose (minutes of CPU), never from the tests. Corpus: the authored dev documents
(data/authored/*.txt, split == dev), repeated until there are at least --min-docs documents.
In one process, with the same torch threads, the paths run alternately (a, b, variants…, a, b, …):

  (a) baseline: transformers.pipeline("token-classification", aggregation_strategy="simple",
      stride=<train stride>, tokenizer max length = <train max_length>) called per document; its
      entity groups become kr_event Spans (same edge/particle trimming), then the same rules;
  (b) kr_event's default path: EventExtractor(...).pipe(..., as_tuples=True), batch 16;
  variants of (b): bf16 autocast, the cue prefilter, int8 per-channel, and the distilled 4-layer
  model ("@fast"); (a@fast) is the pipeline on that model, for a same-model comparison.

Reported: docs/s, tokens/s (model subword tokens of the documents, no specials), (b)/(a), the
stage breakdown of (b) (Tagger.timings + rules), span and event F1 on the dev set (first pass,
each document once), identical events on the seed article, and, each in a fresh subprocess,
cold start (import + model load) and peak RSS after one pass over the dev documents.
"""
from __future__ import annotations

import argparse
import glob
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VARIANTS = {  # name -> EventExtractor keyword options ("_model": a shipped model's name)
    "b": {},
    "b+bf16": {"precision": "bf16"},
    "b+prefilter": {"prefilter": True},
    "b+int8-channel": {"quantize": "int8-channel"},
    "b@fast": {"_model": "fast"},
    "b@fast+bf16": {"_model": "fast", "precision": "bf16"},
    "b@fast+bf16+prefilter": {"_model": "fast", "precision": "bf16", "prefilter": True},
}
BASELINES = {"a": None, "a@fast": "fast"}  # pipeline paths -> the model they run (None: --model)
STAGE_ORDER = ("normalize", "tokenize", "prefilter", "forward", "decode", "rules")


def peak_rss_mb() -> float:
    """Peak resident set size of this process. VmHWM, because getrusage's ru_maxrss survives
    fork + exec and would report the (bigger) parent's peak in a freshly started child."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def dev_docs() -> list:
    from kr_event.corpus.markup import parse_source

    docs = [d for f in sorted(glob.glob(str(ROOT / "data" / "authored" / "*.txt")))
            for d in parse_source(f) if d.meta.get("split") == "dev"]
    if not docs:
        raise SystemExit("no dev documents under data/authored")
    return docs


def seed_doc():
    from kr_event.corpus import read_jsonl

    return next(read_jsonl(ROOT / "eval" / "gold" / "seed.jsonl"))


# ---------------------------------------------------------------- path (a): plain pipeline
class Baseline:
    """transformers' token-classification pipeline per document + kr_event's rules."""

    def __init__(self, model: str | Path) -> None:
        import torch
        from transformers import AutoTokenizer, pipeline

        cfg_file = Path(model) / "train_config.json"
        cfg = json.loads(cfg_file.read_text()) if cfg_file.is_file() else {}
        self.max_length, self.stride = cfg.get("max_length", 256), cfg.get("stride", 64)
        # the pipeline cuts long documents into model_max_length chunks overlapping by `stride`
        self.tokenizer = AutoTokenizer.from_pretrained(model, model_max_length=self.max_length)
        self.pipe = pipeline("token-classification", model=str(model), tokenizer=self.tokenizer,
                             aggregation_strategy="simple", stride=self.stride, device="cpu",
                             dtype=torch.float32)

    def spans(self, text: str) -> list:
        from bisect import bisect_right

        from kr_event.schema import Span
        from kr_event.tagger.edges import trim_span

        groups = self.pipe(text)
        if not groups:
            return []
        # trim_span needs where the span's last subword starts (a particle is cut only inside it)
        offs = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True,
                              verbose=False)["offset_mapping"]
        starts = [s for s, _ in offs]
        out = []
        for g in groups:
            label, start, end = g["entity_group"], int(g["start"]), int(g["end"])
            while start < end and text[start].isspace():
                start += 1
            last = starts[max(0, bisect_right(starts, end - 1) - 1)]
            while last < end and text[last].isspace():
                last += 1
            start, end = trim_span(text, start, end, last, label)
            if end > start:
                out.append(Span(label, start, end, text[start:end], float(g["score"])))
        return out

    def run(self, docs: list) -> dict[str, dict]:
        from kr_event.pipeline import parse_published
        from kr_event.rules.assemble import assemble

        out = {}
        for n, d in enumerate(docs):
            spans = self.spans(d.text)
            events = assemble(d.text, spans, parse_published(d.published))
            out[f"{n}:{d.id}"] = {"spans": [s.to_dict() for s in spans],
                                  "events": [e.to_dict() for e in events]}
        return out


# ---------------------------------------------------------------- path (b): kr_event
class Kr:
    def __init__(self, model: str | Path, threads: int, batch_size: int, **options: Any) -> None:
        from kr_event.pipeline import EventExtractor

        self.ex = EventExtractor(model, batch_size=batch_size, threads=threads, **options)

    def run(self, docs: list) -> dict[str, dict]:
        stream = ((d.text, {"id": f"{n}:{d.id}", "published": d.published}) for n, d in enumerate(docs))
        out = {}
        for res, ctx in self.ex.pipe(stream, as_tuples=True):
            if res.error is not None:
                raise RuntimeError(f"{ctx['id']}: {res.error}")
            rec = res.to_dict()
            out[ctx["id"]] = {"spans": rec["spans"], "events": rec["events"]}
        return out


def make_path(name: str, args: argparse.Namespace):
    from kr_event.tagger.model import resolve_model_path

    if name in BASELINES:
        return Baseline(resolve_model_path(BASELINES[name] or args.model))
    opts = dict(VARIANTS[name])
    return Kr(resolve_model_path(opts.pop("_model", None) or args.model), args.threads, args.batch_size, **opts)


# ---------------------------------------------------------------- quality
def quality(docs: list, pred: dict[str, dict]) -> dict[str, Any]:
    from kr_event.scoring import evaluate

    by_id = {k.split(":", 1)[1]: v for k, v in list(pred.items())[:len(docs)]}
    r = evaluate(docs, by_id)
    return {"span_f1": r["spans"]["micro"]["f1"],
            "span_f1_per_label": {k: v["f1"] for k, v in r["spans"]["per_label"].items()},
            "event_f1_strict": r["events"]["strict"]["f1"], "event_f1_relaxed": r["events"]["relaxed"]["f1"],
            "events_pred": r["events"]["strict"]["pred"], "events_gold": r["events"]["strict"]["gold"]}


def event_keys(rec: dict) -> list[tuple]:
    from kr_event.schema import EVENT_FIELDS

    return sorted(tuple(e[f] for f in (*EVENT_FIELDS, "date_text")) for e in rec["events"])


# ---------------------------------------------------------------- cold start (subprocess)
def child(name: str, args: argparse.Namespace) -> None:
    """Fresh process: import + load time, then one pass over the dev documents; JSON on stdout."""
    t0 = time.perf_counter()
    import torch  # noqa: F401  (both paths need it; counted as import)
    import transformers  # noqa: F401

    import kr_event.pipeline  # noqa: F401
    import kr_event.rules.assemble  # noqa: F401
    t1 = time.perf_counter()
    torch.set_num_threads(args.threads)
    path = make_path(name, args)
    t2 = time.perf_counter()
    rss_loaded = peak_rss_mb()
    docs = dev_docs()
    t3 = time.perf_counter()
    path.run(docs[:1])
    t4 = time.perf_counter()
    path.run(docs)
    t5 = time.perf_counter()
    print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "cold_s": t2 - t0,
                      "first_doc_s": t4 - t3, "dev_pass_s": t5 - t4,
                      "rss_after_load_mb": rss_loaded, "peak_rss_mb": peak_rss_mb()}))


def cold_start(name: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_child", name, "--model", str(args.model),
           "--threads", str(args.threads), "--batch-size", str(args.batch_size)]
    env = dict(os.environ, TRANSFORMERS_VERBOSITY="error", HF_HUB_DISABLE_PROGRESS_BARS="1")
    wall0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError(f"cold start of {name} failed:\n{p.stderr[-3000:]}")
    rec = json.loads(p.stdout.strip().splitlines()[-1])
    rec["process_wall_s"] = time.perf_counter() - wall0
    return rec


# ---------------------------------------------------------------- sweep (threads, batch size)
def sweep(model: str, docs: list, out: dict[str, Any]) -> None:
    import torch

    kr = Kr(model, threads=2, batch_size=16)  # the default options
    rows = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for bs in (1, 4, 16, 32):
            kr.ex.batch_size = kr.ex.tagger.batch_size = bs
            kr.run(docs[:4])
            t0 = time.perf_counter()
            kr.run(docs)
            dt = time.perf_counter() - t0
            rows.append({"threads": threads, "batch_size": bs, "docs_per_s": len(docs) / dt})
    out["sweep"] = rows


# ---------------------------------------------------------------- main
def machine() -> dict[str, Any]:
    import torch
    import transformers

    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()[:20]
    except OSError:
        lscpu = []
    return {"python": platform.python_version(), "torch": torch.__version__,
            "transformers": transformers.__version__, "platform": platform.platform(),
            "cpu_count": os.cpu_count(), "lscpu": lscpu}


def bench(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    torch.set_num_threads(args.threads)
    docs = dev_docs()
    corpus = docs * math.ceil(args.min_docs / len(docs))
    names = ["a", "b"] + [v for v in args.variants if v not in ("a", "b")]
    paths = {n: make_path(n, args) for n in names}
    for p in paths.values():  # warm-up: first calls pay lazy initialisation
        p.run(docs[:4])
    tok = paths["b"].ex.tagger.tokenizer
    n_tok = {d.id: len(tok(d.text, add_special_tokens=False, verbose=False)["input_ids"]) for d in docs}
    n_tokens = sum(n_tok[d.id] for d in corpus)
    secs: dict[str, list[float]] = {n: [] for n in names}
    loads: dict[str, list[float]] = {n: [] for n in names}
    stages: dict[str, list[dict[str, float]]] = {n: [] for n in names if n not in BASELINES}
    counts: dict[str, dict[str, int]] = {}
    outputs: dict[str, dict[str, dict]] = {}
    for r in range(args.rounds):
        for n in names:
            p = paths[n]
            if n not in BASELINES:
                p.ex.tagger.reset_timings()
            t0 = time.perf_counter()
            pred = p.run(corpus)
            secs[n].append(time.perf_counter() - t0)
            loads[n].append(os.getloadavg()[0])  # > threads: something else shared the CPUs
            if n not in BASELINES:
                stages[n].append(dict(p.ex.timings))
                counts[n] = dict(p.ex.tagger.counts)
            outputs.setdefault(n, pred)
            print(f"round {r + 1} {n:>18}: {secs[n][-1]:7.2f} s", file=sys.stderr)
    seed = seed_doc()
    seed_out = {n: paths[n].run([seed])[f"0:{seed.id}"] for n in names}
    res: dict[str, Any] = {"corpus": {"documents": len(corpus), "unique_documents": len(docs),
                                      "tokens": n_tokens, "threads": args.threads,
                                      "batch_size": args.batch_size, "rounds": args.rounds,
                                      "model": str(args.model), "precision": paths["b"].ex.tagger.precision},
                           "machine": machine(), "parent_peak_rss_mb": peak_rss_mb(), "paths": {}}
    for n in names:
        med = statistics.median(secs[n])
        row: dict[str, Any] = {"seconds": secs[n], "load_avg_1min": loads[n], "median_s": med,
                               "docs_per_s": len(corpus) / med, "tokens_per_s": n_tokens / med,
                               "best_docs_per_s": len(corpus) / min(secs[n])}
        row.update(quality(docs, outputs[n]))
        row["seed_events"] = len(seed_out[n]["events"])
        row["seed_quality"] = quality([seed], {f"0:{seed.id}": seed_out[n]})
        row["seed_events_identical_to_b"] = event_keys(seed_out[n]) == event_keys(seed_out["b"])
        row["dev_events_identical_to_b"] = sum(
            event_keys(outputs[n][k]) == event_keys(outputs["b"][k]) for k in list(outputs[n])[:len(docs)])
        if n not in BASELINES:
            tot = {k: statistics.median(s.get(k, 0.0) for s in stages[n]) for k in STAGE_ORDER}
            tot["other"] = max(0.0, med - sum(tot.values()))
            row["breakdown_s"] = tot
            row["counts"] = counts[n]
        res["paths"][n] = row
    res["ratio_b_over_a"] = res["paths"]["b"]["docs_per_s"] / res["paths"]["a"]["docs_per_s"]

    if args.cold:
        res["cold"] = {n: cold_start(n, args) for n in names}
    if args.sweep:
        sweep(args.model, docs, res)
    return res


def markdown(res: dict[str, Any]) -> str:
    c = res["corpus"]
    lines = [f"corpus: {c['documents']} documents ({c['unique_documents']} unique dev), {c['tokens']:,} "
             f"tokens; threads {c['threads']}, batch {c['batch_size']}, {c['rounds']} rounds (median)", ""]
    cold = res.get("cold", {})
    lines.append("| path | docs/s | best docs/s | tokens/s | vs (a) | span F1 | event F1 strict "
                 "| event F1 relaxed | seed events = (b) | cold start s | peak RSS MB | load avg |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    a = res["paths"]["a"]["docs_per_s"]
    for n, p in res["paths"].items():
        cs = cold.get(n, {})
        load = "/".join(f"{x:.1f}" for x in p["load_avg_1min"])
        lines.append(
            f"| {n} | {p['docs_per_s']:.2f} | {p['best_docs_per_s']:.2f} | {p['tokens_per_s']:,.0f} "
            f"| {p['docs_per_s'] / a:.2f}× "
            f"| {p['span_f1']:.3f} | {p['event_f1_strict']:.3f} | {p['event_f1_relaxed']:.3f} "
            f"| {'yes' if p['seed_events_identical_to_b'] else 'NO'} "
            f"| {cs.get('cold_s', float('nan')):.2f} | {cs.get('peak_rss_mb', float('nan')):.0f} | {load} |")
    lines += ["", "stage breakdown (seconds over the corpus, median of rounds):", ""]
    heads = [k for k in (*STAGE_ORDER, "other")]
    lines.append("| path | " + " | ".join(heads) + " | windows run / skipped |")
    lines.append("|---" * (len(heads) + 2) + "|")
    for n, p in res["paths"].items():
        if "breakdown_s" not in p:
            continue
        b = p["breakdown_s"]
        tot = sum(b.values()) or 1.0
        cnt = p["counts"]
        lines.append(f"| {n} | " + " | ".join(f"{b[k]:.2f} ({100 * b[k] / tot:.0f}%)" for k in heads)
                     + f" | {cnt['windows'] - cnt['windows_skipped']} / {cnt['windows_skipped']} |")
    if cold:
        lines += ["", "cold start (fresh process; import + load; first document; one dev pass):", ""]
        lines.append("| path | import s | load s | cold s | first doc s | dev pass s | RSS after load MB | peak RSS MB |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for n, cs in cold.items():
            lines.append(f"| {n} | {cs['import_s']:.2f} | {cs['load_s']:.2f} | {cs['cold_s']:.2f} "
                         f"| {cs['first_doc_s']:.2f} | {cs['dev_pass_s']:.2f} | {cs['rss_after_load_mb']:.0f} "
                         f"| {cs['peak_rss_mb']:.0f} |")
    lines += ["", "span F1 per label:", ""]
    labels = sorted({k for p in res["paths"].values() for k in p["span_f1_per_label"]})
    lines.append("| path | " + " | ".join(labels) + " | dev docs with events = (b) |")
    lines.append("|---" * (len(labels) + 2) + "|")
    for n, p in res["paths"].items():
        lines.append(f"| {n} | " + " | ".join(f"{p['span_f1_per_label'].get(k, 0):.3f}" for k in labels)
                     + f" | {p['dev_events_identical_to_b']}/{c['unique_documents']} |")
    if "sweep" in res:
        lines += ["", "(b) threads × batch size (dev documents once):", "",
                  "| threads | batch | docs/s |", "|---|---|---|"]
        lines += [f"| {r['threads']} | {r['batch_size']} | {r['docs_per_s']:.2f} |" for r in res["sweep"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=None, help="kr_event's model (default: the shipped default)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--min-docs", type=int, default=200)
    p.add_argument("--variants", default=",".join(["a@fast"] + [v for v in VARIANTS if v != "b"]),
                   help="comma list of (b) variants to run too, or 'none' (default: all)")
    p.add_argument("--no-cold", dest="cold", action="store_false", help="skip the fresh-process cold starts")
    p.add_argument("--sweep", action="store_true", help="also time (b) over threads 1/2 × batch 1/4/16/32")
    p.add_argument("--json", action="store_true", help="print the JSON report instead of the tables")
    p.add_argument("--save", help="also write the JSON report to this file")
    p.add_argument("--_child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.model is None:
        from kr_event.tagger.model import resolve_model_path

        args.model = str(resolve_model_path(None))
    if args._child:
        child(args._child, args)
        return 0
    args.variants = [] if args.variants in ("", "none") else args.variants.split(",")
    unknown = [v for v in args.variants if v not in VARIANTS and v not in BASELINES]
    if unknown:
        p.error(f"unknown variants {unknown}; known: {', '.join(VARIANTS)}")
    if not (Path(args.model) / "config.json").is_file():
        p.error(f"no model at {args.model}")
    res = bench(args)
    if args.save:
        Path(args.save).parent.mkdir(parents=True, exist_ok=True)
        Path(args.save).write_text(json.dumps(res, ensure_ascii=False, indent=1))
    print(json.dumps(res, ensure_ascii=False, indent=1) if args.json else markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
