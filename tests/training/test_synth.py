"""Fast tests of the synthetic farm generator (no real data needed)."""

from __future__ import annotations

import html as html_lib
import random
import re

import pytest

from farmdetect.features.base import content_words
from farmdetect.page import Page
from training import synth
from training.dataset import Record

# Four tiny legit articles from one site (one CV group) about related river/flood stories, and
# one from another site: enough for related blocks (same group, shared words) and farms.
_STORIES = {
    "River flood forces evacuation of riverside homes": "river flood water homes evacuation",
    "Flood defences on the river to be rebuilt next year": "flood defences river council budget",
    "Council approves budget for river flood barriers": "council budget river flood barriers",
    "Residents return home after the river flood recedes": "residents return river flood damage",
}


def _paragraphs(topic: str) -> tuple[str, ...]:
    return tuple(
        f"Paragraph {i} says the {topic} story continues, officials said on Tuesday, "
        f"adding that local people were asked to follow the advice of the emergency services."
        for i in range(6)
    )


def _articles() -> list[synth.Article]:
    arts = [
        synth.Article(
            f"a{i}",
            "localnews.example",
            "test",
            "en",
            f"https://www.localnews.example/{i}",
            "www.localnews.example",
            t,
            _paragraphs(topic),
        )
        for i, (t, topic) in enumerate(_STORIES.items())
    ]
    arts.append(
        synth.Article(
            "b0",
            "othersite.example",
            "test",
            "en",
            "https://othersite.example/x",
            "othersite.example",
            "Museum opens new wing for modern sculpture",
            _paragraphs("museum sculpture wing"),
        )
    )
    return arts


@pytest.fixture(scope="module")
def res() -> synth.Resources:
    # data=None: no shared data folder, the committed fallback headlines are used.
    return synth.Resources.load(None)


@pytest.fixture(scope="module")
def pages(res: synth.Resources) -> list[Record]:
    return synth.generate(_articles(), res, n_farms=140, n_hard=30, seed=7)


def test_article_of_reads_title_and_paragraphs() -> None:
    body = "".join(f"<p>{p}</p>" for p in _paragraphs("river flood"))
    html = (
        f"<html><head><title>River flood forces evacuation | Local News</title></head>"
        f"<body><h1>River flood forces evacuation of homes</h1><div>{body}</div></body></html>"
    )
    rec = Record(
        "x1",
        "test",
        "f",
        "https://localnews.example/a",
        "localnews.example",
        "en",
        0,
        None,
        html,
        "localnews.example",
        True,
    )
    art = synth.article_of(rec)
    assert art is not None
    assert art.title == "River flood forces evacuation of homes"
    assert len(art.paragraphs) == 6 and art.group == "localnews.example"


def test_deterministic_with_seed(res: synth.Resources, pages: list[Record]) -> None:
    again = synth.generate(_articles(), res, n_farms=140, n_hard=30, seed=7)
    assert [p.html for p in again] == [p.html for p in pages]
    other = synth.generate(_articles(), res, n_farms=140, n_hard=30, seed=8)
    assert [p.html for p in other] != [p.html for p in pages]


def test_labels_groups_and_templates(pages: list[Record]) -> None:
    farms = [p for p in pages if p.label == 1]
    hard = [p for p in pages if p.label == 0]
    assert len(farms) == 140 and len(hard) == 30
    assert {p.template for p in farms} == set(synth.FARM_TEMPLATES)
    groups = {a.id: a.group for a in _articles()}
    # A synthetic page inherits the CV group of its source article.
    assert all(p.group == groups[p.source_id] for p in pages)
    assert all(p.synthetic and p.dataset == "synthetic" for p in pages)


MARKERS = {
    "hashtag line": re.compile(r"#\w+ #\w+ #\w+"),
    "social tags": re.compile(r"Social Tags:|Tags:|Hashtags:"),
    "you may also like": re.compile(r"You May Also Like|You might also like", re.I),
    "connect with us": re.compile(r"Connect with us|Hi, what are you looking for\?"),
    "wire": re.compile(r"told (AFP|Reuters)|\((AFP|Reuters|AP)\)"),
    "appeared first": re.compile(r"appeared first on"),
    "key takeaways": re.compile(r"Key Takeaways|Key Points"),
    "faq": re.compile(r"Frequently Asked Questions|FAQ"),
    "ad slot": re.compile(r"Advertisement|Sponsored|Anzeige|Publicité"),
}


