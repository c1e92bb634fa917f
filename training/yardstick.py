"""The yardstick: how farmdetect does on real pages of sites it was not trained on.

    python -m training.yardstick --data ../shared/data               # dev figures (the default)
    python -m training.yardstick --data ../shared/data --locked      # the once-per-release look

Real pages only: the shared labelled pages plus the project's own (``data/real/``); synthetic
pages enter training folds only, made from training-fold articles, never a test fold. Every
split is grouped by registrable domain.

* **Locked split.** About ``LOCKED_SHARE`` of the domains, chosen by a salted hash of the domain
  alone (so a domain never changes sides as data is added), with every stratum (the kind and era
  of the domain's farm pages; legit-only domains by era) of two or more domains holding at least
  one, are set aside. Nothing but ``--locked`` reads them; each look is appended to
  ``models/evaluation/locked_looks.jsonl`` with its date, so the looks can be counted.
* **Dev figures** (the other domains): ``REPEATS`` x ``N_SPLITS``-fold grouped cross-validation
  of the shipping recipe (training.train: real + synthetic pages, novelty, Platt, decisive floor);
  every page gets one out-of-fold score per repeat.
* **Leave one kind out**: for each farm kind with pages in the dev set, the same folds with every
  farm of that kind (real pages, and the synthetic templates of that kind) taken out of training;
  the kind's farms are scored against the legit pages by that model: how the detector does on a
  kind of farm it never met.
* **The shipped model** as it is, on the project's own pages (which it never saw in training),
  dev and locked apart.

Figures: ROC-AUC, PR-AUC, recall at FPR 0.3 % and 1 %, precision at 1 % prevalence (at the 1 %
FPR point); per kind, era and language; each with a 90 % interval from a bootstrap over domains.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import GroupKFold

from farmdetect import novelty
from farmdetect.model import floor_decisive, load_model, platt_probability
from training import dataset
from training.train import (
    DECISIVE_FLOOR,
    N_SPLITS,
    SEED,
    Corpus,
    build_corpus,
    oof_scores,
    platt,
)

log = logging.getLogger(__name__)

LOCKED_SHARE = 0.4
LOCK_SALT = "farmdetect-locked-split-v2"  # changing it moves domains between dev and locked
REPEATS = 3
BOOTSTRAP = 400
CI = 0.90
FPR_POINTS = (0.003, 0.01)
PREVALENCE = 0.01
# A kind, era or language needs this many farm pages for its own row (fewer: in "all" only).
MIN_FARMS_ROW = 3
# The synthetic templates of each farm kind (training.synth.FARM_TEMPLATES), left out of
# training with the kind's real farms in leave-one-kind-out.
TEMPLATE_KIND = {
    "seed_clone": "aggregator_rewrite", "jnews_wp": "aggregator_rewrite",
    "wire_mill": "aggregator_rewrite", "viral_2016": "aggregator_rewrite",
    "ai_listicle": "ai_mass_content", "city_doorway": "doorway", "scraper_feed": "scraper",
    "pr_mill": "press_release_mill", "howto_farm": "content_farm",
}
LOOKS = dataset.REPO_ROOT / "models" / "evaluation" / "locked_looks.jsonl"


def era(year: int | None) -> str:
    if year is None:
        return "unknown"
    return "2007-2012" if year <= 2012 else "2013-2019" if year <= 2019 else "2020-2026"


# ------------------------------------------------------------------------------ the split
def _h(text: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{LOCK_SALT}:{text}".encode()).digest()[:8], "big")


def locked_groups(records: Sequence[dataset.Record], share: float = LOCKED_SHARE) -> set[str]:
    """The domains of the locked split: a domain is locked when its salted hash falls in the
    lowest ``share`` of the hash range, so its place never depends on the other domains and
    stays put as the data grows. Strata (the kind and era of the domain's farm pages; legit-only
    domains by era) are balanced in expectation; a stratum of two or more domains that the hash
    left with none locked gives up its lowest-hash domain, so every kind is tested."""
    stratum: dict[str, str] = {}
    for r in records:  # a domain with a farm page is stratified by its (first) farm page
        if r.label == 1 and not stratum.get(r.group, "").startswith("farm:"):
            stratum[r.group] = f"farm:{r.kind or 'unknown'}:{era(r.year)}"
        elif r.group not in stratum:
            stratum[r.group] = f"legit:{era(r.year)}"
    cut = share * 2**64
    out = {g for g in stratum if _h(g) < cut}
    by: dict[str, list[str]] = {}
    for g, s in stratum.items():
        by.setdefault(s, []).append(g)
    for gs in by.values():
        if len(gs) >= 2 and not out.intersection(gs):
            out.add(min(gs, key=_h))
    return out


# ------------------------------------------------------------------------------- metrics
@dataclass
class Scores:
    """Scores of real pages (one model's view) with what the figures are cut by."""

    y: np.ndarray
    s: np.ndarray
    group: np.ndarray
    kind: np.ndarray
    era: np.ndarray
    lang: np.ndarray


def _recall_at(y: np.ndarray, s: np.ndarray, fpr: float) -> float:
    neg = np.sort(s[y == 0])[::-1]
    if not len(neg) or not (y == 1).any():
        return float("nan")
    k = int(np.floor(fpr * len(neg)))  # at most k legit pages at or above the threshold
    thr = neg[k] if k < len(neg) else -np.inf
    return float(np.mean(s[y == 1] > thr))


def point(y: np.ndarray, s: np.ndarray) -> dict[str, float]:
    """The figures of one set of scores (NaN where undefined)."""
    if not 0 < int(y.sum()) < len(y):
        return {}
    out = {"roc_auc": float(roc_auc_score(y, s)), "pr_auc": float(average_precision_score(y, s))}
    for f in FPR_POINTS:
        out[f"recall@fpr{f:g}"] = _recall_at(y, s, f)
    r = out["recall@fpr0.01"]
    out["precision@1%prev"] = (PREVALENCE * r / (PREVALENCE * r + (1 - PREVALENCE) * 0.01)
                               if r == r else float("nan"))
    return out


def domain_bootstrap(group: np.ndarray, n_boot: int, rng: np.random.Generator
                     ) -> Iterator[np.ndarray]:
    """``n_boot`` bootstrap samples (page indices) drawn by whole domains (groups)."""
    groups, inv = np.unique(group, return_inverse=True)
    members = [np.flatnonzero(inv == g) for g in range(len(groups))]
    for _ in range(n_boot):
        yield np.concatenate([members[g] for g in rng.integers(0, len(groups), len(groups))])


def with_interval(y: np.ndarray, s: np.ndarray, group: np.ndarray, seed: int = SEED,
                  n_boot: int = BOOTSTRAP, copies: int = 1) -> dict[str, object]:
    """Figures with a 90 % interval from a bootstrap over domains (groups); ``copies``: how
    many times each page is in the scores (pooled repeats), for the page counts."""
    est = point(y, s)
    counts = {"n_farm": int(y.sum()) // copies, "n_legit": int((y == 0).sum()) // copies}
    if not est:
        return counts
    boots: dict[str, list[float]] = {k: [] for k in est}
    for idx in domain_bootstrap(group, n_boot, np.random.default_rng(seed)):
        b = point(y[idx], s[idx])
        for k in est:
            if k in b and b[k] == b[k]:
                boots[k].append(b[k])
    lo, hi = (1 - CI) / 2, 1 - (1 - CI) / 2
    out: dict[str, object] = {**counts, "n_domains": len(np.unique(group))}
    for k, v in est.items():
        q = np.quantile(boots[k], [lo, hi]) if boots[k] else [float("nan")] * 2
        out[k] = [v, float(q[0]), float(q[1])]
    return out


def breakdown(sc: Scores, seed: int = SEED, copies: int = 1) -> dict[str, object]:
    """All pages, then each kind (its farms vs every legit page), era and language."""
    out: dict[str, object] = {"all": with_interval(sc.y, sc.s, sc.group, seed, copies=copies)}
    legit = sc.y == 0
    for axis, values in (("kind", sc.kind), ("era", sc.era), ("lang", sc.lang)):
        rows: dict[str, object] = {}
        for v, n in Counter(values[sc.y == 1]).most_common():
            if n < MIN_FARMS_ROW * copies:
                continue
            m = (sc.y == 1) & (values == v)
            m = m | legit if axis == "kind" else m | (legit & (values == v))
            rows[v] = with_interval(sc.y[m], sc.s[m], sc.group[m], seed, copies=copies)
        out[axis] = rows
    return out


# ---------------------------------------------------------------------------- training
def dev_folds(groups: np.ndarray, n_splits: int, seed: int) -> list[np.ndarray]:
    """Grouped folds with the groups shuffled by ``seed`` (GroupKFold balances fold sizes)."""
    uniq = np.unique(groups)
    rng = np.random.default_rng(seed)
    relabel = dict(zip(uniq, rng.permutation(len(uniq)), strict=True))
    g = np.array([relabel[x] for x in groups])
    return [test for _, test in GroupKFold(n_splits=n_splits).split(groups, groups=g)]


def leave_kind_out(c: Corpus, pool: np.ndarray, kind: str | None
                   ) -> tuple[np.ndarray, frozenset[str]]:
    """The training pool without the real farms of ``kind``, and the synthetic templates of
    that kind to skip (nothing left out when ``kind`` is None)."""
    if kind is None:
        return pool, frozenset()
    kinds = np.array([r.kind or "" for r in c.real])
    return (pool & ~((c.y_real == 1) & (kinds == kind)),
            frozenset(t for t, k in TEMPLATE_KIND.items() if k == kind))


def oof_margin(c: Corpus, dev: np.ndarray, test_sets: list[np.ndarray],
               drop_kind: str | None = None, weight: float | None = None
               ) -> tuple[np.ndarray, float]:
    """Out-of-fold shipped-recipe margin (LightGBM raw + weight x novelty) of the test pages,
    trained on dev pages only, and the novelty weight: taken from the dev legit pages' scores,
    or given (the locked run scores no dev page); with ``drop_kind`` its real farms and
    synthetic templates are left out of training."""
    y = c.y_real
    pool, skip = leave_kind_out(c, dev, drop_kind)
    raw, nov, _ = oof_scores(c, "full", tests=test_sets, pool=pool, skip_templates=skip)
    if weight is None:
        legit = dev & (y == 0)
        weight = novelty.spread_weight(raw[legit], nov[legit])
    return raw + weight * nov, weight


def shipped_score(c: Corpus, margin: np.ndarray, calib: np.ndarray, calib_mask: np.ndarray
                  ) -> np.ndarray:
    """Calibrated as the shipped model (Platt fitted on the out-of-fold margins ``calib`` of
    the pages in ``calib_mask``) and floored where a decisive marker fired."""
    a, b = platt(calib[calib_mask], c.y_real[calib_mask])
    return floor_decisive(platt_probability(margin, a, b), c.X_real, DECISIVE_FLOOR)


def scores_of(c: Corpus, s: np.ndarray, mask: np.ndarray) -> Scores:
    rs = [r for r, m in zip(c.real, mask, strict=True) if m]
    return Scores(
        y=c.y_real[mask], s=s[mask], group=np.array([r.group for r in rs]),
        kind=np.array([r.kind or "unknown" if r.label == 1 else "" for r in rs]),
        era=np.array([era(r.year) for r in rs]), lang=np.array([r.lang or "?" for r in rs]),
    )


# ------------------------------------------------------------------------------ report
def _cell(v: object) -> str:
    if isinstance(v, list):
        return f"{v[0]:.3f} ({v[1]:.2f}-{v[2]:.2f})" if v[0] == v[0] else "-"
    return "-"


COLUMNS = ("roc_auc", "pr_auc", "recall@fpr0.003", "recall@fpr0.01", "precision@1%prev")


def table(title: str, rows: dict[str, object]) -> list[str]:
    out = [f"### {title}", "",
           "| set | farms | legit | domains | ROC-AUC | PR-AUC | recall @0.3 % FPR "
           "| recall @1 % FPR | precision @1 % prevalence |",
           "|---|---:|---:|---:|---|---|---|---|---|"]
    for name, m in rows.items():
        if not isinstance(m, dict):
            continue
        out.append(f"| {name} | {m.get('n_farm', '-')} | {m.get('n_legit', '-')} | "
                   f"{m.get('n_domains', '-')} | " + " | ".join(_cell(m.get(k)) for k in COLUMNS)
                   + " |")
    return out + [""]


def markdown(rep: dict[str, Any]) -> str:
    in_sample = rep.get("shipped_model", {}).get("trained_on_project_pages", False)
    seen = ("(IN ITS TRAINING DATA: in-sample, not evidence)" if in_sample
            else "(never trained on)")
    lines = ["# farmdetect yardstick", "",
             f"{rep['command']} — {rep['date']}; {rep['seconds']:.0f} s. Real pages only, grouped "
             "by registrable domain; values are estimate (90 % bootstrap interval over domains).",
             "", "## Data", "", "```", json.dumps(rep["data"], indent=1), "```", ""]
    for key, title in (("dev_cv", "Dev: repeated grouped CV of the shipping recipe"),
                       ("shipped_on_project_pages", "The shipped model on the project's own "
                        f"dev pages {seen}"),
                       ("locked_cv", "LOCKED: recipe trained on every dev page, scored on the "
                        "locked pages"),
                       ("shipped_on_locked_project_pages", "LOCKED: the shipped model on the "
                        f"project's own locked pages {seen}")):
        b = rep.get(key)
        if not isinstance(b, dict):
            continue
        lines += [f"## {title}", ""]
        lines += table("all", {"all": b["all"]})
        for axis in ("kind", "era", "lang"):
            if b.get(axis):
                lines += table(f"by {axis}", b[axis])  # type: ignore[arg-type]
    if rep.get("leave_one_kind_out"):
        lines += ["## Leave one kind out (dev)", "",
                  "Each row: the kind's farms against every legit page, scored by models that "
                  "never saw a farm of that kind (real or synthetic).", ""]
        lines += table("kind never met", rep["leave_one_kind_out"])  # type: ignore[arg-type]
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Evaluate on real pages of unseen domains.")
    ap.add_argument("--data", default=None, help="shared data folder (default ../shared/data)")
    ap.add_argument("--project-data", default=str(dataset.PROJECT_DATA),
                    help="the project's own reviewed pages ('' for none)")
    ap.add_argument("--model-dir", default=None, help="the shipped model to score as it is")
    ap.add_argument("--repeats", type=int, default=REPEATS)
    ap.add_argument("--no-loko", action="store_true", help="skip leave-one-kind-out")
    ap.add_argument("--locked", action="store_true",
                    help="also look at the locked split (once per release; the look is logged)")
    ap.add_argument("--out", default=str(dataset.REPO_ROOT / "training" / "out" / "yardstick"))
    ap.add_argument("--card", default=None,
                    help="also write the summary into this model card JSON (and re-render "
                         "models/MODEL_CARD.md); with --locked, for the release")
    ap.add_argument("--reuse", action="store_true",
                    help="do not run (and do not look again): re-render OUT/yardstick.json, and "
                         "with --card write its summary into the card")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(message)s")
    if args.reuse:
        out = Path(args.out)
        rep = json.loads((out / "yardstick.json").read_text(encoding="utf-8"))
        (out / "yardstick.md").write_text(markdown(rep), encoding="utf-8")
        if args.card:
            write_card_summary(Path(args.card), rep, out)
        print(markdown(rep))
        return 0
    t0 = time.perf_counter()
    project = Path(args.project_data) if args.project_data else None
    c = build_corpus(args.data, project=project)
    y = c.y_real
    locked = locked_groups(c.real)
    is_locked = np.array([r.group in locked for r in c.real])
    dev = ~is_locked
    own = np.array([r.dataset not in dataset.DATASET_YEARS for r in c.real])
    groups = np.array([r.group for r in c.real])
    rep: dict[str, object] = {
        "command": "python -m training.yardstick " + " ".join(argv or sys.argv[1:]),
        "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "data": {
            "dev": {"farm": int((y[dev] == 1).sum()), "legit": int((y[dev] == 0).sum()),
                    "domains": len(set(groups[dev]))},
            "locked": {"farm": int((y[is_locked] == 1).sum()),
                       "legit": int((y[is_locked] == 0).sum()),
                       "domains": len(set(groups[is_locked]))},
            "project_pages": {"farm": int((y[own] == 1).sum()), "legit": int((y[own] == 0).sum())},
            "farm_kinds_dev": dict(Counter(r.kind or "unknown" for r, d in zip(c.real, dev,
                                                                                strict=True)
                                           if d and r.label == 1)),
        },
    }
    # Dev: repeated grouped CV; the figures pool the repeats' out-of-fold scores.
    pooled: list[Scores] = []
    dev_idx = np.flatnonzero(dev)
    first, first_weight = np.zeros(len(c.real)), 0.0
    for k in range(args.repeats):
        tests = [dev_idx[t] for t in dev_folds(groups[dev], N_SPLITS, SEED + k)]
        margin, weight = oof_margin(c, dev, tests)
        if k == 0:
            first, first_weight = margin, weight
        pooled.append(scores_of(c, shipped_score(c, margin, margin, dev), dev))
        if k == 0 and not args.no_loko:
            loko: dict[str, object] = {}
            kinds = Counter(r.kind for r, d in zip(c.real, dev, strict=True)
                            if d and r.label == 1 and r.kind)
            for kind, n in sorted(kinds.items()):
                if n < MIN_FARMS_ROW:
                    continue
                m, _ = oof_margin(c, dev, tests, drop_kind=kind)
                sc = scores_of(c, shipped_score(c, m, m, dev), dev)
                keep = (sc.y == 0) | (sc.kind == kind)
                loko[kind] = with_interval(sc.y[keep], sc.s[keep], sc.group[keep])
                log.info("leave-one-kind-out %s: %s", kind, loko[kind])
            rep["leave_one_kind_out"] = loko
    # The repeats are the same pages scored again: a domain drawn by the bootstrap brings all
    # its repeats along, so the interval is not narrowed by the copies.
    rep["dev_cv"] = breakdown(Scores(*(np.concatenate([getattr(p, f) for p in pooled])
                                       for f in ("y", "s", "group", "kind", "era", "lang"))),
                              copies=args.repeats)
    model = load_model(args.model_dir)
    shipped = model.predict(c.X_real)
    trained = set(model.card.get("training_data", {}).get("real", {}))
    rep["shipped_model"] = {"version": model.version, "threshold": model.threshold,
                            # from 0.9.0 on the shipped model trains on data/real too: its rows
                            # on those pages are in-sample, shown but not evidence
                            "trained_on_project_pages": bool(
                                trained & {r.dataset for r, o in zip(c.real, own, strict=True)
                                           if o})}
    if (own & dev).any():
        rep["shipped_on_project_pages"] = breakdown(scores_of(c, shipped, own & dev))
    if args.locked:
        final_tests = [np.flatnonzero(is_locked)]
        margin, _ = oof_margin(c, dev, final_tests, weight=first_weight)
        rep["locked_cv"] = breakdown(scores_of(c, shipped_score(c, margin, first, dev),
                                               is_locked))
        if (own & is_locked).any():
            rep["shipped_on_locked_project_pages"] = breakdown(
                scores_of(c, shipped, own & is_locked))
        LOOKS.parent.mkdir(parents=True, exist_ok=True)
        with LOOKS.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"date": rep["date"], "model_version": model.version,
                                 "split": LOCK_SALT,
                                 "locked_cv": rep["locked_cv"]["all"],  # type: ignore[index]
                                 "shipped_on_locked_project_pages":
                                     rep.get("shipped_on_locked_project_pages", {}).get("all")})
                     + "\n")
    rep["seconds"] = time.perf_counter() - t0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "yardstick.json").write_text(json.dumps(rep, indent=1) + "\n", encoding="utf-8")
    (out / "yardstick.md").write_text(markdown(rep), encoding="utf-8")
    if args.card:
        write_card_summary(Path(args.card), rep, out)
    print(markdown(rep))
    return 0


