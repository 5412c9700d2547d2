"""Text preparation that keeps offsets into the caller's original string."""
from .normalize import NormalizedText, normalize

__all__ = ["NormalizedText", "normalize"]
