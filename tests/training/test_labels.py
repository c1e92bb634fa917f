"""Reviewed labels become training pages: agreed only, never an excluded domain, grouped by
domain (issue 21, item 3)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from farmdetect import review
from farmdetect.urls import registrable_domain
from farmdetect.warc import iter_records
from tests.integrations.warcs import FARM_HOST, LEGIT_HOST, fixture_warcs
from training import dataset
from training.labels import reviewed_raw


def test_agreed_reviewed_pages_join_the_corpus(tmp_path: Path) -> None:
    (tmp_path / "warcs").mkdir()
    warcs = [str(p) for p in fixture_warcs(tmp_path / "warcs")]
    pages = [r for r in iter_records(warcs) if r.skipped is None]
    farm = [r for r in pages if FARM_HOST in (r.url or "")]
    legit = [r for r in pages if LEGIT_HOST in (r.url or "")]
    db = tmp_path / "labels.sqlite"
    conn = review.connect(db)

    def put(rec, label: str, who: str) -> None:  # type: ignore[no-untyped-def]
        review.put(conn, {"id": rec.id, "url": rec.url, "host": rec.url.split("/")[2]},
                   label, who, "t")

    put(farm[0], "farm", "ann")
    put(farm[0], "farm", "bob")      # agreed farm
    put(farm[1], "farm", "ann")
    put(farm[1], "ok", "bob")        # split: left out
    put(legit[0], "ok", "ann")       # one reviewer: ok
    put(legit[1], "skip", "ann")     # skipped: not a label
    conn.commit()
    conn.close()
    data = tmp_path / "data"
    (data / "pages").mkdir(parents=True)
    with gzip.open(data / "pages" / "tiny.jsonl.gz", "wt") as fh:
        fh.write(json.dumps({"id": "s1", "dataset": "tiny", "url": "https://other.example/a",
                             "html": "<html><body><p>shared page</p></body></html>",
                             "label": 0}) + "\n")
    raw = reviewed_raw(db, warcs, data)
    assert {(r["id"].removeprefix("review:"), r["label"]) for r in raw} == {
        (farm[0].id, 1), (legit[0].id, 0)}
    recs = dataset.load(data, None, raw)
    mine = {r.id: r for r in recs if r.dataset == "reviewed_labels"}
    assert len(mine) == 2 and len(recs) == 3
    # grouped by registrable domain, like every real page
    assert {r.group for r in mine.values()} == {registrable_domain(FARM_HOST),
                                                registrable_domain(LEGIT_HOST)}
    # a domain on the exclusion list is never used
    (data / "excluded-domains.sha256").write_text(
        hashlib.sha256(FARM_HOST.encode()).hexdigest() + "\n")
    again = reviewed_raw(db, warcs, data)
    assert [r["label"] for r in again] == [0]
