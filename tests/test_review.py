"""``farmdetect review``: picking, the labels store, the WSGI app, and a real browser round trip."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from farmdetect import review
from tests.conftest import ROOT
from tests.integrations.warcs import fixture_warcs
from tests.test_model import make_model
from tests.test_scan import lines_of, scan


def line(i: int, host: str, score: float) -> dict[str, Any]:
    return {"id": f"p{i}", "url": f"https://{host}/{i}", "host": host, "score": score,
            "threshold": 0.2, "label": "farm" if score >= 0.2 else "ok"}


def test_pick_takes_the_least_sure_one_per_host_first_plus_a_random_share() -> None:
    lines = [line(0, "a.example", 0.21), line(1, "a.example", 0.19), line(2, "a.example", 0.5),
             line(3, "b.example", 0.9), line(4, "c.example", 0.01), {"id": "err", "score": None}]
    got = review.pick(lines, 3, random_share=0.0)
    # one per host, closest to the threshold in log-odds first (0.01 is nearer 0.2 than 0.9 is)
    assert [x["id"] for x in got] == ["p0", "p4", "p3"]
    assert all(x["why"] == "uncertain" for x in got)
    more = review.pick(lines, 5, random_share=0.0)
    assert [x["id"] for x in more][3:] == ["p1", "p2"]  # then a second page per host
    mixed = review.pick(lines, 5, random_share=0.4, seed=1)
    assert sum(x["why"] == "random" for x in mixed) == 2 and len({x["id"] for x in mixed}) == 5


def test_labels_store_replace_undo_and_agreement(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    conn = review.connect(db)
    for who, labels in (("ann", ["farm", "ok", "farm", "ok"]), ("bob", ["farm", "ok", "ok", "ok"])):
        for i, lab in enumerate(labels):
            review.put(conn, line(i, "h.example", 0.3), lab, who, "0.9.0")
    review.put(conn, line(0, "h.example", 0.3), "ok", "ann", "0.9.0")  # ann changes her mind
    review.put(conn, line(0, "h.example", 0.3), "farm", "ann", "0.9.0")  # and back
    ag = review.agreement(conn)
    assert ag["pages_shared"] == 4 and ag["agree"] == 0.75
    assert ag["kappa"]["reviewers"] == ["ann", "bob"] and 0 < ag["kappa"]["value"] < 1
    assert review.undo(conn, "bob") == "p3" and review.undo(conn, "nobody") is None
    with pytest.raises(Exception, match="label must be"):
        review.put(conn, line(9, "h.example", 0.3), "maybe", "ann", None)
    conn.close()
    with sqlite3.connect(db) as again:  # it is on disk
        assert again.execute("SELECT COUNT(*) FROM labels").fetchone()[0] == 7


@pytest.fixture(scope="module")
def session_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    base = tmp_path_factory.mktemp("review")
    model = make_model(base / "model")
    (base / "warcs").mkdir()
    warcs = fixture_warcs(base / "warcs")
    res = scan(*map(str, warcs), "--workers", "1", "-q", model_dir=model)
    assert res.exit_code == 0, res.output
    out = base / "scan.jsonl"
    out.write_text(res.stdout)
    assert len([x for x in lines_of(res.stdout) if x["score"] is not None]) >= 6
    return out, base / "warcs", model


def serve(sess: review.Session) -> tuple[Any, str]:
    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            return

    server = make_server("127.0.0.1", 0, review.app(sess), handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def served(session_files: tuple[Path, Path, Path], tmp_path: Path
           ) -> Iterator[tuple[review.Session, str, Path]]:
    scan_file, warcs, model = session_files
    db = tmp_path / "labels.sqlite"
    sess = review.load_session(str(scan_file), [str(p) for p in sorted(warcs.iterdir())],
                               str(db), "ann", 6, 0.0, str(model))
    server, url = serve(sess)
    yield sess, url, db
    server.shutdown()
    server.server_close()


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type":
                                                                 "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_the_app_serves_reports_and_stores_labels(served: tuple[review.Session, str, Path]
                                                  ) -> None:
    sess, url, db = served
    with urllib.request.urlopen(url + "/?i=0", timeout=30) as r:
        page = r.read().decode()
    assert "Review 1 / " in page and "connect-src 'self'" in page and "srcdoc=" in page
    assert post(url + "/label", {"i": 0, "label": "farm"}) == {"id": sess.items[0]["id"],
                                                               "label": "farm"}
    assert post(url + "/label", {"i": 1, "label": "ok"})["label"] == "ok"
    assert post(url + "/undo", {}) == {"id": sess.items[1]["id"]}
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, label, who, model_version FROM labels").fetchall()
    assert rows == [(sess.items[0]["id"], "farm", "ann", sess.model_version)]
    with pytest.raises(urllib.error.HTTPError):
        post(url + "/label", {"i": 0, "label": "maybe"})


CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_keyboard_labels_reach_sqlite_and_survive_a_restart(
        served: tuple[review.Session, str, Path]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    sess, url, db = served
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url + "/?i=0")
        page.wait_for_selector("#review")
        page.keyboard.press("f")
        page.wait_for_url(url + "/?i=1")
        page.keyboard.press("o")
        page.wait_for_url(url + "/?i=2")
        artifacts = ROOT / "build" / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(artifacts / "review.png"))
        browser.close()
    with sqlite3.connect(db) as conn:
        got = dict(conn.execute("SELECT id, label FROM labels WHERE who = 'ann'").fetchall())
    assert got == {sess.items[0]["id"]: "farm", sess.items[1]["id"]: "ok"}
    # a new server on the same store sees them (labels live in SQLite, not in the process)
    server, url2 = serve(sess)
    try:
        with urllib.request.urlopen(url2 + "/status", timeout=30) as r:
            assert json.loads(r.read())["pages_labelled"] == 2
    finally:
        server.shutdown()
        server.server_close()


def test_sources_show_the_reviewed_labels(tmp_path: Path) -> None:
    """A host with pages people labelled farm says so in --top and --host (issue 21, item 4)."""
    from click.testing import CliRunner

    from farmdetect import sources as src
    from farmdetect.cli.sources import sources as sources_cmd

    db = tmp_path / "s.sqlite"
    conn = review.connect(db)
    recs = [dict(line(i, host, sc), reasons=[], markers=[], fingerprints={}, error=None,
                 skipped=None) for i, (host, sc) in enumerate(
        [("farm.example", 0.3), ("farm.example", 0.25), ("news.example", 0.1)])]
    src.update_from_records(conn, recs)
    review.put(conn, recs[0], "farm", "ann", None)
    review.put(conn, recs[0], "farm", "bob", None)
    review.put(conn, recs[1], "farm", "ann", None)
    review.put(conn, recs[1], "ok", "bob", None)  # split: counts in neither
    review.put(conn, recs[2], "ok", "ann", None)
    rows = {r["name"]: r for r in src.top(conn, n=10)}
    assert rows["farm.example"]["reviewed"] == {"farm": 1, "ok": 0}
    assert rows["news.example"]["reviewed"] == {"farm": 0, "ok": 1}
    assert src.top(conn, n=10, level="domain")[0]["reviewed"]["farm"] == 1
    conn.close()
    table = CliRunner().invoke(sources_cmd, ["--db", str(db), "--top", "5"])
    assert "REVIEWED FARM 1/1" in table.output and "reviewed ok 1" in table.output
    host = CliRunner().invoke(sources_cmd, ["--db", str(db), "--host", "farm.example"])
    assert "reviewed by people (farmdetect review): 1 page(s) farm, 0 ok" in host.output
