"""Errors with stable codes, so batch output and callers can branch on `code`, not on wording."""
from __future__ import annotations

from dataclasses import dataclass

# code -> short meaning. Codes are a public contract: never renumber, only add.
ERROR_CODES: dict[str, str] = {
    "E001": "empty or whitespace-only text",
    "E002": "text field missing or not a string",
    "E003": "malformed input record (JSON/CSV)",
    "E004": "undecodable bytes (not UTF-8)",
    "E005": "invalid 'published' date",
    "E006": "duplicate document id",
    "E007": "document too large",
    "E008": "input file could not be read (I/O error)",
    "E010": "invalid annotation (span/event does not match the text)",
    "E020": "invalid configuration value",
    "E030": "model could not be loaded",
    "E031": "optional dependency missing",
    "E099": "internal error while processing the document",
}


class KrEventError(Exception):
    """Base error; `code` is one of ERROR_CODES."""

    def __init__(self, code: str, message: str) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message

    def info(self) -> "ErrorInfo":
        return ErrorInfo(self.code, self.message)


class AnnotationError(KrEventError):
    def __init__(self, message: str) -> None:
        super().__init__("E010", message)


class ConfigError(KrEventError):
    def __init__(self, message: str) -> None:
        super().__init__("E020", message)


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    code: str
    message: str

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


def require(module: str, extra: str):
    """Import an optional heavy dependency, or say exactly how to get it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise KrEventError(
            "E031", f"'{module}' is needed for this feature: pip install 'kr_event[{extra}]'"
        ) from exc
