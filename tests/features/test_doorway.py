"""The doorway family: templated sibling links, keyword stuffing, "near me"."""

from __future__ import annotations

from pathlib import Path

from farmdetect.features import doorway
from farmdetect.page import Page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
DOORWAY = ("doorway_city_links.html", "https://bestplumbingpros.example/plumber-in-springfield-il/")


def _page(name: str, url: str | None = None) -> Page:
    return Page.from_str((PAGES / name).read_text("utf-8"), url=url)


def _markers(page: Page) -> dict[str, tuple[str, ...]]:
    return {m.name: m.evidence for m in doorway.extract(page).markers}


def test_sibling_town_pages_fire_templated_links() -> None:
    page = _page(*DOORWAY)
    values = doorway.extract(page).values
    assert values["doorway.sibling_slug_links"] == 13
    assert values["doorway.max_templated_group"] == 13
    assert values["doorway.service_in_town_links"] == 13
    evidence = _markers(page)["doorway.templated_links"]
    assert evidence[0].startswith("13 links to pages like this one")
    assert len(evidence) == 4 and "Plumber in Chatham → plumber-in-chatham-il" in evidence


def test_keyword_stuffing_names_the_keyword() -> None:
    page = _page(*DOORWAY)
    values = doorway.extract(page).values
    assert values["doorway.title_kw_body_density"] > 0.2
    assert values["doorway.near_me_hits"] >= 2
    assert values["doorway.top_word_share"] > 0.2
    assert _markers(page)["doorway.keyword_stuffing"][0].startswith("'plumber springfield'")


def test_text_template_without_url_siblings() -> None:
    towns = ["Troy", "Novi", "Warren", "Canton", "Wixom", "Holly", "Taylor", "Wayne", "Oxford"]
    towns.append("Utica")
    links = "".join(
        f'<li><a href="/areas/{i}">Pest Control in {t}</a></li>' for i, t in enumerate(towns)
    )
    page = Page.from_str(f"<html><body><ul>{links}</ul></body></html>", url="https://x.example/")
    evidence = _markers(page)["doorway.templated_links"]
    assert evidence[0] == "10 links share the template <pest control in _>"


def test_archive_ids_and_share_buttons_are_not_templates() -> None:
    ids = "".join(
        f'<a href="/news/world-us-canada-{2270 + i}">Story {i} about things</a>' for i in range(12)
    )
    nets = ("Facebook", "X", "LinkedIn", "Email")
    share = "".join(f'<a href="/s/{n}">Share on {n}</a>' for n in nets)
    url = "https://n.example/news/world-us-canada-2299"
    page = Page.from_str(f"<html><body>{ids}{share}</body></html>", url=url)
    assert doorway.extract(page).values["doorway.sibling_slug_links"] == 0
    assert _markers(page) == {}


def test_legit_post_fires_nothing() -> None:
    url = "https://martaskitchen.example/2024/03/repairing-a-cracked-banneton/"
    page = _page("legit_blog_post.html", url)
    values = doorway.extract(page).values
    assert _markers(page) == {}
    assert values["doorway.sibling_slug_links"] == 0
    assert values["doorway.near_me_hits"] == 0
    assert values["doorway.title_slug_agree"] > 0.5
