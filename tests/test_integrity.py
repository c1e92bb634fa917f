"""Model and store integrity (issue 22, item 5): a cut-off or mismatched model file, a sources
database of a newer schema: one clear line, an exit code from the one table, nothing written.
(A read-only database is not tested here: the CI runs as root, which writes through modes.)"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from farmdetect.errors import EXIT_INPUT, EXIT_MODEL
from farmdetect.model import DEFAULT_MODEL_DIR, load_model
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "sample_page.html"


def _audit(model_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "farmdetect", "audit", str(SAMPLE),
                           "--model-dir", str(model_dir)],
                          capture_output=True, text=True, timeout=120)


def _copy_model(dest: Path) -> Path:
    dest.mkdir()
    for name in ("farmdetect.txt", "farmdetect.json"):
        shutil.copy(Path(DEFAULT_MODEL_DIR) / name, dest / name)
    return dest


def test_the_shipped_card_names_its_model_file() -> None:
    card = json.loads((Path(DEFAULT_MODEL_DIR) / "farmdetect.json").read_text("utf-8"))
    txt = (Path(DEFAULT_MODEL_DIR) / "farmdetect.txt").read_bytes()
    assert card["model_sha256"] == hashlib.sha256(txt).hexdigest()


@pytest.mark.parametrize("keep_hash", [True, False])
def test_a_cut_off_model_file_is_one_error_not_a_crash(tmp_path: Path, keep_hash: bool) -> None:
    """Before: LightGBM parsed the cut-off text and the process died (SIGSEGV, exit 139)."""
    d = _copy_model(tmp_path / "m")
    txt = d / "farmdetect.txt"
    txt.write_bytes(txt.read_bytes()[:100_000])
    if not keep_hash:  # a card without the hash (older cards): the structure check catches it
        card = json.loads((d / "farmdetect.json").read_text())
        card.pop("model_sha256")
        (d / "farmdetect.json").write_text(json.dumps(card))
    res = _audit(d)
    assert res.returncode == EXIT_MODEL, res.stderr
    assert res.stderr.startswith("farmdetect: error: model file") and "Traceback" not in res.stderr
    assert ("not the one its card describes" if keep_hash else "incomplete") in res.stderr


def test_a_model_file_of_another_model_is_refused(tmp_path: Path) -> None:
    d = _copy_model(tmp_path / "m")
    txt = d / "farmdetect.txt"
    txt.write_text(txt.read_text().replace("learning_rate", "learning_rate ", 1))
    res = _audit(d)
    assert res.returncode == EXIT_MODEL and "not the one its card describes" in res.stderr


def test_the_shipped_model_passes_its_own_checks() -> None:
    assert load_model().version == json.loads(
        (Path(DEFAULT_MODEL_DIR) / "farmdetect.json").read_text())["model_version"]


def test_a_newer_sources_database_is_refused_untouched(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from farmdetect import sources as src
    from farmdetect.cli.sources import sources as sources_cmd

    db = tmp_path / "s.sqlite"
    src.connect(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                     (src.SCHEMA_VERSION + 1,))
    before = db.read_bytes()
    scan = tmp_path / "scan.jsonl"
    scan.write_text(json.dumps({"id": "a", "url": "https://x.example/a", "host": "x.example",
                                "score": 0.9, "label": "farm", "threshold": 0.5, "reasons": [],
                                "markers": [], "fingerprints": {}, "error": None,
                                "skipped": None}) + "\n")
    res = CliRunner().invoke(sources_cmd, [str(scan), "--db", str(db)])
    assert res.exit_code == EXIT_INPUT and "made by a newer farmdetect" in res.stderr
    assert db.read_bytes() == before
