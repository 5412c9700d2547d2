from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_GOLD = ROOT / "eval" / "gold" / "seed.jsonl"


@pytest.fixture(scope="session")
def seed_doc():
    from kr_event.corpus import read_jsonl

    return next(read_jsonl(SEED_GOLD))
