"""Interval statistics: the confidence intervals every figure with a margin is shown with.

One place for them, on statsmodels and scipy rather than hand-written formulas:

* :func:`mean_ci` — a mean with its t interval (statsmodels ``DescrStatsW.tconfint_mean``),
  for survey marks and waiting times;
* :func:`wilson_interval` — the Wilson score interval of a proportion (statsmodels
  ``proportion_confint(method="wilson")``), for shares such as "verder zonder hulp";
* :func:`survival_interval` — the pointwise log(-log) interval of a Kaplan-Meier
  curve (statsmodels ``SurvfuncRight`` gives the curve and its standard error).

Functions take plain numbers or arrays and return plain numbers or arrays; the
aggregations in :mod:`analysis.register` and :mod:`analysis.flow` put them in frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sp_stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

__all__ = ["holm", "mean_ci", "survival_interval", "wilson_interval"]


def mean_ci(values, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean with a t-distribution confidence interval.

    Parameters
    ----------
    values : array-like
        Numbers; missing and non-numeric values are left out.
    confidence : float, default 0.95

    Returns
    -------
    (mean, low, high)
        NaN bounds for fewer than two values; all NaN for none.
    """
    x = pd.to_numeric(pd.Series(values), errors="coerce").dropna().astype(float).to_numpy()
    if x.size == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(x.mean())
    if x.size < 2:
        return (mean, np.nan, np.nan)
    low, high = DescrStatsW(x).tconfint_mean(alpha=1 - confidence)
    return (mean, float(low), float(high))


def wilson_interval(k, n, confidence: float = 0.95):
    """Wilson score interval for a proportion ``k / n``.

    Parameters
    ----------
    k, n : int or array-like
        Successes and trials.
    confidence : float, default 0.95

    Returns
    -------
    (low, high) : floats or arrays, proportions between 0 and 1
        NaN where ``n`` is 0.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    some = n > 0
    low, high = proportion_confint(k, np.where(some, n, 1.0), alpha=1 - confidence, method="wilson")
    low = np.where(some, np.clip(low, 0, 1), np.nan)
    high = np.where(some, np.clip(high, 0, 1), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def survival_interval(prob, se, confidence: float = 0.95):
    """Pointwise confidence interval of a survival curve, on the log(-log) scale.

    The interval of ``S(t)`` is ``S(t) ** exp(±z · se / (S(t) · |log S(t)|))``: it stays
    within 0..1, unlike the plain ``S(t) ± z · se``.

    Parameters
    ----------
    prob, se : array-like
        The curve and its (Greenwood) standard error, e.g. ``surv_prob`` and
        ``surv_prob_se`` of statsmodels ``SurvfuncRight``.
    confidence : float, default 0.95

    Returns
    -------
    (low, high) : arrays
        Where the curve is 0 or 1 or the scale is undefined, both equal the curve.
    """
    prob = np.asarray(prob, dtype=float)
    se = np.asarray(se, dtype=float)
    z = sp_stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        loglog_se = se / (prob * np.abs(np.log(prob)))
        low = prob ** np.exp(z * loglog_se)
        high = prob ** np.exp(-z * loglog_se)
    edge = (prob <= 0) | (prob >= 1) | ~np.isfinite(loglog_se)
    return np.where(edge, prob, low), np.where(edge, prob, high)


def holm(pvalues) -> np.ndarray:
    """Holm-adjusted p-values (step-down, capped at 1), in the order given.

    The same numbers as ``statsmodels.stats.multitest.multipletests(p,
    method="holm")[1]`` (same sort and arithmetic), without its
    ``gc.collect()`` call, which costs about half a second in a report
    kernel that holds a register and cached tables.

    Parameters
    ----------
    pvalues : array-like of float
        Finite p-values.

    Returns
    -------
    ndarray
        The adjusted p-values, one per input.
    """
    p = np.asarray(pvalues, dtype=float)
    order = np.argsort(p)
    adjusted = np.maximum.accumulate(np.take(p, order) * np.arange(len(p), 0, -1))
    adjusted[adjusted > 1] = 1
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return out
