"""The public output schema: spans, award events and document results.

Every object carries character offsets into the caller's original text and round-trips through
plain JSON (`to_dict` / `from_dict`). The field names are a public contract (see README).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import ErrorInfo

LABELS: tuple[str, ...] = ("AWARD", "TIER", "ORGANIZER", "DATE", "RECIPIENT")
EVENT_FIELDS: tuple[str, ...] = ("recipient", "award", "tier", "organizer", "date")


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled stretch of text: `text == doc_text[start:end]`."""

    label: str
    start: int
    end: int
    text: str
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "start": self.start, "end": self.end,
                "text": self.text, "score": round(float(self.score), 4)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Span":
        return cls(d["label"], int(d["start"]), int(d["end"]), d["text"], float(d.get("score", 1.0)))


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence an event was read from."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Evidence":
        return cls(int(d["start"]), int(d["end"]), d["text"])


@dataclass(slots=True)
class AwardEvent:
    """One prize (tier) of one award won by one recipient."""

    recipient: str | None
    award: str | None
    tier: str | None
    organizer: str | None = None
    date: str | None = None  # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    date_text: str | None = None
    confidence: float = 1.0
    evidence: list[Evidence] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)

    def key(self) -> tuple[str | None, ...]:
        return tuple(getattr(self, f) for f in EVENT_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "recipient": self.recipient, "award": self.award, "tier": self.tier,
            "organizer": self.organizer, "date": self.date, "date_text": self.date_text,
            "confidence": round(float(self.confidence), 4),
            "evidence": [e.to_dict() for e in self.evidence],
            "mentions": [m.to_dict() for m in self.mentions],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "AwardEvent":
        return cls(
            recipient=d.get("recipient"), award=d.get("award"), tier=d.get("tier"),
            organizer=d.get("organizer"), date=d.get("date"), date_text=d.get("date_text"),
            confidence=float(d.get("confidence", 1.0)),
            evidence=[Evidence.from_dict(e) for e in d.get("evidence", [])],
            mentions=[Span.from_dict(m) for m in d.get("mentions", [])],
        )


@dataclass(slots=True)
class DocResult:
    """What one input record becomes: its events and spans, or an error. Never both lost."""

    id: str | None
    events: list[AwardEvent] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    error: ErrorInfo | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "events": [e.to_dict() for e in self.events],
            "spans": [s.to_dict() for s in self.spans],
            "error": self.error.to_dict() if self.error else None,
        }
        if self.meta:
            out["meta"] = self.meta
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "DocResult":
        err = d.get("error")
        return cls(
            id=d.get("id"),
            events=[AwardEvent.from_dict(e) for e in d.get("events", [])],
            spans=[Span.from_dict(s) for s in d.get("spans", [])],
            error=ErrorInfo(err["code"], err["message"]) if err else None,
            meta=d.get("meta", {}),
        )
