"""Sanity checks for the language tables under kr_event/data/ko (bodies, tiers, contest_kinds)."""
import pytest

from kr_event.lexicon import load

FILES = ["bodies", "tiers", "contest_kinds"]


@pytest.mark.parametrize("name", FILES)
def test_loads_with_doc(name):
    data = load(name)
    assert isinstance(data, dict)
    assert isinstance(data.get("_doc"), str) and data["_doc"].strip()


def _no_dups(items):
    seen, dups = set(), []
    for x in items:
        if x in seen:
            dups.append(x)
        seen.add(x)
    return dups


def test_bodies_counts():
    b = load("bodies")
    assert len(b["metropolitan"]) == 17
    assert len([x for x in b["basic"] if x.get("kind") != "행정시"]) >= 220
    assert len(b["ministries"]) >= 18
    assert len(b["agencies"]) >= 40


def test_bodies_no_duplicates():
    b = load("bodies")
    for key in ("metropolitan", "ministries", "agencies"):
        names = [x["name"] for x in b[key]]
        assert not _no_dups(names), (key, _no_dups(names))
        for x in b[key]:
            assert isinstance(x.get("short", []), list)
            assert x["name"] not in x.get("short", []), x
    # basic names repeat across parents (중구, 고성군 …): unique as (name, parent)
    pairs = [(x["name"], x["parent"]) for x in b["basic"]]
    assert not _no_dups(pairs), _no_dups(pairs)


def test_metropolitan_shorts_unique():
    shorts = [s for x in load("bodies")["metropolitan"] for s in x["short"]]
    assert not _no_dups(shorts), _no_dups(shorts)


def test_basic_parents_known():
    b = load("bodies")
    metro = {x["name"] for x in b["metropolitan"]}
    for x in b["basic"]:
        assert x["parent"] in metro, x
        assert x["name"][-1] in "구시군", x


def test_tiers():
    t = load("tiers")
    cats = t["categories"]
    for key in ("government", "grade", "metal", "commendation", "institution", "rank", "certification"):
        assert cats[key], key
    for key, words in cats.items():
        assert not _no_dups(words), (key, _no_dups(words))
    every = [w for words in cats.values() for w in words]
    assert not _no_dups(every), _no_dups(every)
    assert t["not_prize_words"] and not _no_dups(t["not_prize_words"])
    assert not set(t["not_prize_words"]) & set(every)


def test_contest_kinds():
    kinds = load("contest_kinds")["kinds"]
    for key in ("경진대회", "평가", "공모전", "시상식", "대상", "인증/선정"):
        assert kinds[key], key
    every = [w for words in kinds.values() for w in words]
    # an ending belongs to one kind only, so longest-match classification is unambiguous
    assert not _no_dups(every), _no_dups(every)
