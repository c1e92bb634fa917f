"""The classic family: eHow-style how-to furniture, article-directory credits, ad labels."""

from __future__ import annotations

from pathlib import Path

from farmdetect.features import classic
from farmdetect.page import Page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"


def _extract(html: str) -> classic.Result:
    return classic.extract(Page.from_str(html, url="https://site.example/a/b"))


def test_ehow_style_page_fires_with_its_skeleton_and_credit() -> None:
    result = _extract((PAGES / "ehow_style_howto.html").read_text("utf-8"))
    values = result.values
    # things you'll need, instructions, tips & warnings, references, related searches
    assert values["classic.howto_sections"] == 5
    assert values["classic.step_lines"] == 3
    assert values["classic.ad_labels"] == 2  # ads by google, related searches
    assert values["classic.farm_credits"] == 2  # "by ehow contributor", "ehow contributor"
    (marker,) = result.markers
    assert marker.name == "classic.farm_credit"
    assert marker.evidence[0] == "credit: 'ehow contributor'"
    assert marker.evidence[-1].startswith("how-to skeleton: instructions, references")
    assert marker.evidence[-1].endswith("3 step lines")


def test_article_directory_resource_box() -> None:
    html = (
        "<html><body><h1>Ten Tips for Better Sleep</h1><p>Sleep matters.</p>"
        "<p>Article Source: http://EzineArticles.com/?expert=John_Smith</p></body></html>"
    )
    result = _extract(html)
    assert result.values["classic.farm_credits"] >= 1
    assert [m.name for m in result.markers] == ["classic.farm_credit"]


def test_news_page_with_ad_labels_and_references_does_not_fire() -> None:
    # 2007-2012 news pages carry "Sponsored Links" and "References": features, never a marker
    html = (
        "<html><body><h1>Council approves budget</h1><p>The council voted 7-2.</p>"
        "<h4>Sponsored Links</h4><a href='http://ads.example'>Buy</a>"
        "<h3>References</h3><p>Minutes of the meeting.</p><h3>Tips</h3><p>Call us.</p>"
        "</body></html>"
    )
    result = _extract(html)
    assert result.values["classic.ad_labels"] == 1
    assert result.values["classic.howto_sections"] == 2
    assert result.markers == []


def test_how_to_without_ehow_headings_does_not_fire() -> None:
    # an honest recipe: steps and references, but not the eHow skeleton
    steps = "".join(f"<p>Step {i}: stir.</p>" for i in range(1, 6))
    sections = "<h3>Instructions</h3><h3>References</h3>"
    html = f"<html><body><h1>Bread</h1>{steps}{sections}</body></html>"
    result = _extract(html)
    assert result.values["classic.step_lines"] == 5
    assert result.markers == []
