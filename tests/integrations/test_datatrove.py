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


def _record(url: str, body: bytes, *, rec_type: str = "response", http_type: str | None = None,
            payload_type: str | None = None) -> bytes:
    """One gzip member: a WARC response (HTTP headers + body) or resource (body only) record,
    with the WARC-Identified-Payload-Type header only when given."""
    import uuid

    payload = body
    if rec_type == "response":
        payload = (f"HTTP/1.1 200 OK\r\nContent-Type: {http_type or 'text/html'}\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        ctype = "application/http; msgtype=response"
    else:
        ctype = http_type or "text/html"
    head = ("WARC/1.0\r\n"
            f"WARC-Type: {rec_type}\r\n"
            f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, rec_type + url)}>\r\n"
            "WARC-Date: 2024-03-01T12:00:00Z\r\n"
            f"WARC-Target-URI: {url}\r\n"
            + (f"WARC-Identified-Payload-Type: {payload_type}\r\n" if payload_type else "")
            + f"Content-Type: {ctype}\r\nContent-Length: {len(payload)}\r\n\r\n").encode()
    return gzip.compress(head + payload + b"\r\n\r\n", mtime=0)


def tricky_warc(path: Path) -> Path:
    """Pages that datatrove's own WarcReader drops or decodes its own way, and scan reads."""
    from tests.conftest import fixture_page
    from tests.integrations.warcs import FARM_HOST, LEGIT_HOST

    farm, legit = fixture_page("seed_style_farm.html"), fixture_page("legit_news_related.html")
    clickbait = fixture_page("clickbait_footer.html")
    latin = legit.replace("</p>", " Caf\u00e9 cr\u00e8me, na\u00efve r\u00e9sum\u00e9.</p>", 1)
    members = [
        # a resource record (some crawlers store pages so): WarcReader reads responses only
        _record(f"https://{FARM_HOST}/resource-page/", farm.encode(), rec_type="resource"),
        # a payload type with parameters: WarcReader wants exactly "text/html"
        _record(f"https://{FARM_HOST}/params/", clickbait.encode(),
                http_type="text/html; charset=utf-8", payload_type="text/html; charset=utf-8"),
        # Windows-1252 bytes declared only in the HTTP header: both must decode them so
        _record(f"https://{LEGIT_HOST}/news/latin", latin.encode("cp1252"),
                http_type="text/html; charset=windows-1252", payload_type="text/html"),
        # a plain response, as WarcReader likes it
        _record(f"https://{LEGIT_HOST}/news/plain", legit.encode(), payload_type="text/html"),
        # not a page: skipped by both
        _record(f"https://{LEGIT_HOST}/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                http_type="image/png", payload_type="image/png"),
    ]
    path.write_bytes(b"".join(members))
    return path


@pytest.mark.slow
def test_farmdetect_reader_gives_the_filter_what_scan_sees(tmp_path: Path) -> None:
    import subprocess

    from farmdetect.integrations.datatrove import FarmWarcReader
    from tests.integrations.conftest import subprocess_env
    from tests.test_model import make_model

    warcs = tmp_path / "warcs"
    warcs.mkdir()
    warc = tricky_warc(warcs / "tricky.warc.gz")
    model_dir = make_model(tmp_path / "model")
    out = tmp_path / "scan.jsonl"
    proc = subprocess.run([sys.executable, "-m", "farmdetect", "scan", "-q", "--workers", "1",
                           "-o", str(out), str(warc)],
                          capture_output=True, text=True, env=subprocess_env(model_dir),
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    scan = {ln["id"]: ln for ln in map(json.loads, out.read_text().splitlines())
            if ln["skipped"] is None}
    assert len(scan) == 4

    annotated = tmp_path / "annotated"
    stats = run([FarmWarcReader(str(warcs), glob_pattern="*.warc.gz"),
                 FarmAnnotator(model_dir=str(model_dir)), JsonlWriter(str(annotated))],
                tmp_path / "logs")
    docs = {d["id"]: d for d in read_docs(annotated)}
    assert docs.keys() == scan.keys()  # every page scan scored, nothing else
    for rid, ln in scan.items():
        got = docs[rid]["metadata"]["farmdetect"]
        assert got["label"] == ln["label"] and got["score"] == pytest.approx(ln["score"],
                                                                            abs=1e-9), rid
        assert got["markers"] == ln["markers"], rid
    latin = next(d for d in docs.values() if d["metadata"]["url"].endswith("/latin"))
    assert "Caf\u00e9 cr\u00e8me" in latin["text"] and latin["metadata"]["encoding"] != "utf-8"
    assert step_stats(stats, "farmdetect WARC reader").get("skipped") == 1


@pytest.mark.slow
def test_faulty_warc_reads_and_filters_as_scan_does(faulty_case: ScanCase,
                                                    tmp_path: Path) -> None:
    from farmdetect.integrations.datatrove import FarmWarcReader

    model = str(faulty_case.model_dir)
    kept_dir, removed_dir, logs = tmp_path / "kept", tmp_path / "removed", tmp_path / "logs"
    stats = run([FarmWarcReader(str(faulty_case.warc_dir), glob_pattern="*.warc.gz"),
                 FarmAnnotator(model_dir=model),
                 FarmFilter(model_dir=model, exclusion_writer=JsonlWriter(str(removed_dir))),
                 JsonlWriter(str(kept_dir))], logs)
    lines = faulty_case.lines
    # (id, url) names a record: the repeated id comes back twice, once per URL.
    scored = {(ln["id"], ln["url"]): ln for ln in lines if ln["score"] is not None}
    farm = {key for key, ln in scored.items() if ln["label"] == "farm"}
    kept, removed = read_docs(kept_dir), read_docs(removed_dir)
    key = lambda d: (d["id"], d["metadata"]["url"])  # noqa: E731
    assert sorted(map(key, kept + removed)) == sorted(scored)  # same ids read, none twice
    assert sorted(map(key, removed)) == sorted(farm)  # same farm ids
    assert len(farm) and len(kept)
    for d in kept + removed:
        got, want = d["metadata"]["farmdetect"], scored[key(d)]
        assert got["score"] == pytest.approx(want["score"], abs=1e-9), key(d)
        assert (got["label"], got["markers"]) == (want["label"], want["markers"]), key(d)

    # Every record accounted for: documents + skipped + read errors = scan's lines, and each
    # record scan reports as an error is named in datatrove's log (logged, not silently lost).
    reader = step_stats(stats, "farmdetect WARC reader")
    skipped = [ln for ln in lines if ln["skipped"] is not None]
    errors = [ln for ln in lines if ln["error"] is not None]
    assert reader["documents"] == len(scored)
    assert reader.get("skipped", 0) == len(skipped) and reader.get("read_error", 0) == len(errors)
    assert reader["documents"] + reader["skipped"] + reader["read_error"] == len(lines)
    log_text = "".join(f.read_text("utf-8") for f in (logs / "logs").glob("*.log"))
    assert all(ln["id"] in log_text for ln in errors)
    fstats = step_stats(stats, "FILTER: 🌾 farmdetect")
    assert (fstats["dropped"], fstats["forwarded"]) == (len(farm), len(scored) - len(farm))
