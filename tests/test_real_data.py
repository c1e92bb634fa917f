"""data/real/: the project's own reviewed pages. Every page has provenance, a licence that allows
redistribution, two reviews whose agreement is its label, and no page comes from a domain of the
independent evaluation set (../shared/data/excluded-domains.sha256)."""

from __future__ import annotations

import gzip
import hashlib
import json
from typing import Any

import pytest

from tests.conftest import ROOT, data_dir
from training.dataset import excluded_hashes, is_excluded, record_excluded

REAL = ROOT / "data" / "real"
FIELDS = {"id", "dataset", "source_file", "url", "host", "lang", "label", "kind", "confidence",
          "markers", "label_source", "encoding", "html", "source_repo", "source_commit",
          "source_licence", "year", "review_a", "review_b"}
KINDS = {"aggregator_rewrite", "ai_mass_content", "seo_spam", "doorway", "scraper",
         "made_for_ads", "press_release_mill", "content_farm"}
# Licences under which the source repositories let us redistribute their files.
OPEN_LICENCES = ("MIT", "Apache-2.0", "BSD", "GPL-3.0", "GPL-2.0", "CC-BY", "CC0", "ISC")
MAX_BYTES = 40_000_000


def records() -> list[dict[str, Any]]:
    out = []
    for path in sorted(REAL.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            out += [json.loads(line) for line in fh if line.strip()]
    return out


def test_no_page_comes_from_an_excluded_domain() -> None:
    listing = data_dir() / "excluded-domains.sha256"
    if not listing.is_file():
        pytest.skip(f"{listing} not present")
    excluded = excluded_hashes(data_dir())
    assert excluded, "the exclusion list is empty"
    for r in records():
        assert not record_excluded(r, excluded), f"{r['id']}: excluded domain"


def test_the_exclusion_check_catches_a_listed_domain() -> None:
    # The check itself: a host under a listed domain is caught at any depth.
    listed = {hashlib.sha256(b"example.co.uk").hexdigest()}
    assert is_excluded("a.b.Example.co.uk", listed)
    assert not is_excluded("example.com", listed)
    assert record_excluded({"url": "https://user@www.example.co.uk:8080/a"}, listed)
    assert record_excluded({"host": "example.co.uk", "url": None}, listed)
    assert not record_excluded({"host": None, "url": "https://example.com/"}, listed)


def test_every_page_has_provenance_a_licence_and_two_reviews() -> None:
    rows = records()
    if not rows:
        pytest.skip("no data/real pages yet")
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        assert FIELDS <= set(r), f"{r.get('id')}: missing {FIELDS - set(r)}"
        assert len(r["source_commit"]) == 40 and "/" in r["source_repo"], r["id"]
        assert r["source_licence"].startswith(OPEN_LICENCES), (r["id"], r["source_licence"])
        a, b = r["review_a"], r["review_b"]
        for review in (a, b):
            assert review["label"] in (0, 1, None) and review.get("reason"), r["id"]
        agreed = a["label"] is not None and a["label"] == b["label"]
        assert r["label"] == (a["label"] if agreed else None), r["id"]
        if r["label"] == 1:
            assert r["kind"] in KINDS, (r["id"], r["kind"])
        assert isinstance(r["html"], str) and r["html"].strip()


def test_data_real_stays_small() -> None:
    assert sum(p.stat().st_size for p in REAL.rglob("*") if p.is_file()) < MAX_BYTES


def test_no_page_repeats_a_page_of_the_shared_data() -> None:
    pages = data_dir() / "pages"
    rows = records()
    if not pages.is_dir() or not rows:
        pytest.skip("needs ../shared/data and data/real pages")
    from training.dataset import html_fingerprint

    ours = {r["id"] for r in rows}
    texts = {html_fingerprint(r["html"]): r["id"] for r in rows}
    for path in pages.glob("*.jsonl.gz"):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                shared = json.loads(line)
                assert shared["id"] not in ours
                # the same page saved again (other bytes, same text) is the same page
                assert html_fingerprint(shared["html"]) not in texts, texts.get(
                    html_fingerprint(shared["html"]))
