"""The clickbait family: the seed's footer, bait recommendations and bait titles fire."""

from __future__ import annotations

from pathlib import Path

from farmdetect import clickbait_model
from farmdetect.features import clickbait
from farmdetect.page import Page

PAGES = Path(__file__).resolve().parent.parent / "data" / "pages"
SEED_FOOTER = "Everything You've Ever Learned About Marketing And Advertising Is Wrong."


def _run(name: str) -> clickbait.Result:
    return clickbait.extract(Page.from_str((PAGES / name).read_text("utf-8")))


def _markers(result: clickbait.Result) -> dict[str, tuple[str, ...]]:
    return {m.name: m.evidence for m in result.markers}


def test_model_separates_viral_from_news_headlines() -> None:
    viral = "This Is What Happens When You Eat An Avocado Every Day"
    assert clickbait_model.clickbait_prob(viral) > 0.95
    assert clickbait_model.clickbait_prob("Zelensky meets Scholz in Berlin") < 0.2
    assert clickbait_model.clickbait_prob("") == 0.0


def test_model_tokens_fold_numbers_and_apostrophes() -> None:
    assert clickbait_model.tokens("21 Things You’ll Love") == ["<num>", "things", "you'll", "love"]
    assert "<s> <num>" in clickbait_model.ngrams(["<num>", "things"])


def test_seed_footer_fires() -> None:
    r = _run("clickbait_footer.html")
    m = _markers(r)
    assert any(e.startswith(SEED_FOOTER) for e in m["clickbait.footer"])
    assert r.values["clickbait.tail_phrase_hits"] >= 2


def test_bait_recommendations_fire() -> None:
    r = _run("clickbait_footer.html")
    m = _markers(r)
    assert "You Won't Believe What This Child Star Looks Like Today" in m["clickbait.recs"]
    assert r.values["clickbait.recs_phrase_hits"] == 4.0
    assert r.values["clickbait.recs_share_clickbait"] >= 0.75


def test_news_title_is_not_bait() -> None:
    r = _run("clickbait_footer.html")
    assert "clickbait.title" not in _markers(r)
    assert r.values["clickbait.title_prob"] < 0.5


def test_legit_tail_with_prose_and_newsletter_is_quiet() -> None:
    # prose with "you" and a newsletter line (which the classifier alone scores ~1.0) do not fire
    r = _run("legit_listicle_tail.html")
    assert r.markers == []
    assert r.values["clickbait.recs_share_clickbait"] == 0.0


def test_seed_style_farm_footer_fires_and_legit_news_does_not() -> None:
    farm = _markers(_run("seed_style_farm.html"))
    assert any(e.startswith("Everything You") for e in farm["clickbait.footer"])
    assert _run("legit_news_related.html").markers == []


def test_bait_title_fires_on_a_phrase() -> None:
    page = Page.from_str("<title>You Won't Believe What Happened Next | Buzz</title><p>x</p>")
    r = clickbait.extract(page)
    assert _markers(r)["clickbait.title"] == ("You Won't Believe What Happened Next",)
    assert r.values["clickbait.title_phrase_hits"] >= 1


def test_empty_page() -> None:
    r = clickbait.extract(Page.from_str(""))
    assert set(r.values) == set(clickbait.FEATURES)
    assert r.markers == []
