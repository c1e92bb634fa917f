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
    assert _markers(_page(*ARTICLE))["ai_text.persona_byline"] == (
        "author meta 'Admin', byline 'Sarah Whitfield'",
    )


def test_generic_byline_over_a_named_meta_is_no_persona() -> None:
    html = (
        '<html><head><meta name="author" content="Jane Doe"></head><body><p>By Staff Writer</p>'
        "<p>Text.</p></body></html>"
    )
    markers = _markers(Page.from_str(html, url="https://news.example/a"))
    assert "ai_text.persona_byline" not in markers


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


def test_raw_markdown_is_its_own_marker_not_a_leftover() -> None:
    body = "".join(f"<p>## Section {i}</p><p>**Point {i}:** text here.</p>" for i in range(4))
    page = Page.from_str(f"<html><body>{body}</body></html>")
    assert ai_text.extract(page).values["ai_text.markdown_hits"] == 8
    markers = _markers(page)
    assert any(e.startswith("raw markdown:") for e in markers["ai_text.raw_markdown"])
    assert "ai_text.leftover" not in markers


def test_bold_warnings_and_quoted_templates_are_not_leftovers() -> None:
    """A legal-aid page's bold warnings printed as markdown and a blog quoting a letter template
    ("[Your Name]"): a person's page, not a chatbot's reply (model 0.8.0 flagged both)."""
    warnings = "".join(
        f"<p>**CRITICAL WARNING {i}:** file before the deadline.</p>" for i in range(6)
    )
    template = (
        "<blockquote><p>Dear [Recipient],</p>"
        "<p>Best regards, [Your Name], [Company Name]</p></blockquote>"
    )
    page = Page.from_str(f"<html><body>{warnings}{template}</body></html>")
    values = ai_text.extract(page).values
    assert values["ai_text.leftover_hits"] == 0
    assert "ai_text.leftover" not in _markers(page)


def test_markdown_in_a_table_of_contents_is_not_a_leftover() -> None:
    """A CMS table of contents that repeats the headings' markdown source (DigitalOcean's
    "**Introduction**" menu) is link text, not model output pasted into the prose."""
    toc = "".join(f'<li><a href="#s{i}">**Section {i}**</a></li>' for i in range(6))
    prose = "".join(f"<h2>Section {i}</h2><p>Plain text here.</p>" for i in range(6))
    page = Page.from_str(f"<html><body><ul>{toc}</ul>{prose}</body></html>")
    assert ai_text.extract(page).values["ai_text.markdown_hits"] == 0
    assert "ai_text.raw_markdown" not in _markers(page)
    pasted = Page.from_str(
        f"<html><body><ul>{toc}</ul><p>**Section 0:** text</p>{prose}</body></html>"
    )
    assert ai_text.extract(pasted).values["ai_text.markdown_hits"] == 1


def test_site_named_author_is_a_value_not_a_marker() -> None:
    html = '<html><head><meta name="author" content="Freederia"></head><body>x</body></html>'
    page = Page.from_str(html, url="https://freederia.com/some-paper-title")
    assert ai_text.extract(page).values["ai_text.generic_author"] == 0.5
    assert "ai_text.generic_author" not in _markers(page)


# Article-shape features: an even, outlined, LLM-worded SEO article against bursty human prose.
SEO = ("ai_mass_seo_outline.html", "https://rainbarrels.example/guides/rain-barrel-guide/")
ESSAY = ("human_bursty_essay.html", "https://tomasz.example/2019/03/the-winter-the-pond-froze/")


def test_seo_outline_article_shape() -> None:
    values = ai_text.extract(_page(*SEO)).values
    assert values["ai_text.llm_vocab_per_1k"] > 40
    assert values["ai_text.llm_vocab_distinct"] >= 10
    # the same four sentence lengths over and over: far less varied than human prose
    assert values["ai_text.sentence_uniformity"] > 0.7
    assert values["ai_text.paragraph_uniformity"] == 1.0
    assert values["ai_text.bold_leadin_share"] >= 0.25
    assert values["ai_text.conclusion_heading"] == 1.0
    assert values["ai_text.toc"] == 1.0
    assert values["ai_text.headings_per_1k"] > 5


def test_human_essay_is_bursty_and_plain() -> None:
    page = _page(*ESSAY)
    values = ai_text.extract(page).values
    assert values["ai_text.llm_vocab_per_1k"] == 0
    assert values["ai_text.sentence_uniformity"] < 0.4
    assert values["ai_text.paragraph_uniformity"] < 0.5
    for name in ("bold_leadin_share", "conclusion_heading", "toc", "headings_per_1k"):
        assert values[f"ai_text.{name}"] == 0, name
    # shape values are for the model only: no marker fires on them
    assert _markers(page) == {}


def test_short_article_shape_is_neutral() -> None:
    html = (
        "<html><body><h2>Conclusion</h2><p>Table of contents</p>"
        "<p>A crucial, robust and comprehensive tapestry. Delve. Delve. Delve.</p></body></html>"
    )
    values = ai_text.extract(Page.from_str(html)).values
    for name in ai_text.FEATURES[-8:]:
        assert values[name] == 0.0, name


def test_two_word_vocabulary_entries() -> None:
    prose = "The ever-evolving market needs a game changer, they said. " * 30
    values = ai_text.extract(Page.from_str(f"<html><body><p>{prose}</p></body></html>")).values
    assert values["ai_text.llm_vocab_distinct"] == 2


def _body(text: str) -> Page:
    return Page.from_str(f"<html><body><p>{text}</p></body></html>", url="https://x.example/a")


def test_declared_ai_author_is_a_marker() -> None:
    bio = _body("Mazi is an intelligent agent designed to research across trusted websites.")
    assert ai_text.extract(bio).values["ai_text.ai_author"] == 1.0
    assert _markers(bio)["ai_text.ai_author"] == (
        "Mazi is an intelligent agent designed to research across trusted websites.",
    )
    note = _body("Note: this article was partly generated using AI and checked by our editors.")
    assert "ai_text.ai_author" in _markers(note)


def test_writing_about_ai_content_is_no_ai_author() -> None:
    for text in (
        "Search engines now rank AI-generated content lower, our study finds.",
        "Is an essay written by AI still yours? Teachers disagree.",
        "Smartcat is an AI assistant for translators.",
    ):
        page = _body(text)
        assert ai_text.extract(page).values["ai_text.ai_author"] == 0.0, text
        assert "ai_text.ai_author" not in _markers(page)


def test_evidence_is_cut_between_words() -> None:
    text = "x " * 80 + "As an AI language model, I cannot browse " + "longword " * 30
    evidence = ai_text._context(text, text.index("As an AI"), text.index(", I cannot"))
    assert evidence.startswith("x x") and evidence.endswith("longword")
    assert "As an AI language model" in evidence