def test_no_marker_in_every_farm(pages: list[Record]) -> None:
    farms = [p.html for p in pages if p.label == 1]
    for name, rx in MARKERS.items():
        hits = sum(1 for h in farms if rx.search(h))
        assert hits > 0, f"{name} never generated"
        assert hits < len(farms), f"{name} is in every synthetic farm (a give-away)"


def test_hard_negatives_have_related_blocks(pages: list[Record]) -> None:
    by_id = {a.id: a for a in _articles()}
    hard = [p for p in pages if p.label == 0]
    with_related = 0
    for p in hard:
        page = Page.from_str(p.html, url=p.url)
        title = set(content_words(by_id[p.source_id].title))
        for block in page.blocks:
            related = [t for t in block.items if title & set(content_words(t))]
            if len(related) >= 2 and len(related) == len(block.items):
                with_related += 1
                break
        # Legit byline kept; tags never copy the title into a hashtag line.
        tag_line = re.search(r"<p>(#\w+(?: #\w+)+)</p>", p.html)
        if tag_line:
            assert not title & {w.lower().lstrip("#") for w in tag_line.group(1).split()}
    # HARD_RELATED_P of them (0.5), the real legit rate of recommendation blocks being 31 %
    assert 0.3 * len(hard) <= with_related <= 0.8 * len(hard)


def test_farm_recs_are_unrelated(res: synth.Resources) -> None:
    import random

    title = "River flood forces evacuation of riverside homes"
    titles = synth.unrelated_titles(random.Random(1), res, title, 4)
    assert titles and all(not set(content_words(title)) & set(content_words(t)) for t in titles)


def test_farm_own_related_block_is_related_at_its_rate(
    res: synth.Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    arts = _articles()
    index = synth.RelatedIndex(arts, res.plain_headlines)
    words = set(content_words(arts[0].title))

    def items(p: float, seed: int) -> list[str]:
        monkeypatch.setattr(synth, "FARM_RELATED_P", p)
        ctx = synth.Ctx(random.Random(seed), res, arts[0], "f.example", "en", "", index=index)
        return synth.own_related_titles(ctx, 3)

    related = items(1.0, 0)  # a related-posts plugin: the site's same-topic stories
    assert related and all(words & set(content_words(t)) for t in related)
    unrelated = items(0.0, 0)  # the seed's block: nothing to do with the story
    assert unrelated and not any(words & set(content_words(t)) for t in unrelated)


def test_every_template_is_documented() -> None:
    readme = (synth.SYNTH_DIR / "README.md").read_text("utf-8")
    for name, fn in {**synth.FARM_TEMPLATES, "legit_news": synth.legit_news}.items():
        assert fn.__doc__ and "Imitates" in fn.__doc__ or name == "legit_news"
        assert f"`{name}`" in readme


def test_deterministic_across_processes() -> None:
    """Same seed, different PYTHONHASHSEED: identical pages (no set-order dependence)."""
    import os
    import subprocess
    import sys

    code = (
        "import hashlib\n"
        "from tests.training.test_synth import _articles\n"
        "from training import synth\n"
        "pages = synth.generate(_articles(), synth.Resources.load(None), 60, 30, seed=3)\n"
        "print(hashlib.sha1(''.join(p.html for p in pages).encode()).hexdigest())\n"
    )
    root = synth.REPO_ROOT
    outs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)}
        res = subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        outs.add(res.stdout.strip())
    assert len(outs) == 1, outs


