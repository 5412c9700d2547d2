"""Public entry point: EventExtractor = tagger (model) + rule layer, over one or many texts."""
from __future__ import annotations

import datetime as dt
import os
import re
import time
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

from .errors import ErrorInfo, KrEventError
from .rules.assemble import assemble
from .schema import AwardEvent, DocResult

MAX_CHARS = 1_000_000  # a document larger than this is refused with E007, not silently cut
# Hangul syllables, jamo, compatibility jamo, jamo extended A/B: a text with none is not Korean
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff]")


def is_korean(text: str) -> bool:
    """True when the text has at least one Hangul character (non-Korean text has no events)."""
    return _HANGUL.search(text) is not None


def parse_published(value: str | dt.date | None) -> dt.date | None:
    """`published` as a date; a clear E005 error for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise KrEventError("E005", f"published={value!r} is not a date in YYYY-MM-DD form")


def check_text(text: Any) -> str:
    if not isinstance(text, str):
        raise KrEventError("E002", f"text must be a string, got {type(text).__name__}")
    if not text.strip():
        raise KrEventError("E001", "text is empty or whitespace only")
    if len(text) > MAX_CHARS:
        raise KrEventError("E007", f"text has {len(text):,} characters; the limit is {MAX_CHARS:,}")
    return text


class EventExtractor:
    """Load the model once; extract award events from texts.

    >>> ex = EventExtractor()                       # shipped model, CPU
    >>> ex.extract("…", published="2012-10-25")    # -> list[AwardEvent]
    >>> for result, context in ex.pipe(((text, {"id": i}) for i, text in items), as_tuples=True): ...
    """

    def __init__(self, model: str | os.PathLike | None = None, device: str | None = None,
                 batch_size: int = 16, threads: int | None = None, *,
                 quantize: str | None = None, prefilter: bool = False, precision: str = "fp32") -> None:
        """`quantize` ("int8" / "int8-channel", CPU), `prefilter` (encoder only on windows
        with an award cue) and `precision` ("fp32" / "bf16" / "auto") are the tagger's fast-path
        options; see Tagger and eval/BENCHMARKS.md. `timings` holds seconds per stage (the tagger's plus "rules")."""
        from .tagger.model import Tagger

        self.tagger = Tagger(model, device=device, batch_size=batch_size, threads=threads,
                             quantize=quantize, prefilter=prefilter, precision=precision)
        self.batch_size = batch_size
        self.timings = self.tagger.timings
        self.timings.setdefault("rules", 0.0)

    def extract(self, text: str, published: str | dt.date | None = None) -> list[AwardEvent]:
        """Events of one text. Raises KrEventError on invalid input (batch methods never do)."""
        check_text(text)
        pub = parse_published(published)
        if not is_korean(text):
            return []
        spans = self.tagger.tag([text])[0]
        t0 = time.perf_counter()
        events = assemble(text, spans, pub)
        self.timings["rules"] += time.perf_counter() - t0
        return events

    def extract_doc(self, text: str, published: str | dt.date | None = None,
                    doc_id: str | None = None) -> DocResult:
        return next(iter(self._run([(doc_id, text, published, {})])))

    def extract_batch(self, docs: Sequence[dict[str, Any] | str]) -> list[DocResult]:
        """Dicts with `text` (+ optional `id`, `published`) or plain strings; one result each."""
        items = []
        for i, d in enumerate(docs):
            if isinstance(d, str):
                items.append((str(i), d, None, {}))
            else:
                items.append((str(d.get("id", i)), d.get("text"), d.get("published"), {}))
        return list(self._run(items))

    def pipe(self, stream: Iterable[Any], batch_size: int | None = None,
             as_tuples: bool = False) -> Iterator[Any]:
        """Stream results in input order. With as_tuples, items are (text, context) and
        (DocResult, context) come back, the context untouched (like spaCy's nlp.pipe)."""
        size = batch_size or self.batch_size
        batch: list[tuple[str | None, Any, Any, Any]] = []
        for n, item in enumerate(stream):
            if as_tuples:
                text, ctx = item
                ctx = ctx if ctx is not None else {}
                meta = ctx if isinstance(ctx, dict) else {}
                batch.append((str(meta.get("id", n)), text, meta.get("published"), ctx))
            else:
                batch.append((str(n), item, None, None))
            if len(batch) >= size:
                yield from self._emit(batch, as_tuples)
                batch = []
        if batch:
            yield from self._emit(batch, as_tuples)

    def _emit(self, batch, as_tuples: bool) -> Iterator[Any]:
        for (_, _, _, ctx), result in zip(batch, self._run(batch)):
            yield (result, ctx) if as_tuples else result

    def _run(self, items: Sequence[tuple[str | None, Any, Any, Any]]) -> list[DocResult]:
        """One DocResult per item, in order; a bad item gets an error, never an exception."""
        results: list[DocResult] = [DocResult(id=i) for i, *_ in items]
        ok: list[tuple[int, str, dt.date | None]] = []
        for k, (_, text, published, _) in enumerate(items):
            try:
                text, pub = check_text(text), parse_published(published)
            except KrEventError as exc:
                results[k].error = exc.info()
                continue
            if is_korean(text):  # not Korean: no error, no events, no model call
                ok.append((k, text, pub))
        if ok:
            try:
                all_spans = self.tagger.tag([t for _, t, _ in ok])
            except Exception:  # noqa: BLE001 - retry one by one: the batch must not be lost
                all_spans = None
            for n, (k, text, pub) in enumerate(ok):
                try:
                    spans = all_spans[n] if all_spans is not None else self.tagger.tag([text])[0]
                    results[k].spans = spans
                    t0 = time.perf_counter()
                    results[k].events = assemble(text, spans, pub)
                    self.timings["rules"] += time.perf_counter() - t0
                except Exception as exc:  # noqa: BLE001
                    results[k].error = ErrorInfo("E099", f"{type(exc).__name__}: {exc}")
        return results


@lru_cache(maxsize=1)
def default_extractor() -> EventExtractor:
    return EventExtractor()
