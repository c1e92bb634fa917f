"""The monetization family: affiliate links, disclosures, buy buttons, SEO title templates."""

from __future__ import annotations

import pytest

from farmdetect.features import monetization
from farmdetect.page import Page
from tests.conftest import fixture_page

LISTICLE_URL = "https://sleeppickshub.example/best-mattresses/"
LEGIT = (
    ("legit_blog_post.html", "https://martaskitchen.example/2024/03/repairing-a-cracked-banneton/"),
    ("legit_news_related.html", "https://news.example/world/2024/05/story/"),
    ("legit_listicle_tail.html", "https://blog.example/posts/reading-list/"),
    ("legit_theme_site.html", "https://theme.example/about/"),
    ("topic_tags_legit.html", "https://paper.example/politics/tags-story/"),
)


def _run(html: str, url: str | None = "https://site.example/page/") -> monetization.Result:
    return monetization.extract(Page.from_str(html, url=url))


def test_affiliate_listicle_measures_every_signal() -> None:
    values = _run(fixture_page("affiliate_listicle.html"), LISTICLE_URL).values
    assert values["monetization.affiliate_links"] == 12
    assert values["monetization.affiliate_share"] == pytest.approx(12 / 13)
    assert values["monetization.amazon_links"] == 5
    assert values["monetization.sponsored_rel"] == 2
    assert values["monetization.cloaked_links"] == 2
    assert values["monetization.disclosure_hits"] >= 3
    assert values["monetization.cta_buttons"] == 10
    assert values["monetization.cta_per_1k_words"] > 20
    assert values["monetization.title_template_score"] == 4


def test_affiliate_heavy_quotes_the_share_and_three_hrefs() -> None:
    markers = _run(fixture_page("affiliate_listicle.html"), LISTICLE_URL).markers
    assert [m.name for m in markers] == ["monetization.affiliate_heavy"]
    evidence = markers[0].evidence
    assert evidence[0] == "12 of 13 outbound links are affiliate links (92%)"
    assert evidence[1:] == (
        "https://www.amazon.com/dp/B07ABC1111?tag=sleeppicks-20",
        "https://amzn.to/3xYzAb1",
        "https://sleeppickshub.example/go/purple-plus/",
    )


@pytest.mark.parametrize(("name", "url"), LEGIT)
def test_legit_fixtures_stay_quiet(name: str, url: str) -> None:
    result = _run(fixture_page(name), url)
    assert result.markers == []
    for key in ("affiliate_links", "disclosure_hits", "cta_buttons", "cloaked_links"):
        assert result.values[f"monetization.{key}"] == 0, key


def test_few_affiliate_links_among_editorial_links_do_not_fire() -> None:
    aff = "".join(f'<a href="https://amazon.de/dp/B{i}?tag=x-21">Buch {i}</a> ' for i in range(8))
    refs = "".join(f'<a href="https://source{i}.example/report">Quelle {i}</a> ' for i in range(12))
    values = monetization.extract(Page.from_str(f"<p>{aff}{refs}</p>", url="https://a.example/x"))
    assert values.values["monetization.affiliate_links"] == 8
    assert values.values["monetization.affiliate_share"] == pytest.approx(0.4)
    assert values.markers == []


def test_untagged_amazon_and_portal_redirects_are_not_affiliate() -> None:
    html = (
        '<a href="https://www.amazon.com/dp/B01">book</a>'
        '<a href="http://www.bbc.co.uk/go/toolbar/i/-/home/i/">home</a>'
        '<a href="https://kath.net/link/38">link</a>'
        '<a href="https://forum.example/goto/post?id=1">post</a>'
    )
    values = monetization.extract(Page.from_str(html, url="https://kath.net/news/1")).values
    assert values["monetization.amazon_links"] == 1
    assert values["monetization.affiliate_links"] == 0


def test_cta_in_a_sentence_is_not_a_button() -> None:
    prose = "<p>Before you buy now or later, check price history on several sites and compare.</p>"
    buttons = "<div><a href='/x'>Preis prüfen</a></div><div><a href='/y'>Voir le prix »</a></div>"
    values = _run(prose + buttons).values
    assert values["monetization.cta_buttons"] == 2


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Die 7 besten Staubsauger im Test (2025)", 4),
        ("Les meilleurs matelas 2024 : comparatif", 3),
        ("Los 10 mejores portátiles de 2025", 3),
        ("ChatGPT vs Claude: Which AI Tool Is Best?", 2),
        ("Council approves budget for 2024-2025 school year", 0),
        ("Minutes of the meeting of 12/03/2019", 0),
    ],
)
def test_title_templates_in_several_languages(title: str, expected: int) -> None:
    values = _run(f"<html><head><title>{title}</title></head><body><p>x</p></body></html>").values
    assert values["monetization.title_template_score"] == expected


def test_disclosures_in_other_languages() -> None:
    html = (
        "<p>*Werbelink: Wir erhalten eine Provision.</p>"
        "<p>Cet article contient des liens affiliés.</p>"
        "<p>Este artículo incluye enlaces de afiliado.</p>"
    )
    assert _run(html).values["monetization.disclosure_hits"] == 4
