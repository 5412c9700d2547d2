"""kr_event: award events from Korean press releases and news.

    >>> import kr_event
    >>> events = kr_event.extract(text, published="2012-10-25")

Heavy dependencies (torch, transformers) load on first use, not on import.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ERROR_CODES, ErrorInfo, KrEventError
from .schema import LABELS, AwardEvent, DocResult, Evidence, Span

__version__ = "0.1.0"
__all__ = ["extract", "EventExtractor", "AwardEvent", "DocResult", "Evidence", "Span", "LABELS",
           "KrEventError", "ErrorInfo", "ERROR_CODES", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import EventExtractor


def __getattr__(name: str) -> Any:
    if name == "EventExtractor":
        from .pipeline import EventExtractor

        return EventExtractor
    raise AttributeError(f"module 'kr_event' has no attribute {name!r}")


def extract(text: str, published: str | None = None) -> list[AwardEvent]:
    """Events in one text with the shipped model (loaded once, then reused)."""
    from .pipeline import default_extractor

    return default_extractor().extract(text, published=published)
