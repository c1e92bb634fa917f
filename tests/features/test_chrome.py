"""The chrome family: the seed's theme strings fire; a theme alone, or a legit page, does not."""

from __future__ import annotations

from pathlib import Path

from farmdetect.features import chrome
from farmdetect.page import Page

PAGES = Path(__file__).resolve().parent.parent / "data" / "pages"


def _run(name: str) -> chrome.Result:
    return chrome.extract(Page.from_str((PAGES / name).read_text("utf-8")))


def _markers(result: chrome.Result) -> dict[str, tuple[str, ...]]:
    return {m.name: m.evidence for m in result.markers}


def test_template_phrases_fire_with_the_phrases() -> None:
    r = _run("theme_chrome.html")
    m = _markers(r)
    assert set(m["chrome.template_phrases"]) == {
        "Connect with us", "Hi, what are you looking for?", "Type and hit enter",
        "You must be logged in to post a comment",
    }
    assert m["chrome.theme"][0].startswith("zoxnews")
    assert r.values["chrome.strong_phrases"] == 4.0
    assert r.values["chrome.weak_phrases"] == 1.0  # "You may also like"
    assert r.values["chrome.theme_known"] == 1.0


def test_ad_slots_and_scripts_are_counted() -> None:
    r = _run("theme_chrome.html")
    assert r.values["chrome.ad_slots"] >= 4
    assert r.values["chrome.ad_scripts"] >= 4  # one ad script src + adsbygoogle slots
    assert r.values["chrome.ad_slots_per_kword"] > 0
    assert "chrome.ad_dense" not in _markers(r)  # a handful of slots is not a made-for-ads page


def test_ad_dense_fires_on_a_page_of_ad_slots() -> None:
    html = "<p>Short text about nothing.</p>" + '<div class="ad-slot"></div>' * 30
    r = chrome.extract(Page.from_str(html))
    assert "chrome.ad_dense" in _markers(r)


def test_theme_alone_is_only_a_feature() -> None:
    r = _run("legit_theme_site.html")
    assert r.markers == []
    assert r.values["chrome.theme_known"] == 1.0
    assert r.values["chrome.theme_class_share"] > 0.5


def test_seed_style_farm_fires_and_legit_news_does_not() -> None:
    farm = _markers(_run("seed_style_farm.html"))
    seed_chrome = {"Connect with us", "Hi, what are you looking for?"}
    assert seed_chrome <= set(farm["chrome.template_phrases"])
    assert _run("legit_news_related.html").markers == []


def test_one_strong_phrase_is_not_enough() -> None:
    r = chrome.extract(Page.from_str("<div>What are you looking for?</div><p>Shop our range.</p>"))
    assert r.values["chrome.strong_phrases"] == 1.0
    assert r.markers == []


def test_empty_page() -> None:
    r = chrome.extract(Page.from_str(""))
    assert set(r.values) == set(chrome.FEATURES)
    assert r.markers == []
