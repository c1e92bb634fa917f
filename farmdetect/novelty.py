"""How unusual a page is for a *legitimate* page: the count of measurements in legit pages' tail.

Real farm pages are rare and come in many kinds; each one we have is odd in a few measurements,
but rarely the same few (a cloaked-affiliate site in its links, a rewrite mill in its source
lines, mass AI text in its phrasing). Legitimate pages are plentiful, so their distribution is
the thing we can know well. For every measurement whose larger values mean "more of a farm
trait" (every feature except the EXCLUDED ones below), the training run records the value above
which only ``QUANTILE`` of real legitimate pages lie. A measurement is *in the tail* when it is
non-zero and beyond that cut-off.

Several measurements describe one trait (four n-gram repetition rates, four affiliate-link
counts), so a plain count of tail measurements counts one oddity four times: a repetitive legit
page looked as novel as a farm odd in four unrelated ways. The training run therefore also groups
the measurements whose tail flags go together on legitimate pages (average-linkage clustering of
the flags' correlation, cut at ``GROUP_CORR``), and a page's novelty is the number of *groups*
with a measurement in the tail: in how many independent respects it is unusual.

The count enters the score twice. LightGBM sees it as one more input (``INPUT_NAME``, after the
extracted features), so the trees can combine it with the markers; and the shipped margin adds
``weight x novelty`` to LightGBM's raw score before calibration. The weight is chosen on
legitimate pages only (the ratio of the two terms' spreads over out-of-fold legit scores), so
both terms count alike in "legit standard deviations"; it is not fitted to farms. The cut-offs,
groups and weight live in the model card (``novelty``), next to the threshold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from farmdetect.features import FEATURE_NAMES

# A measurement is "unusual for a legitimate page" when at most this share of real legit pages
# reach its value.
QUANTILE = 0.03

# Measurements whose tail flags correlate (phi) at least this much on average over legit pages
# form one group: a moderate correlation. On the real farms 0.2-0.4 with average, complete or
# single linkage ranked within 0.01 ROC-AUC of each other: no knife-edge.
GROUP_CORR = 0.3

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


def groups(
    legit: np.ndarray, cut: Mapping[str, float], min_corr: float = GROUP_CORR
) -> list[list[str]]:
    """Measurements whose tail flags go together on legit pages, as groups of >= 2 names.

    ``legit`` is a (pages x FEATURE_NAMES) matrix of legitimate pages, ``cut`` their cut-offs.
    Average-linkage clustering on 1 - |phi| of the flags, cut at distance 1 - ``min_corr``;
    measurements never (or always) in the tail have no correlation and stay alone. Groups are in
    FEATURE_NAMES order, so the result does not depend on the clustering's labels."""
    from sklearn.cluster import AgglomerativeClustering

    names = list(cut)
    flags = Novelty(cut, 0.0).flags(legit)[:, [FEATURE_NAMES.index(n) for n in names]]
    varies = flags.std(axis=0) > 0
    corr = np.zeros((len(names), len(names)))
    if varies.sum() >= 2:
        corr[np.ix_(varies, varies)] = np.corrcoef(flags[:, varies].T.astype(float))
    dist = np.clip(1.0 - np.abs(corr), 0.0, 1.0)
    np.fill_diagonal(dist, 0.0)
    labels = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1.0 - min_corr,
    ).fit_predict(dist)
    members: dict[int, list[str]] = {}
    for name, label in zip(names, labels, strict=True):
        members.setdefault(int(label), []).append(name)
    out = [sorted(g, key=FEATURE_NAMES.index) for g in members.values() if len(g) > 1]
    return sorted(out, key=lambda g: FEATURE_NAMES.index(g[0]))


def fit(legit: np.ndarray, weight: float = 1.0) -> Novelty:
    """Cut-offs and groups from a (pages x FEATURE_NAMES) matrix of legitimate pages."""
    cut = cutoffs(legit)
    return Novelty(cut, weight, groups(legit, cut))


