"""The shipped threshold rule: <= 1% FPR pooled AND within every big collection."""

from __future__ import annotations

import numpy as np

from training.train import collection_threshold, fpr_threshold, nested_threshold_metrics


def two_eras() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """2,000 'old' legit pages scoring low, 500 'new' legit pages scoring higher, 10 farms."""
    rng = np.random.default_rng(7)
    old = rng.uniform(0.0, 0.5, 2000)
    new = rng.uniform(0.2, 0.9, 500)
    farms = np.linspace(0.6, 0.99, 10)
    scores = np.r_[old, new, farms]
    y = np.r_[np.zeros(2500, dtype=int), np.ones(10, dtype=int)]
    coll = np.array(["old"] * 2000 + ["new"] * 500 + ["new"] * 10)
    return scores, y, coll


def fpr(scores: np.ndarray, y: np.ndarray, thr: float, mask: np.ndarray) -> float:
    legit = mask & (y == 0)
    return float((scores[legit] >= thr).sum() / legit.sum())


def test_pooled_rule_lets_the_new_collection_pay() -> None:
    scores, y, coll = two_eras()
    thr = fpr_threshold(scores, y)
    assert fpr(scores, y, thr, np.ones_like(y, dtype=bool)) <= 0.01
    assert fpr(scores, y, thr, coll == "new") > 0.03  # the pooled rule's blind spot


def test_collection_rule_holds_within_each_big_collection() -> None:
    scores, y, coll = two_eras()
    thr = collection_threshold(scores, y, coll, min_legit=400)
    assert fpr(scores, y, thr, coll == "new") <= 0.01
    assert fpr(scores, y, thr, coll == "old") <= 0.01
    assert thr >= fpr_threshold(scores, y)
    # a collection below min_legit does not take part
    assert collection_threshold(scores, y, coll, min_legit=501) == fpr_threshold(scores, y)


def test_nested_metrics_use_the_rule_they_are_given() -> None:
    scores, y, coll = two_eras()
    fold = np.arange(len(y)) % 5
    strict = nested_threshold_metrics(scores, y, fold, coll)
    pooled = nested_threshold_metrics(scores, y, fold)
    assert strict["fpr"] < pooled["fpr"]
    assert strict["recall"] <= pooled["recall"]
