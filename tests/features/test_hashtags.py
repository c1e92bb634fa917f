"""The hashtags family: title-echoing hashtag lines fire, a legit site's topic tags do not."""

from __future__ import annotations

from pathlib import Path

from farmdetect.features import hashtags
from farmdetect.page import Page

PAGES = Path(__file__).resolve().parent.parent / "data" / "pages"


def _run(name: str, url: str | None = None) -> hashtags.Result:
    return hashtags.extract(Page.from_str((PAGES / name).read_text("utf-8"), url=url))


def _markers(result: hashtags.Result) -> dict[str, tuple[str, ...]]:
    return {m.name: m.evidence for m in result.markers}


def test_title_echo_fires_with_the_hashtag_line() -> None:
    r = _run("hashtag_title_dup.html")
    m = _markers(r)
    assert "#Belarus #Join #Moscows #Ukraine #Offensive" in m["hashtags.title_echo"]
    assert r.values["hashtags.title_overlap"] == 1.0
    assert r.values["hashtags.title_coverage"] == 1.0  # "Moscow’s" folds to "moscows"
    assert r.values["hashtags.title_in_order"] == 1.0
    assert r.values["hashtags.max_tags_in_line"] == 5.0


def test_social_tags_label_takes_the_next_line_and_repeats() -> None:
    r = _run("hashtag_title_dup.html")
    m = _markers(r)
    assert m["hashtags.repeated_line"] == (
        "Social Tags: #Belarus #Join #Moscows #Ukraine #Offensive",
    )
    # the line under "Social Tags:" is its payload, not a second hashtag line
    assert r.values["hashtags.n_hashtag_lines"] == 1.0
    assert r.values["hashtags.n_tags_lines"] == 1.0
    assert r.values["hashtags.repeated_lines"] == 1.0
    assert r.values["hashtags.tags_line_title_overlap"] == 1.0


def test_topic_tags_of_a_legit_site_do_not_fire() -> None:
    r = _run("topic_tags_legit.html")
    assert r.markers == []
    assert r.values["hashtags.n_tags_lines"] == 1.0
    assert r.values["hashtags.max_tags_in_line"] == 4.0
    assert r.values["hashtags.tags_line_title_overlap"] == 0.0
    # two hashtags inside a prose sentence are no hashtag line
    assert r.values["hashtags.n_hashtag_lines"] == 0.0


def test_seed_style_farm_fires_both_markers() -> None:
    r = _run("seed_style_farm.html", "https://worldnewsera.example/will-belarus-join-moscows-offensive/")
    assert {"hashtags.title_echo", "hashtags.repeated_line"} <= set(_markers(r))


def test_legit_news_related_is_quiet() -> None:
    assert _run("legit_news_related.html").markers == []


def test_tags_echo_needs_three_distinct_tags() -> None:
    html = (
        "<title>Ford hybrid transmission</title><h1>Ford hybrid transmission</h1>"
        "<p>Tags: Ford, ford hybrid transmission</p>"
    )
    r = hashtags.extract(Page.from_str(html))
    assert r.markers == []
    assert r.values["hashtags.tags_line_title_overlap"] == 1.0


def test_empty_and_entity_hashes() -> None:
    r = hashtags.extract(Page.from_str("<p>C# and F# &#8217; #1</p>"))
    assert set(r.values) == set(hashtags.FEATURES)
    assert all(v == 0.0 for v in r.values.values())
    assert hashtags.extract(Page.from_str("")).markers == []


def test_strip_site_suffix() -> None:
    assert hashtags.strip_site_suffix("Will Belarus Join? | World News Era") == "Will Belarus Join?"
    assert hashtags.strip_site_suffix("Short - X") == "Short - X"
    assert hashtags.strip_site_suffix("Modi to meet Amma over lunch / Online News @ TheCheers") == (
        "Modi to meet Amma over lunch"
    )


def test_title_pasted_into_a_tags_line_after_a_category_fires() -> None:
    # a 2008 wire aggregator's autotagger: category, then the whole headline as one tag
    html = (
        "<title>Minister to meet rival leader over lunch today / Online News @ Example</title>"
        "<p>The minister is all set to meet the opposition leader today over lunch.</p>"
        "<p>TAGS: South-Asia Minister to meet rival leader over lunch today</p>"
    )
    r = hashtags.extract(Page.from_str(html))
    assert _markers(r)["hashtags.title_echo"] == (
        "TAGS: South-Asia Minister to meet rival leader over lunch today",
    )


def test_title_words_spread_over_topic_tags_do_not_fire() -> None:
    # every title word is a tag, but not as one pasted run: a legit site's topic tags
    html = (
        "<title>Mauricio Umansky on real estate and reality television</title>"
        "<p>Tags: real estate, Mauricio Umansky, television, reality shows</p>"
    )
    assert hashtags.extract(Page.from_str(html)).markers == []


def test_glued_rel_tag_links_of_the_title_words_fire() -> None:
    # a jNews-style tag list printed with nothing between the links: the text reads
    # "Tags:BelarusJoinMoscowsOffensive", the DOM still has one rel="tag" link per word
    html = (
        "<title>Will Belarus join Moscow's offensive</title><h1>Will Belarus join Moscow's "
        'offensive</h1><p>Story text.</p><div class="post_tags"><span>Tags:</span>'
        + "".join(f'<a href="/tag/{w.lower()}/" rel="tag">{w}</a>'
                  for w in ("Belarus", "Join", "Moscows", "Offensive"))
        + "</div>"
    )
    r = hashtags.extract(Page.from_str(html))
    assert _markers(r)["hashtags.title_echo"] == ("Tags: Belarus, Join, Moscows, Offensive",)
    assert r.values["hashtags.n_tags_lines"] == 1.0


def test_rel_tag_key_phrases_of_the_title_do_not_fire() -> None:
    # a blogger tags a post with the title's key phrases: not the autotagger's one word per tag
    html = (
        "<title>Augmented Reality im Kundenservice: Remote Support mit Smart Glasses</title>"
        "<p>Text.</p><p>"
        + ", ".join(f'<a href="/tag/{i}/" rel="tag">{t}</a>' for i, t in enumerate(
            ("Augmented Reality", "Kundenservice", "Remote Support", "Smart Glasses")))
        + "</p>"
    )
    r = hashtags.extract(Page.from_str(html))
    assert r.markers == []
    assert r.values["hashtags.n_tags_lines"] == 1.0
    assert r.values["hashtags.tags_line_title_overlap"] == 1.0
