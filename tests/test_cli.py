"""`kr-event extract` / `render` with a tiny random model: formats, bad input, exit codes, resume."""
import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kr_event.cli import main
from kr_event.pipeline import MAX_CHARS

ROOT = Path(__file__).resolve().parents[1]
KO = "서울시는 25일 제10회 서울시 문화상 시상식에서 홍길동 씨가 대상을 받았다고 밝혔다. 최우수상은 김철수 씨에게 돌아갔다."


def cli(*argv) -> int:
    try:
        return main([str(a) for a in argv])
    except SystemExit as exc:  # argparse usage errors
        return int(exc.code)


@pytest.fixture(autouse=True)
def reuse_loaded_model(monkeypatch):
    """Load each model folder once per session, not once per in-process `extract` call."""
    from kr_event.cli import extract_cmd

    load = extract_cmd._load

    def cached(args, show_progress):
        key = (str(args.model), args.device)
        if key not in _LOADED:
            _LOADED[key] = load(args, show_progress)
        return _LOADED[key]
    monkeypatch.setattr(extract_cmd, "_load", cached)


_LOADED: dict = {}


@pytest.fixture
def extract(tiny_model, tmp_path):
    """Run `extract` in-process; returns (exit code, parsed JSONL records or None)."""
    def run(*inputs, out=None, args=()):
        out = out or tmp_path / "out.jsonl"
        code = cli("extract", *inputs, "-o", out, "--model", tiny_model, "--threads", 1, "-q", *args)
        recs = None
        if Path(out).suffix == ".jsonl" and Path(out).is_file():
            recs = [json.loads(line) for line in Path(out).read_text(encoding="utf-8").splitlines()]
        return code, recs
    return run


def write_jsonl(path, records):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                            for r in records), encoding="utf-8")
    return path


def spans_slice(rec):
    return all(rec["text"][s["start"]:s["end"]] == s["text"] for s in rec["spans"])


def test_jsonl_bad_records_each_give_one_record(extract, tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "ok", "text": KO, "published": "2012-10-25", "source": "press", "page": 3},
        {"id": "blank", "text": " \n\t "},
        {"id": "english", "text": "John Smith won the grand prize at the 2020 film awards."},
        '{"id": "broken", "text": "홍길',
        {"id": "notext", "body": KO},
        {"id": "number", "text": 42},
        {"id": "ok", "text": "두 번째 같은 id"},
        {"id": "baddate", "text": KO, "published": "2012-13-45"},
        {"id": "html", "text": "<html><head><style>p{color:red}</style><script>var x='<b>대상</b>';</script>"
                               "</head><body><p>홍길동 씨가 &lt;문화상&gt; 대상을 받았다 &amp; 축하</p></body></html>"},
        "",
        {"text": KO},
    ])
    code, recs = extract(src, args=["--with-text"])
    assert code == 1
    by_id = {}
    for r in recs:
        by_id.setdefault(r["id"], []).append(r)
    assert [r["id"] for r in recs] == ["ok", "blank", "english", f"{src}:4", "notext", "number", "ok",
                                       "baddate", "html", f"{src}:11"]
    codes = {r["id"]: (r["error"] or {}).get("code") for r in recs}
    assert by_id["ok"][0]["error"] is None and by_id["ok"][1]["error"]["code"] == "E006"
    assert by_id["ok"][0]["meta"] == {"source": "press", "page": 3}
    assert codes["blank"] == "E001" and codes["notext"] == "E002" and codes["number"] == "E002"
    assert codes["baddate"] == "E005"
    assert codes[f"{src}:4"] == "E003" and codes[f"{src}:11"] is None
    assert by_id["english"][0] == {"id": "english", "events": [], "spans": [], "error": None,
                                   "text": by_id["english"][0]["text"]}
    html = by_id["html"][0]
    assert html["error"] is None and "<" not in html["text"].replace("<문화상>", "")
    assert "<문화상>" in html["text"] and "& 축하" in html["text"] and "color" not in html["text"]
    assert "var x" not in html["text"] and spans_slice(html)
    assert all(spans_slice(r) for r in recs if r["error"] is None)
    assert sum(1 for r in recs if r["error"]) == 6
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert "10 documents" in summary and "6 errors" in summary
    for rid in ("blank", "notext", "number", "baddate"):
        assert rid in summary


