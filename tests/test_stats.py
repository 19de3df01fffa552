"""Interval statistics (analysis.stats): the same numbers as the hand-written formulas they replace."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sp_stats

from analysis.stats import mean_ci, survival_interval, wilson_interval


def _hand_mean_ci(x, confidence=0.95):
    """The t interval as register.mean_ci computed it by hand before statsmodels."""
    x = np.asarray(x, dtype=float)
    half = sp_stats.t.ppf(0.5 + confidence / 2, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    return x.mean(), x.mean() - half, x.mean() + half


def _hand_wilson(k, n, confidence=0.95):
    """The Wilson score interval as register.wilson_interval computed it by hand."""
    z = sp_stats.norm.ppf(0.5 + confidence / 2)
    p = k / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return max(centre - half, 0.0), min(centre + half, 1.0)


def test_mean_ci_and_wilson_against_hand_computation():
    mean, low, high = mean_ci([6, 7, 8, 9])
    half = 3.182446305 * np.sqrt(5 / 3) / 2  # t(0.975, df=3) * sd / sqrt(n)
    assert mean == 7.5 and low == pytest.approx(7.5 - half) and high == pytest.approx(7.5 + half)
    assert np.isnan(mean_ci([8])[1]) and mean_ci([8])[0] == 8
    assert all(np.isnan(v) for v in mean_ci([]))
    assert mean_ci([6, None, "x", 8])[0] == 7, "missing and non-numeric values are left out"
    low, high = wilson_interval(8, 10)
    assert (low, high) == pytest.approx((0.49016, 0.94332), abs=1e-5)
    assert np.isnan(wilson_interval(0, 0)[0])


def test_intervals_shrink_with_n():
    widths, wilson = [], []
    for k in (1, 4, 16, 64):
        _, low, high = mean_ci([6, 7, 8, 9] * k)
        widths.append(high - low)
        lo, hi = wilson_interval(8 * k, 10 * k)
        wilson.append(hi - lo)
    assert all(a > b for a, b in zip(widths, widths[1:], strict=False))
    assert all(a > b for a, b in zip(wilson, wilson[1:], strict=False))
    assert widths[-1] < widths[1] / 3  # about 1/sqrt(n)


def test_wilson_on_arrays_keeps_shape_and_marks_empty_groups():
    low, high = wilson_interval([0, 5, 10, 0], [10, 10, 10, 0], confidence=0.9)
    assert low.shape == (4,) and np.isnan(low[3]) and np.isnan(high[3])
    assert low[0] == 0 and high[2] == 1
    for i, (k, n) in enumerate([(0, 10), (5, 10), (10, 10)]):
        assert (low[i], high[i]) == pytest.approx(_hand_wilson(k, n, 0.9), abs=1e-12)


@pytest.mark.fuzz
@given(
    st.lists(st.integers(0, 10), min_size=2, max_size=60), st.sampled_from([0.8, 0.9, 0.95, 0.99])
)
def test_mean_ci_is_the_hand_t_interval(marks, confidence):
    expected = _hand_mean_ci(marks, confidence)
    got = mean_ci(marks, confidence)
    if np.std(marks) == 0:
        assert (
            got[0] == expected[0]
            and got[1] == pytest.approx(got[0])
            and got[2] == pytest.approx(got[0])
        )
    else:
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.fuzz
@given(
    st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_wilson_is_the_hand_score_interval(kn, confidence):
    k, n = kn
    assert wilson_interval(k, n, confidence) == pytest.approx(
        _hand_wilson(k, n, confidence), abs=1e-12
    )


def test_survival_interval_matches_the_log_log_formula_and_stays_in_bounds():
    prob = np.array([1.0, 0.9, 0.5, 0.2, 0.0])
    se = np.array([0.0, 0.03, 0.05, 0.04, 0.0])
    low, high = survival_interval(prob, se)
    z = sp_stats.norm.ppf(0.975)
    theta = se[1:4] / (prob[1:4] * np.abs(np.log(prob[1:4])))
    assert low[1:4] == pytest.approx(prob[1:4] ** np.exp(z * theta))
    assert high[1:4] == pytest.approx(prob[1:4] ** np.exp(-z * theta))
    assert (low[[0, 4]] == prob[[0, 4]]).all() and (high[[0, 4]] == prob[[0, 4]]).all()
    assert ((low <= prob) & (prob <= high) & (low >= 0) & (high <= 1)).all()