def test_injection_keeps_the_source_page(res: synth.Resources) -> None:
    """inject_* pages are the source page plus markers (farm) or related blocks (legit)."""
    body = "".join(f"<p>{p}</p>" for p in _paragraphs("river flood"))
    shell = (
        '<html><head><script src="/app.js"></script></head><body><nav>Menu</nav>'
        f"<h1>River flood forces evacuation of riverside homes</h1><div>{body}</div>"
        "<footer>© Local News</footer></body></html>"
    )
    base = _articles()[0]
    art = synth.Article(**{**base.__dict__, "html": shell})
    farms = synth.generate([art], res, n_farms=80, n_hard=40, seed=5)
    injected = [p for p in farms if p.template.startswith("inject_")]
    assert {p.template for p in injected} == {"inject_farm", "inject_legit"}
    for p in injected:
        assert '<script src="/app.js"></script>' in p.html and "<nav>Menu</nav>" in p.html
        assert len(p.html) > len(shell)
    for p in (p for p in injected if p.template == "inject_farm"):
        assert re.search(
            r"#\w+ #\w+|You May|You might|Recommended|More|Trending|Related|"
            r"Popular|Read Next|Around|Promoted|From the web|Don't|<a href=\"https://",
            p.html[len(shell) - 20 :] + p.html,
        )


def test_template_farms_usually_carry_a_post_line_but_not_always(pages: list[Record]) -> None:
    """Dates and bylines must not separate farms from hard negatives (real farms have both)."""
    farms = [p for p in pages if p.label == 1 and p.template != "inject_farm"]
    dated = [p for p in farms if "<time " in p.html or '"datePublished"' in p.html]
    bylined = [p for p in farms if 'author">By ' in p.html]
    assert 0.5 * len(farms) < len(dated) < len(farms)
    assert 0.4 * len(farms) < len(bylined) < len(farms)


def test_howto_farm_imitates_how_to_farms_and_directories(res: synth.Resources) -> None:
    from farmdetect.features import classic

    art = _articles()[0]
    fired = styles_ehow = styles_dir = 0
    n = 60
    for i in range(n):
        ctx = synth.Ctx(random.Random(i), res, art, "farm.example", "en", "td-")
        html = synth.howto_farm(ctx)
        page = Page.from_str(html, url="https://farm.example/x/")
        fired += bool(classic.extract(page).markers)
        styles_ehow += html.count("<h1>How to ") == 1
        styles_dir += "Article Source: http://" in html
    # both styles appear, and the precise marker is on many pages but not on all of them
    assert styles_ehow > n // 3 and styles_dir > 0
    assert 0 < fired < n


def _share(pages: list[Record], pred: object) -> float:
    hits = [p for p in pages if pred(p)]  # type: ignore[operator]
    return len(hits) / max(1, len(pages))


def test_real_page_furniture_is_in_both_classes(pages: list[Record]) -> None:
    """What real pages of both classes carry must not tell synthetic farms from hard negatives:
    a rights line, og:title, the site after the title, sometimes no URL at all."""
    farms = [p for p in pages if p.label == 1 and p.template != "inject_farm"]
    hard = [p for p in pages if p.label == 0 and p.template == "legit_news"]
    for group in (farms, hard):
        assert 0.5 < _share(group, lambda p: "All rights reserved" in p.html) < 1.0
        assert 0.3 < _share(group, lambda p: 'property="og:title"' in p.html) < 0.9
        assert 0.4 < _share(group, lambda p: re.search(r"<title>[^<]*( \| | - | – )", p.html)) < 1
    assert 0.0 < _share(pages, lambda p: p.url is None) < 0.25
    # ad-network scripts: more often on farms, as on real pages (47 % vs 21 %)
    ads = "googlesyndication|doubleclick|adsystem|adnxs|taboola|mgid|ezojs|propellerads"
    assert _share(farms, lambda p: re.search(ads, p.html)) > _share(
        hard, lambda p: re.search(ads, p.html)
    )


def test_synthetic_ids_name_the_url_too(res: synth.Resources) -> None:
    art = _articles()[0]
    a = synth._record("<html></html>", art, "t", 1, "https://a.example/x")
    b = synth._record("<html></html>", art, "t", 1, None)
    assert a.id != b.id and b.host is None


def test_doorway_urls_and_siblings_share_the_stamped_pattern(res: synth.Resources) -> None:
    from farmdetect.features import doorway

    art = _articles()[0]
    stamped = fired = 0
    for i in range(40):
        ctx = synth.Ctx(random.Random(i), res, art, "pros.example", "en", "td-")
        html = synth.city_doorway(ctx)
        if ctx.path is None:
            continue
        stamped += 1
        values = doorway.extract(Page.from_str(html, url=f"https://pros.example{ctx.path}")).values
        fired += values["doorway.place_slug"] == 1.0
        if 'href="/' in html and ("-in-" in html or "-costs" in html):
            assert values["doorway.sibling_slug_links"] >= 1
    assert stamped > 10 and fired == stamped