def test_txt_folder_bad_bytes_and_huge_document(extract, tmp_path):
    d = tmp_path / "docs"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(KO, encoding="utf-8")
    (d / "sub" / "b.txt").write_text("\ufeff" + KO, encoding="utf-8")  # a BOM is fine
    (d / "bad.txt").write_bytes(KO.encode("utf-8")[:20] + b"\xff\xfe" + KO.encode("utf-8")[20:])
    (d / "huge.txt").write_text("가" + "a" * MAX_CHARS, encoding="utf-8")
    (d / "notes.md").write_text("ignored")
    code, recs = extract(d, args=["--with-text"])
    assert code == 1
    got = {r["id"]: r for r in recs}
    assert list(got) == ["a.txt", "bad.txt", "huge.txt", "sub/b.txt"]
    assert got["a.txt"]["error"] is None and got["sub/b.txt"]["text"] == KO
    assert got["bad.txt"]["error"]["code"] == "E004" and got["bad.txt"]["text"] is None
    assert got["huge.txt"]["error"]["code"] == "E007" and got["huge.txt"]["text"] is None
    code, recs = extract(d / "a.txt", out=tmp_path / "one.jsonl")
    assert code == 0 and [r["id"] for r in recs] == ["a.txt"] and "text" not in recs[0]


