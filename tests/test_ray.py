"""`kr_event.ray.extract_dataset` and `kr-event extract-ray` on a local 2-CPU Ray cluster, with a
tiny random model: one output row per input row, each equal to the single-process result."""
import datetime as dt
import json
from collections import Counter

import pytest

ray = pytest.importorskip("ray", reason="needs the optional extra: pip install 'kr_event[ray]'")
pytest.importorskip("ray.data", reason="needs ray[data]: pip install 'kr_event[ray]'")

from kr_event.cli import main  # noqa: E402
from kr_event.pipeline import EventExtractor  # noqa: E402
from kr_event.ray import OUTPUT_COLUMNS, extract_dataset, result_from_row  # noqa: E402

pytestmark = pytest.mark.filterwarnings(r"ignore::DeprecationWarning:ray\..*")  # Ray's own

NAMES = ["홍길동", "김철수", "이영희", "박지민", "최수진", "정민호", "강하늘", "윤서연"]
AWARDS = ["서울시 문화상", "대한민국 과학기술대상", "올해의 작가상", "한국출판문화상", "청룡영화상"]
TIERS = ["대상", "최우수상", "우수상", "장려상", "금상"]
ORGS = ["서울시", "과학기술정보통신부", "한국문화예술위원회", "한국일보", "조선일보"]


