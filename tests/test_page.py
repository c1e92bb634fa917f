"""Page: decoding that survives wrong charsets, size and depth caps, the cached views."""

from __future__ import annotations

import time

import pytest

from farmdetect.errors import InputError
from farmdetect.page import MAX_HTML_CHARS, Page, decode_html
from tests.conftest import fixture_page

TEXT = "Größere Äpfel für Müller — café, naïve"


def test_meta_charset_is_honoured() -> None:
    body = TEXT.replace("—", "-")
    html = f'<html><head><meta charset="iso-8859-1"></head><body><p>{body}</p></body></html>'
    page = Page.from_bytes(html.encode("iso-8859-1"))
    assert "Größere Äpfel" in page.text


def test_wrong_declared_charset_over_utf8_bytes_is_survived() -> None:
    html = f'<html><head><meta charset="iso-8859-1"></head><body><p>{TEXT}</p></body></html>'
    page = Page.from_bytes(html.encode("utf-8"))
    assert "Größere Äpfel für Müller — café" in page.text


def test_missing_charset_cp1252_is_detected() -> None:
    sentence = "Les élèves étudient à l'école près de la forêt. "
    html = "<html><body><p>" + sentence * 20 + "</p></body></html>"
    text, enc = decode_html(html.encode("cp1252"))
    assert "élèves étudient" in text, enc


def test_http_header_charset_wins_when_it_decodes() -> None:
    html = "<p>Привет, мир</p>".encode("koi8-r")
    page = Page.from_bytes(html, content_type="text/html; charset=KOI8-R")
    assert "Привет" in page.text


def test_bytes_required() -> None:
    with pytest.raises(InputError):
        Page.from_bytes("not bytes")  # type: ignore[arg-type]


def test_views_of_the_seed_style_fixture() -> None:
    page = Page.from_str(fixture_page("seed_style_farm.html"),
                         url="https://worldnewsera.example/will-belarus-join-moscows-ukraine-offensive/")
    assert page.title.startswith("Will Belarus Join")
    assert page.h1 == ["Will Belarus Join Moscow’s Ukraine Offensive?"]
    assert page.og_title == "Will Belarus Join Moscow’s Ukraine Offensive?"
    assert page.host == "worldnewsera.example"
    assert page.slug_words[:3] == ["will", "belarus", "join"]
    assert "#Belarus #Join #Moscows #Ukraine #Offensive" in page.lines
    assert "Connect with us" in page.lines
    assert "told AFP" in page.article
    assert all("adsbygoogle" not in line for line in page.lines)  # scripts are not text
    assert any("googlesyndication" in s for s in page.scripts)
    assert page.class_names["jeg_post"] == 4


def test_inline_tags_do_not_split_lines() -> None:
    page = Page.from_str("<p>Hello <b>bold</b> <a href='/x'>world</a>.</p><p>Second</p>")
    assert page.lines == ["Hello bold world.", "Second"]


def test_links_are_absolute_and_classified() -> None:
    page = Page.from_str('<a href="/a">in</a><a href="https://other.com/b">out</a>'
                         '<a href="https://sub.site.com/c">sub</a>',
                         url="https://www.site.com/x")
    assert [(lk.href, lk.internal) for lk in page.links] == [
        ("https://www.site.com/a", True),
        ("https://other.com/b", False),
        ("https://sub.site.com/c", True),
    ]


