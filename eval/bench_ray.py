"""Throughput of `kr_event.ray.extract_dataset` on a local Ray instance: 1 vs N actors (issue 8).

    python eval/bench_ray.py                                   # tiny random model, 200 docs, 1,2 actors
    python eval/bench_ray.py --model models/kr-event-tagger    # the trained tagger
    python eval/bench_ray.py --proxy models/base/e5-small-ko   # base encoder + random head (same cost)

Run on purpose, never from the tests. Corpus: the authored dev documents (data/authored/*.txt,
split == dev) repeated to --docs rows with unique ids. For each actor count, a fresh
`extract_dataset(...).materialize()` is timed end to end (actor start, model load, inference,
rules, JSON columns). Ray Data starts new actors for every execution, so the start-up cost is
measured separately, as the same call on one document per actor, and "steady docs/s" is
docs / (wall - start-up). Single process: EventExtractor(threads=--cpus-per-actor) with the same
batch size, model load excluded. Each actor reserves --cpus-per-actor CPUs and runs that many
torch threads.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "eval"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))


def corpus(n: int) -> list[dict]:
    from bench import dev_docs

    docs = dev_docs()
    return [{"id": f"{k}:{docs[k % len(docs)].id}", "text": docs[k % len(docs)].text,
             "published": docs[k % len(docs)].published} for k in range(n)]


def proxy_model(base: Path, out: Path) -> Path:
    """A base encoder folder + random token-classification head: the real tagger's compute."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from kr_event.tagger.labels import ID2LABEL, LABEL2ID

    model = AutoModelForTokenClassification.from_pretrained(
        base, num_labels=len(ID2LABEL), id2label=dict(ID2LABEL), label2id=dict(LABEL2ID))
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(base).save_pretrained(out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--model", help="tagger folder (default: a tiny random model)")
    g.add_argument("--proxy", help="base encoder folder; a random head is added")
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--actors", default="1,2")
    ap.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray instance")
    ap.add_argument("--cpus-per-actor", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench_ray_"))
    try:
        if args.model:
            model, label = Path(args.model).resolve(), args.model
        elif args.proxy:
            model, label = proxy_model(Path(args.proxy), tmp / "proxy"), f"{args.proxy} + random head"
        else:
            from tests.conftest import build_tiny_model

            model, label = build_tiny_model(tmp / "tiny"), "tiny random (2 layers, hidden 32)"
        rows = corpus(args.docs)
        res: dict = {"model": label, "docs": len(rows), "batch_size": args.batch_size,
                     "ray_cpus": args.cpus, "cpus_per_actor": args.cpus_per_actor,
                     "loadavg_before": os.getloadavg()[0], "runs": []}

        from kr_event.pipeline import EventExtractor

        t0 = time.perf_counter()
        ex = EventExtractor(model=model, threads=args.cpus_per_actor, batch_size=args.batch_size)
        load = time.perf_counter() - t0
        items = [(r["id"], r["text"], r["published"], {}) for r in rows]
        t0 = time.perf_counter()
        for k in range(0, len(items), args.batch_size):
            ex._run(items[k:k + args.batch_size])
        single = time.perf_counter() - t0
        res["single_process"] = {"load_s": round(load, 2), "run_s": round(single, 2),
                                 "docs_per_s": round(len(rows) / single, 1)}
        del ex

        import ray

        from kr_event.ray import extract_dataset

        ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False,
                 configure_logging=False)
        ray.data.DataContext.get_current().enable_progress_bars = False
        try:
            blocks = max(1, len(rows) // args.batch_size)
            for n in [int(a) for a in args.actors.split(",")]:
                t0 = time.perf_counter()
                extract_dataset(ray.data.from_items(rows[:n], override_num_blocks=n), model=model,
                                concurrency=n, batch_size=args.batch_size,
                                num_cpus_per_actor=args.cpus_per_actor).materialize()
                startup = time.perf_counter() - t0
                ds = ray.data.from_items(rows, override_num_blocks=blocks)
                t0 = time.perf_counter()
                out = extract_dataset(ds, model=model, concurrency=n, batch_size=args.batch_size,
                                      num_cpus_per_actor=args.cpus_per_actor).materialize()
                wall = time.perf_counter() - t0
                assert out.count() == len(rows)
                errors = int(out.select_columns(["error_code"]).to_pandas()["error_code"].notna().sum())
                res["runs"].append({"actors": n, "wall_s": round(wall, 2), "startup_s": round(startup, 2),
                                    "docs_per_s": round(len(rows) / wall, 1),
                                    "steady_docs_per_s": round(len(rows) / max(wall - startup, 1e-9), 1),
                                    "errors": errors})
        finally:
            ray.shutdown()
        res["loadavg_after"] = os.getloadavg()[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    print(f"model: {res['model']}; {res['docs']} docs, batch {res['batch_size']}, Ray CPUs "
          f"{res['ray_cpus']}, {res['cpus_per_actor']} CPU/thread per actor; load avg "
          f"{res['loadavg_before']:.1f} -> {res['loadavg_after']:.1f}")
    sp = res["single_process"]
    print(f"single process (load excluded): {sp['run_s']} s, {sp['docs_per_s']} docs/s "
          f"(model load {sp['load_s']} s)")
    print("| actors | wall s (incl. start-up) | docs/s end to end | start-up s | steady docs/s | errors |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in res["runs"]:
        print(f"| {r['actors']} | {r['wall_s']} | {r['docs_per_s']} | {r['startup_s']} | "
              f"{r['steady_docs_per_s']} | {r['errors']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
