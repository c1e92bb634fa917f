"""Regression tests for what a new user meets in the first hour (issue: release-grade install
and CLI). Each test names the defect it guards against; each failed before its fix."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from farmdetect.cli import main
from tests.conftest import PAGES, ROOT
from tests.test_model import make_model
from tests.test_scan import FIXTURES, good_records, lines_of, scan
from tests.test_warc import write_warc

SAMPLE = ROOT / "data" / "sample_page.html"
CONSOLE_SCRIPT = Path(sys.executable).parent / "farmdetect"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_model(tmp_path_factory.mktemp("model"))


def clean_env() -> dict[str, str]:
    """The environment of a new user: no model folder, no PYTHONPATH into the repo."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("FARMDETECT_MODEL_DIR", "FARMDETECT_DB", "PYTHONSAFEPATH")}
    return env


# ------------------------------------------------------------------------- the model travels
def test_the_model_is_found_inside_the_package_without_any_setting() -> None:
    from farmdetect.model import DEFAULT_MODEL_DIR, load_model, model_source

    pkg = Path(__import__("farmdetect").__file__).parent
    assert DEFAULT_MODEL_DIR == pkg / "models"
    assert (DEFAULT_MODEL_DIR / "farmdetect.txt").is_file()
    assert (DEFAULT_MODEL_DIR / "farmdetect.json").is_file()
    assert model_source(None) in ("package", "FARMDETECT_MODEL_DIR")
    assert load_model(DEFAULT_MODEL_DIR).version == json.loads(
        (DEFAULT_MODEL_DIR / "farmdetect.json").read_text())["model_version"]


def test_model_info_says_where_the_model_came_from(tmp_path: Path, model_dir: Path) -> None:
    env = clean_env()
    proc = subprocess.run([sys.executable, "-m", "farmdetect", "model-info"], env=env,
                          capture_output=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    info = json.loads(proc.stdout)["loaded_from"]
    assert info["via"] == "package" and info["path"].endswith(os.path.join("farmdetect", "models"))
    res = CliRunner().invoke(main, ["model-info", "--model-dir", str(model_dir)])
    assert json.loads(res.stdout)["loaded_from"] == {"path": str(model_dir), "via": "--model-dir"}


@pytest.mark.slow
def test_the_built_wheel_holds_the_model_and_the_licence(tmp_path: Path) -> None:
    import zipfile

    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, timeout=600)
    if proc.returncode != 0 and b"No module named" in proc.stderr:
        pytest.skip("setuptools is not installed in this environment")
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    (wheel,) = tmp_path.glob("farmdetect-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "farmdetect/models/farmdetect.txt" in names
    assert "farmdetect/models/farmdetect.json" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith("/LICENSE")
               for n in names)


