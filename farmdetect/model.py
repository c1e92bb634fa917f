"""Load the shipped LightGBM model (text format) and its JSON card; never a pickle.

The card records the ordered feature list the model was trained on; the loader refuses a model
whose list differs from the code's, because a silently shifted vector gives confident nonsense.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from farmdetect.errors import ModelError
from farmdetect.features import FEATURE_NAMES, feature_hash
from farmdetect.novelty import Novelty

MODEL_BASENAME = "farmdetect"
# Where the model lives: --model-dir, else $FARMDETECT_MODEL_DIR, else the package's own
# farmdetect/models/ (shipped in the wheel, found by every install method from any folder).
DEFAULT_MODEL_DIR = Path(str(resources.files("farmdetect.models")))
# We score one page at a time: OpenMP's thread start-up costs 100x the prediction itself on a
# single row (2.2 ms vs 0.02 ms for 200 trees), and batch scans parallelise across processes.
PREDICT_THREADS = 1
# A page with a decisive marker (resources/decisive_markers.txt: evidence that no more than one
# of the 5,267 real legit pages shows) scores at least this much. Its likelihood ratio, measured
# on the development pages, was put at several hundred (7 of 17 farms; 0 of 5,267 legit pages):
# at a 1 % farm prior that is a posterior near 0.9, while LightGBM, which learns such
# markers from synthetic farms that carry many other signs too, put a page whose only sign is one
# of them at 0.03. The floor is held lower than the estimate, and well above any threshold, so
# such a page is always flagged.
DECISIVE_FLOOR = 0.5
DECISIVE_FEATURE = "evidence.decisive_markers"


def platt_probability(raw: np.ndarray, a: float, b: float) -> np.ndarray:
    """Platt's sigmoid, 1 / (1 + exp(-(a * raw + b))): the card's calibration and training's."""
    z = a * np.asarray(raw, dtype=float) + b
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def decisive_rows(X: np.ndarray) -> np.ndarray:
    """Which rows (feature vectors) carry a decisive marker."""
    return np.atleast_2d(X)[:, FEATURE_NAMES.index(DECISIVE_FEATURE)] >= 1


def floor_decisive(p: np.ndarray, X: np.ndarray, floor: float | None) -> np.ndarray:
    """Probabilities with the rows that carry a decisive marker raised to ``floor``."""
    if floor is None:
        return p
    return np.where(decisive_rows(X), np.maximum(p, floor), p)


@dataclass(frozen=True)
class Explanation:
    """One pass over a batch of vectors: what the scorer needs, each computed once."""

    raw: np.ndarray  # the margin per row (the sum of its contributions)
    contributions: np.ndarray  # rows x (features + 1), last column the bias
    flags: np.ndarray  # rows x features, bool: in the legit tail (all False without novelty)
    novelty: np.ndarray | None  # the novelty count per row, None without novelty


@dataclass
class Model:
    """A LightGBM booster with its card: calibration, threshold, feature names, version, and
    the legit-tail cut-offs whose count adds to the margin (farmdetect.novelty)."""

    booster: Any
    card: dict[str, Any]
    path: Path
    novelty: Novelty | None = None

    @property
    def version(self) -> str:
        return str(self.card.get("model_version", "unknown"))

    @property
    def threshold(self) -> float:
        return float(self.card["threshold"])

    @property
    def feature_names(self) -> list[str]:
        return list(self.card["feature_names"])

    def raw_scores(self, X: np.ndarray) -> np.ndarray:
        """The margin: LightGBM's raw score (features + novelty count) plus weight x count."""
        if self.novelty is None:
            return self._predict(X, raw_score=True)
        X_in = self.novelty.with_count(X)
        return self._predict(X_in, raw_score=True) + self.novelty.weight * X_in[:, -1]

    def _predict(self, X: np.ndarray, **kw: bool) -> np.ndarray:
        return np.asarray(self.booster.predict(X, num_threads=PREDICT_THREADS, **kw), dtype=float)

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Map raw margins to calibrated probabilities with the card's calibration."""
        cal = self.card.get("calibration") or {"method": "sigmoid", "a": 1.0, "b": 0.0}
        method = cal.get("method", "platt")
        if method in ("platt", "sigmoid"):
            return platt_probability(raw, float(cal["a"]), float(cal["b"]))
        if method == "isotonic":
            return np.interp(raw, np.asarray(cal["x"], float), np.asarray(cal["y"], float))
        raise ModelError(f"unknown calibration method {method!r} in the model card")

    @property
    def decisive_floor(self) -> float | None:
        """The card's floor for pages with a decisive marker (None: no floor, older cards)."""
        floor = self.card.get("decisive_floor")
        return None if floor is None else float(floor)

    def probability(self, X: np.ndarray, raw: np.ndarray) -> np.ndarray:
        """The score: calibrated margins, floored where a decisive marker fired."""
        return floor_decisive(self.calibrate(raw), X, self.decisive_floor)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.probability(X, self.raw_scores(X))

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per-feature contributions to the margin (n x features+1, last column: bias); they sum
        to raw_scores. LightGBM's SHAP values, with the novelty count's share split evenly over
        the features in the legit tail (to the bias when there are none), plus the novelty
        weight on each of those features."""
        return self.explain(X).contributions

    def explain(self, X: np.ndarray) -> Explanation:
        """Margin, contributions, tail flags and novelty count in one LightGBM call: the margin
        is the contributions' row sum (LightGBM's SHAP values sum to its raw score)."""
        X = np.atleast_2d(X)
        if self.novelty is None:
            contrib = self._predict(X, pred_contrib=True)
            flags = np.zeros(X.shape, dtype=bool)
            return Explanation(contrib.sum(axis=1), contrib, flags, None)
        X_in, flags = self.novelty.with_flags(X)
        credit = self.novelty.credit(flags)
        contrib = self.novelty.fold_count(self._predict(X_in, pred_contrib=True), credit)
        contrib[:, :-1] += self.novelty.weight * credit
        return Explanation(contrib.sum(axis=1), contrib, flags, X_in[:, -1])


def model_dir() -> Path:
    """The model directory used when none is given: $FARMDETECT_MODEL_DIR, else the package's."""
    env = os.environ.get("FARMDETECT_MODEL_DIR")
    return Path(env) if env else DEFAULT_MODEL_DIR


