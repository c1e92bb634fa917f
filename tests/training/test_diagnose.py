"""training.diagnose: real-page signal against what the synthetic pages teach."""

from __future__ import annotations

import numpy as np

from training import diagnose


def _pages(n: int, farm_high: bool, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n legit + n farm pages whose one feature is higher on farms (or on legit pages)."""
    y = np.r_[np.zeros(n), np.ones(n)].astype(int)
    x = rng.normal(size=2 * n) + np.where(y == 1, 2.0, 0.0) * (1 if farm_high else -1)
    return x, y


def test_flags_a_feature_the_generator_teaches_backwards_and_one_it_does_not_teach() -> None:
    rng = np.random.default_rng(0)
    agree_r, y_real = _pages(200, True, rng)
    agree_s, y_synth = _pages(300, True, rng)
    back_r, _ = _pages(200, True, rng)
    back_s, _ = _pages(300, False, rng)  # synthetic farms lower: the opposite of real ones
    untaught_r, _ = _pages(200, True, rng)
    untaught_s = rng.normal(size=600)  # no difference between the synthetic classes
    X_real = np.c_[agree_r, back_r, untaught_r]
    X_synth = np.c_[agree_s, back_s, untaught_s]
    rows = {r.name: r for r in diagnose.teach_table(X_real, y_real, X_synth, y_synth,
                                                    ["agree", "back", "untaught"])}
    assert rows["agree"].flag == ""
    assert rows["back"].flag == "backwards"
    assert rows["back"].real_auc > 0.8 and rows["back"].synth_auc < 0.2
    assert rows["untaught"].flag == "untaught"
    assert all(r.nonzero == (1.0, 1.0, 1.0, 1.0) for r in rows.values())


def test_constant_feature_is_neutral_and_rates_are_per_template() -> None:
    X_real = np.c_[np.zeros(6)]
    y_real = np.array([0, 0, 0, 0, 1, 1])
    X_synth = np.c_[np.array([1.0, 1.0, 1.0, 0.0])]
    y_synth = np.array([1, 1, 0, 0])
    (row,) = diagnose.teach_table(X_real, y_real, X_synth, y_synth, ["f"])
    assert row.real_auc == 0.5 and row.nonzero[:2] == (0.0, 0.0)
    assert row.synth_auc == 0.75
    rates = diagnose.template_rates(X_synth, ["a", "a", "b", "b"], [1, 1, 0, 0], 0)
    assert rates == {"a:1": 1.0, "b:0": 0.5}
