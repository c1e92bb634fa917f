"""The shipped model (farmdetect/models/) on the project's fixtures: farm with evidence, and ok."""

from __future__ import annotations

import pytest

from farmdetect.model import load_model
from farmdetect.scorer import audit
from tests.conftest import fixture_page

FARM_URL = "https://worldnewsera.example/will-belarus-join-moscows-ukraine-offensive/"
LEGIT_URL = "https://www.dailyledger.example/world/2022/07/12/zelensky-scholz-air-defence-deliveries"


def test_seed_style_fixture_is_a_farm_with_its_evidence() -> None:
    v = audit(fixture_page("seed_style_farm.html"), url=FARM_URL, model=load_model())
    assert v.label == "farm" and v.score is not None and v.score >= v.threshold
    names = {m.name for m in v.markers}
    assert {"hashtags.title_echo", "recs.unrelated", "clickbait.footer",
            "chrome.template_phrases"} <= names
    assert v.reasons and set(v.reasons) <= names
    assert v.top_features and v.top_features[0]["contribution"] > 0


def test_legit_news_fixture_is_ok() -> None:
    v = audit(fixture_page("legit_news_related.html"), url=LEGIT_URL, model=load_model())
    assert v.label == "ok" and v.score is not None and v.score < v.threshold
    assert v.markers == []


def test_no_tree_splits_on_the_ignored_size_inputs() -> None:
    model = load_model()
    ignored = model.card["ignored_inputs"]
    assert {"content.n_words", "content.n_lines"} <= set(ignored)
    splits = dict(
        zip(model.booster.feature_name(), model.booster.feature_importance("split"), strict=True)
    )
    assert all(splits[name] == 0 for name in ignored)
    assert sum(splits.values()) > 0


def test_a_decisive_marker_alone_flags_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a marker on the decisive list, the legit fixture carrying it (an AI author's bio)
    is a farm: the card's decisive_floor lifts it whatever LightGBM makes of the rest. (The list
    is empty since 0.9.0: no marker earns a floor on the real pages yet.)"""
    from farmdetect.features import evidence

    monkeypatch.setattr(evidence, "decisive_markers", lambda: frozenset({"ai_text.ai_author"}))
    model = load_model()
    assert model.decisive_floor is not None and model.decisive_floor > model.threshold
    html = fixture_page("legit_news_related.html").replace(
        "</body>",
        "<p>Mazi is an intelligent agent designed to research across trusted websites.</p></body>",
    )
    v = audit(html, url=LEGIT_URL, model=model)
    assert v.label == "farm" and v.score == model.decisive_floor
    assert [m.name for m in v.markers] == ["ai_text.ai_author"]
    assert any("decisive marker" in note for note in v.notes)
    monkeypatch.undo()
    assert audit(html, url=LEGIT_URL, model=model).score < model.decisive_floor
