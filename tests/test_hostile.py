"""Hostile input (issue 22, item 2): every hostile page ends as a score or as an error/skip
line with its reason, and the batch goes on. Time and memory per page: benchmarks/
bench_hostile.py (not timed here)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.hostile import HOSTILE
from tests.test_model import make_model
from tests.test_scan import lines_of, scan
from tests.test_warc import warc_record


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_model(tmp_path_factory.mktemp("model"))


def test_each_hostile_page_in_one_warc_gets_its_outcome(tmp_path: Path, model_dir: Path) -> None:
    warc = tmp_path / "hostile.warc.gz"
    names = list(HOSTILE) + ["normal"]
    with open(warc, "wb") as f:
        for name in names:
            body = (HOSTILE[name][1]() if name != "normal" else
                    b"<html><body><h1>A normal page</h1><p>" + b"Some text. " * 200
                    + b"</p></body></html>")
            f.write(gzip.compress(warc_record(body, rid=name, url=f"https://{name}.example/"),
                                  compresslevel=1, mtime=0))
    res = scan(str(warc), "--workers", "1", "-q", model_dir=model_dir)
    assert res.exit_code == 0, res.output
    got = {ln["id"].strip("<>").removeprefix("urn:uuid:"): ln for ln in lines_of(res.stdout)}
    assert set(got) == set(names)  # every record accounted for, the batch went on
    for name in names:
        want = HOSTILE[name][2] if name != "normal" else "scored"
        line = got[name]
        if want == "scored":
            assert line["score"] is not None and line["error"] is None, (name, line)
        else:
            reason = line["error"] or line["skipped"] or ""
            assert reason.startswith(want), (name, reason)


def test_a_gzip_bomb_member_is_refused_without_inflating_it(tmp_path: Path,
                                                            model_dir: Path) -> None:
    body = b"<html><body>" + b" " * 400_000_000 + b"</body></html>"
    warc = tmp_path / "bomb.warc.gz"
    warc.write_bytes(gzip.compress(warc_record(body, rid="bomb"), compresslevel=9, mtime=0))
    assert warc.stat().st_size < 1_000_000
    res = scan(str(warc), "--workers", "1", "-q", model_dir=model_dir)
    (line,) = lines_of(res.stdout)
    assert line["error"].startswith("too large")


def test_the_tag_cap_is_far_above_real_pages() -> None:
    """The densest real labelled page has 25,496 tags; the cap must leave room for ~9x that."""
    from farmdetect.page import MAX_TAGS

    assert MAX_TAGS >= 9 * 25_496