def korean_text(i: int) -> str:
    n, a, t, o = NAMES[i % 8], AWARDS[i % 5], TIERS[(i // 2) % 5], ORGS[(i // 3) % 5]
    text = (f"{o}는 {i % 28 + 1}일 제{i % 40 + 1}회 {a} 시상식에서 {n} 씨가 {t}을 받았다고 밝혔다. "
            f"{TIERS[(i + 1) % 5]}은 {NAMES[(i + 3) % 8]} 씨에게 돌아갔다.")
    if i % 7 == 0:  # longer than one 64-token window of the tiny model
        text += " 시상식은 오후 3시 세종문화회관에서 열렸으며 수상자에게는 상금과 상패가 수여됐다." * 3
    return text


def documents() -> list[dict]:
    docs = [{"id": f"d{i:03d}", "text": korean_text(i),
             "published": None if i % 4 == 0 else f"2021-{i % 12 + 1:02d}-{i % 27 + 1:02d}",
             "source": f"src{i % 3}"} for i in range(104)]
    docs += [
        {"id": "empty", "text": "", "published": "2021-01-01", "source": "x"},
        {"id": "blank", "text": "  \n\t ", "published": None, "source": "x"},
        {"id": "missing", "text": None, "published": "2021-01-01", "source": "x"},
        {"id": "bad-date", "text": korean_text(1), "published": "2021-13-45", "source": "x"},
        {"id": "not-a-date", "text": korean_text(2), "published": "yesterday", "source": "x"},
        {"id": "english", "text": "The Seoul Culture Award went to Gildong Hong.", "published": None,
         "source": "x"},
    ]
    return docs


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=200 * 1024 ** 2,
             log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def single(tiny_model):
    return EventExtractor(model=tiny_model, threads=1)


def expected_rows(single, docs, batch_size):
    """Single-process results, in the batches Ray forms (contiguous `batch_size` rows per block):
    padding depends on a batch's other texts, which moves float sums in the last bits."""
    items = [(d["id"], d.get("text"), d.get("published"), {}) for d in docs]
    out = {}
    results = [r for k in range(0, len(items), batch_size) for r in single._run(items[k:k + batch_size])]
    for res in results:
        d = res.to_dict()
        out[res.id] = {"events_json": json.dumps(d["events"], ensure_ascii=False),
                       "spans_json": json.dumps(d["spans"], ensure_ascii=False),
                       "n_events": len(d["events"]),
                       "error_code": d["error"]["code"] if d["error"] else None,
                       "error_message": d["error"]["message"] if d["error"] else None}
    return out


def assert_same(rows, docs, expected):
    assert len(rows) == len(docs)  # one output row per input row
    assert Counter(r["id"] for r in rows) == Counter(d["id"] for d in docs)
    for r in rows:
        want = expected[r["id"]]
        got = {c: (int(r[c]) if c == "n_events" else r[c]) for c in OUTPUT_COLUMNS}
        assert got == want, r["id"]


def test_extract_dataset_equals_single_process(cluster, tiny_model, single):
    docs = documents()
    assert len(docs) == 110
    ds = ray.data.from_items(docs, override_num_blocks=11)  # 11 blocks of 10 rows
    out = extract_dataset(ds, model=tiny_model, concurrency=2, batch_size=10)
    rows = out.take_all()
    expected = expected_rows(single, docs, 10)
    assert_same(rows, docs, expected)

    by_id = {r["id"]: r for r in rows}
    assert {c for c in by_id["d000"]} >= {"id", "text", "published", "source", *OUTPUT_COLUMNS}
    assert by_id["d005"]["source"] == "src2" and by_id["d005"]["text"] == korean_text(5)
    errors = {i: by_id[i]["error_code"] for i in ("empty", "blank", "missing", "bad-date", "not-a-date")}
    assert errors == {"empty": "E001", "blank": "E001", "missing": "E002", "bad-date": "E005",
                      "not-a-date": "E005"}
    assert by_id["english"]["error_code"] is None and by_id["english"]["n_events"] == 0
    assert sum(r["error_code"] is None for r in rows) == 105
    assert sum(json.loads(r["spans_json"]) != [] for r in rows) > 50  # the model did tag things
    assert result_from_row(by_id["d007"]).to_dict() == single._run(
        [(d["id"], d["text"], d["published"], {}) for d in docs[:10]])[7].to_dict()


def test_non_string_text_is_an_error_row(cluster, tiny_model, single):
    docs = [{"id": "num", "text": 12345}, {"id": "list", "text": ["가", "나"]},
            {"id": "ok", "text": korean_text(3)}]
    ds = ray.data.from_items(docs, override_num_blocks=1)  # one block: a mixed-type column
    rows = extract_dataset(ds, model=tiny_model, batch_size=2).take_all()
    assert_same(rows, docs, expected_rows(single, docs, 2))
    assert {r["id"]: r["error_code"] for r in rows} == {"num": "E002", "list": "E002", "ok": None}


def test_cli_jsonl_and_parquet(cluster, tiny_model, single, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    docs = documents()[:20] + documents()[-6:]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    out = tmp_path / "out_jsonl"
    code = main(["extract-ray", str(src), "--output", str(out), "--model", str(tiny_model),
                 "--batch-size", "4"])
    assert code == 1  # some rows carry errors
    rows = [json.loads(line) for f in sorted(out.iterdir()) for line in f.read_text("utf-8").splitlines()]
    assert_same(rows, docs, expected_rows(single, docs, 4))
    assert "text" not in rows[0] and rows[0]["source"].startswith("src")

    # Parquet in and out, `published` as a real date column
    pdocs = [dict(d, published=dt.date(2021, 1 + i % 12, 1 + i)) for i, d in enumerate(documents()[:12])]
    pq.write_table(pa.Table.from_pylist(pdocs), tmp_path / "in.parquet")
    pout = tmp_path / "out_parquet"
    code = main(["extract-ray", str(tmp_path / "in.parquet"), "-o", str(pout), "--format", "parquet",
                 "--model", str(tiny_model), "--with-text"])
    assert code == 0
    rows = pq.read_table(pout).to_pylist()
    assert_same(rows, pdocs, expected_rows(single, pdocs, 16))
    assert all(r["text"] for r in rows)

    assert main(["extract-ray", str(src), "--output", str(out), "--model", str(tiny_model)]) == 2
    assert main(["extract-ray", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o3")]) == 2
