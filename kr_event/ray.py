"""Scale-out over a Ray cluster: award events for a `ray.data.Dataset` of documents.

    >>> import ray
    >>> from kr_event.ray import extract_dataset
    >>> ray.init()                                        # or ray.init(address="auto")
    >>> ds = ray.data.read_json("s3://bucket/news/")     # rows: id, text[, published, ...]
    >>> extract_dataset(ds, concurrency=8).write_parquet("s3://bucket/events/")

Each actor of the pool loads the model once and runs `EventExtractor._run` on batches of rows,
so every document gives exactly the result of the single-process path. One output row per input
row, with flat columns (so Parquet and JSONL writers work):

    id, events_json, spans_json, n_events, error_code, error_message  (+ the other input columns)

`events_json` / `spans_json` are `json.dumps(DocResult.to_dict()["events"|"spans"],
ensure_ascii=False)`. A document that cannot be processed gets `error_code` (see
kr_event.errors.ERROR_CODES) and `error_message` instead of an exception; only a model that
cannot be loaded at all (E030) fails the job. Needs the optional extra: pip install 'kr_event[ray]'.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from .errors import ErrorInfo, KrEventError, require

OUTPUT_COLUMNS: tuple[str, ...] = ("events_json", "spans_json", "n_events", "error_code",
                                   "error_message")


def _ray():
    require("ray", "ray")
    return require("ray.data", "ray")


def _plain(value: Any) -> Any:
    """A numpy / pandas scalar as the plain Python value the single-process path would get."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a core dependency
        return value
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None
        return value.astype("datetime64[us]").item()  # datetime.datetime
    if isinstance(value, np.generic):
        return value.item()
    return value


def _published(value: Any) -> Any:
    value = _plain(value)
    if isinstance(value, float) and math.isnan(value):  # missing value from a pandas frame
        return None
    if hasattr(value, "to_pydatetime"):  # pandas.Timestamp
        return None if value != value else value.to_pydatetime()
    return value


def _column(batch: dict[str, Any], name: str | None, n: int) -> list[Any]:
    if name is None or name not in batch:
        return [None] * n
    return list(batch[name])


def _object_array(values: list[Any]):
    import numpy as np

    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


class _ExtractorActor:
    """Callable class for `Dataset.map_batches`: one EventExtractor per actor, reused."""

    def __init__(self, model: str | None = None, batch_size: int = 16, threads: int | None = None,
                 device: str | None = None, text_column: str = "text", id_column: str = "id",
                 published_column: str | None = "published") -> None:
        from .pipeline import EventExtractor

        self.extractor = EventExtractor(model=model, device=device, batch_size=batch_size,
                                        threads=threads)
        self.text_column = text_column
        self.id_column = id_column
        self.published_column = published_column

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        from .schema import DocResult

        n = len(next(iter(batch.values()))) if batch else 0
        ids = _column(batch, self.id_column, n)
        texts = _column(batch, self.text_column, n)
        pubs = _column(batch, self.published_column, n)
        results: list[DocResult | None] = [None] * n
        items, where = [], []
        for k in range(n):
            try:
                doc_id = _plain(ids[k])
                items.append((None if doc_id is None else str(doc_id), _plain(texts[k]),
                              _published(pubs[k]), None))
                where.append(k)
            except Exception as exc:  # noqa: BLE001 - one bad row must not stop the batch
                results[k] = DocResult(None, error=ErrorInfo("E003", f"{type(exc).__name__}: {exc}"))
        try:
            done = self.extractor._run(items) if items else []
        except Exception as exc:  # noqa: BLE001 - _run never raises; be safe all the same
            err = ErrorInfo("E099", f"{type(exc).__name__}: {exc}")
            done = [DocResult(doc_id, error=err) for doc_id, *_ in items]
        for k, res in zip(where, done):
            results[k] = res
        cols: dict[str, list[Any]] = {c: [] for c in OUTPUT_COLUMNS}
        for res in results:
            row = _row(res)
            for c in OUTPUT_COLUMNS:
                cols[c].append(row[c])
        out = dict(batch)
        if "id" not in out:  # e.g. id_column="doc_id": add `id`, never overwrite an input column
            out["id"] = _object_array([_plain(v) for v in ids])
        import numpy as np

        for c in OUTPUT_COLUMNS:
            out[c] = np.asarray(cols[c], dtype=np.int64) if c == "n_events" else _object_array(cols[c])
        return out