def test_wire_mills_paste_the_agency_rights_line(res: synth.Resources) -> None:
    art = _articles()[0]
    lines = [
        synth.wire_mill(synth.Ctx(random.Random(i), res, art, "wire.example", "en", "td-"))
        for i in range(30)
    ]
    with_rights = sum(bool(re.search(r"Copyright © \d{4} (AFP|Reuters|AP|Agence|Associated)", h))
                      for h in lines)
    assert 0 < with_rights < len(lines)


def test_bloat_keeps_its_head_when_it_adds_a_sidebar(res: synth.Resources) -> None:
    """The sidebar heading once reused the <head> buffer's name: pages with a sidebar lost their
    scripts, styles and og:title, and carried "Recent Posts" in <head> instead."""
    page = synth.doc("River flood forces evacuation", "en", "<h1>River flood</h1><p>Text.</p>")
    headlines = ["Council votes on the budget"] * 40
    res = synth.Resources(res.words, res.synonyms, res.clickbait, headlines)
    sidebars = 0
    for i in range(30):
        html = synth.bloat(page, random.Random(i), res, "en", "www.localnews.example", True)
        head = html[: html.index("</head>")]
        sidebars += "<aside><h3>" in html
        assert "<style>" in head and "<script" in head
        assert not re.search(r"Recent Posts|Latest|Most Read|Editor's Picks|Trending", head)
    assert sidebars > 0


def test_template_pages_link_off_site_like_real_pages(res: synth.Resources) -> None:
    """Real pages link social profiles and share buttons (median off-site share 16 % legit, 8 %
    farms); template pages once had none, so "no external links" meant "synthetic". (Its own
    200 + 200 pages: among the shared fixture's ~20 legit_news pages all could link off-site.)"""
    pages = synth.generate(_articles(), res, n_farms=200, n_hard=200, seed=7)
    farms = [p for p in pages if p.label == 1 and p.template != "inject_farm"]
    hard = [p for p in pages if p.label == 0 and p.template == "legit_news"]

    def off_site(p: Record) -> bool:
        return any(not link.internal for link in Page.from_str(p.html, url=p.url).links)

    for group in (farms, hard):
        assert 0.4 < _share(group, off_site) < 1.0
    social = r'href="https://www\.(?:facebook|twitter|instagram|linkedin)\.com/[a-z]'
    assert 0.2 < _share(farms + hard, lambda p: re.search(social, p.html)) < 0.9


def test_sidebars_are_mostly_not_headed_like_recommendations(res: synth.Resources) -> None:
    """31 % of real legit pages have a block headed like recommendations, and 19 % one with
    unrelated items; a template sidebar always had one, then 35 % (SIDEBAR_REC_HEADING_P)."""
    page = synth.doc("River flood forces evacuation", "en", "<h1>River flood</h1><p>Text.</p>")
    res = synth.Resources(res.words, res.synonyms, res.clickbait, ["Council votes on the budget"])
    rec = plain = 0
    for i in range(200):
        html = synth.bloat(page, random.Random(i), res, "en", "www.localnews.example", False)
        aside = re.search(r"<aside>(?:<h3>([^<]*)</h3>)?<ul>", html)
        if aside:
            heading = aside.group(1) or ""
            rec += heading in synth._REC_HEADINGS
            plain += heading in synth._PLAIN_HEADINGS
    assert rec + plain > 100
    assert 0.03 < rec / (rec + plain) < 0.2


