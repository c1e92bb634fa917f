"""`farmdetect scan` and the batch scorer: accounting, order, filtered outputs, errors, timeouts."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import farmdetect
from farmdetect.batch import Summary, score_records
from farmdetect.cli import main
from farmdetect.warc import Record, read_warc
from tests.conftest import PAGES
from tests.test_model import make_model
from tests.test_warc import warc_record, write_warc

FIXTURES = sorted(PAGES.glob("*.html"))


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_model(tmp_path_factory.mktemp("model"))


def scan(*args: str, model_dir: Path | None = None, stdin: str | None = None) -> Any:
    extra = ["--model-dir", str(model_dir)] if model_dir is not None else []
    return CliRunner().invoke(main, ["scan", *args, *extra], input=stdin)


def lines_of(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def good_records() -> list[bytes]:
    """One response record per fixture page (a mix of farm-like and legit pages)."""
    return [warc_record(p.read_bytes(), rid=f"page-{i}", url=f"https://site{i}.example/{p.stem}")
            for i, p in enumerate(FIXTURES)]


def broken_warc(path: Path) -> tuple[list[bytes], set[int]]:
    """Good pages with injected bad records: corrupt member, non-HTML, huge, bad HTTP, binary."""
    recs = good_records()
    recs.insert(1, warc_record(b"GIF89a\x00\x01", rid="gif", ctype="image/gif"))
    recs.insert(2, warc_record(b"<html>" + b"<p>x</p>" * 20_000 + b"</html>", rid="huge"))
    recs.insert(3, warc_record(b"junk", rid="badhttp", http=b"NOT HTTP\x00\x01\r\n\r\n"))
    recs.insert(4, warc_record(b"\x00\x01\x02\x03" * 500, rid="binary"))
    recs.insert(5, warc_record(b"", rid="empty"))
    recs.insert(6, warc_record(FIXTURES[0].read_bytes(), rid="corrupt"))
    write_warc(path, recs, corrupt={6})
    return recs, {6}


def test_broken_warc_every_record_accounted_for(tmp_path: Path, model_dir: Path) -> None:
    warc = tmp_path / "broken.warc.gz"
    recs, _ = broken_warc(warc)
    res = scan(str(warc), "--workers", "1", "--max-bytes", "100000", model_dir=model_dir)
    assert res.exit_code == 0, res.output
    out = lines_of(res.stdout)
    assert len(out) == len(recs)  # one line per record, the corrupt member included
    by_id = {o["id"]: o for o in out}
    assert by_id["<urn:uuid:gif>"]["skipped"].startswith("not HTML")
    assert by_id["<urn:uuid:empty>"]["skipped"] == "empty body"
    assert "too large" in by_id["<urn:uuid:huge>"]["error"]
    assert "invalid HTTP headers" in by_id["<urn:uuid:badhttp>"]["error"]
    assert "binary" in by_id["<urn:uuid:binary>"]["error"]
    assert any("corrupt gzip member" in (o["error"] or "") for o in out)
    for i in range(len(FIXTURES)):
        assert by_id[f"<urn:uuid:page-{i}>"]["label"] in ("ok", "farm")
    scored = sum(o["label"] is not None for o in out)
    skipped = sum(bool(o["skipped"]) for o in out)
    errors = sum(bool(o["error"]) for o in out)
    assert len(out) == scored + skipped + errors
    assert (scored, skipped, errors) == (len(FIXTURES), 2, 4)
    assert f"{len(out)} records read: {scored} scored" in res.stderr


def test_order_with_two_workers_equals_one(tmp_path: Path, model_dir: Path) -> None:
    warc = tmp_path / "many.warc"
    recs = good_records() * 6  # more records than one chunk, so several chunks are in flight
    write_warc(warc, recs)
    one = scan(str(warc), "--workers", "1", "-q", model_dir=model_dir)
    two = scan(str(warc), "--workers", "2", "-q", model_dir=model_dir)
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert one.stdout == two.stdout
    assert len(lines_of(two.stdout)) == len(recs)
    assert two.stderr == ""  # -q: no summary


@pytest.mark.parametrize("name", ["out.warc.gz", "out.warc"])
@pytest.mark.parametrize("keep", ["ok", "farm"])
def test_filtered_warc_is_byte_identical(tmp_path: Path, model_dir: Path, keep: str,
                                         name: str) -> None:
    warc = tmp_path / f"in{'.warc.gz' if name.endswith('.gz') else '.warc'}"
    recs, _ = broken_warc(warc)
    out_warc = tmp_path / name
    res = scan(str(warc), "--workers", "2", "--keep", keep, "--out-warc", str(out_warc),
               "-o", str(tmp_path / "scan.jsonl"), model_dir=model_dir)
    assert res.exit_code == 0, res.output
    out = lines_of((tmp_path / "scan.jsonl").read_text())
    kept_ids = [o["id"] for o in out if o["label"] == keep]
    assert kept_ids, "the test needs both labels among the fixture pages"
    reread = list(read_warc(out_warc))
    assert [r.id for r in reread] == kept_ids
    # byte-identical: the output is exactly the kept records' original bytes, in order
    originals = {r.id: r for r in read_warc(warc)}
    data = warc.read_bytes()
    expected = b"".join(data[originals[i].offset:originals[i].offset + originals[i].length]
                        for i in kept_ids)
    assert out_warc.read_bytes() == expected


def test_jsonl_input_and_filtered_jsonl(tmp_path: Path, model_dir: Path) -> None:
    src = tmp_path / "pages.jsonl"
    lines = [json.dumps({"id": p.stem, "url": f"https://a.example/{p.stem}",
                         "html": p.read_text("utf-8")}) for p in FIXTURES]
    lines.insert(2, "{broken")
    src.write_text("\n".join(lines) + "\n")
    res = scan(str(src), "--keep", "farm", "--out-jsonl", str(tmp_path / "farm.jsonl"),
               "--workers", "2", model_dir=model_dir)
    assert res.exit_code == 0, res.output
    out = lines_of(res.stdout)
    assert [o["id"] for o in out][:3] == [FIXTURES[0].stem, FIXTURES[1].stem, f"{src}:3"]
    assert out[2]["error"].startswith("bad JSON on line 3")
    farm = {o["id"] for o in out if o["label"] == "farm"}
    written = (tmp_path / "farm.jsonl").read_text().splitlines()
    assert [json.loads(x)["id"] for x in written] == [o["id"] for o in out if o["id"] in farm]
    assert all(x in lines for x in written)  # the original lines, unchanged


def test_stdin_gzip_jsonl_and_folder_inputs(tmp_path: Path, model_dir: Path) -> None:
    page = FIXTURES[0].read_text("utf-8")
    stdin = json.dumps({"html": page}) + "\n"
    res = scan("-", "--workers", "1", model_dir=model_dir, stdin=stdin)
    assert res.exit_code == 0, res.output
    assert lines_of(res.stdout)[0]["id"] == "stdin:1"
    (tmp_path / "p.jsonl.gz").write_bytes(gzip.compress(stdin.encode()))
    folder = tmp_path / "site"
    (folder / "deep").mkdir(parents=True)
    (folder / "deep" / "x.html").write_text(page)
    out_jsonl = tmp_path / "kept.jsonl"
    res = scan(str(tmp_path / "p.jsonl.gz"), str(folder), "--workers", "1", "--keep", "ok",
               "--out-jsonl", str(out_jsonl), model_dir=model_dir)
    assert res.exit_code == 0, res.output
    out = lines_of(res.stdout)
    expected = [f"{tmp_path / 'p.jsonl.gz'}:1", str(folder / "deep" / "x.html")]
    assert [o["id"] for o in out] == expected
    for line in out_jsonl.read_text().splitlines():  # folder pages come out as {id, url, html}
        obj = json.loads(line)
        assert obj["html"] == page or obj["id"].endswith(":1")


def test_unreadable_inputs_are_one_line_errors(tmp_path: Path, model_dir: Path) -> None:
    (tmp_path / "fake.warc").write_text("not a warc at all")
    (tmp_path / "data.csv").write_text("a,b\n")
    write_warc(tmp_path / "ok.warc", good_records()[:1])
    cases = [([str(tmp_path / "missing.warc.gz")], 3, "no such file"),
             ([str(tmp_path / "ok.warc"), str(tmp_path / "fake.warc")], 3, "not a WARC file"),
             ([str(tmp_path / "data.csv")], 3, "not a WARC, JSON-lines file, HTML file or folder")]
    for args, code, text in cases:
        res = scan(*args, model_dir=model_dir)
        assert res.exit_code == code, res.output
        assert res.stdout == ""  # inputs are checked before the first line
        assert res.stderr.count("\n") == 1 and text in res.stderr and "Traceback" not in res.stderr
    res = scan(str(tmp_path / "ok.warc"), model_dir=tmp_path / "no-model")
    assert res.exit_code == 4 and "no model in" in res.stderr
    res = scan(str(tmp_path / "ok.warc"), "--keep", "ok", model_dir=model_dir)
    assert res.exit_code == 2 and "--keep needs" in res.stderr
    (tmp_path / "p.jsonl").write_text("{}\n")
    res = scan(str(tmp_path / "p.jsonl"), "--out-warc", str(tmp_path / "o.warc"),
               model_dir=model_dir)
    assert res.exit_code == 2 and "--out-warc needs WARC inputs" in res.stderr


def test_every_command_documents_the_one_exit_code_table() -> None:
    from farmdetect.errors import EXIT_CODES

    for command in ([], ["audit"], ["scan"], ["sources"], ["features"], ["model-info"]):
        res = CliRunner().invoke(main, [*command, "--help"])
        assert res.exit_code == 0, command
        for code, meaning in EXIT_CODES:  # the table's rows, unwrapped (\b)
            assert f"{code:>3}  {meaning}" in res.output, (command, code)


def test_slow_page_times_out_and_the_scan_goes_on(monkeypatch: pytest.MonkeyPatch,
                                                  model_dir: Path) -> None:
    from farmdetect.scorer import Scorer

    real = Scorer.score_page

    def slow_on_marker(self: Scorer, page: Any) -> Any:
        if "SLOW-PAGE" in page.html:
            time.sleep(120)  # far beyond the 0.3 s cap: only the timeout can end this early
        return real(self, page)

    monkeypatch.setattr(Scorer, "score_page", slow_on_marker)
    html = FIXTURES[0].read_text("utf-8")
    recs = [Record(id="a", body=html), Record(id="slow", body=html + "<!-- SLOW-PAGE -->"),
            Record(id="b", body=html)]
    summary = Summary()
    t = time.perf_counter()
    out = list(score_records(recs, workers=1, model_dir=str(model_dir), page_timeout=0.3,
                             summary=summary))
    # Not a speed check: a hang guard. Without the cap the slow page sleeps 120 s.
    assert time.perf_counter() - t < 60
    assert [o["error"] for o in out] == [None, "timeout", None]
    assert out[2]["label"] in ("ok", "farm")
    assert (summary.read, summary.scored, summary.errors) == (3, 2, 1)


def test_workers_survive_timeouts(model_dir: Path) -> None:
    html = FIXTURES[0].read_text("utf-8")
    recs = [Record(id=str(i), body=html) for i in range(40)]
    summary = Summary()
    out = list(score_records(recs, workers=2, model_dir=str(model_dir), page_timeout=1e-6,
                             summary=summary))
    assert [o["id"] for o in out] == [str(i) for i in range(40)]
    assert summary.read == 40 == summary.scored + summary.skipped + summary.errors
    assert all(o["error"] in (None, "timeout") for o in out)


def test_score_pages_api(model_dir: Path) -> None:
    from farmdetect.model import load_model
    from farmdetect.page import Page

    html = FIXTURES[0].read_text("utf-8")
    items = [html, html.encode(), (html, "https://a.example/x"), Page.from_str(html)]
    verdicts = list(farmdetect.score_pages(items, model=load_model(model_dir)))
    assert len(verdicts) == 4
    assert len({v.score for v in verdicts}) == 1
    assert verdicts[2].host == "a.example"


def test_output_over_an_input_is_refused(tmp_path: Path, model_dir: Path) -> None:
    """-o naming an input would empty it before it is read: a usage error, the input intact."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "html": "<p>hello there</p>"}) + "\n")
    before = src.read_bytes()
    res = CliRunner().invoke(main, ["scan", str(src), "-o", str(src), "--workers", "1",
                                    "--model-dir", str(model_dir)])
    assert res.exit_code == 2 and "is also an input" in res.output + (res.stderr or "")
    assert src.read_bytes() == before


def test_unwritable_output_is_one_line(tmp_path: Path, model_dir: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "html": "<p>hello there</p>"}) + "\n")
    res = CliRunner().invoke(main, ["scan", str(src), "-o", str(tmp_path / "no" / "out.jsonl"),
                                    "--workers", "1", "--model-dir", str(model_dir)])
    assert res.exit_code == 1 and "cannot write" in (res.stderr or res.output)


def test_folder_entries_that_are_not_files_are_errors(tmp_path: Path, model_dir: Path) -> None:
    """A broken link named .html gets an error line: every entry is accounted for."""
    from farmdetect.warc import read_folder

    (tmp_path / "ok.html").write_text("<p>hello</p>")
    (tmp_path / "dangling.html").symlink_to(tmp_path / "missing.html")
    recs = list(read_folder(str(tmp_path)))
    assert [(Path(r.id).name, r.error) for r in recs] == [
        ("dangling.html", "broken link"), ("ok.html", None)]