def _row(res) -> dict[str, Any]:
    """The flat output columns of one DocResult; serialisation problems become E099 rows."""
    try:
        d = res.to_dict()
        err = d["error"]
        return {"events_json": json.dumps(d["events"], ensure_ascii=False),
                "spans_json": json.dumps(d["spans"], ensure_ascii=False),
                "n_events": len(d["events"]),
                "error_code": err["code"] if err else None,
                "error_message": err["message"] if err else None}
    except Exception as exc:  # noqa: BLE001
        return {"events_json": "[]", "spans_json": "[]", "n_events": 0, "error_code": "E099",
                "error_message": f"{type(exc).__name__}: {exc}"}


def _model_for_workers(model: str | os.PathLike | None) -> str | None:
    """Workers do not share the driver's cwd or environment: pass an absolute path, or the
    driver's $KR_EVENT_MODEL. A folder only on the workers' disks is passed as given."""
    model = model or os.environ.get("KR_EVENT_MODEL")
    if model is None:
        return None
    path = Path(model).expanduser()
    return str(path.resolve()) if path.exists() else str(model)


def extract_dataset(ds, *, model: str | os.PathLike | None = None,
                    concurrency: int | tuple[int, int] = 1, batch_size: int = 16,
                    num_cpus_per_actor: float = 1, threads: int | None = None,
                    num_gpus_per_actor: float = 0, device: str | None = None,
                    text_column: str = "text", id_column: str = "id",
                    published_column: str | None = "published"):
    """Award events of every row of `ds` (a `ray.data.Dataset`), lazily, as a new Dataset.

    `concurrency`: actors in the pool (an int, or (min, max) to autoscale); each loads the model
    once and reserves `num_cpus_per_actor` CPUs (and `num_gpus_per_actor` GPUs). `batch_size`:
    rows per call (also the tagger's batch size). `threads`: torch threads per actor, default
    the actor's CPUs, so actors on one node do not oversubscribe it. Rows need `text` (a missing
    or non-string text is an E002 row) and should have `id`; `published` is optional.
    """
    rd = _ray()
    if batch_size < 1:
        raise KrEventError("E020", f"batch_size must be >= 1, got {batch_size}")
    if isinstance(concurrency, int):
        if concurrency < 1:
            raise KrEventError("E020", f"concurrency must be >= 1, got {concurrency}")
        compute = rd.ActorPoolStrategy(size=concurrency)
    else:
        lo, hi = concurrency
        if not 1 <= lo <= hi:
            raise KrEventError("E020", f"concurrency must be (min, max) with 1 <= min <= max, got {concurrency}")
        compute = rd.ActorPoolStrategy(min_size=lo, max_size=hi)
    if num_cpus_per_actor <= 0 and not num_gpus_per_actor:
        raise KrEventError("E020", f"num_cpus_per_actor must be > 0, got {num_cpus_per_actor}")
    if threads is None:
        threads = max(1, int(num_cpus_per_actor))
    remote: dict[str, Any] = {"num_cpus": num_cpus_per_actor}
    if num_gpus_per_actor:
        remote["num_gpus"] = num_gpus_per_actor
    return ds.map_batches(
        _ExtractorActor,
        fn_constructor_kwargs={"model": _model_for_workers(model), "batch_size": batch_size,
                               "threads": threads, "device": device, "text_column": text_column,
                               "id_column": id_column, "published_column": published_column},
        compute=compute, batch_size=batch_size, batch_format="numpy",
        **remote,
    )


def result_from_row(row: dict[str, Any]):
    """An output row back as a DocResult (inverse of the flat columns)."""
    from .schema import AwardEvent, DocResult, Span

    code = row.get("error_code")
    doc_id = row.get("id")
    return DocResult(
        id=None if doc_id is None else str(doc_id),
        events=[AwardEvent.from_dict(e) for e in json.loads(row.get("events_json") or "[]")],
        spans=[Span.from_dict(s) for s in json.loads(row.get("spans_json") or "[]")],
        error=ErrorInfo(code, row.get("error_message") or "") if code else None,
    )


__all__ = ["extract_dataset", "result_from_row", "OUTPUT_COLUMNS"]