def _foot_lists(res: synth.Resources, farm: bool, n: int = 300) -> list[tuple[str, list[str]]]:
    """(heading, items) of the foot list of n bloated pages (none when a page has no list)."""
    page = synth.doc("River flood forces evacuation", "en", "<h1>River flood</h1><p>Text.</p>")
    plain = [f"Council votes on budget item {i}" for i in range(12)]
    res = synth.Resources(res.words, res.synonyms, res.clickbait, plain)
    out = []
    for i in range(n):
        html = synth.bloat(page, random.Random(i), res, "en", "www.localnews.example", farm)
        for m in re.finditer(r"<div><h3>([^<]*)</h3><ul>(.*?)</ul></div>", html):
            if m.group(1) not in ("Categories", "Archives"):  # the archive widget
                items = re.findall(r'<a href="[^"]*">([^<]*)</a>', m.group(2))
                out.append((m.group(1), [html_lib.unescape(it) for it in items]))
    return out


def test_foot_list_closes_the_page_under_a_section_heading(res: synth.Resources) -> None:
    """The foot list stands right before the footer on about FOOT_LIST_P of the pages, headed
    by a section name, never by a recommendation heading (it must not add a recs block)."""
    from farmdetect.features import recommendations

    lists = _foot_lists(res, farm=False)
    assert 0.45 < len(lists) / 300 < 0.75
    sections = set(res.words["legit"]["sections"]["en"])
    assert {h for h, _ in lists} <= sections
    any_re, _ = recommendations._heading_regexes()
    assert not any(any_re.search(h) for h, _ in lists)
    assert all(4 <= len(items) <= 10 for _, items in lists)


def test_foot_list_carries_viral_headlines_more_often_on_farms(res: synth.Resources) -> None:
    """Real farms close on a bait line about five times as often as real legit pages
    (FOOT_BAIT_P: 90 % of farm lists, 15 % of hard negatives')."""
    bait = set(res.clickbait)

    def share(farm: bool) -> float:
        lists = _foot_lists(res, farm)
        return sum(any(it in bait for it in items) for _, items in lists) / len(lists)

    farm, legit = share(True), share(False)
    assert 0.8 < farm < 0.97
    assert 0.05 < legit < 0.25


def test_rewrites_credit_another_outlet(res: synth.Resources) -> None:
    from farmdetect.features import rewrite

    paras = list(_articles()[0].paragraphs)
    credited = synth.credit_outlet(paras, random.Random(3), res)
    changed = [q for p, q in zip(paras, credited, strict=True) if p != q]
    assert 1 <= len(changed) <= 3
    outlets = res.words["rewrite_outlets"]
    assert all(any(o in p for o in outlets) for p in changed)
    body = "".join(f"<p>{p}</p>" for p in credited)
    html = f"<html><body><article>{body}</article></body></html>"
    values = rewrite.extract(Page.from_str(html, url="https://mill.example/a")).values
    assert values["rewrite.outlet_cites_per_1k_words"] > 0


def test_some_ai_farms_declare_an_ai_author(res: synth.Resources) -> None:
    from farmdetect.features import ai_text

    art = _articles()[0]
    fired = 0
    for i in range(100):
        html = synth.ai_listicle(synth.Ctx(random.Random(i), res, art, "ai.example", "en", ""))
        markers = ai_text.extract(Page.from_str(html, url="https://ai.example/x")).markers
        fired += any(m.name == "ai_text.ai_author" for m in markers)
    assert 0 < fired < 25


def test_some_persona_bylines_sit_over_the_cms_account(res: synth.Resources) -> None:
    from farmdetect.features import ai_text

    art = _articles()[0]
    page = synth.doc(art.title, "en", f"<h1>{art.title}</h1><p>{art.paragraphs[0]}</p>")
    persona = 0
    for i in range(300):
        html = synth.post_meta(page, synth.Ctx(random.Random(i), res, art, "f.example", "en", ""))
        markers = ai_text.extract(Page.from_str(html, url="https://f.example/a")).markers
        persona += any(m.name == "ai_text.persona_byline" for m in markers)
    assert 3 <= persona <= 40


def test_farm_marker_options_are_drawn_at_the_marker_rate(res: synth.Resources) -> None:
    art = _articles()[0]
    draws = [
        synth._markers(
            synth.Ctx(random.Random(i), res, art, "f.example", "en", ""),
            {"recs": 1.0, "spin": 1.0},
        )
        for i in range(400)
    ]
    share = sum(d["recs"] for d in draws) / len(draws)
    assert abs(share - synth.MARKER_RATE) < 0.08
    assert all(d["spin"] for d in draws)  # a shape option keeps its listed rate
    legit = synth._options(
        synth.Ctx(random.Random(0), res, art, "n.example", "en", ""), {"related": 1.0}
    )
    assert legit == {"related": True}


