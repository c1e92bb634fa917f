"""The shipped model averages one LightGBM model per synthetic draw, saved as one text model."""

from __future__ import annotations

from pathlib import Path

import lightgbm as lgb
import numpy as np

from training.train import average_boosters


def _boosters(X: np.ndarray, y: np.ndarray) -> list[lgb.Booster]:
    params = {
        "objective": "binary", "verbose": -1, "num_leaves": 7, "bagging_fraction": 0.7,
        "bagging_freq": 1, "feature_fraction": 0.8, "deterministic": True, "num_threads": 1,
    }
    return [
        lgb.train(params | {"seed": s}, lgb.Dataset(X, y), num_boost_round=30) for s in (1, 2, 3)
    ]


def test_average_of_members_in_one_text_model(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.random((400, 5))
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0.8).astype(int)
    members = _boosters(X, y)
    raws = [m.predict(X, raw_score=True) for m in members]
    assert max(np.abs(raws[0] - r).max() for r in raws[1:]) > 1e-3  # the members differ

    merged = average_boosters(members)
    assert merged.num_trees() == sum(m.num_trees() for m in members)
    assert np.allclose(merged.predict(X, raw_score=True), np.mean(raws, axis=0), atol=1e-10)
    # SHAP values average too, and still sum to the raw score
    shap = merged.predict(X, pred_contrib=True)
    mean_shap = np.mean([m.predict(X, pred_contrib=True) for m in members], axis=0)
    assert np.allclose(shap, mean_shap, atol=1e-10)

    # what training writes and the loader reads: a plain LightGBM text file
    merged.save_model(str(tmp_path / "m.txt"))
    again = lgb.Booster(model_file=str(tmp_path / "m.txt"))
    assert np.allclose(again.predict(X, raw_score=True), np.mean(raws, axis=0), atol=1e-10)


def test_one_member_is_returned_as_it_is() -> None:
    rng = np.random.default_rng(1)
    X = rng.random((200, 3))
    y = (X[:, 0] > 0.5).astype(int)
    only = _boosters(X, y)[:1]
    assert average_boosters(only) is only[0]