def test_csv_input_columns_meta_and_malformed_rows(extract, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text('doc,body,date,outlet\nd1,"' + KO + '",2012-10-25,연합\n'
                   'd2,,2012-10-25,x\nd3,"hello, world",not-a-date,y\nd4,홍길동,2012-10-25,z,EXTRA\n',
                   encoding="utf-8")
    code, recs = extract(src, args=["--text-col", "body", "--id-col", "doc", "--published-col", "date"])
    assert code == 1
    assert [r["id"] for r in recs] == ["d1", "d2", "d3", f"{src}:5"]
    assert recs[0]["error"] is None and recs[0]["meta"] == {"outlet": "연합"}
    assert [(r["error"] or {}).get("code") for r in recs] == [None, "E001", "E005", "E003"]
    # the text column must exist: a usage error before anything runs
    assert extract(src, out=tmp_path / "x.jsonl")[0] == 2 and not (tmp_path / "x.jsonl").exists()


@pytest.mark.parametrize("data, ids", [
    (b'{"id": "s1", "text": "\xed\x99\x8d\xea\xb8\xb8\xeb\x8f\x99"}\n\n{"id": "s2", "text": "x"}\n', ["s1", "s2"]),
    (KO.encode("utf-8") + b"\n\n" + KO.encode("utf-8"), ["stdin"]),
    (b"\n{not json\n", ["stdin"]),
])
def test_stdin_jsonl_or_text(extract, monkeypatch, tmp_path, data, ids):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, recs = extract("-", args=["--with-text"])
    assert code == 0 and [r["id"] for r in recs] == ids
    if ids == ["stdin"]:
        assert recs[0]["text"] == data.decode("utf-8")


def test_stdout_is_the_default_output(tiny_model, tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": KO}, {"id": "b", "text": "abc"}])
    assert cli("extract", src, "--model", tiny_model, "-q") == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a", "b"]
    assert "2 documents" in err and "0 errors" in err


def test_csv_and_parquet_outputs_keep_every_record(extract, tmp_path):
    # the tiny random tagger's spans are arbitrary: a longer text gives it room for several events
    recs_in = [{"id": f"d{i}", "text": " ".join([KO] * 2) if i % 3 else "   "} for i in range(7)]
    src = write_jsonl(tmp_path / "in.jsonl", recs_in)
    _, ref = extract(src)
    expected = [(r["id"], max(1, len(r["events"]))) for r in ref]
    assert any(n > 1 for _, n in expected), "the tiny model should give multi-event documents"

    assert extract(src, out=tmp_path / "out.csv")[0] == 1
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == [i for i, n in expected for _ in range(n)]
    failed = [r for r in rows if r["error_code"]]
    assert {r["id"] for r in failed} == {"d0", "d3", "d6"} and all(r["event"] == "" for r in failed)
    first = next(r for r in rows if r["id"] == "d1")
    assert first["tier"] == (ref[1]["events"][0]["tier"] or "") and first["n_events"] == str(len(ref[1]["events"]))

    pq = pytest.importorskip("pyarrow.parquet")
    assert extract(src, out=tmp_path / "out.parquet")[0] == 1
    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [r["id"] for r in table] == [r["id"] for r in rows]
    assert table[0]["event"] is None and table[0]["error_code"] == "E001"
    assert isinstance(next(r for r in table if r["event"] == 0)["confidence"], float)


def test_parquet_without_pyarrow_says_how_to_get_it(extract, tmp_path, monkeypatch, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": KO}])
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    assert extract(src, out=tmp_path / "out.parquet")[0] == 2
    assert "pip install 'kr_event[parquet]'" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["missing.jsonl"], "input not found"),
    (["in.jsonl", "--published", "25/10/2012"], "E005"),
    (["in.xml"], "cannot tell the format"),
    (["in.jsonl", "--batch-size", "0"], "positive integer"),
    (["in.jsonl", "--resume", "-o", "-"], "--resume needs"),
    (["in.jsonl", "-o", "out.parquet", "--resume"], "--resume needs"),
    (["in.jsonl", "--model", "no-such-model"], "cannot load the model"),
])
def test_usage_errors_exit_2(tiny_model, tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": KO}])
    (tmp_path / "in.xml").write_text("<a/>")
    model = [] if "--model" in args else ["--model", tiny_model]
    assert cli("extract", *args, *model, "-q") == 2
    assert message in capsys.readouterr().err


def test_exit_0_when_all_fine(extract, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": KO}, {"id": "b", "text": "no Korean"}])
    code, recs = extract(src, args=["--published", "2012-10-25"])
    assert code == 0 and all(r["error"] is None for r in recs) and recs[1]["events"] == []


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_resume_after_torn_write_equals_a_clean_run(extract, tmp_path, fmt):
    two = " ".join([KO] * 2)  # room for the tiny random tagger to find several events
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"d{i}", "text": two[: 20 + 10 * i]} for i in range(12)]
                      + [{"id": "d3", "text": KO}])  # a duplicate: its E006 record must survive too
    ref, out = tmp_path / f"ref.{fmt}", tmp_path / f"out.{fmt}"
    assert extract(src, out=ref, args=["--batch-size", "4"])[0] == 1
    lines = ref.read_bytes().splitlines(keepends=True)
    if fmt == "csv":  # cut inside a multi-event document: its rows must be redone, not kept
        ids = [line.split(b",")[0] for line in lines]
        cut = next(k for k in range(2, len(lines)) if ids[k] == ids[k - 1])
    else:
        cut = 5
    out.write_bytes(b"".join(lines[:cut]) + lines[cut][: len(lines[cut]) // 2])  # torn last line
    assert extract(src, out=out, args=["--resume", "--batch-size", "4"])[0] == 1
    assert out.read_bytes() == ref.read_bytes()
    # a finished output resumes to itself
    assert extract(src, out=out, args=["--resume"])[0] == 1
    assert out.read_bytes() == ref.read_bytes()


def test_killed_run_resumes_to_exactly_one_record_per_input(tiny_model, tmp_path):
    docs = [{"id": f"doc-{i:02d}", "text": f"{i}번 문서. " + KO} for i in range(40)]
    src = write_jsonl(tmp_path / "in.jsonl", docs)
    out = tmp_path / "out.jsonl"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # first run reads a pipe that is fed only 10 records, so it is surely mid-run when killed
    proc = subprocess.Popen([sys.executable, "-m", "kr_event.cli", "extract", "-", "-o", str(out),
                             "--batch-size", "4", "--model", str(tiny_model), "--threads", "1", "-q"],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    try:
        proc.stdin.write(b"".join(src.read_bytes().splitlines(keepends=True)[:10]))
        proc.stdin.flush()
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:  # wait for two whole batches
            if out.is_file() and out.read_bytes().count(b"\n") >= 8:
                break
            time.sleep(0.1)
        assert proc.poll() is None, proc.stderr.read().decode()
        proc.kill()
    finally:
        proc.wait(timeout=30)
    written = out.read_bytes()
    assert written.count(b"\n") == 8  # two full batches; the third never completed
    with open(out, "ab") as fh:
        fh.write(b'{"id": "doc-08", "ev')  # as if killed in the middle of a write
    assert cli("extract", src, "-o", out, "--resume", "--batch-size", "4", "--model", tiny_model, "-q") == 0
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == [d["id"] for d in docs] and ids[:8] == [f"doc-{i:02d}" for i in range(8)]


def test_resume_refuses_an_output_damaged_in_the_middle(tiny_model, tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": KO}, {"id": "b", "text": KO}])
    out = write_jsonl(tmp_path / "out.jsonl", ["not json", '{"id": "a"}'])
    assert cli("extract", src, "-o", out, "--resume", "--model", tiny_model, "-q") == 2
    assert "cannot resume" in capsys.readouterr().err and out.read_text().startswith("not json")


def test_render_html_legend_marks_and_escaping(extract, tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "<b>id</b>", "text": KO + " <2023 문화상> & \"따옴표\""},
        {"id": "empty", "text": ""},
        {"id": "en", "text": "a <2023 prize> & \"q\" 'x'"},  # not Korean: no marks cut it
    ])
    extract(src, args=["--with-text"])
    assert cli("render", tmp_path / "out.jsonl", "-o", tmp_path / "view.html") == 0
    page = (tmp_path / "view.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "http" not in page
    for label in ("AWARD", "TIER", "ORGANIZER", "DATE", "RECIPIENT"):
        assert f'<span class="l-{label}">{label}</span>' in page
    assert "&lt;b&gt;id&lt;/b&gt;" in page and "<b>id</b>" not in page
    assert "a &lt;2023 prize&gt; &amp; &quot;q&quot; &#x27;x&#x27;" in page and "<2023" not in page
    assert '<mark class="l-' in page and "E001" in page and "<table>" in page
    # without --with-text: a clear error
    extract(src, out=tmp_path / "plain.jsonl")
    assert cli("render", tmp_path / "plain.jsonl", "-o", tmp_path / "v2.html") == 2
    assert "--with-text" in capsys.readouterr().err


@pytest.mark.parametrize("text, expected", [
    ("<2023 서울시 문화상> 수상자 a < b", None),  # angle-bracket titles are not HTML
    ("<p>홍길동 &amp; 김철수</p><p>대상</p>", "홍길동 & 김철수\n\n대상"),
    ("<head><title>제목</title><script>x()</script><body><div>본문<br>둘째 줄</div>", "제목\n\n본문\n둘째 줄"),
    ("<!-- note -->텍스트 <b>굵게</b>", "텍스트 굵게"),
])
def test_html_is_stripped_only_when_it_looks_like_html(text, expected):
    from kr_event.text.html import clean_text

    assert clean_text(text) == ((text, False) if expected is None else (expected, True))


@pytest.mark.parametrize("precision", ["fp32", "bf16", "auto"])
def test_precision_and_prefilter_options(extract, tmp_path, precision):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": KO}, {"id": "b", "text": KO * 3}])
    code, recs = extract(src, args=("--precision", precision, "--prefilter", "--with-text"))
    assert code == 0 and [r["id"] for r in recs] == ["a", "b"] and all(map(spans_slice, recs))
