"""Model loading: text model + JSON card, refusal of a mismatched feature list, calibration."""

from __future__ import annotations

import json
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pytest

from farmdetect.errors import ModelError
from farmdetect.features import FEATURE_NAMES, feature_hash
from farmdetect.model import load_model
from farmdetect.scorer import audit
from tests.conftest import fixture_page


def make_model(directory: Path, names: tuple[str, ...] = FEATURE_NAMES, extra_inputs: int = 0
               ) -> Path:
    """A tiny real LightGBM model over the code's features (random data, fixed seed), with
    ``extra_inputs`` more input columns (the novelty count)."""
    rng = np.random.default_rng(0)
    X = rng.random((200, len(names) + extra_inputs))
    y = (X[:, 0] + X[:, 1] > 1.0).astype(int)
    booster = lgb.train({"objective": "binary", "verbose": -1, "num_leaves": 4, "seed": 1},
                        lgb.Dataset(X, y), num_boost_round=5)
    directory.mkdir(parents=True, exist_ok=True)
    booster.save_model(str(directory / "farmdetect.txt"))
    card = {"model_version": "test-1", "feature_names": list(names),
            "feature_hash": feature_hash(tuple(names)), "threshold": 0.5,
            "calibration": {"method": "platt", "a": 1.0, "b": 0.0}}
    (directory / "farmdetect.json").write_text(json.dumps(card))
    return directory


def test_loads_and_scores(tmp_path: Path) -> None:
    model = load_model(make_model(tmp_path))
    verdict = audit(fixture_page("seed_style_farm.html"), model=model)
    assert 0.0 <= verdict.score <= 1.0
    assert verdict.label in ("farm", "ok")
    assert verdict.model == "test-1"
    assert set(verdict.to_dict()) >= {"score", "label", "threshold", "markers", "features", "model"}


def test_refuses_a_card_whose_features_differ(tmp_path: Path) -> None:
    d = make_model(tmp_path)
    card = json.loads((d / "farmdetect.json").read_text())
    card["feature_names"] = card["feature_names"][1:] + ["bogus.feature"]
    (d / "farmdetect.json").write_text(json.dumps(card))
    with pytest.raises(ModelError, match="does not match the code"):
        load_model(d)


def test_refuses_reordered_features(tmp_path: Path) -> None:
    d = make_model(tmp_path)
    card = json.loads((d / "farmdetect.json").read_text())
    card["feature_names"] = list(reversed(card["feature_names"]))
    (d / "farmdetect.json").write_text(json.dumps(card))
    with pytest.raises(ModelError, match="different order"):
        load_model(d)


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model in"):
        load_model(tmp_path)


def test_not_a_lightgbm_file(tmp_path: Path) -> None:
    d = make_model(tmp_path)
    (d / "farmdetect.txt").write_text("this is not a model")
    with pytest.raises(ModelError, match="not a LightGBM text model"):
        load_model(d)


def test_record_host_falls_back_to_the_canonical_link(tmp_path: Path) -> None:
    """A page with no URL (a file in a folder) is attributed to its canonical link's host."""
    model = load_model(make_model(tmp_path))
    no_url = audit(fixture_page("legit_news_related.html"), model=model)
    assert no_url.url is None and no_url.host == "www.dailyledger.example"
    with_url = audit(fixture_page("legit_news_related.html"), url="https://mirror.example/x",
                     model=model)
    assert with_url.host == "mirror.example"


def test_decisive_marker_floors_the_score(tmp_path: Path) -> None:
    """A card with decisive_floor raises pages with a decisive marker to it; others keep the
    calibrated score; a card without the key (older models) floors nothing."""
    model = load_model(make_model(tmp_path))
    X = np.zeros((2, len(FEATURE_NAMES)))
    X[1, FEATURE_NAMES.index("evidence.decisive_markers")] = 1.0
    raw = np.full(2, -6.0)  # calibrated: ~0.0025
    assert model.decisive_floor is None
    assert np.allclose(model.probability(X, raw), model.calibrate(raw))
    model.card["decisive_floor"] = 0.5
    floored = model.probability(X, raw)
    assert floored[0] == pytest.approx(model.calibrate(raw)[0]) and floored[1] == 0.5
    # a higher calibrated score is kept
    high = np.full(2, 3.0)
    assert model.probability(X, high)[1] == pytest.approx(model.calibrate(high)[1])
