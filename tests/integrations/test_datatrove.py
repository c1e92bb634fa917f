"""datatrove blocks: same scores as ``farmdetect scan``, per-reason drops, HTML-only placement."""

from __future__ import annotations

import gzip
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integrations.conftest import ScanCase, assert_same_sources, sources_table

# WarcReader needs warcio, cchardet and magic on top of datatrove itself.
for _mod, _pip in (("datatrove", "datatrove"), ("warcio", "warcio"),
                   ("cchardet", "faust-cchardet"), ("magic", "python-magic")):
    pytest.importorskip(_mod, reason=f"{_pip} not installed (pip install 'farmdetect[datatrove]')")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import WarcReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from farmdetect.integrations.datatrove import (  # noqa: E402
    SCORE_REASON,
    FarmAnnotator,
    FarmFilter,
    record_from_doc,
)


def read_docs(folder: Path) -> list[dict[str, Any]]:
    """Every document a JsonlWriter wrote under ``folder``."""
    docs = []
    for f in sorted(folder.rglob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            docs += [json.loads(line) for line in fh if line.strip()]
    return docs


def run(pipeline: list[Any], logs: Path) -> dict[str, Any]:
    """Run a 2-task, 2-worker local pipeline; return datatrove's merged stats."""
    LocalPipelineExecutor(pipeline, tasks=2, workers=2, logging_dir=str(logs)).run()
    return json.loads((logs / "stats.json").read_text())


def step_stats(stats: list[dict[str, Any]], name: str) -> dict[str, int]:
    """Counters of the step whose name contains ``name`` (plain ints, or a metric's total)."""
    raw = next(s for s in stats if name in s["name"])["stats"]
    return {k: v if isinstance(v, int) else v["total"] for k, v in raw.items()}


@pytest.mark.slow
def test_annotator_matches_scan_and_sources(scan_case: ScanCase, tmp_path: Path) -> None:
    out = tmp_path / "annotated"
    run([WarcReader(str(scan_case.warc_dir), glob_pattern="*.warc.gz"),
         FarmAnnotator(model_dir=str(scan_case.model_dir)),
         JsonlWriter(str(out))], tmp_path / "logs")
    docs = read_docs(out)
    lines = [rec for d in docs if (rec := record_from_doc(d)) is not None]
    want = scan_case.scored
    assert len(docs) == len(want)  # the PNG record is not a document; nothing was dropped
    assert {ln["id"] for ln in lines} == set(want)
    for ln in lines:
        w = want[ln["id"]]
        assert ln["score"] == pytest.approx(w["score"], abs=1e-9)
        for key in ("url", "host", "label", "threshold", "reasons", "markers", "fingerprints",
                    "error"):
            assert ln[key] == w[key], (ln["id"], key)
    assert_same_sources(sources_table(lines), sources_table(scan_case.lines))


@pytest.mark.slow
def test_filter_drops_farms_with_marker_reasons(scan_case: ScanCase, tmp_path: Path) -> None:
    kept_dir, removed_dir = tmp_path / "kept", tmp_path / "removed"
    stats = run([WarcReader(str(scan_case.warc_dir), glob_pattern="*.warc.gz"),
                 FarmFilter(model_dir=str(scan_case.model_dir),
                            exclusion_writer=JsonlWriter(str(removed_dir))),
                 JsonlWriter(str(kept_dir))], tmp_path / "logs")
    want = scan_case.scored
    farm = {i for i, ln in want.items() if ln["label"] == "farm"}
    kept, removed = read_docs(kept_dir), read_docs(removed_dir)
    assert {d["id"] for d in kept} == set(want) - farm
    assert {d["id"] for d in removed} == farm
    for d in removed:
        reasons = want[d["id"]]["reasons"]
        assert d["metadata"]["filter_reason"] == (reasons[0] if reasons else SCORE_REASON)
        assert d["metadata"]["farmdetect"]["score"] == pytest.approx(want[d["id"]]["score"],
                                                                     abs=1e-9)
    # datatrove's own per-reason counters add up to the drops.
    fstats = step_stats(stats, "farmdetect")
    per_reason = {k: v for k, v in fstats.items() if k.startswith("dropped_")}
    assert sum(per_reason.values()) == len(farm) == fstats["dropped"]
    assert fstats["forwarded"] == len(want) - len(farm)


def test_not_html_is_counted_and_kept(tmp_path: Path) -> None:
    from tests.test_model import make_model

    f = FarmFilter(model_dir=str(make_model(tmp_path / "model")))
    docs = [Document(text="Plain extracted text, as Trafilatura leaves it.", id="t1",
                     metadata={"url": "https://a.example/x"})]
    assert [d.id for d in f.run(docs)] == ["t1"]
    assert f.stats["not_html"].total == 1
    a = FarmAnnotator(model_dir=str(tmp_path / "model"))
    out = list(a.run([Document(text="plain text", id="t2")]))
    assert "farmdetect" not in out[0].metadata and a.stats["not_html"].total == 1


def test_scorer_is_not_pickled(tmp_path: Path) -> None:
    import pickle

    from tests.test_model import make_model

    f = FarmFilter(model_dir=str(make_model(tmp_path / "model")))
    f.scorer  # noqa: B018 - load the model
    assert pickle.loads(pickle.dumps(f))._scorer is None


def test_missing_datatrove_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(sys.modules):
        if name == "datatrove" or name.startswith("datatrove."):
            monkeypatch.setitem(sys.modules, name, None)  # type: ignore[arg-type]
    monkeypatch.delitem(sys.modules, "farmdetect.integrations.datatrove", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'farmdetect\[datatrove\]'"):
        importlib.import_module("farmdetect.integrations.datatrove")
