"""What each measurement says on real pages against what the synthetic pages teach.

    python -m training.diagnose --data ../shared/data                    # every feature
    python -m training.diagnose --data ../shared/data --rates a.b c.d    # + per-template rates

LightGBM learns mostly from synthetic farms against real and synthetic legit pages, and is
judged on real farms. A measurement helps only where the two agree. For every feature this
prints:

* ``real``: ROC-AUC farm vs legit on the real labelled pages (above 0.5: larger values are
  more farm-like);
* ``syn``: the same on the synthetic pages (template farms against hard negatives);
* ``synF-realL``: synthetic farms against real legit pages, what most of the training contrast
  is;
* the share of pages where the feature is non-zero, for real farms, real legit pages,
  synthetic farms and hard negatives.

Flags: ``backwards`` where real and synthetic pages point opposite ways (each at least
``MIN_GAP`` from 0.5): the generator teaches the opposite of the real pages, so either the
generator is wrong or the feature should be hidden from LightGBM (``train.IGNORED_INPUTS``);
``untaught`` where the real pages show a clear signal and the synthetic ones none: a trait the
generator does not carry. Sessions 5-8 found their generator fixes and hidden inputs this way
(``data/synth/README.md``). With only ~17 real farms, a real-page AUC is a rough guide: one farm
moves it by ~0.03.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import roc_auc_score

# A side of 0.5 counts only at least this far from it.
MIN_GAP = 0.08


@dataclass(frozen=True)
class Row:
    """One feature's agreement between real and synthetic pages."""

    name: str
    real_auc: float
    synth_auc: float
    synth_farm_vs_real_legit: float
    nonzero: tuple[float, float, float, float]  # real farms, real legit, synth farms, synth legit

    @property
    def flag(self) -> str:
        real, syn = self.real_auc - 0.5, self.synth_auc - 0.5
        if abs(real) >= MIN_GAP and abs(syn) >= MIN_GAP and real * syn < 0:
            return "backwards"
        if abs(real) >= MIN_GAP and abs(syn) < MIN_GAP / 2:
            return "untaught"
        return ""


def _auc(y: np.ndarray, x: np.ndarray) -> float:
    """ROC-AUC of x for y, 0.5 when either class is missing or x is constant."""
    if len(np.unique(y)) < 2 or np.ptp(x) == 0:
        return 0.5
    return float(roc_auc_score(y, x))


def teach_table(
    X_real: np.ndarray,
    y_real: np.ndarray,
    X_synth: np.ndarray,
    y_synth: np.ndarray,
    names: Sequence[str],
) -> list[Row]:
    """One Row per feature (columns of the matrices), strongest real-page signal first."""
    real_legit = X_real[y_real == 0]
    synth_farm = X_synth[y_synth == 1]
    mixed_y = np.r_[np.zeros(len(real_legit)), np.ones(len(synth_farm))]
    groups = (X_real[y_real == 1], real_legit, synth_farm, X_synth[y_synth == 0])
    rows = []
    for j, name in enumerate(names):
        nonzero = tuple(float((g[:, j] != 0).mean()) if len(g) else 0.0 for g in groups)
        rows.append(
            Row(
                name,
                _auc(y_real, X_real[:, j]),
                _auc(y_synth, X_synth[:, j]),
                _auc(mixed_y, np.r_[real_legit[:, j], synth_farm[:, j]]),
                (nonzero[0], nonzero[1], nonzero[2], nonzero[3]),
            )
        )
    return sorted(rows, key=lambda r: -abs(r.real_auc - 0.5))


def template_rates(
    X_synth: np.ndarray, templates: Sequence[str], labels: Sequence[int], column: int
) -> dict[str, float]:
    """Share of pages with a non-zero value, per ``template:label``."""
    by: dict[str, list[bool]] = defaultdict(list)
    for t, label, v in zip(templates, labels, X_synth[:, column] != 0, strict=True):
        by[f"{t}:{label}"].append(bool(v))
    return {k: float(np.mean(v)) for k, v in sorted(by.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="data folder (default: $FARMDETECT_DATA or ../shared/data)")
    ap.add_argument("--rates", nargs="*", default=[], metavar="FEATURE",
                    help="also print these features' non-zero share per synthetic template")
    ap.add_argument("--all", action="store_true", help="print every feature, not only flagged")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")

    from farmdetect.features import FEATURE_NAMES
    from training.train import IGNORED_INPUTS, build_corpus

    unknown = [n for n in args.rates if n not in FEATURE_NAMES]
    if unknown:
        print(f"diagnose: unknown feature {unknown[0]!r}", file=sys.stderr)
        return 2
    c = build_corpus(args.data)
    rows = teach_table(c.X_real, c.y_real, c.X_synth, c.y_synth, FEATURE_NAMES)
    print(f"real pages: {int(c.y_real.sum())} farms, {int((c.y_real == 0).sum())} legit; "
          f"synthetic: {int(c.y_synth.sum())} farms, {int((c.y_synth == 0).sum())} hard negatives")
    print(f"{'feature':<40} real   syn  synF-realL | non-zero: realF realL synF synL")
    for r in rows:
        if not (args.all or r.flag):
            continue
        hidden = " (hidden from LightGBM)" if r.name in IGNORED_INPUTS else ""
        nz = " ".join(f"{v:.2f}" for v in r.nonzero)
        print(f"{r.name:<40} {r.real_auc:.2f}  {r.synth_auc:.2f}  {r.synth_farm_vs_real_legit:.2f}"
              f"       | {nz}  {r.flag}{hidden}")
    templates = [r.template or "" for r in c.synth]
    labels = [r.label for r in c.synth]
    for name in args.rates:
        j = FEATURE_NAMES.index(name)
        shares = {
            f"real:{label}": float((c.X_real[c.y_real == label, j] != 0).mean())
            for label in (1, 0)
        }
        shares.update(template_rates(c.X_synth, templates, labels, j))
        print(f"{name}: " + ", ".join(f"{k} {v:.2f}" for k, v in shares.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
