"""Where the read-only shared material lives (seed article, KLUE): never copied into the repo."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..errors import AnnotationError

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """$KR_EVENT_SHARED, else `../shared` beside the project root."""
    env = os.environ.get("KR_EVENT_SHARED")
    return Path(env) if env else (REPO_ROOT.parent / "shared")


def read_shared_text(ref: str, sha256: str | None = None) -> str:
    """Read `shared:<relative path>` and check its hash, so stand-off offsets stay valid."""
    if not ref.startswith("shared:"):
        raise AnnotationError(f"source {ref!r} must look like 'shared:<path>'")
    path = shared_dir() / ref[len("shared:"):]
    if not path.is_file():
        raise AnnotationError(f"{path} not found: set KR_EVENT_SHARED to the shared/ folder")
    data = path.read_bytes()
    if sha256 and hashlib.sha256(data).hexdigest() != sha256:
        raise AnnotationError(f"{path} changed: sha256 differs from the annotation's")
    return data.decode("utf-8")