# --------------------------------------------------------------- workers and the current folder
@pytest.mark.skipif(not CONSOLE_SCRIPT.is_file(), reason="needs the installed console script")
def test_two_workers_do_not_import_a_farmdetect_folder_of_the_current_folder(
        tmp_path: Path) -> None:
    trap = tmp_path / "farmdetect"
    trap.mkdir()
    # A folder named like the package (a clone of the repo one level down, another project):
    # importing it would fail, as a namespace package without __version__ failed before.
    (trap / "__init__.py").write_text("raise ImportError('imported from the current folder')\n")
    pages = tmp_path / "pages"
    pages.mkdir()
    for i, p in enumerate(FIXTURES[:3]):
        (pages / f"{i}.html").write_bytes(p.read_bytes())
    proc = subprocess.run([str(CONSOLE_SCRIPT), "scan", "pages", "--workers", "2", "-q"],
                          cwd=tmp_path, env=clean_env(), capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert b"current folder" not in proc.stderr
    out = lines_of(proc.stdout.decode())
    assert len(out) == 3 and all(o["score"] is not None for o in out)


def test_workers_that_cannot_start_are_an_error_not_a_hang(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from farmdetect import batch
    from farmdetect.errors import FarmdetectError

    monkeypatch.setattr(batch, "WORKER_START_TIMEOUT_S", 5.0)
    # Every worker fails in its initializer (no model there); a bare Pool restarts them forever.
    with pytest.raises(FarmdetectError, match="did not start"):
        batch._start_pool(batch._context(), 2, (str(tmp_path / "no-model"), None, True, 1.0))


# ----------------------------------------------------------------------------------- outputs
def test_two_outputs_naming_one_file_are_refused(tmp_path: Path, model_dir: Path) -> None:
    warc = tmp_path / "in.warc"
    write_warc(warc, good_records()[:1])
    out = tmp_path / "out.jsonl"
    for other in ("--out-jsonl", "--out-warc"):
        res = scan(str(warc), "-o", str(out), other, str(tmp_path / "." / "out.jsonl"),
                   model_dir=model_dir)
        assert res.exit_code == 2 and "name the same file" in res.stderr, res.output
        assert not out.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_naming_the_file(tmp_path: Path, model_dir: Path) -> None:
    warc = tmp_path / "in.warc"
    write_warc(warc, good_records()[:2])
    env = {**clean_env(), "FARMDETECT_MODEL_DIR": str(model_dir)}
    for args in (["-o", "/dev/full"], ["--out-jsonl", "/dev/full", "-o", str(tmp_path / "o")]):
        proc = subprocess.run([sys.executable, "-m", "farmdetect", "scan", str(warc),
                               "--workers", "1", "-q", *args], env=env, capture_output=True,
                              timeout=120)
        err = proc.stderr.decode()
        assert proc.returncode == 1, err
        assert err.strip() == "farmdetect: error: cannot write /dev/full: No space left on device"


# ------------------------------------------------------------------------------------ inputs
def test_gzip_on_stdin_is_read_as_json_lines(model_dir: Path) -> None:
    page = FIXTURES[0].read_text("utf-8")
    body = "".join(json.dumps({"id": f"r{i}", "html": page}) + "\n" for i in range(3))
    res = CliRunner().invoke(main, ["scan", "-", "--workers", "1", "--model-dir",
                                    str(model_dir)], input=gzip.compress(body.encode()))
    assert res.exit_code == 0, res.output
    out = lines_of(res.stdout)
    assert [o["id"] for o in out] == ["r0", "r1", "r2"]
    assert all(o["error"] is None and o["score"] is not None for o in out)


def test_stdin_that_is_not_json_lines_is_refused_before_scoring(model_dir: Path) -> None:
    for data, text in ((b"WARC/1.0\r\n", "a WARC"), (b"hello\n", "not JSON lines"),
                       (gzip.compress(b"<html>"), "not JSON lines")):
        res = CliRunner().invoke(main, ["scan", "-", "--workers", "1", "--model-dir",
                                        str(model_dir)], input=data)
        assert res.exit_code == 3 and text in res.stderr and res.stdout == "", res.output


@pytest.mark.parametrize("gz", [False, True])
def test_a_warc_whose_last_record_is_cut_off_says_so(tmp_path: Path, model_dir: Path,
                                                      gz: bool) -> None:
    warc = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    write_warc(warc, good_records()[:3])
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) - 200])
    res = scan(str(warc), "--workers", "1", model_dir=model_dir)
    assert res.exit_code == 0, res.output
    out = lines_of(res.stdout)
    assert len(out) == 3
    assert [o["error"] is None for o in out] == [True, True, False]
    assert "truncated record" in out[2]["error"] and out[2]["score"] is None
    assert "2 scored" in res.stderr and "1 errors" in res.stderr


def test_a_whole_warc_has_no_truncation_error(tmp_path: Path, model_dir: Path) -> None:
    for name in ("ok.warc", "ok.warc.gz"):
        write_warc(tmp_path / name, good_records()[:2])
        out = lines_of(scan(str(tmp_path / name), "--workers", "1", model_dir=model_dir).stdout)
        assert [o["error"] for o in out] == [None, None]


def test_a_nan_threshold_is_a_usage_error(model_dir: Path) -> None:
    for cmd in (["audit", str(SAMPLE)], ["scan", str(PAGES)]):
        for bad in ("nan", "inf", "-0.1", "1.5", "x"):
            res = CliRunner().invoke(main, [*cmd, "--threshold", bad, "--model-dir",
                                            str(model_dir)])
            assert res.exit_code == 2 and "--threshold" in res.stderr, (cmd, bad, res.output)


def test_scan_takes_a_single_html_file(model_dir: Path) -> None:
    res = scan(str(SAMPLE), "--workers", "1", model_dir=model_dir)
    assert res.exit_code == 0, res.output
    (line,) = lines_of(res.stdout)
    assert line["id"] == str(SAMPLE) and line["score"] is not None


