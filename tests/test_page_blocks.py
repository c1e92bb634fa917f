"""Page.blocks: real recommendation lists and their headings, not links inside prose."""

from __future__ import annotations

from pathlib import Path

from farmdetect.page import Page

PAGES = Path(__file__).resolve().parent / "data" / "pages"


def blocks_of(name: str) -> list:
    return Page.from_str((PAGES / name).read_text("utf-8"), url="https://site.example/a/b").blocks


def test_inline_prose_links_are_not_a_block() -> None:
    blocks = blocks_of("blocks_inline_prose.html")
    assert len(blocks) == 1
    assert blocks[0].heading == "Mehr zum Thema"
    assert blocks[0].items == [
        "Händler kritisieren Radweg an der Ringstraße",
        "Verkehrsausschuss beschließt Konzept für den Radverkehr",
    ]


def test_card_block_heading_and_labels() -> None:
    (block,) = blocks_of("recs_unrelated_block.html")
    assert block.heading == "You May Also Like"
    assert len(block.items) == 3
    assert block.labels == ["Health News", "Current News", "Current News"]
    assert block.items[1].startswith("“NEXT by TRT World Forum”")


def test_heading_before_list_not_first_item() -> None:
    blocks = blocks_of("recs_related_news.html")
    assert [b.heading for b in blocks] == ["Related", "Most read"]
    assert all(len(b.items) >= 3 for b in blocks)
    assert all(link.internal for b in blocks for link in b.links)


def test_block_without_heading_does_not_take_item_title() -> None:
    html = (
        "<body><p>Long article text here that ends the story for good.</p><div class='grid'>"
        "<div class='card'><h3><a href='/x'>First story title here</a></h3></div>"
        "<div class='card'><h3><a href='/y'>Second story title here</a></h3></div></div></body>"
    )
    (block,) = Page.from_str(html).blocks
    assert block.heading == ""
    assert block.items == ["First story title here", "Second story title here"]


def test_card_link_wrapping_label_and_title() -> None:
    html = (
        "<body><h2>Recommended</h2><div class='row'>"
        "<a class='c' href='/1'><div>Business</div>"
        "<div>Markets rally as inflation cools down</div></a>"
        "<a class='c' href='/2'><div>Sport</div>"
        "<div>Local team wins the regional cup final</div></a>"
        "</div></body>"
    )
    (block,) = Page.from_str(html).blocks
    assert block.heading == "Recommended"
    assert block.items == [
        "Markets rally as inflation cools down",
        "Local team wins the regional cup final",
    ]
    assert block.labels == ["Business", "Sport"]


def test_deep_card_layout_forms_a_block() -> None:
    # a title link six levels under its repeated grid cell (custom card elements around it)
    card = (
        '<div class="grid-item"><x-link href="/s/{n}"><x-card class="card">'
        '<div class="media"><a href="/s/{n}"><img alt=""></a></div>'
        '<div class="content"><div class="label"><a href="/society">Society</a></div>'
        '<x-ellipsis><a href="/s/{n}"><h2>{t}</h2></a></x-ellipsis></div>'
        "</x-card></x-link></div>"
    )
    titles = [
        "Server slips a couple a note they do not read until later",
        "Dog grabs the baby monitor and runs out into the garden",
        "Grandma finds two intruders in her home and calls her sons",
    ]
    html = '<body><p>Story.</p><div class="grid">' + "".join(
        card.format(n=i, t=t) for i, t in enumerate(titles)
    ) + "</div></body>"
    (block,) = Page.from_str(html, url="https://site.example/a/b").blocks
    assert block.items == titles
    assert block.labels == ["Society"] * 3
