"""The yardstick's parts: the locked split, recall at a false-positive rate, intervals."""

from __future__ import annotations

import numpy as np

from training.dataset import Record
from training.yardstick import LOCKED_SHARE, _recall_at, locked_groups, point, with_interval


def rec(group: str, label: int, kind: str | None = None, year: int = 2020) -> Record:
    return Record(id=group + str(label), dataset="d", source_file="", url=None, host=group,
                  lang="en", label=label, kind=kind, html="", group=group, news=False, year=year)


def test_the_locked_split_is_stable_and_reaches_every_stratum() -> None:
    recs = [rec(f"legit{i}.example", 0) for i in range(2000)]
    recs += [rec(f"farm{i}.example", 1, "scraper") for i in range(10)]
    recs += [rec(f"old{i}.example", 1, "content_farm", 2009) for i in range(2)]
    locked = locked_groups(recs)
    assert locked == locked_groups(list(reversed(recs)))  # order does not matter
    share = sum(g.startswith("legit") for g in locked) / 2000
    assert abs(share - LOCKED_SHARE) < 0.05
    assert any(g.startswith("old") for g in locked)  # a small stratum still gets one
    # adding domains never moves a domain that was already there
    more = locked_groups(recs + [rec(f"new{i}.example", 0) for i in range(500)])
    old_domains = {r.group for r in recs}
    assert more & old_domains == locked


def test_recall_at_a_false_positive_rate() -> None:
    y = np.array([0] * 100 + [1] * 4)
    s = np.concatenate([np.linspace(0, 0.5, 100), [0.2, 0.6, 0.7, 0.495]])
    # no legit page above the threshold: only the farms above the top legit score (0.5)
    assert _recall_at(y, s, 0.0) == 0.5
    # at 1 % FPR one legit page (0.5) may lie above it: the farm at 0.495 now counts too
    assert _recall_at(y, s, 0.01) == 0.75
    assert _recall_at(y, s, 0.9) == 1.0


def test_intervals_hold_the_estimate_and_count_pages() -> None:
    rng = np.random.default_rng(0)
    y = np.array([0] * 300 + [1] * 12)
    s = np.concatenate([rng.normal(0, 1, 300), rng.normal(2, 1, 12)])
    groups = np.array([f"g{i}" for i in range(312)])
    m = with_interval(y, s, groups, n_boot=100)
    est, lo, hi = m["roc_auc"]  # type: ignore[misc]
    assert lo <= est <= hi and 0.8 < est <= 1
    assert m["n_farm"] == 12 and m["n_legit"] == 300 and m["n_domains"] == 312
    assert point(np.zeros(5), np.zeros(5)) == {}
