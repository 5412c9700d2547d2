"""Scorers: span-level (seqeval, entity level, IOB2) and event-level (strict / relaxed)."""
from .events import event_scores, match_events, normalize_value
from .report import evaluate, format_report
from .spans import char_tags, span_scores

__all__ = ["char_tags", "span_scores", "event_scores", "match_events", "normalize_value",
           "evaluate", "format_report"]