def model_source(directory: str | Path | None = None) -> str:
    """Where a model directory comes from, for ``model-info``: option, environment or package."""
    if directory is not None:
        return "--model-dir"
    return "FARMDETECT_MODEL_DIR" if os.environ.get("FARMDETECT_MODEL_DIR") else "package"


def load_model(directory: str | Path | None = None, *, check_features: bool = True) -> Model:
    """Load ``farmdetect.txt`` + ``farmdetect.json`` from a model directory."""
    from farmdetect.lean_lightgbm import import_lightgbm

    lgb = import_lightgbm()

    base = Path(directory) if directory is not None else model_dir()
    txt, card_path = base / f"{MODEL_BASENAME}.txt", base / f"{MODEL_BASENAME}.json"
    if not txt.is_file() or not card_path.is_file():
        raise ModelError(
            f"no model in {base} (need {txt.name} and {card_path.name}); "
            "reinstall farmdetect, build one with `python -m training.train`, "
            "or point --model-dir / FARMDETECT_MODEL_DIR at a model folder"
        )
    try:
        card = json.loads(card_path.read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(f"model card {card_path} is unreadable: {e}") from e
    for key in ("feature_names", "threshold"):
        if key not in card:
            raise ModelError(f"model card {card_path} lacks {key!r}")
    if check_features:
        check_feature_list(card)
    try:
        text = txt.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ModelError(f"model file {txt} is unreadable: {e}") from e
    check_model_text(text, txt, card)
    try:
        booster = lgb.Booster(model_str=text)
    except Exception as e:  # lightgbm raises its own LightGBMError on a bad file
        raise ModelError(f"model file {txt} is not a LightGBM text model: {e}") from e
    if not math.isfinite(float(card["threshold"])):
        raise ModelError(f"model card {card_path} has a non-finite threshold")
    try:
        novelty = Novelty.from_card(card)
    except (KeyError, TypeError, ValueError) as e:
        raise ModelError(f"model card {card_path} has a bad novelty section: {e}") from e
    # With novelty, LightGBM has one more input: the count, after the features.
    n_inputs = len(card["feature_names"]) + (1 if novelty is not None else 0)
    if booster.num_feature() != n_inputs:
        raise ModelError(
            f"model {txt} has {booster.num_feature()} inputs but its card implies {n_inputs} "
            f"({len(card['feature_names'])} features"
            f"{' + the novelty count' if novelty is not None else ''})"
        )
    return Model(booster=booster, card=card, path=base, novelty=novelty)


def check_model_text(text: str, path: Path, card: dict[str, Any]) -> None:
    """Refuse a model file that is cut off or is not the one its card describes, before
    LightGBM parses it (LightGBM can crash the process on a truncated model string)."""
    want = card.get("model_sha256")
    if want and hashlib.sha256(text.encode("utf-8")).hexdigest() != want:
        raise ModelError(f"model file {path} is not the one its card describes (SHA-256 "
                         "differs): a partial copy, or files of two different models")
    if not text.startswith("tree\n"):
        raise ModelError(f"model file {path} is not a LightGBM text model")
    sizes = re.search(r"^tree_sizes=([\d ]*)$", text, re.M)
    n_trees = len(re.findall(r"^Tree=\d+$", text, re.M))
    if "\nend of trees\n" not in text or sizes is None or len(sizes.group(1).split()) != n_trees:
        raise ModelError(f"model file {path} is incomplete (cut off?): rebuild it or reinstall "
                         "farmdetect")


def check_feature_list(card: dict[str, Any]) -> None:
    """Raise ModelError when the card's feature list is not the code's."""
    names = tuple(card["feature_names"])
    if names == FEATURE_NAMES:
        return
    missing = [n for n in FEATURE_NAMES if n not in names]
    extra = [n for n in names if n not in FEATURE_NAMES]
    detail = []
    if missing:
        detail.append(f"code has {len(missing)} features the model lacks (e.g. {missing[0]})")
    if extra:
        detail.append(f"model has {len(extra)} the code lacks (e.g. {extra[0]})")
    if not detail:
        detail.append("same features in a different order")
    raise ModelError(
        f"model feature list (hash {feature_hash(names)}) does not match "
        f"the code (hash {feature_hash()}): {'; '.join(detail)}; "
        "retrain with `python -m training.train`"
    )


@lru_cache(maxsize=4)
def default_model(directory: str | None = None) -> Model:
    """The shipped model, loaded once per process."""
    return load_model(directory)
