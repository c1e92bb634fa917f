"""The ai_text family: chatbot leftovers, stock phrasing, FAQ stuffing, persona authors."""

from __future__ import annotations

from pathlib import Path

from farmdetect.features import ai_text
from farmdetect.page import Page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"


def _page(name: str, url: str | None = None) -> Page:
    return Page.from_str((PAGES / name).read_text("utf-8"), url=url)


def _markers(page: Page) -> dict[str, tuple[str, ...]]:
    return {m.name: m.evidence for m in ai_text.extract(page).markers}


ARTICLE = ("ai_leftover_article.html", "https://greennest.example/guides/indoor-herb-garden-guide/")


def test_leftover_quotes_the_sentence() -> None:
    page = _page(*ARTICLE)
    evidence = _markers(page)["ai_text.leftover"]
    assert any("Certainly! Here is a comprehensive guide" in e for e in evidence)
    assert any("As an AI language model" in e for e in evidence)
    assert ai_text.extract(page).values["ai_text.leftover_hits"] == 3


def test_stock_phrasing_lists_the_phrases() -> None:
    page = _page(*ARTICLE)
    values = ai_text.extract(page).values
    assert values["ai_text.stock_distinct"] >= 10
    assert values["ai_text.stock_per_1k"] > 20
    evidence = _markers(page)["ai_text.stock_phrasing"]
    assert "in today's fast-paced world" in evidence
    assert "whether you're a * or a" in evidence


def test_faq_block_question_headings_and_authors() -> None:
    values = ai_text.extract(_page(*ARTICLE)).values
    assert values["ai_text.faq_block"] == 4
    assert values["ai_text.question_heading_share"] >= 0.5
    assert values["ai_text.generic_author"] == 1.0
    # meta says "Admin", the visible byline says "By Sarah Whitfield"
    assert values["ai_text.author_mismatch"] == 1.0
    assert _markers(_page(*ARTICLE))["ai_text.generic_author"][0] == "author meta: Admin"


def test_legit_post_fires_nothing() -> None:
    url = "https://martaskitchen.example/2024/03/repairing-a-banneton/"
    page = _page("legit_blog_post.html", url)
    values = ai_text.extract(page).values
    assert _markers(page) == {}
    assert values["ai_text.leftover_hits"] == 0
    assert values["ai_text.stock_distinct"] <= 1
    assert values["ai_text.generic_author"] == 0.0
    assert values["ai_text.author_mismatch"] == 0.0


def test_forum_politeness_is_not_a_leftover() -> None:
    html = "<html><body><p>Try resetting the router. I hope this helps! Cindy</p></body></html>"
    assert "ai_text.leftover" not in _markers(Page.from_str(html))


def test_other_languages() -> None:
    html = (
        "<html><body><p>In der heutigen schnelllebigen Welt zählt jede Minute. "
        "Zusammenfassend lässt sich sagen, dass es hilft.</p>"
        "<p>Dans le monde actuel, tout va vite. En conclusion, voilà.</p>"
        "<p>En el mundo actual todo cambia. En conclusión, así es.</p></body></html>"
    )
    assert ai_text.extract(Page.from_str(html)).values["ai_text.stock_distinct"] == 6


def test_raw_markdown_is_a_leftover() -> None:
    body = "".join(f"<p>## Section {i}</p><p>**Point {i}:** text here.</p>" for i in range(4))
    page = Page.from_str(f"<html><body>{body}</body></html>")
    assert ai_text.extract(page).values["ai_text.markdown_hits"] == 8
    assert any(e.startswith("raw markdown:") for e in _markers(page)["ai_text.leftover"])


def test_site_named_author_is_a_value_not_a_marker() -> None:
    html = '<html><head><meta name="author" content="Freederia"></head><body>x</body></html>'
    page = Page.from_str(html, url="https://freederia.com/some-paper-title")
    assert ai_text.extract(page).values["ai_text.generic_author"] == 0.5
    assert "ai_text.generic_author" not in _markers(page)
