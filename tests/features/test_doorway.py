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


def _place_values(url: str, title: str, body: str = "<p>We fix pipes.</p>") -> dict[str, float]:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return doorway.extract(Page.from_str(html, url=url)).values


def test_place_slug_on_stamped_town_pages() -> None:
    # the fixture: "/plumber-in-springfield-il/" under "Plumber Springfield IL | ..."
    assert doorway.extract(_page(*DOORWAY)).values["doorway.place_slug"] == 1.0
    # homeyou's shape: /<state>/<service>-<town>-costs
    costs = _place_values(
        "https://pros.example/la/electrical-service-ponchatoula-costs",
        "Electrician in Ponchatoula, LA - Costs 2025",
    )
    assert costs["doorway.place_slug"] == 1.0


def test_place_slug_needs_the_title_to_name_the_place() -> None:
    # a truncated news slug ending in a state code ("de") is not a stamped place page
    news = _place_values(
        "https://www.al.com/news/2016/12/two_arrested_in_multi-state_de.html",
        "Two arrested in multi-state drug ring",
    )
    assert news["doorway.place_slug"] == 0.0
    # the town is in the slug, but the title names no region code
    bare = _place_values(
        "https://pros.example/pest-control-in-romulus-mi/", "Pest control for your home"
    )
    assert bare["doorway.place_slug"] == 0.0
    # no URL: neutral
    assert _place_values("", "Pest Control in Romulus, MI")["doorway.place_slug"] == 0.0


def test_place_blurb_counts_pasted_encyclopedia_leads() -> None:
    blurb = (
        "<p>Romulus is a city in Wayne County, Michigan, United States. "
        "The population was 23,989 at the 2010 census.</p>"
    )
    values = _place_values("https://pros.example/x/", "Pest Control", blurb)
    assert values["doorway.place_blurb"] == 2.0
    plain = _place_values(
        "https://pros.example/x/", "Council", "<p>The county council met; 2010 census data.</p>"
    )
    assert plain["doorway.place_blurb"] == 0.0


def test_place_page_marker_names_its_evidence() -> None:
    slug_only = doorway.extract(Page.from_str(
        "<html><head><title>Electrician in Ponchatoula, LA</title></head><body><p>x</p></body>",
        url="https://pros.example/la/electrical-service-ponchatoula-costs",
    ))
    evidence = {m.name: m.evidence for m in slug_only.markers}["doorway.place_page"]
    assert evidence == (
        "stamped town page /la/electrical-service-ponchatoula-costs: its town and region are in "
        "the title",
    )
    blurb = doorway.extract(Page.from_str(
        "<html><head><title>Pest Control</title></head><body><p>Romulus is a city in Wayne "
        "County, Michigan. The population was 23,989 at the 2010 census.</p></body></html>",
        url="https://pros.example/x/",
    ))
    assert {m.name: m.evidence for m in blurb.markers}["doorway.place_page"] == (
        "population was 23,989 at the 2010 census",
        "is a city in Wayne County",
    )
    # neither sign: no marker
    plain = _place_values("https://pros.example/x/", "Council", "<p>The county met.</p>")
    assert plain["doorway.place_slug"] == plain["doorway.place_blurb"] == 0.0
    assert not doorway.extract(Page.from_str("<p>The county met.</p>")).markers
