"""Language data loader: JSON tables under kr_event/data/ko, read once, kept apart from code."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """Load `kr_event/data/ko/<name>.json`."""
    ref = resources.files("kr_event.data.ko").joinpath(f"{name}.json")
    return json.loads(ref.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def particles() -> tuple[str, ...]:
    return tuple(sorted(load("particles")["particles"], key=len, reverse=True))


@lru_cache(maxsize=None)
def strip_chars() -> str:
    return load("particles")["strip_chars"]


@lru_cache(maxsize=None)
def rule_pattern(name: str) -> re.Pattern[str]:
    """A compiled pattern from the rule tables (`rules.json`)."""
    return re.compile(load("rules")[name])
