"""The content family: page shape, redundancy and quality signals."""

from __future__ import annotations

from pathlib import Path

from farmdetect.features import content
from farmdetect.page import Page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"


def _page(name: str, url: str | None = None) -> Page:
    return Page.from_str((PAGES / name).read_text("utf-8"), url=url)


def _markers(page: Page) -> dict[str, tuple[str, ...]]:
    return {m.name: m.evidence for m in content.extract(page).markers}


def test_declares_every_value() -> None:
    result = content.extract(_page("legit_blog_post.html"))
    assert tuple(result.values) == content.FEATURES
    assert all(name.startswith("content.") for name in content.FEATURES)


def test_repeated_paragraphs_fire_repetitive_with_the_line() -> None:
    page = _page("repetitive_spun_page.html")
    values = content.extract(page).values
    assert values["content.dup_line_char_frac"] > 0.8
    assert values["content.dup_ngram_frac"] > 0.9
    assert values["content.compress_ratio"] > 5
    evidence = _markers(page)["content.repetitive"]
    assert evidence[0].startswith("12× Buy cheap watches online")
    assert "cheap watches" in evidence[1]


def test_legit_post_is_ordinary() -> None:
    page = _page("legit_blog_post.html")
    values = content.extract(page).values
    assert _markers(page) == {}
    assert values["content.dup_line_frac"] == 0.0
    assert values["content.dup_ngram_frac"] < 0.1
    assert 1.5 < values["content.compress_ratio"] < 3
    assert values["content.stopword_frac"] > 0.35
    assert values["content.title_words"] == 9


def test_link_only_page_is_thin() -> None:
    page = _page("thin_link_page.html")
    values = content.extract(page).values
    assert values["content.link_density"] > 0.8
    assert values["content.ext_link_share"] == 1.0
    assert "content.thin" in _markers(page)


def test_line_rules_count_bullets_ellipses_and_code() -> None:
    html = (
        "<html><body><p>• first point</p><p>• second point</p><p>Read more...</p>"
        "<p>Please enable JavaScript to view this.</p><p>var x = {a: 1}</p>"
        "<p>A full sentence.</p><p>lorem ipsum dolor</p></body></html>"
    )
    values = content.extract(Page.from_str(html)).values
    assert values["content.n_lines"] == 7
    assert values["content.bullet_line_frac"] == 2 / 7
    assert values["content.ellipsis_line_frac"] == 1 / 7
    assert values["content.js_line_frac"] == 1 / 7
    assert values["content.curly_line_frac"] == 1 / 7
    assert values["content.lorem_ipsum"] == 1.0
    assert values["content.symbol_ratio"] > 0


def test_top_ngram_share_is_deterministic_and_bounded() -> None:
    text = " ".join(["alpha beta"] * 50 + ["gamma delta"] * 50)
    page = Page.from_str(f"<html><body><p>{text}</p></body></html>")
    a = content.extract(page).values
    b = content.extract(Page.from_str(f"<html><body><p>{text}</p></body></html>")).values
    assert a == b
    assert 0.0 < a["content.top_2gram_frac"] <= 1.0


def test_empty_page() -> None:
    values = content.extract(Page.from_str("")).values
    assert all(v == 0.0 for v in values.values())
