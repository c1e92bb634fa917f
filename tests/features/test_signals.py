"""signals family: off-topic spam links, feed snippets, first-hand testing, host names."""

from __future__ import annotations

from farmdetect.features.signals import FEATURES, extract, spam_term
from farmdetect.page import Page


def _page(body: str, url: str = "https://www.acme-tools.example/blog/pruning-apple-trees",
          title: str = "How to prune apple trees in winter") -> Page:
    return Page.from_str(f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
                         f"{body}</body></html>", url=url)


PROSE = "<p>Cut the water shoots back to the branch collar and keep the centre open.</p>" * 5


def test_offtopic_spam_links_fire_on_a_hacked_post() -> None:
    links = "".join(f'<a href="https://spam{i}.example/">{t}</a> ' for i, t in enumerate(
        ["Best online casino bonus", "Buy viagra no prescription", "Payday loans today",
         "Essay writing service"]))
    result = extract(_page(PROSE + f"<p>{links}</p>"))
    assert result.values["signals.spam_links"] == 4
    assert result.values["signals.offtopic_spam_links"] == 4
    assert [m.name for m in result.markers] == ["signals.offtopic_spam_links"]


def test_on_topic_and_internal_links_do_not_count() -> None:
    """A casino review site linking casinos is on topic; a shop's own /slots page is internal."""
    links = "".join(f'<a href="https://c{i}.example/">Casino {i} review</a>' for i in range(4))
    page = _page(PROSE + links, url="https://casinoguide.example/best-casino-sites",
                 title="Best casino sites of the year")
    result = extract(page)
    assert result.values["signals.spam_links"] == 4
    assert result.values["signals.offtopic_spam_links"] == 0
    assert result.markers == []
    internal = _page(PROSE + '<a href="/slots">Slot machines for sale</a>')
    assert extract(internal).values["signals.spam_links"] == 0


def test_spam_terms_match_whole_words() -> None:
    assert spam_term("Online Casino bonus") == "casino"
    assert spam_term("Slotted spoon set") is None  # "slot" inside a word
    assert spam_term("Our bet on the weather") is None  # "bet" is not a term
    assert spam_term("Cheap NFL jerseys") == "cheap nfl jerseys"


def test_feed_snippet_links_out() -> None:
    body = "".join(
        f"<h2>Story {i}</h2><p>The council met on Tuesday to discuss the budget …</p>"
        f'<a href="https://paper{i}.example/story">Read the entire article »</a>'
        for i in range(3)
    ) + '<a href="/about">Read more</a>'
    values = extract(_page(body)).values
    assert values["signals.readmore_offsite"] == 3  # the internal "Read more" is not counted
    assert values["signals.readmore_share"] == 1.0


def test_first_hand_testing_phrases() -> None:
    body = ("<p>We tested twelve drills over three months. I've been using the winner daily, "
            "and in our testing its battery lasted longest.</p>")
    assert extract(_page(body)).values["signals.firsthand_hits"] == 3


def test_host_name_values() -> None:
    values = extract(_page(PROSE, url="https://daily-news-247.example/x")).values
    assert (values["signals.host_digits"], values["signals.host_hyphens"]) == (3, 2)
    assert values["signals.host_news_word"] == 1.0
    assert values["signals.host_on_platform"] == 0.0
    blog = extract(_page(PROSE, url="https://cheap-pills-4u.blogspot.com/2019/01/x.html")).values
    assert blog["signals.host_on_platform"] == 1.0
    no_url = extract(Page.from_str(f"<html><body>{PROSE}</body></html>")).values
    assert no_url["signals.host_digits"] == -1.0


def test_every_feature_is_present() -> None:
    assert tuple(extract(_page(PROSE)).values) == FEATURES
