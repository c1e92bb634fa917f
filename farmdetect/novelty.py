"""How unusual a page is for a *legitimate* page: the count of measurements in legit pages' tail.

Real farm pages are rare and come in many kinds; each one we have is odd in a few measurements,
but rarely the same few (a cloaked-affiliate site in its links, a rewrite mill in its source
lines, mass AI text in its phrasing). Legitimate pages are plentiful, so their distribution is
the thing we can know well. For every measurement whose larger values mean "more of a farm
trait" (every feature except the EXCLUDED ones below), the training run records the value above
which only ``QUANTILE`` of real legitimate pages lie. A page's novelty is how many of its
measurements are non-zero and beyond that cut-off.

The count enters the score twice. LightGBM sees it as one more input (``INPUT_NAME``, after the
extracted features), so the trees can combine it with the markers; and the shipped margin adds
``weight x novelty`` to LightGBM's raw score before calibration. The weight is chosen on
legitimate pages only (the ratio of the two terms' spreads over out-of-fold legit scores), so
both terms count alike in "legit standard deviations"; it is not fitted to farms. The cut-offs
and weight live in the model card (``novelty``), next to the threshold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from farmdetect.features import FEATURE_NAMES

# A measurement is "unusual for a legitimate page" when at most this share of real legit pages
# reach its value.
QUANTILE = 0.03

# Features whose larger values are not a farm trait, so their upper tail says nothing about
# farms: page size, language and prose-cleanliness measures, relatedness (higher is *less*
# farm-like), and the derived marker counts (the markers are already in the model).
EXCLUDED: frozenset[str] = frozenset(
    {
        "content.n_words",
        "content.n_lines",
        "content.mean_word_len",
        "content.mean_line_words",
        "content.text_html_ratio",
        "content.stopword_frac",
        "content.terminal_punct_frac",
        "content.alpha_word_frac",
        "content.js_line_frac",
        "content.curly_line_frac",
        "recs.mean_relatedness",
        "recs.n_blocks",
    }
    | {n for n in FEATURE_NAMES if n.startswith("evidence.")}
)

NOVELTY_FEATURES: tuple[str, ...] = tuple(n for n in FEATURE_NAMES if n not in EXCLUDED)
# The name of the count as a LightGBM input (the column after FEATURE_NAMES).
INPUT_NAME = "novelty.count"


def cutoffs(legit: np.ndarray, quantile: float = QUANTILE) -> dict[str, float]:
    """Per-feature cut-offs from a (pages x FEATURE_NAMES) matrix of legitimate pages.

    A value ``v`` is in the tail when ``v > cutoff``. With the legit column sorted from the
    largest down (d0 >= d1 >= ...), the smoothed share of legit pages at or above ``v`` is
    ``(#{d >= v} + 1) / (n + 1)``; it is below ``quantile`` exactly when ``v > d[m]`` with
    ``m = ceil(quantile * (n + 1) - 1) - 1``.
    """
    n = legit.shape[0]
    m = int(np.ceil(quantile * (n + 1) - 1)) - 1
    if m < 0:
        raise ValueError(f"{n} legitimate pages are too few for a {quantile:.0%} tail")
    out: dict[str, float] = {}
    for name in NOVELTY_FEATURES:
        col = np.sort(legit[:, FEATURE_NAMES.index(name)])[::-1]
        out[name] = float(col[m])
    return out


class Novelty:
    """Cut-offs over FEATURE_NAMES as arrays: counts and per-feature flags for score vectors."""

    def __init__(self, cut: Mapping[str, float], weight: float) -> None:
        unknown = sorted(set(cut) - set(FEATURE_NAMES))
        if unknown:
            raise ValueError(f"novelty cut-offs name unknown features (e.g. {unknown[0]})")
        self.weight = float(weight)
        self._idx = np.array([FEATURE_NAMES.index(n) for n in cut], dtype=int)
        self._cut = np.array([float(cut[n]) for n in cut], dtype=float)
        self.names: tuple[str, ...] = tuple(cut)

    @classmethod
    def from_card(cls, card: Mapping[str, Any]) -> Novelty | None:
        spec = card.get("novelty")
        if not spec:
            return None
        return cls(spec["cutoffs"], spec["weight"])

    def flags(self, X: np.ndarray) -> np.ndarray:
        """(pages x FEATURE_NAMES) booleans: the measurement is in the legit tail."""
        X = np.atleast_2d(X)
        out = np.zeros(X.shape, dtype=bool)
        vals = X[:, self._idx]
        out[:, self._idx] = (vals != 0) & (vals > self._cut)
        return out

    def count(self, X: np.ndarray) -> np.ndarray:
        return self.flags(X).sum(axis=1).astype(float)

    def with_count(self, X: np.ndarray) -> np.ndarray:
        """The LightGBM input matrix: the features, then the novelty count."""
        return self.with_flags(X)[0]

    def with_flags(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the LightGBM input matrix, the flags its count column was made from)."""
        X = np.atleast_2d(X)
        flags = self.flags(X)
        return np.column_stack([X, flags.sum(axis=1)]), flags

    @staticmethod
    def fold_count(contrib: np.ndarray, flags: np.ndarray) -> np.ndarray:
        """LightGBM contributions over (features, count, bias) -> over (features, bias): the
        count's share is split evenly over the page's features in the legit tail (``flags``),
        or goes to the bias when there are none. Row sums are unchanged."""
        n = flags.sum(axis=1)
        share = contrib[:, -2]
        out = np.delete(contrib, -2, axis=1)
        out[:, :-1] += flags * (share / np.maximum(n, 1))[:, None]
        out[:, -1] += np.where(n > 0, 0.0, share)
        return out

    def unusual(self, values: Mapping[str, float] | Sequence[float]) -> list[str]:
        """Names of one page's measurements in the legit tail, in FEATURE_NAMES order."""
        row = (
            [float(values[n]) for n in FEATURE_NAMES]
            if isinstance(values, Mapping)
            else list(values)
        )
        flags = self.flags(np.asarray([row], dtype=float))[0]
        return [FEATURE_NAMES[i] for i in np.flatnonzero(flags)]


def spread_weight(model_raw: np.ndarray, novelty: np.ndarray) -> float:
    """Weight that puts the novelty count on the margin's scale: the ratio of their standard
    deviations over the same legitimate pages (out-of-fold). Zero when novelty never varies."""
    sd = float(np.std(novelty))
    return float(np.std(model_raw)) / sd if sd > 0 else 0.0