class Novelty:
    """Cut-offs and groups over FEATURE_NAMES as arrays: flags, group counts and the count's
    per-feature credit for score vectors. Without groups every measurement is its own."""

    def __init__(
        self,
        cut: Mapping[str, float],
        weight: float,
        groups: Sequence[Sequence[str]] = (),
    ) -> None:
        unknown = sorted((set(cut) | {n for g in groups for n in g}) - set(FEATURE_NAMES))
        if unknown:
            raise ValueError(f"novelty cut-offs name unknown features (e.g. {unknown[0]})")
        self.weight = float(weight)
        self._idx = np.array([FEATURE_NAMES.index(n) for n in cut], dtype=int)
        self._cut = np.array([float(cut[n]) for n in cut], dtype=float)
        self.names: tuple[str, ...] = tuple(cut)
        self.groups: list[list[str]] = [list(g) for g in groups]
        # group id per cut feature: its own index, or len(names) + k for a member of group k
        group_of = {n: i for i, n in enumerate(self.names)}
        for k, g in enumerate(self.groups):
            outside = [n for n in g if n not in cut]
            if outside:
                raise ValueError(f"novelty group {k} has a feature with no cut-off ({outside[0]})")
            for n in g:
                group_of[n] = len(self.names) + k
        # one-hot (cut features x groups) so that flags @ onehot counts flags per group
        ids = sorted(set(group_of.values()))
        col = {gid: j for j, gid in enumerate(ids)}
        self._onehot = np.zeros((len(self.names), len(ids)))
        for i, n in enumerate(self.names):
            self._onehot[i, col[group_of[n]]] = 1.0

    @classmethod
    def from_card(cls, card: Mapping[str, Any]) -> Novelty | None:
        spec = card.get("novelty")
        if not spec:
            return None
        return cls(spec["cutoffs"], spec["weight"], spec.get("groups", ()))

    def cutoff_values(self) -> list[float]:
        """The cut-offs, in ``names`` order."""
        return [float(v) for v in self._cut]

    def flags(self, X: np.ndarray) -> np.ndarray:
        """(pages x FEATURE_NAMES) booleans: the measurement is in the legit tail."""
        X = np.atleast_2d(X)
        out = np.zeros(X.shape, dtype=bool)
        vals = X[:, self._idx]
        out[:, self._idx] = (vals != 0) & (vals > self._cut)
        return out

    def count(self, X: np.ndarray) -> np.ndarray:
        """Number of groups with a measurement in the tail, per page."""
        return self.count_of(self.flags(X))

    def count_of(self, flags: np.ndarray) -> np.ndarray:
        per_group = flags[:, self._idx].astype(float) @ self._onehot
        return (per_group > 0).sum(axis=1).astype(float)

    def credit(self, flags: np.ndarray) -> np.ndarray:
        """(pages x FEATURE_NAMES): each group in the tail gives 1, shared evenly by its
        measurements in the tail; rows sum to the count."""
        sub = flags[:, self._idx].astype(float)
        per_group = sub @ self._onehot
        share = np.divide(1.0, per_group, out=np.zeros_like(per_group), where=per_group > 0)
        out = np.zeros(flags.shape)
        out[:, self._idx] = sub * (share @ self._onehot.T)
        return out

    def with_count(self, X: np.ndarray) -> np.ndarray:
        """The LightGBM input matrix: the features, then the novelty count."""
        return self.with_flags(X)[0]

    def with_flags(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the LightGBM input matrix, the flags its count column was made from)."""
        X = np.atleast_2d(X)
        flags = self.flags(X)
        return np.column_stack([X, self.count_of(flags)]), flags

    @staticmethod
    def fold_count(contrib: np.ndarray, credit: np.ndarray) -> np.ndarray:
        """LightGBM contributions over (features, count, bias) -> over (features, bias): the
        count's share is split over the page's features in the legit tail as the count is
        (``credit``, from Novelty.credit), or goes to the bias when there are none. Row sums
        are unchanged."""
        n = credit.sum(axis=1)
        share = contrib[:, -2]
        out = np.delete(contrib, -2, axis=1)
        out[:, :-1] += credit * (share / np.maximum(n, 1))[:, None]
        out[:, -1] += np.where(n > 0, 0.0, share)
        return out

    def unusual(self, values: Mapping[str, float] | Sequence[float]) -> list[str]:
        """Names of one page's measurements in the legit tail, in FEATURE_NAMES order."""
        row = (
            [float(values[n]) for n in FEATURE_NAMES]
            if isinstance(values, Mapping)
            else list(values)
        )
        return flagged(self.flags(np.asarray([row], dtype=float))[0])


def flagged(flags: np.ndarray) -> list[str]:
    """Names of the measurements set in one page's row of flags, in FEATURE_NAMES order."""
    return [FEATURE_NAMES[i] for i in np.flatnonzero(flags)]


def spread_weight(model_raw: np.ndarray, novelty: np.ndarray) -> float:
    """Weight that puts the novelty count on the margin's scale: the ratio of their standard
    deviations over the same legitimate pages (out-of-fold). Zero when novelty never varies."""
    sd = float(np.std(novelty))
    return float(np.std(model_raw)) / sd if sd > 0 else 0.0
