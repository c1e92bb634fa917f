"""rewrite family: wire copy, missing byline/date, off-site canonical, credit lines."""

from __future__ import annotations

from pathlib import Path

from farmdetect.features import FAMILIES
from farmdetect.features.rewrite import FEATURES, extract, family
from farmdetect.page import Page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"


def load(name: str, url: str) -> Page:
    return Page.from_str((PAGES / name).read_text("utf-8"), url=url)


def markers(page: Page) -> dict[str, tuple[str, ...]]:
    return {m.name: m.evidence for m in extract(page).markers}


def test_registered() -> None:
    assert family in FAMILIES and family.features == FEATURES


def test_values_complete_on_empty_and_hostile() -> None:
    hostile = ("", "<p>By</p><time datetime=>", "<a")
    for page in (Page.from_str(h) for h in hostile):
        values = extract(page).values
        assert set(values) == set(FEATURES)
        assert all(v == v for v in values.values())


def test_wire_copy_without_byline_or_date() -> None:
    page = load("wire_copy_no_byline.html", "https://dailytrendhub.example/floods-force-thousands-italy/")
    v = extract(page).values
    assert v["rewrite.wire_hits"] >= 3  # told AFP, (Reuters), according to Reuters
    assert v["rewrite.wire_per_1k_words"] > 10
    assert v["rewrite.no_byline"] == 1.0 and v["rewrite.no_date"] == 1.0
    assert v["rewrite.source_line"] == 1.0 and v["rewrite.appeared_first"] == 1.0
    assert v["rewrite.title_h1_agree"] == 1.0
    assert v["rewrite.title_slug_agree"] >= 0.75
    found = markers(page)
    assert any("told AFP" in e for e in found["rewrite.wire_copy"])
    assert found["rewrite.source_credit"] == ("Source: AFP, Reuters",)
    assert "appeared first on Daily Trend Hub" in found["rewrite.appeared_first"][0]


def test_legit_news_with_afp_byline_and_date() -> None:
    page = load(
        "recs_related_news.html",
        "https://www.dailyledger.example/world/2022/07/12/lukashenko-belarus-army-ukraine-war",
    )
    v = extract(page).values
    assert v["rewrite.wire_hits"] >= 1  # "MINSK (AFP)" is still wire copy: graded, not hidden
    assert v["rewrite.no_byline"] == 0.0 and v["rewrite.no_date"] == 0.0
    assert v["rewrite.canonical_offsite"] == 0.0
    assert "rewrite.canonical_offsite" not in markers(page)


def test_canonical_offsite_and_original_credit() -> None:
    page = load("canonical_offsite.html", "https://coffeedealsdaily.example/best-budget-espresso-machines")
    v = extract(page).values
    assert v["rewrite.canonical_offsite"] == 1.0
    assert v["rewrite.title_og_agree"] == 1.0
    found = markers(page)
    assert found["rewrite.canonical_offsite"][1].startswith("points to https://www.original-coffee")
    assert "originally published" in found["rewrite.source_credit"][0]


def test_no_url_means_no_offsite_and_missing_slug() -> None:
    page = load("canonical_offsite.html", "")
    v = extract(page).values
    assert v["rewrite.canonical_offsite"] == 0.0
    assert v["rewrite.title_slug_agree"] == -1.0


def test_agency_acronyms_need_attribution_context() -> None:
    html = (
        "<body><article><p>The DPA guidelines on data protection and the dpa were discussed. "
        "Anita and Dani met at the AP Stylebook course at the university library today.</p>"
        "</article></body>"
    )
    assert extract(Page.from_str(html)).values["rewrite.wire_hits"] == 0.0
