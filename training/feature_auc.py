"""Which features travel: each feature's ROC-AUC farm vs legit on real pages, per kind, and on
synthetic pages, side by side.

    python -m training.feature_auc --data ../shared/data

Real pages of the yardstick's dev split only (the locked split is not read); the interval is a
90 % bootstrap over registrable domains. A feature whose real-page interval holds 0.5 while it
separates the synthetic pages well (or the other way round) is one the generator teaches and the
real pages do not confirm: a candidate to drop or rework (issue 19, item 1). Per kind: the
kind's farms against every dev legit page, for kinds with at least three dev farms (the
estimate of a kind with three farms moves by a third with each farm: read the sign, not the
digits).

Writes ``models/evaluation/feature_auc.{md,json}``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

import farmdetect.features as F
from training import dataset
from training.ablate import OUT, dev_only
from training.train import IGNORED_INPUTS, SEED, build_corpus
from training.yardstick import CI, MIN_FARMS_ROW, domain_bootstrap

log = logging.getLogger(__name__)

BOOTSTRAP = 300


def auc(y: np.ndarray, x: np.ndarray) -> float:
    return float(roc_auc_score(y, x)) if 0 < y.sum() < len(y) else float("nan")


def auc_interval(y: np.ndarray, x: np.ndarray, group: np.ndarray,
                 rng: np.random.Generator) -> tuple[float, float]:
    vals = []
    for idx in domain_bootstrap(group, BOOTSTRAP, rng):
        a = auc(y[idx], x[idx])
        if a == a:
            vals.append(a)
    lo, hi = np.quantile(vals, [(1 - CI) / 2, 1 - (1 - CI) / 2])
    return float(lo), float(hi)


# Below this distance from 0.5 a feature separates nothing worth the name, whatever its interval
# (a feature that is 0 on every dev farm and on a few legit pages has a tight interval near 0.5).
MIN_EFFECT = 0.03


def verdict(real: float, lo: float, hi: float, synth: float) -> str:
    if (lo > 0.5 or hi < 0.5) and abs(real - 0.5) >= MIN_EFFECT:
        if synth == synth and (synth - 0.5) * (real - 0.5) < 0 and abs(synth - 0.5) > 0.05:
            return "reversed on synthetic"
        return "travels"
    if synth == synth and abs(synth - 0.5) >= 0.15:
        return "synthetic only"
    return "no signal"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Per-feature ROC-AUC on real and synthetic pages.")
    ap.add_argument("--data", default=None)
    ap.add_argument("--project-data", default=str(dataset.PROJECT_DATA))
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s")
    project = Path(args.project_data) if args.project_data else None
    c = dev_only(build_corpus(args.data, project=project))
    y, ys = c.y_real, c.y_synth
    group = np.array([r.group for r in c.real])
    kinds = np.array([(r.kind or "unknown") if r.label == 1 else "" for r in c.real])
    per_kind = sorted(k for k, n in Counter(kinds[y == 1]).items() if n >= MIN_FARMS_ROW)
    rng = np.random.default_rng(SEED)
    rows = []
    for j, name in enumerate(F.FEATURE_NAMES):
        x = c.X_real[:, j]
        if np.all(x == x[0]):
            continue
        real = auc(y, x)
        lo, hi = auc_interval(y, x, group, rng)
        synth = auc(ys, c.X_synth[:, j]) if len(ys) else float("nan")
        rows.append({
            "feature": name, "real": real, "lo": lo, "hi": hi, "synthetic": synth,
            "kinds": {k: auc(y[(y == 0) | (kinds == k)], x[(y == 0) | (kinds == k)])
                      for k in per_kind},
            "ignored": name in IGNORED_INPUTS, "verdict": verdict(real, lo, hi, synth),
        })
    rows.sort(key=lambda r: -abs(r["real"] - 0.5))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "feature_auc.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Per-feature ROC-AUC, farm vs legit (dev split)", "",
        f"`python -m training.feature_auc` — dev real pages: {int(y.sum())} farms, "
        f"{int((y == 0).sum())} legit; synthetic: {int(ys.sum())} farms, "
        f"{int((ys == 0).sum())} legit. Interval: 90 % bootstrap over domains. AUC < 0.5: larger "
        "values mean legit. `ignored`: zeroed for LightGBM (IGNORED_INPUTS).", "",
        "| feature | real (90 % CI) | synthetic | " + " | ".join(per_kind) + " | verdict |",
        "|---|---|---|" + "---|" * len(per_kind) + "---|",
    ]
    for r in rows:
        kind_cells = " | ".join(f"{r['kinds'][k]:.2f}" for k in per_kind)
        lines.append(f"| {r['feature']}{' (ignored)' if r['ignored'] else ''} | "
                     f"{r['real']:.2f} ({r['lo']:.2f}-{r['hi']:.2f}) | {r['synthetic']:.2f} | "
                     f"{kind_cells} | {r['verdict']} |")
    counts = Counter(r["verdict"] for r in rows)
    lines += ["", "Verdicts: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()) + "."]
    (out / "feature_auc.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[-1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
