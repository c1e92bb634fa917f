"""The shipped model (models/) on the project's own fixtures: farm with evidence, and ok."""

from __future__ import annotations

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