# ----------------------------------------------------------------------------------- sources
def test_sources_refuses_someone_elses_sqlite_file(tmp_path: Path, model_dir: Path) -> None:
    from farmdetect.cli.sources import sources as sources_cmd

    scan_out = tmp_path / "scan.jsonl"
    scan_out.write_text(scan(str(PAGES), "--workers", "1", model_dir=model_dir).stdout)
    theirs = tmp_path / "theirs.sqlite"
    with sqlite3.connect(theirs) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER, total REAL)")
    res = CliRunner().invoke(sources_cmd, [str(scan_out), "--db", str(theirs)])
    assert res.exit_code == 3 and "not a farmdetect sources database" in res.stderr
    with sqlite3.connect(theirs) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"invoices"}
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database at all, just text that is long enough " * 20)
    res = CliRunner().invoke(sources_cmd, [str(scan_out), "--db", str(junk)])
    assert res.exit_code == 3 and "not a SQLite database" in res.stderr


def test_skipped_records_are_not_ingest_errors(tmp_path: Path) -> None:
    from farmdetect.cli.sources import sources as sources_cmd

    lines = [
        {"id": "a", "url": "https://a.example/1", "score": 0.9, "label": "farm"},
        {"id": "b", "url": "https://a.example/b.png", "score": None, "label": None,
         "error": None, "skipped": "not HTML (image/png)"},
        {"id": "c", "url": "https://a.example/c", "score": None, "label": None,
         "error": "timeout", "skipped": None},
    ]
    scan_out = tmp_path / "scan.jsonl"
    scan_out.write_text("".join(json.dumps(x) + "\n" for x in lines))
    db = tmp_path / "s.sqlite"
    res = CliRunner().invoke(sources_cmd, [str(scan_out), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "1 skipped, 1 errors" in res.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT skipped, errors FROM ingests").fetchone() == (1, 1)


def test_sources_has_a_default_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        model_dir: Path) -> None:
    from farmdetect.cli.sources import DEFAULT_DB
    from farmdetect.cli.sources import sources as sources_cmd

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FARMDETECT_DB", raising=False)
    scan_out = tmp_path / "scan.jsonl"
    scan_out.write_text(scan(str(PAGES), "--workers", "1", model_dir=model_dir).stdout)
    assert CliRunner().invoke(sources_cmd, [str(scan_out), "-q"]).exit_code == 0
    assert (tmp_path / DEFAULT_DB).is_file()
    res = CliRunner().invoke(sources_cmd, ["--top", "3"])
    assert res.exit_code == 0 and "rank" in res.stdout
    monkeypatch.setenv("FARMDETECT_DB", str(tmp_path / "other.sqlite"))
    res = CliRunner().invoke(sources_cmd, ["--top", "3"])
    assert res.exit_code == 3 and "other.sqlite" in res.stderr


def test_cli_levels_are_the_sources_levels() -> None:
    from farmdetect import sources
    from farmdetect.cli.sources import LEVELS

    assert LEVELS == sources.LEVELS


# ---------------------------------------------------------------------- options, exit codes
def test_verbose_works_after_the_command_too(model_dir: Path) -> None:
    for args in (["-v", "audit", str(SAMPLE)], ["audit", str(SAMPLE), "-v"],
                 ["audit", "-v", str(SAMPLE)]):
        res = CliRunner().invoke(main, [*args, "--model-dir", str(model_dir)])
        assert res.exit_code == 0, (args, res.output)


def test_scan_fail_on_farm_exits_10_only_with_a_farm(tmp_path: Path, model_dir: Path) -> None:
    from farmdetect.errors import EXIT_FARM

    res = scan(str(PAGES), "--workers", "1", "--threshold", "0", "--fail-on-farm", "-q",
               model_dir=model_dir)
    assert res.exit_code == EXIT_FARM
    res = scan(str(PAGES), "--workers", "1", "--threshold", "1", "--fail-on-farm", "-q",
               model_dir=model_dir)
    assert res.exit_code == 0


def test_limit_reads_only_the_first_records(tmp_path: Path, model_dir: Path) -> None:
    warc = tmp_path / "in.warc.gz"
    write_warc(warc, good_records())
    res = scan(str(warc), "--workers", "1", "--limit", "2", model_dir=model_dir)
    assert res.exit_code == 0
    assert [o["id"] for o in lines_of(res.stdout)] == ["<urn:uuid:page-0>", "<urn:uuid:page-1>"]
    assert "2 records read" in res.stderr


def test_min_score_filters_the_output_but_not_the_count(tmp_path: Path, model_dir: Path) -> None:
    res_all = scan(str(PAGES), "--workers", "1", model_dir=model_dir)
    scores = [o["score"] for o in lines_of(res_all.stdout) if o["score"] is not None]
    cut = min(s for s in scores if s > min(scores))  # the tiny test model repeats scores
    res = scan(str(PAGES), "--workers", "1", "--min-score", str(cut), model_dir=model_dir)
    kept = lines_of(res.stdout)
    assert kept and all(o["score"] >= cut for o in kept)
    assert len(kept) == sum(s >= cut for s in scores) < len(lines_of(res_all.stdout))
    assert f"{len(lines_of(res_all.stdout))} records read" in res.stderr


def test_resume_scores_only_what_the_output_lacks(tmp_path: Path, model_dir: Path) -> None:
    warc = tmp_path / "in.warc.gz"
    write_warc(warc, good_records())
    full = lines_of(scan(str(warc), "--workers", "1", model_dir=model_dir).stdout)
    out = tmp_path / "out.jsonl"
    kept = tmp_path / "kept.warc.gz"
    res = scan(str(warc), "--workers", "1", "--limit", "2", "-o", str(out), "--keep", "ok",
               "--out-warc", str(kept), "--threshold", "1", model_dir=model_dir)
    assert res.exit_code == 0
    with open(out, "a") as f:  # an interruption cut the third line in the middle
        f.write(json.dumps(full[2])[:40])
    res = scan(str(warc), "--workers", "1", "-o", str(out), "--resume", "--keep", "ok",
               "--out-warc", str(kept), "--threshold", "1", model_dir=model_dir)
    assert res.exit_code == 0, res.output
    assert f"{len(full) - 2} records read" in res.stderr and "2 already in" in res.stderr
    assert [o["id"] for o in lines_of(out.read_text())] == [o["id"] for o in full]
    from farmdetect.warc import read_warc

    assert [r.id for r in read_warc(kept)] == [o["id"] for o in full]  # each copied once


def test_resume_needs_an_output_file(model_dir: Path) -> None:
    res = scan(str(PAGES), "--resume", model_dir=model_dir)
    assert res.exit_code == 2 and "--resume needs -o FILE" in res.stderr


def test_progress_shows_rate_errors_share_and_eta() -> None:
    from farmdetect.cli.scan import Progress, progress_text

    assert progress_text(1200, 10.0, 3, 0.25) == \
        "1,200 records  120/s  3 errors   25%  ETA 0:00:30"
    assert progress_text(5, 1.0, 0, None) == "5 records  5/s  0 errors"

    class Tty:
        def __init__(self, tty: bool) -> None:
            self.tty, self.text = tty, ""

        def isatty(self) -> bool:
            return self.tty

        def write(self, s: str) -> None:
            self.text += s

        def flush(self) -> None:
            pass

    class Summary:
        read, seconds, errors = 10, 2.0, 1

    for tty in (True, False):
        stream = Tty(tty)
        p = Progress(True, stream)  # type: ignore[arg-type]
        p.update(Summary(), 0.5)
        p.close()
        assert ("10 records  5/s  1 errors" in stream.text) is tty
    quiet = Tty(True)
    Progress(False, quiet).update(Summary(), 0.5)  # type: ignore[arg-type]
    assert quiet.text == ""


# -------------------------------------------------------------------------------- start-up
def test_audit_does_not_import_scikit_learn(tmp_path: Path) -> None:
    code = ("import sys; from farmdetect.cli import main\n"
            "try:\n    main(['audit', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('sklearn', 'pandas', 'bs4', 'joblib', 'farmdetect.sources')"
            " if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code, str(SAMPLE)], env=clean_env(),
                          capture_output=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip().splitlines()[-1] == "[]"


def test_library_callers_keep_lightgbm_full_import(tmp_path: Path) -> None:
    code = ("import farmdetect; v = farmdetect.audit(open(__import__('sys').argv[1]).read());"
            "import lightgbm.compat as c; print(c.SKLEARN_INSTALLED)")
    proc = subprocess.run([sys.executable, "-c", code, str(SAMPLE)], env=clean_env(),
                          capture_output=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    try:
        import sklearn  # noqa: F401
    except ImportError:
        expected = "False"
    else:
        expected = "True"
    assert proc.stdout.decode().strip() == expected



def test_the_library_refuses_what_the_cli_refuses() -> None:
    """farmdetect.audit() scored a PDF that `farmdetect audit` refused (one way into a Page)."""
    import farmdetect
    from farmdetect.errors import InputError

    for data in (b"%PDF-1.7\n" + b"\x00" * 100, b"", "no tags at all, just text " * 20):
        with pytest.raises(InputError):
            farmdetect.audit(data, use_model=False)
        with pytest.raises(InputError):
            list(farmdetect.score_pages([data], use_model=False))
    assert farmdetect.audit(SAMPLE.read_bytes(), use_model=False).markers
