"""rewrite family: wire copy, missing byline/date, off-site canonical, credit lines."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_agency_rights_and_syndication_on_wire_portal() -> None:
    page = load("wire_portal_agency_rights.html", "https://www.worldwirepost.example/news.php?id=17")
    v = extract(page).values
    assert v["rewrite.agency_rights"] == 1.0
    # neither the agency nor "Harbourline Holdings" is World Wire Post
    assert v["rewrite.rights_holder_offsite"] == 1.0
    assert v["rewrite.syndication_phrases"] >= 2  # "news brought to you by", "free content", ...
    assert v["rewrite.open_submission"] == 2.0  # become a news reporter, submit your article
    assert 0.0 < v["rewrite.article_share"] < 1.0
    evidence = markers(page)["rewrite.agency_rights"]
    assert evidence[0].startswith("© 2021 Agence France-Presse. All rights reserved.")


def test_rewrite_mill_cites_outlets_under_its_own_rights() -> None:
    page = load(
        "rewrite_mill_outlet_cites.html",
        "https://gadgetbuzzdaily.example/4821-foldable-phone-battery-leak/",
    )
    v = extract(page).values
    # report by, first reported by, told The Handset Journal, (via Screen Tab), as reported by
    assert v["rewrite.outlet_cites_per_1k_words"] >= 25
    assert v["rewrite.rights_holder_offsite"] == 0.0  # "Gadget Buzz Daily" is the site itself
    assert v["rewrite.agency_rights"] == 0.0
    assert "rewrite.agency_rights" not in markers(page)


def test_agency_rights_on_the_agencys_own_site_do_not_count() -> None:
    html = (
        "<title>Markets rally | Reuters</title><body><article><p>Shares rose on Monday as "
        "investors weighed new data on inflation and jobs.</p></article>"
        "<footer><p>© 2021 Reuters. All rights reserved.</p></footer></body>"
    )
    v = extract(Page.from_str(html, url="https://www.reuters.com/markets/rally")).values
    assert v["rewrite.agency_rights"] == 0.0 and v["rewrite.rights_holder_offsite"] == 0.0
    # the same story under another site's name and domain keeps Reuters' rights line
    portal_html = html.replace("| Reuters", "| News Portal")
    portal = Page.from_str(portal_html, url="https://newsportal.example/markets/rally")
    assert extract(portal).values["rewrite.agency_rights"] == 1.0


def test_rights_features_missing_without_rights_line() -> None:
    page = Page.from_str("<body><p>Hello world, nothing here.</p></body>", url="https://a.example/")
    v = extract(page).values
    assert v["rewrite.rights_holder_offsite"] == -1.0
    assert v["rewrite.agency_rights"] == 0.0 and v["rewrite.open_submission"] == 0.0


def test_legit_news_has_no_new_republishing_signs() -> None:
    page = load(
        "recs_related_news.html",
        "https://www.dailyledger.example/world/2022/07/12/lukashenko-belarus-army-ukraine-war",
    )
    v = extract(page).values
    assert v["rewrite.agency_rights"] == 0.0
    assert v["rewrite.syndication_phrases"] == 0.0 and v["rewrite.open_submission"] == 0.0
    assert v["rewrite.outlet_cites_per_1k_words"] == 0.0


@pytest.mark.parametrize(
    ("page_url", "canonical", "offsite"),
    [
        ("https://www.shop.example.de/p/1", "https://www.shop.example.co.uk/p/1", False),
        ("https://www.thomann.de/de/x.htm", "https://www.thomann.co.uk/x.htm", False),
        ("https://blog.gomez.fr/a", "https://blog.gomez.fr%2farticles%2f2025-12-15", False),
        ("https://news.example.com/a", "https://packing-list-trip", False),
        ("https://dailydeals.example/a", "https://www.original-coffee.example/a", True),
        ("https://www.msn.com/en-us/news/a", "https://www.cnn.com/2020/a", True),
    ],
)
def test_offsite_canonical_ignores_country_sites_and_broken_hosts(
    page_url: str, canonical: str, offsite: bool
) -> None:
    html = (f'<html><head><title>A title here</title><link rel="canonical" href="{canonical}">'
            "</head><body><h1>A title here</h1><p>Some words of text.</p></body></html>")
    page = Page.from_str(html, url=page_url)
    assert extract(page).values["rewrite.canonical_offsite"] == float(offsite)


def _cites(text: str) -> float:
    words = " filler" * 200  # 1000 * hits / words
    html = f"<html><body><article><p>{text}{words}.</p></article></body></html>"
    return extract(Page.from_str(html, url="https://mill.example/a")).values[
        "rewrite.outlet_cites_per_1k_words"
    ]


def test_story_credited_to_a_named_outlet_counts_as_a_cite() -> None:
    one = _cites("In line with this, PVP Live reports that Kaplan would like more rewards.")
    assert one > 0.0
    two = _cites("VG247 reports that he refused. GeekWire reported that it shipped.")
    assert two == pytest.approx(2 * one, rel=0.05)
    assert _cites("He was interviewing candidates, notes Washington Examiner.") > 0.0
    # a person or group that says something is not a credited outlet
    assert _cites("Kaplan said that the team is trying. Researchers say that it is hot.") == 0.0
