"""Legit-tail novelty: cut-off arithmetic, what may count, and how it enters the model's margin."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from farmdetect import novelty
from farmdetect.errors import ModelError
from farmdetect.features import FEATURE_NAMES
from farmdetect.model import load_model
from farmdetect.novelty import EXCLUDED, NOVELTY_FEATURES, Novelty, cutoffs, spread_weight
from farmdetect.report import format_report
from farmdetect.scorer import audit
from tests.conftest import fixture_page
from tests.test_model import make_model

COL = FEATURE_NAMES.index(NOVELTY_FEATURES[0])


def tail_share(legit_col: np.ndarray, v: float) -> float:
    """The definition: smoothed share of legit pages at or above v."""
    return (int((legit_col >= v).sum()) + 1) / (len(legit_col) + 1)


def test_cutoff_matches_the_tail_share_definition() -> None:
    rng = np.random.default_rng(3)
    legit = np.zeros((257, len(FEATURE_NAMES)))
    # ties and a long tail, as real count features have
    legit[:, COL] = np.floor(rng.exponential(2.0, size=257))
    cut = cutoffs(legit)[FEATURE_NAMES[COL]]
    tails = Novelty({FEATURE_NAMES[COL]: cut}, 1.0)
    for v in np.unique(np.r_[legit[:, COL], legit[:, COL] + 0.5, [1e9]]):
        row = np.zeros((1, len(FEATURE_NAMES)))
        row[0, COL] = v
        expected = v != 0 and tail_share(legit[:, COL], v) < novelty.QUANTILE
        assert bool(tails.count(row)[0]) == expected, v


def test_one_to_99_cuts_at_98() -> None:
    """99 legit values 1..99 at 3%: only v with at most one legit page at or above it counts."""
    legit = np.zeros((99, len(FEATURE_NAMES)))
    legit[:, COL] = np.arange(1, 100)
    assert cutoffs(legit)[FEATURE_NAMES[COL]] == 98.0


def test_zero_never_counts_even_above_a_negative_cutoff() -> None:
    legit = np.full((100, len(FEATURE_NAMES)), -5.0)
    tails = Novelty(cutoffs(legit), 1.0)
    assert tails.count(np.zeros((1, len(FEATURE_NAMES))))[0] == 0
    assert tails.count(np.full((1, len(FEATURE_NAMES)), 1.0))[0] == len(NOVELTY_FEATURES)


def test_excluded_features_never_count() -> None:
    assert EXCLUDED & set(NOVELTY_FEATURES) == set()
    assert {"content.n_words", "recs.mean_relatedness", "evidence.strong_markers"} <= EXCLUDED
    tails = Novelty(cutoffs(np.zeros((100, len(FEATURE_NAMES)))), 1.0)
    huge = {n: 1e6 for n in FEATURE_NAMES}
    assert set(tails.unusual(huge)) == set(NOVELTY_FEATURES)


def test_too_few_legit_pages_is_an_error() -> None:
    with pytest.raises(ValueError, match="too few"):
        cutoffs(np.zeros((10, len(FEATURE_NAMES))))


def test_unknown_feature_in_cutoffs_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown features"):
        Novelty({"bogus.feature": 1.0}, 1.0)


def test_spread_weight_is_the_ratio_of_standard_deviations() -> None:
    raw = np.array([-4.0, -2.0, 0.0, 2.0])
    nov = np.array([0.0, 1.0, 2.0, 3.0])
    assert spread_weight(raw, nov) == pytest.approx(2.0)
    assert spread_weight(raw, np.ones(4)) == 0.0


def with_novelty(d: Path, cut: dict[str, float], weight: float) -> Path:
    """A card with a novelty section; ``d`` must hold a model with one extra input."""
    card = json.loads((d / "farmdetect.json").read_text())
    card["novelty"] = {"quantile": novelty.QUANTILE, "weight": weight, "cutoffs": cut}
    (d / "farmdetect.json").write_text(json.dumps(card))
    return d


def test_novelty_adds_weight_per_unusual_measurement(tmp_path: Path) -> None:
    cut = {"hashtags.title_overlap": 0.5, "chrome.strong_phrases": 0.0, "rewrite.wire_hits": 1e9}
    d = with_novelty(make_model(tmp_path / "nov", extra_inputs=1), cut, 0.75)
    model = load_model(d)
    # the same booster without the novelty section: what LightGBM alone says about (X, count)
    card = json.loads((d / "farmdetect.json").read_text())
    html = fixture_page("seed_style_farm.html")
    v1 = audit(html, model=model)
    assert v1.unusual == ["hashtags.title_overlap", "chrome.strong_phrases"]
    X = np.asarray([[v1.features[n] for n in FEATURE_NAMES]])
    X_in = np.column_stack([X, [2.0]])  # the count is LightGBM's last input
    lgb_raw = model.booster.predict(X_in, raw_score=True)[0]
    assert model.raw_scores(X)[0] == pytest.approx(lgb_raw + 2 * 0.75)
    # contributions still sum to the margin; the count's share and the weight sit on the
    # flagged features, nothing on the others
    contrib = model.contributions(X)[0]
    assert contrib.shape == (len(FEATURE_NAMES) + 1,)
    assert contrib.sum() == pytest.approx(model.raw_scores(X)[0])
    shap = model.booster.predict(X_in, pred_contrib=True)[0]
    j, k = FEATURE_NAMES.index("chrome.strong_phrases"), FEATURE_NAMES.index("rewrite.wire_hits")
    assert contrib[j] == pytest.approx(shap[j] + shap[-2] / 2 + 0.75)
    assert contrib[k] == pytest.approx(shap[k])
    assert card["novelty"]["weight"] == 0.75
    assert v1.to_dict()["unusual"] == v1.unusual
    assert v1.novelty == 2.0 and v1.to_dict()["novelty"] == 2.0
    assert "unusual for a legitimate page in 2 independent respects (2 measurements" in (
        format_report(v1)
    )
    v0 = audit(html, model=load_model(make_model(tmp_path / "plain")))
    assert v0.unusual == [] and "unusual for a legitimate page" not in format_report(v0)


def test_no_unusual_feature_puts_the_count_share_in_the_bias(tmp_path: Path) -> None:
    d = with_novelty(make_model(tmp_path, extra_inputs=1), {"rewrite.wire_hits": 1e9}, 0.5)
    model = load_model(d)
    X = np.zeros((1, len(FEATURE_NAMES)))
    shap = model.booster.predict(np.column_stack([X, [0.0]]), pred_contrib=True)[0]
    contrib = model.contributions(X)[0]
    assert contrib[-1] == pytest.approx(shap[-1] + shap[-2])
    assert np.allclose(contrib[:-1], shap[:-2])
    assert contrib.sum() == pytest.approx(model.raw_scores(X)[0])


def test_a_novelty_card_needs_the_extra_input(tmp_path: Path) -> None:
    d = with_novelty(make_model(tmp_path), {"rewrite.wire_hits": 1.0}, 0.5)
    with pytest.raises(ModelError, match="novelty count"):
        load_model(d)


def test_bad_novelty_section_is_a_model_error(tmp_path: Path) -> None:
    d = with_novelty(make_model(tmp_path, extra_inputs=1), {"bogus.feature": 1.0}, 1.0)
    with pytest.raises(ModelError, match="bad novelty section"):
        load_model(d)
    card = json.loads((d / "farmdetect.json").read_text())
    card["novelty"] = {"weight": 1.0}
    (d / "farmdetect.json").write_text(json.dumps(card))
    with pytest.raises(ModelError, match="bad novelty section"):
        load_model(d)


def test_shipped_card_has_cutoffs_for_every_novelty_feature() -> None:
    shipped = Path(__file__).parents[1] / "farmdetect" / "models" / "farmdetect.json"
    card = json.loads(shipped.read_text())
    assert tuple(card["novelty"]["cutoffs"]) == NOVELTY_FEATURES
    assert card["novelty"]["quantile"] == novelty.QUANTILE
    assert card["novelty"]["weight"] > 0
    members = [n for g in card["novelty"]["groups"] for n in g]
    assert len(members) == len(set(members)) and set(members) <= set(NOVELTY_FEATURES)
    assert all(len(g) >= 2 for g in card["novelty"]["groups"])


def test_reasons_fill_up_with_unusual_measurements() -> None:
    from farmdetect.features.base import Marker
    from farmdetect.scorer import Verdict

    top = [{"name": "monetization.cloaked_links", "value": 5.0, "contribution": 0.9},
           {"name": "ai_text.stock_per_1k", "value": 4.0, "contribution": 1.4},
           {"name": "content.n_lines", "value": 9.0, "contribution": 0.3}]
    v = Verdict(score=0.5, label="farm", threshold=0.1, markers=[], features={}, model="t",
                top_features=top, unusual=["monetization.cloaked_links", "ai_text.stock_per_1k",
                                           "doorway.near_me_hits", "chrome.ad_slots"])
    assert v.reasons == ["ai_text.stock_per_1k", "monetization.cloaked_links",
                         "chrome.ad_slots"]
    v.markers = [Marker("rewrite.appeared_first", ["The post X appeared first on Y."])]
    assert v.reasons == ["rewrite.appeared_first", "ai_text.stock_per_1k",
                         "monetization.cloaked_links"]


GROUPED = ("content.top_2gram_frac", "content.top_3gram_frac", "content.top_4gram_frac")


def test_groups_join_measurements_whose_tails_go_together() -> None:
    rng = np.random.default_rng(7)
    legit = np.zeros((400, len(FEATURE_NAMES)))
    # three repetition rates that rise and fall together; one independent count
    base = rng.exponential(1.0, size=400)
    for k, name in enumerate(GROUPED):
        legit[:, FEATURE_NAMES.index(name)] = base * (1 + 0.01 * k)
    legit[:, FEATURE_NAMES.index("rewrite.wire_hits")] = rng.exponential(1.0, size=400)
    cut = cutoffs(legit)
    assert novelty.groups(legit, cut) == [list(GROUPED)]
    tails = novelty.fit(legit)
    assert tails.groups == [list(GROUPED)]
    row = np.zeros((1, len(FEATURE_NAMES)))
    for name in (*GROUPED, "rewrite.wire_hits"):
        row[0, FEATURE_NAMES.index(name)] = 1e6
    # four measurements in the tail, two independent respects
    assert tails.flags(row).sum() == 4
    assert tails.count(row)[0] == 2.0
    credit = tails.credit(tails.flags(row))[0]
    assert credit.sum() == pytest.approx(2.0)
    assert credit[FEATURE_NAMES.index("rewrite.wire_hits")] == pytest.approx(1.0)
    assert credit[FEATURE_NAMES.index(GROUPED[0])] == pytest.approx(1 / 3)
    # without groups each measurement counts alone
    assert Novelty(cut, 1.0).count(row)[0] == 4.0


def test_group_naming_a_feature_without_cutoff_is_refused() -> None:
    with pytest.raises(ValueError, match="no cut-off"):
        Novelty({GROUPED[0]: 1.0}, 1.0, [[GROUPED[0], GROUPED[1]]])


def test_grouped_count_enters_the_margin_once_per_group(tmp_path: Path) -> None:
    cut = {"hashtags.title_overlap": 0.5, "chrome.strong_phrases": 0.0, "rewrite.wire_hits": 1e9}
    d = with_novelty(make_model(tmp_path, extra_inputs=1), cut, 0.75)
    card = json.loads((d / "farmdetect.json").read_text())
    card["novelty"]["groups"] = [["hashtags.title_overlap", "chrome.strong_phrases"]]
    (d / "farmdetect.json").write_text(json.dumps(card))
    model = load_model(d)
    v = audit(fixture_page("seed_style_farm.html"), model=model)
    # both flagged measurements are one group: a count of 1, not 2
    assert v.unusual == ["hashtags.title_overlap", "chrome.strong_phrases"]
    assert v.novelty == 1.0
    assert "in 1 independent respect (2 measurements" in format_report(v)
    X = np.asarray([[v.features[n] for n in FEATURE_NAMES]])
    lgb_raw = model.booster.predict(np.column_stack([X, [1.0]]), raw_score=True)[0]
    assert model.raw_scores(X)[0] == pytest.approx(lgb_raw + 0.75)
    contrib = model.contributions(X)[0]
    assert contrib.sum() == pytest.approx(model.raw_scores(X)[0])
    shap = model.booster.predict(np.column_stack([X, [1.0]]), pred_contrib=True)[0]
    j = FEATURE_NAMES.index("chrome.strong_phrases")
    assert contrib[j] == pytest.approx(shap[j] + shap[-2] / 2 + 0.75 / 2)


def test_explain_agrees_with_the_separate_calls(tmp_path: Path) -> None:
    cut = {"hashtags.title_overlap": 0.5, "chrome.strong_phrases": 0.0, "rewrite.wire_hits": 1e9}
    model = load_model(with_novelty(make_model(tmp_path, extra_inputs=1), cut, 0.75))
    v = audit(fixture_page("seed_style_farm.html"), model=model)
    X = np.asarray([[v.features[n] for n in FEATURE_NAMES]] * 2)
    why = model.explain(X)
    assert np.allclose(why.raw, model.raw_scores(X), atol=1e-9)
    assert np.allclose(why.contributions, model.contributions(X))
    assert model.novelty is not None
    assert novelty.flagged(why.flags[0]) == model.novelty.unusual(v.features)
    assert why.novelty is not None and list(why.novelty) == [2.0, 2.0]
    plain = load_model(make_model(tmp_path / "plain")).explain(X)
    assert plain.novelty is None and not plain.flags.any()
