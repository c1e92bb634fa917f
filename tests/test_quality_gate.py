"""Quality gate: the shipped training settings must keep their measured quality on real pages.

Rebuilds the features of the real labelled pages (the on-disk cache is reused only under the
same feature hash *and* extraction-code hash), regenerates the synthetic pages, runs the
domain-grouped cross-validation exactly as ``training.train`` does, and checks the floors in
``tests/quality_baseline.json``. Floors may rise; they never fall silently (a lowered floor is
a reviewed change to that file with the reason in its ``history``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from farmdetect.features import FEATURE_NAMES, feature_hash

ROOT = Path(__file__).resolve().parents[1]
BASELINE = Path(__file__).resolve().parent / "quality_baseline.json"
CARD = ROOT / "farmdetect" / "models" / "farmdetect.json"


def test_shipped_card_matches_features() -> None:
    """The shipped model was trained on exactly the features the code extracts."""
    card = json.loads(CARD.read_text("utf-8"))
    assert card["feature_names"] == list(FEATURE_NAMES)
    assert card["feature_hash"] == feature_hash(FEATURE_NAMES)
    assert card["calibration"]["method"] == "platt"
    assert 0.0 < card["threshold"] < 1.0


@pytest.mark.slow
def test_quality_floors(real_data: Path) -> None:
    from training.train import build_corpus, cv_report

    floors = json.loads(BASELINE.read_text("utf-8"))["floors"]
    corpus = build_corpus(real_data)
    rep = cv_report(corpus, "full")
    m, nested = rep["all"], rep["nested_threshold"]
    got = {
        "roc_auc": m["roc_auc"],
        "pr_auc": m["pr_auc"],
        "recall": nested["recall"],
        "pooled_recall": rep["nested_pooled"]["recall"],
        "fpr": nested["fpr"],
        "news_fpr": rep["news"]["fpr"],
    }
    msg = json.dumps(got)
    assert got["roc_auc"] >= floors["roc_auc_min"], msg
    assert got["pr_auc"] >= floors["pr_auc_min"], msg
    assert got["recall"] >= floors["recall_min"], msg
    assert got["pooled_recall"] >= floors["pooled_recall_min"], msg
    assert got["fpr"] <= floors["fpr_max"], msg
    assert got["news_fpr"] <= floors["news_fpr_max"], msg
