"""The Spark job: same page lines as `farmdetect scan`, same source rows as `farmdetect sources`."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from farmdetect.integrations import spark as job
from tests.conftest import ROOT
from tests.integrations.conftest import (
    ScanCase,
    assert_same_sources,
    normalise_source,
    sources_table,
    subprocess_env,
)

HAVE_PYSPARK = importlib.util.find_spec("pyspark") is not None
HAVE_JAVA = bool(os.environ.get("JAVA_HOME") or shutil.which("java"))
needs_spark = pytest.mark.skipif(
    not (HAVE_PYSPARK and HAVE_JAVA),
    reason="pyspark not installed (pip install 'farmdetect[spark]')" if not HAVE_PYSPARK
    else "no Java runtime (Spark needs a JRE 11+)",
)


@pytest.fixture
def spark_env(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Environment a local[2] Spark needs here: loopback only, workers on this Python + repo."""
    for key, value in subprocess_env(model_dir).items():
        if key in ("FARMDETECT_MODEL_DIR", "PYTHONPATH"):
            monkeypatch.setenv(key, value)
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    monkeypatch.setenv("PYSPARK_DRIVER_PYTHON", sys.executable)
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")


@pytest.fixture
def session(spark_env: None) -> Iterator[Any]:
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName("farmdetect-test")
             .config("spark.driver.host", "127.0.0.1").config("spark.ui.enabled", "false")
             .getOrCreate())  # fmt: skip
    yield spark
    spark.stop()


def read_json_parts(folder: Path) -> list[dict[str, Any]]:
    """JSON lines of every Spark part file (gzip or plain) in ``folder``."""
    rows = []
    for f in sorted(folder.glob("part-*")):
        opener = gzip.open if f.suffix == ".gz" else open
        with opener(f, "rt", encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return rows


def assert_same_lines(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    """The scan's lines, in the same (input) order, scores to 1e-9."""
    assert [g["id"] for g in got] == [w["id"] for w in want]
    for g, w in zip(got, want, strict=True):
        assert g.keys() == w.keys()
        if w["score"] is None:
            assert g["score"] is None
        else:
            assert g["score"] == pytest.approx(w["score"], abs=1e-9)
        assert {k: v for k, v in g.items() if k != "score"} == {
            k: v for k, v in w.items() if k != "score"}


@pytest.mark.slow
@needs_spark
def test_json_output_matches_scan_and_sources(session: Any, scan_case: ScanCase,
                                              tmp_path: Path) -> None:
    out = tmp_path / "out"
    db = tmp_path / "sources.sqlite"
    # No model_dir argument: the driver reads FARMDETECT_MODEL_DIR and ships it to the tasks.
    counts = job.run_job([str(p) for p in scan_case.warcs], str(out), spark=session,
                         sources_db=str(db))
    pages = read_json_parts(out / "pages")
    assert_same_lines(pages, scan_case.lines)
    assert counts["records"] == len(scan_case.lines) and counts["skipped"] == 1
    want = sources_table(scan_case.lines)
    assert_same_sources([normalise_source(r) for r in read_json_parts(out / "sources")], want)
    assert db.is_file()  # kept for `farmdetect sources --db`


def line_counts(lines: list[dict[str, Any]]) -> dict[str, int]:
    """The job's counts for scan lines: read = scored + skipped + errors."""
    return {"records": len(lines),
            "scored": sum(ln["score"] is not None for ln in lines),
            "farm": sum(ln["label"] == "farm" for ln in lines),
            "skipped": sum(ln["skipped"] is not None for ln in lines),
            "errors": sum(ln["error"] is not None for ln in lines)}


@pytest.mark.slow
@needs_spark
def test_faulty_warc_gives_the_scan_lines(session: Any, faulty_case: ScanCase,
                                          tmp_path: Path) -> None:
    out = tmp_path / "out"
    counts = job.run_job([str(faulty_case.warcs[0])], str(out), spark=session,
                         model_dir=str(faulty_case.model_dir))
    # Same ids in the same order (the repeated id twice, the cut records as error lines named
    # as scan names them), same farm ids, scores to 1e-9, same skip and error texts.
    assert_same_lines(read_json_parts(out / "pages"), faulty_case.lines)
    want = line_counts(faulty_case.lines)
    assert {k: counts[k] for k in want} == want
    assert counts["records"] == counts["scored"] + counts["skipped"] + counts["errors"]
    assert want["errors"] >= 4 and want["skipped"] >= 1 and want["farm"] >= 1


@pytest.mark.slow
@needs_spark
def test_parquet_output(session: Any, scan_case: ScanCase, tmp_path: Path) -> None:
    out = tmp_path / "out"
    job.run_job([str(p) for p in scan_case.warcs], str(out), fmt="parquet", spark=session,
                model_dir=str(scan_case.model_dir))
    pages = {r["id"]: r.asDict() for r in session.read.parquet(str(out / "pages")).collect()}
    for line in scan_case.lines:
        row = pages[line["id"]]
        if line["score"] is not None:
            assert row["score"] == pytest.approx(line["score"], abs=1e-9)
        assert (row["label"], row["skipped"], row["reasons"]) == (
            line["label"], line["skipped"], line["reasons"])
        assert row["fp_template"] == (line["fingerprints"] or {}).get("template")
    got = sorted((r.asDict() for r in session.read.parquet(str(out / "sources")).collect()),
                 key=lambda r: (r["level"], r["name"]))
    assert_same_sources([normalise_source(r) for r in got], sources_table(scan_case.lines))


@pytest.mark.slow
@needs_spark
def test_spark_submit(scan_case: ScanCase, tmp_path: Path) -> None:
    spark_submit = Path(sys.executable).parent / "spark-submit"
    if not spark_submit.is_file():
        pytest.skip("spark-submit is not next to this Python (pyspark installed elsewhere)")
    paths = tmp_path / "warc.paths"
    paths.write_text("# fixture WARCs\n" + "\n".join(str(p) for p in scan_case.warcs) + "\n")
    out = tmp_path / "out"
    env = {**subprocess_env(scan_case.model_dir), "PYSPARK_PYTHON": sys.executable,
           "PYSPARK_DRIVER_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1"}
    proc = subprocess.run(
        [str(spark_submit), "--master", "local[2]", "--conf", "spark.ui.enabled=false",
         str(ROOT / "farmdetect" / "integrations" / "spark.py"), str(out),
         "--paths-file", str(paths)],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "pages" / "_SUCCESS").is_file() and (out / "sources" / "_SUCCESS").is_file()
    assert_same_lines(read_json_parts(out / "pages"), scan_case.lines)


def test_missing_pyspark_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # type: ignore[arg-type]
    assert job.main([str(tmp_path / "out"), "a.warc.gz"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"farmdetect: error: {job.PYSPARK_HINT}"
    assert "pip install 'farmdetect[spark]'" in err


@pytest.mark.skipif(not HAVE_PYSPARK, reason="pyspark not installed (pip install "
                    "'farmdetect[spark]')")
def test_missing_java_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    assert job.main([str(tmp_path / "out"), "a.warc.gz"]) == 1
    assert capsys.readouterr().err.strip() == (
        "farmdetect: error: Java is needed to run Spark: install a JRE 11+ and set JAVA_HOME")


def test_no_paths_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert job.main([str(tmp_path / "out")]) == 1
    assert "no WARC paths given" in capsys.readouterr().err