def _row(name: str, fig: object) -> dict[str, object]:
    assert isinstance(fig, dict)
    return {"name": name, "n_farm": fig.get("n_farm"), "n_legit": fig.get("n_legit"),
            **{k: fig.get(k) for k in ("roc_auc", "pr_auc", "recall@fpr0.003",
                                       "recall@fpr0.01")}}


def card_summary(rep: dict[str, Any], report: str) -> dict[str, object]:
    """The rows of the model card's yardstick section: dev CV, leave-one-kind-out, locked, and
    the shipped model on the project's pages it never saw."""
    version = rep["shipped_model"]["version"]
    rows = [_row(f"dev: repeated grouped CV of the recipe ({REPEATS} x {N_SPLITS} folds)",
                 rep["dev_cv"]["all"])]
    rows += [_row(f"dev, leave-one-kind-out: {kind} (never trained on)", fig) | {"loko_kind": kind}
             for kind, fig in rep.get("leave_one_kind_out", {}).items()]
    if "locked_cv" in rep:
        rows.append(_row("locked: recipe trained on every dev page", rep["locked_cv"]["all"]))
    in_sample = rep["shipped_model"].get("trained_on_project_pages", False)
    for key, what in (("shipped_on_project_pages", "project dev pages"),
                      ("shipped_on_locked_project_pages", "project locked pages")):
        if key in rep and not in_sample:
            rows.append(_row(f"model {version} as shipped, {what}", rep[key]["all"]))
    return {"date": rep["date"], "command": rep["command"], "report": report, "rows": rows}


def write_card_summary(card_path: Path, rep: dict[str, Any], out: Path) -> None:
    from training.card import write_model_card

    card = json.loads(card_path.read_text(encoding="utf-8"))
    report = (out / "yardstick.md").resolve()
    try:
        shown = str(report.relative_to(dataset.REPO_ROOT))
    except ValueError:
        shown = str(report)
    note = card.get("yardstick", {}).get("note")
    card["yardstick"] = card_summary(rep, shown) | ({"note": note} if note else {})
    card_path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    write_model_card(card)


if __name__ == "__main__":
    raise SystemExit(main())