def test_tag_links_are_marked_and_joined_alike_in_both_classes() -> None:
    """rel="tag" and the joiner between tag links come from one helper for farms and hard
    negatives, so neither tells the classes apart; every joiner and both markups occur."""
    rng = random.Random(3)
    drawn = [synth.tag_links(rng, ["Alpha", "Beta"], "/tag/") for _ in range(300)]
    rel = sum('rel="tag"' in d for d in drawn) / len(drawn)
    assert abs(rel - synth.TAG_REL_P) < 0.08
    joiners = {d[d.index("</a>") + 4 : d.index("<a", 1)] for d in drawn}
    assert joiners == set(synth._TAG_JOINERS)


def test_jnews_tags_and_legit_topics_both_use_tag_links(res: synth.Resources) -> None:
    synth.MARKER_RATE, old = 1.0, synth.MARKER_RATE
    try:
        pages = synth.generate(_articles(), res, n_farms=200, n_hard=120, seed=11)
    finally:
        synth.MARKER_RATE = old
    farm_tags = [p for p in pages if p.template == "jnews_wp" and "post_tags" in p.html]
    legit_tags = [p for p in pages if p.label == 0 and '<div class="tags">' in p.html]
    assert farm_tags and legit_tags
    for group in (farm_tags, legit_tags):
        assert 0.0 < _share(group, lambda p: 'rel="tag"' in p.html) < 1.0


def test_farm_traits_are_drawn_at_their_class_rates(res: synth.Resources) -> None:
    """Shop buttons and an open call for contributors on template pages of both classes, at the
    rates real farms and real legit pages show them (SHOP_BUTTONS_P, OPEN_CALL_P), and each one
    measured by its feature."""
    from farmdetect.features import monetization, rewrite

    body = "".join(f"<p>Paragraph {i} of the story.</p>" for i in range(6))
    page = synth.doc("River flood forces evacuation", "en", f"<h1>River flood</h1>{body}")

    def shares(farm: bool, n: int = 600) -> tuple[float, float]:
        shop = call = 0
        for i in range(n):
            html = synth.bloat(page, random.Random(i), res, "en", "www.localnews.example", farm)
            p = Page.from_str(html, url="https://www.localnews.example/river-flood/")
            shop += monetization.extract(p).values["monetization.cta_buttons"] >= 2
            call += rewrite.extract(p).values["rewrite.open_submission"] > 0
        return shop / n, call / n

    farm_shop, farm_call = shares(True)
    legit_shop, legit_call = shares(False)
    assert 0.07 < farm_shop < 0.18 and 0.07 < farm_call < 0.18
    assert legit_shop < 0.05 and legit_call < 0.05


def test_sibling_links_change_one_slot_of_the_page_slug(res: synth.Resources) -> None:
    """Sibling links are the page's slug with one token replaced, which doorway's sibling
    measure counts; a slug too short or a bare id gives none."""
    from farmdetect.features import doorway

    res = synth.Resources(res.words, res.synonyms, res.clickbait,
                          [f"{w} council votes on budget" for w in ("Harbour", "Valley", "Ridge",
                                                                    "Meadow", "Summit")])
    path = "/best-mattress-for-side-sleepers/"
    ul = synth.sibling_links(random.Random(2), res, path)
    hrefs = re.findall(r'href="([^"]+)"', ul)
    assert 2 <= len(hrefs) <= 8
    own = path.strip("/").split("-")
    for href in hrefs:
        toks = href.strip("/").split("-")
        assert len(toks) == len(own) and sum(a != b for a, b in zip(toks, own, strict=True)) == 1
    html = f"<html><body><p>Text.</p>{ul}</body></html>"
    values = doorway.extract(Page.from_str(html, url=f"https://beds.example{path}")).values
    assert values["doorway.sibling_slug_links"] == len(hrefs)
    assert synth.sibling_links(random.Random(2), res, "/news.asp?id=208897") == ""
    assert synth.sibling_links(random.Random(2), res, "/short-slug/") == ""