def test_huge_page_is_cut_and_noted() -> None:
    para = "<p>" + "filler words here " * 100 + "</p>"  # long paragraphs: few tags per MB
    html = "<html><body>" + para * (MAX_HTML_CHARS // len(para) + 10) + "</body></html>"
    page = Page.from_str(html)
    assert page.truncated and len(page.html) == MAX_HTML_CHARS
    assert page.lines[0] == ("filler words here " * 100).strip()


def test_a_page_of_too_many_tags_is_refused_before_the_parse() -> None:
    from farmdetect.page import MAX_TAGS

    with pytest.raises(InputError, match="too many tags"):
        Page.from_str("<html><body>" + "<b>a</b>" * (MAX_TAGS // 2 + 1) + "</body></html>")


def test_pathological_nesting_is_bounded() -> None:
    html = "<html><body>" + "<div>" * 100_000 + "deep text" + "</div>" * 100_000 + "</body></html>"
    start = time.perf_counter()
    page = Page.from_str(html)
    assert page.lines == ["deep text"]
    assert time.perf_counter() - start < 5  # unguarded lexbor takes ~9 s here
    assert any("nesting" in n for n in page.notes)


def test_tag_groups_read_rel_tag_links_by_list() -> None:
    html = (
        '<body><div class="tags"><a href="/tag/a/" rel="tag">Alpha</a><a href="/tag/b/" '
        'rel="tag">Beta</a></div><ul class="more"><li><a href="/tag/c/" rel="tag">Gamma</a></li>'
        '<li><a href="/tag/d/" rel="tag nofollow">Delta</a></li></ul>'
        '<p><a href="/x/">Not a tag</a></p></body>'
    )
    assert Page.from_str(html).tag_groups == [["Alpha", "Beta"], ["Gamma", "Delta"]]


def test_latin1_read_utf8_is_repaired_and_noted() -> None:
    mangled = (
        "I went on a journey\u00e2\x80\x94not merely; it wasn\u00e2\x80\x99t easy \u00e2\x80\x94 no"
    )
    page = Page.from_str(f"<p>{mangled}</p><p>Caf\u00c3\u00a9</p>")
    assert page.text == "I went on a journey—not merely; it wasn’t easy — no\nCafé"
    assert page.notes == ["UTF-8 text read as Latin-1 (mojibake) was repaired"]


def test_latin1_read_symbols_and_spaces_are_repaired() -> None:
    # a UTF-8 no-break space, pound sign and copyright read as Latin-1, with no curly quotes
    mangled = "<p>Tickets cost\u00c2\xa0\u00c2\u00a35 each.</p><p>\u00c2\u00a9 2008 Courier</p>"
    page = Page.from_str(mangled)
    assert page.text == "Tickets cost £5 each.\n© 2008 Courier"
    assert page.notes == ["UTF-8 text read as Latin-1 (mojibake) was repaired"]
    # one stray sequence is not enough
    assert Page.from_str("<p>\u00c2\u00a9 2007 Agence France Presse</p>").notes == []


def test_latin1_text_without_the_pattern_is_left_alone() -> None:
    # one stray sequence is no evidence of a mis-decoded page; real Latin-1 letters stay
    page = Page.from_str("<p>Café naïve Ã© \u00e2\x80\x94 once</p>")
    assert page.text == "Café naïve Ã© \u00e2\x80\x94 once"
    assert page.notes == []


def _item(name: str) -> str:
    return (
        f'<div class="group"><div class="inner"><h2>{name}</h2>'
        f"<p>The {name} heats up in three seconds and froths milk on its own, a good start.</p>"
        f"<p>Compared with the others, the {name} gives more control over the shot itself.</p>"
        "</div></div>"
    )


def test_article_of_a_buying_guide_holds_every_product() -> None:
    # one container per product: the article is their common ancestor, not the first product
    html = (
        '<body><div class="entry"><p>We picked five espresso machines under five hundred.</p>'
        + "".join(_item(n) for n in ("Bambino", "Gaggia", "Dedica", "Flair"))
        + '</div><div class="side"><p>Newsletter: get our best picks every week by email.</p>'
        "</div></body>"
    )
    article = Page.from_str(html).article
    assert all(n in article for n in ("Bambino", "Gaggia", "Dedica", "Flair"))
    assert article.startswith("We picked five espresso machines")
    assert "Newsletter" not in article


def test_article_is_not_widened_to_its_comments() -> None:
    story = "".join(f"<p>Paragraph {i} of the story, long enough to count as text.</p>"
                    for i in range(6))
    comments = "".join(f"<p>Comment {i}: I disagree with most of this piece, frankly.</p>"
                       for i in range(4))
    html = (f'<body><div class="wrap"><div class="story">{story}</div>'
            f'<div class="comments">{comments}</div></div></body>')
    article = Page.from_str(html).article
    assert article.startswith("Paragraph 0") and "Comment" not in article


def test_article_paragraphs_directly_under_body() -> None:
    text = "A page whose paragraphs sit right under the body element."
    assert Page.from_str(f"<body><p>{text}</p></body>").article == text


def test_windows1252_read_utf8_is_repaired() -> None:
    page = Page.from_str("<p>It wasnâ€™t â€œfineâ€\x9d â€” it was â€œbadâ€\x9d.</p>")
    assert page.text.startswith("It wasn’t “fine")
    assert "it was “bad”." in page.text
    assert page.notes == ["UTF-8 text read as Windows-1252 (mojibake) was repaired"]
