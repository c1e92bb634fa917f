"""Shared for the integration tests: fixture WARCs, a tiny model, and the scan path's answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.integrations.warcs import faulty_warc, fixture_warcs
from tests.test_model import make_model

# Ingest time given to every sources DB so timestamps do not differ between the compared runs.
NOW = "2024-03-01T12:00:00+00:00"
# Columns of the sources table that depend on when the ingest ran, not on the pages.
TIME_COLUMNS = ("first_seen", "last_seen")


@dataclass
class ScanCase:
    """Two fixture WARCs, a model folder, and ``farmdetect scan``'s lines for them."""

    warc_dir: Path
    warcs: list[Path]
    model_dir: Path
    lines: list[dict[str, Any]]

    @property
    def scored(self) -> dict[str, dict[str, Any]]:
        """Scan lines of the scored pages, by record id."""
        return {ln["id"]: ln for ln in self.lines if ln["score"] is not None}


def subprocess_env(model_dir: Path) -> dict[str, str]:
    """Environment for child processes: the model, and the repo importable from anywhere."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "FARMDETECT_MODEL_DIR": str(model_dir), "PYTHONPATH": path}


def scan_lines(inputs: list[Path], model_dir: Path, out: Path) -> list[dict[str, Any]]:
    """``farmdetect scan --workers 2`` lines of the inputs, run as a user runs it."""
    proc = subprocess.run(
        [sys.executable, "-m", "farmdetect", "scan", "--workers", "2", "-q", "-o", str(out),
         *map(str, inputs)],
        capture_output=True, text=True, env=subprocess_env(model_dir), timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return [json.loads(x) for x in out.read_text("utf-8").splitlines() if x.strip()]


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    """A tiny model trained on the fixture pages (fast to load in every worker)."""
    return make_model(tmp_path / "model")


@pytest.fixture
def scan_case(tmp_path: Path, model_dir: Path) -> ScanCase:
    warc_dir = tmp_path / "warcs"
    warc_dir.mkdir()
    warcs = fixture_warcs(warc_dir)
    case = ScanCase(warc_dir, warcs, model_dir,
                    scan_lines(warcs, model_dir, tmp_path / "scan.jsonl"))
    labels = {ln["label"] for ln in case.scored.values()}
    assert labels == {"farm", "ok"}, "the fixture WARCs must give both farm and ok pages"
    return case


@pytest.fixture
def faulty_case(tmp_path: Path, model_dir: Path) -> ScanCase:
    """The fault-injected WARC (tests.integrations.warcs.faulty_warc) alone in its folder, and
    scan's lines for it: one per record, every fault kind an error or skipped line."""
    warc_dir = tmp_path / "faulty"
    warc_dir.mkdir()
    warc = faulty_warc(warc_dir / "faulty.warc.gz")
    case = ScanCase(warc_dir, [warc], model_dir,
                    scan_lines([warc], model_dir, tmp_path / "faulty.jsonl"))
    kinds = {"farm", "ok", "skipped", "error"}
    assert {ln["label"] or ("skipped" if ln["skipped"] else "error") for ln in case.lines} == kinds
    return case


def sources_table(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``farmdetect sources`` rows (both levels) for scan lines, minus ingest timestamps."""
    from farmdetect import sources as src

    conn = src.connect(":memory:")
    try:
        # Skipped lines (not pages) carry no score; they are not source evidence.
        src.update_from_records(conn, [ln for ln in lines if ln.get("skipped") is None], now=NOW)
        rows = [dict(r) for r in conn.execute("SELECT * FROM sources ORDER BY level, name")]
    finally:
        conn.close()
    return [normalise_source(r) for r in rows]


def normalise_source(row: dict[str, Any]) -> dict[str, Any]:
    """A source row with JSON columns decoded and time columns dropped, for comparison."""
    out = {k: v for k, v in row.items() if k not in TIME_COLUMNS}
    for k in ("top_markers", "evidence"):
        if isinstance(out.get(k), str):
            out[k] = json.loads(out[k])
    return out


def assert_same_sources(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    """Equal source rows, floats to 1e-9."""
    assert [(r["level"], r["name"]) for r in got] == [(r["level"], r["name"]) for r in want]
    for g, w in zip(got, want, strict=True):
        assert g.keys() == w.keys()
        for k in w:
            if isinstance(w[k], float):
                assert g[k] == pytest.approx(w[k], abs=1e-9), (w["name"], k)
            else:
                assert g[k] == w[k], (w["name"], k)
