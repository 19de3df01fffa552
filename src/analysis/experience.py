"""Client experience from the case register's survey: marks, "verder zonder hulp", group tests.

The survey (*Ervaringwijzer*) of the buurtteams asks clients after closure for
four marks (1-10) — ``toegankelijkheid``, ``kwaliteit``, ``effect`` and the
overall ``rapportcijfer`` — and whether they can continue without help. The
aggregations themselves live in :mod:`analysis.register`
(:func:`~analysis.register.survey_marks`: mean with a t-interval,
:func:`~analysis.register.without_help_share`: share with a Wilson interval);
this module adds what a notebook needs around them:

* :func:`responses` — one row per response with the team, wijk and period of its case;
* :func:`protect_summary` — means and shares on fewer than 10 responses at wijk
  level withheld through :mod:`analysis.disclosure` (their intervals too);
* :func:`compare_groups` and :func:`compare_shares` — tests for differences between
  groups (Welch ANOVA or Kruskal-Wallis for marks, a chi-square test for the
  share), each with statistic, degrees of freedom, p-value and an effect size;
  groups with fewer than ``min_n`` responses are left out of the test and named;
* :func:`group_tests`, :func:`tests_table`, :func:`describe_tests` — a family of
  tests with Holm-adjusted p-values, as a table and in plain words;
* :func:`beside_published` — register figures next to the published ones;
* :func:`interval_chart`, :func:`marks_chart`, :func:`group_interval_chart` —
  house-style charts with confidence bands (:mod:`analysis.plotting` has none).

Effect sizes
------------
``eta2`` (Welch ANOVA)
    Between-group sum of squares over total sum of squares (descriptive).
``epsilon2`` (Kruskal-Wallis)
    :math:`\\varepsilon^2 = H / (n - 1)` (Tomczak & Tomczak 2014).
``cramers_v`` (chi-square)
    :math:`V = \\sqrt{\\chi^2 / (n (\\min(r, c) - 1))}`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from scipy import stats

from . import disclosure, markup
from .labels import (
    DEFAULT_LANGUAGE,
    MISSING,
    check_language,
    format_number,
    label,
    period_label,
    resolve_language,
    unit_axis_label,
)
from .periods import STATUS_SUPPRESSED, date_bound, period_order, period_sort_key, period_type_of
from .plotting import (
    BREAK_COLOR,
    COMPARISON_COLORS,
    FOCUS_COLOR,
    MUTED_TEXT_COLOR,
    NORM_COLOR,
    OTHER_BAR_COLOR,
    _finish,
    _set_period_ticks,
    _sources_frame,
    _styled,
    _titles,
    format_axis,
    new_figure,
    period_x,
    single_period_type,
)
from .regions import RegionResolver
from .register import MARKS, Register, case_level, check_freq

MIN_RESPONSES = disclosure.DEFAULT_THRESHOLD
"""Groups with fewer responses are withheld (wijk level) and left out of tests."""

#: The marks in reading order: the three aspects, then the overall mark.
MEASURES: tuple[str, ...] = tuple(m for m in ("toegankelijkheid", "kwaliteit", "effect", "rapportcijfer")
                                   if m in MARKS)

#: Colours of the two teams in every chart of this module and :mod:`analysis.flow`.
TEAM_COLORS = {"sociaal": FOCUS_COLOR, "jeugd_en_gezin": COMPARISON_COLORS[0]}

# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


def responses(surveys: pd.DataFrame, cases: pd.DataFrame, *, freq: str = "year", wijk: str | None = None,
              start=None, end=None) -> pd.DataFrame:
    """One row per survey response, with its case's team and wijk and the survey period.

    Parameters
    ----------
    surveys, cases : DataFrame
        The register's ``surveys`` and ``cases`` tables.
    freq : {"year", "quarter", "month"}
        Period of the survey date (``period`` column, project notation).
    wijk : str, optional
        Keep the responses about cases of this wijk.
    start, end : period string or None
        Keep responses whose survey date lies in ``start`` .. ``end``.

    Returns
    -------
    DataFrame
        The survey columns plus ``team``, ``wijk_code`` and ``period``.
    """
    code = check_freq(freq)
    cl = case_level(cases)[["case_id", "team", "wijk_code"]]
    out = surveys.drop(columns=[c for c in ("team", "wijk_code") if c in surveys.columns])
    out = out.merge(cl, on="case_id", how="left", validate="many_to_one")
    out["period"] = out["survey_date"].dt.to_period(code).astype(str)
    keep = pd.Series(True, index=out.index)
    if wijk is not None:
        keep &= out["wijk_code"] == wijk
    if start is not None:
        keep &= out["survey_date"] >= date_bound(start)
    if end is not None:
        keep &= out["survey_date"] <= date_bound(end, end=True)
    return out[keep].reset_index(drop=True)


def with_provenance(frame: pd.DataFrame, register: Register) -> pd.DataFrame:
    """A copy of ``frame`` with the register's ``source`` and ``published`` columns.

    Charts build their source line (and the *synthetisch* mark) from these.
    """
    prov = register.provenance()
    return frame.assign(source=prov["source"], published=prov["published"])


def protect_summary(
    frame: pd.DataFrame,
    value_cols: Sequence[str],
    *,
    base_col: str = "n",
    region_col: str = "wijk_code",
    threshold: int = MIN_RESPONSES,
) -> pd.DataFrame:
    """Withhold means, shares and their intervals computed on fewer than ``threshold`` responses.

    Uses :func:`analysis.disclosure.suppress_small_counts` (rule 2, small
    bases) on the first of ``value_cols`` and blanks the others of the same
    rows, so an interval cannot give a withheld mean away. Only rows at a
    protected level (wijk, buurt; from ``region_col``) are touched; a frame
    without ``region_col`` is about the whole municipality and is returned
    with empty ``status`` and ``display`` columns.

    Parameters
    ----------
    frame : DataFrame
        A summary such as :func:`analysis.register.survey_marks` returns.
    value_cols : sequence of str
        The numbers to withhold together (``mean``, ``sd``, ``ci_low``, ``ci_high``).
    base_col : str, default "n"
        The number of responses; blanked too where withheld.
    region_col : str, default "wijk_code"
    threshold : int, default 10

    Returns
    -------
    DataFrame
        A copy with ``status`` (``suppressed`` where withheld) and ``display``
        (``x`` where withheld) columns.
    """
    value_cols = list(value_cols)
    work = frame.reset_index(drop=True).copy()
    region = work[region_col].astype(str) if region_col in work.columns else pd.Series("GM0000", index=work.index)
    probe = pd.DataFrame({
        "region_code": region,
        "unit": "rapportcijfer",  # any unit that is not a count: rule 2 applies
        "value": pd.to_numeric(work[value_cols[0]], errors="coerce"),
        "n": pd.to_numeric(work[base_col], errors="coerce"),
    })
    checked = disclosure.suppress_small_counts(probe, base_col="n", threshold=threshold, secondary=False)
    withheld = checked["status"].eq(STATUS_SUPPRESSED).to_numpy()
    for col in [*value_cols, base_col]:
        work[col] = pd.to_numeric(work[col], errors="coerce").astype(float)
        work.loc[withheld, col] = np.nan
    work["status"] = np.where(withheld, STATUS_SUPPRESSED, None)
    work["display"] = checked["display"].to_numpy()
    work.index = frame.index
    return work


def mark_summary(surveys: pd.DataFrame, cases: pd.DataFrame, register: Register, *, wijk: str | None = None,
                 measures: Sequence[str] = MEASURES, freq: str = "year", start=None, end=None,
                 threshold: int = MIN_RESPONSES) -> pd.DataFrame:
    """Mean marks per team and period with 95 % t-intervals, disclosure-controlled.

    :func:`analysis.register.survey_marks` per team (and wijk), then
    :func:`protect_summary` (fewer than ``threshold`` responses in a wijk:
    withheld with their interval), then the rows of ``wijk`` (or of the
    whole municipality), with the register's provenance.

    Returns
    -------
    DataFrame
        ``period``, ``team``, ``measure``, ``n``, ``mean``, ``sd``, ``ci_low``,
        ``ci_high``, ``status``, ``display``, ``source``, ``published``.
    """
    from .register import survey_marks

    by = ["team", "wijk_code"] if wijk is not None else ["team"]
    marks = survey_marks(surveys, cases, freq=freq, by=by, measures=measures, start=start, end=end)
    marks = protect_summary(marks, ["mean", "sd", "ci_low", "ci_high"], threshold=threshold)
    if wijk is not None:
        marks = marks[marks["wijk_code"] == wijk].drop(columns="wijk_code")
    return with_provenance(marks.reset_index(drop=True), register)


def share_summary(surveys: pd.DataFrame, cases: pd.DataFrame, register: Register, *, wijk: str | None = None,
                  freq: str = "year", start=None, end=None, threshold: int = MIN_RESPONSES) -> pd.DataFrame:
    """Share continuing without help per team and period with a 95 % Wilson interval, disclosure-controlled.

    :func:`analysis.register.without_help_share`, then :func:`protect_summary`
    and the rows of ``wijk`` (or the municipality), as in :func:`mark_summary`.

    Returns
    -------
    DataFrame
        ``period``, ``team``, ``n``, ``n_yes``, ``pct``, ``ci_low``, ``ci_high``,
        ``status``, ``display``, ``source``, ``published``.
    """
    from .register import without_help_share

    by = ["team", "wijk_code"] if wijk is not None else ["team"]
    share = without_help_share(surveys, cases, freq=freq, by=by, start=start, end=end)
    share = protect_summary(share, ["n_yes", "pct", "ci_low", "ci_high"], threshold=threshold)
    if wijk is not None:
        share = share[share["wijk_code"] == wijk].drop(columns="wijk_code")
    return with_provenance(share.reset_index(drop=True), register)


def wijk_comparison(surveys: pd.DataFrame, cases: pd.DataFrame, register: Register, *, team: str, period: str | None,
                    measure: str = "rapportcijfer", threshold: int = MIN_RESPONSES) -> pd.DataFrame:
    """One team's mark per wijk in one period, with 95 % intervals, disclosure-controlled.

    Returns
    -------
    DataFrame
        One row per wijk: ``wijk_code``, ``n``, ``mean``, ``ci_low``,
        ``ci_high``, ``status``, ``display``, ``source``, ``published``.
        ``attrs["reference"]`` holds the municipality's mean for the team and
        period (drawn as a reference line by :func:`group_interval_chart`).
    """
    from .register import survey_marks

    if period is None:  # no period with responses in the selection
        out = pd.DataFrame(columns=["wijk_code", "n", "mean", "sd", "ci_low", "ci_high", "status", "display",
                                    "source", "published"])
        out.attrs["reference"] = None
        return out
    marks = survey_marks(surveys, cases, by=["team", "wijk_code"], measures=[measure], start=period, end=period)
    marks = marks[(marks["team"] == team) & (marks["period"] == period)]
    marks = protect_summary(marks, ["mean", "sd", "ci_low", "ci_high"], threshold=threshold)
    out = with_provenance(marks.drop(columns=["team", "measure"]).reset_index(drop=True), register)
    city = survey_marks(surveys, cases, by=["team"], measures=[measure], start=period, end=period)
    city = city[(city["team"] == team) & (city["period"] == period)]
    out.attrs["reference"] = float(city["mean"].iloc[0]) if len(city) and city["n"].iloc[0] > 0 else None
    return out


def summary_table(frame: pd.DataFrame, *, team: str, value: str, low: str, high: str, unit: str,
                  published: pd.DataFrame | None = None, measure: str | None = None,
                  language: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """One team's yearly figures as a reader's table: value, 95 % interval, responses, published beside.

    Parameters
    ----------
    frame : DataFrame
        From :func:`mark_summary` or :func:`share_summary`.
    team : str
    value, low, high : str
        Columns of the value and its interval.
    unit : str
        ``rapportcijfer`` or ``procent``.
    published : DataFrame, optional
        Observations of the published indicator of this team (all publications).
    measure : str, optional
        With a long frame of marks: which measure.
    language : {"nl", "en"}

    Returns
    -------
    DataFrame
        Period, responses, value, interval, published value and publication
        (a row per publication where several published the same year);
        withheld values show their ``display`` text.
    """
    check_language(language)
    data = frame[frame["team"] == team]
    if measure is not None:
        data = data[data["measure"] == measure]
    decimals = 1 if unit == "rapportcijfer" else 0
    merged = beside_published(data, published if published is not None else
                              pd.DataFrame(columns=["period", "value", "published", "source"]), value=value,
                              decimals=decimals)
    info = data.set_index("period")
    rows = []
    for r in merged.to_dict("records"):
        period = r["period"]
        src = info.loc[period] if period in info.index else None
        shown = src.get("display") if src is not None else None
        if src is not None and pd.isna(src[value]):
            val = interval = shown if isinstance(shown, str) else MISSING
        elif src is not None:
            val = format_number(src[value], decimals, language)
            interval = (f"{format_number(src[low], decimals, language)} \u2013 "
                        f"{format_number(src[high], decimals, language)}")
        else:
            val = interval = MISSING
        n = src["n"] if src is not None else np.nan
        rows.append({
            label("period", language): period_label(str(period), language),
            label("responses", language).capitalize(): format_number(n, 0, language) if not pd.isna(n) else (
                shown if isinstance(shown, str) else MISSING),
            label("mean" if unit == "rapportcijfer" else "percentage", language).capitalize(): val,
            label("interval_95", language): interval,
            label("published", language).capitalize(): format_number(r["published_value"], decimals, language),
            label("publication", language).capitalize(): r["publication"] if isinstance(r["publication"], str) else "",
        })
    return pd.DataFrame(rows)


def beside_published(
    frame: pd.DataFrame,
    published: pd.DataFrame,
    *,
    value: str,
    decimals: int = 1,
) -> pd.DataFrame:
    """Register figures per period next to the published ones, one row per publication.

    Parameters
    ----------
    frame : DataFrame
        One row per period (one team, one group), with ``period`` and ``value``.
    published : DataFrame
        Observations of the published indicator (``period``, ``value``,
        ``published``, ``source``), possibly several publications per period.
    value : str
        The register column to compare.
    decimals : int, default 1
        Register values are rounded to this many decimals (as published).

    Returns
    -------
    DataFrame
        ``period``, ``register``, ``published_value``, ``difference``
        (register minus published), ``publication`` and ``source``; periods
        without a publication have empty published columns. Sorted by period.
    """
    reg = frame[["period", value]].rename(columns={value: "register"})
    reg = reg.assign(register=pd.to_numeric(reg["register"], errors="coerce").round(decimals),
                     period=reg["period"].astype(object))  # an empty selection has a float period column
    pub = published[["period", "value", "published", "source"]].rename(
        columns={"value": "published_value", "published": "publication"})
    pub = pub.assign(published_value=pd.to_numeric(pub["published_value"], errors="coerce").astype(float),
                     period=pub["period"].astype(object))
    out = reg.merge(pub, on="period", how="outer")
    out["difference"] = (out["register"] - out["published_value"]).round(decimals)
    out = out[["period", "register", "published_value", "difference", "publication", "source"]]
    order = sorted(range(len(out)), key=lambda i: (period_sort_key(str(out["period"].iloc[i])),
                                                    str(out["publication"].iloc[i])))
    return out.iloc[order].reset_index(drop=True)


def published_table(comparison: pd.DataFrame, *, unit: str, language: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """A :func:`beside_published` frame as a reader's table.

    Returns
    -------
    DataFrame
        Period, register value, published value, difference and publication,
        with labelled columns and numbers formatted for ``language``.
    """
    check_language(language)
    decimals = 1 if unit in ("rapportcijfer", "werkdagen") else 0
    return pd.DataFrame({
        label("period", language): [period_label(str(p), language) for p in comparison["period"]],
        label("register", language).capitalize(): [format_number(v, decimals, language) for v in comparison["register"]],
        label("published", language).capitalize(): [format_number(v, decimals, language)
                                                     for v in comparison["published_value"]],
        label("difference", language).capitalize(): [format_number(v, decimals, language, signed=True)
                                                      for v in comparison["difference"]],
        label("publication", language).capitalize(): [p if isinstance(p, str) else "" for p in comparison["publication"]],
    })


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------


def _split(values: pd.DataFrame, value: str, group: str, min_n: int) -> tuple[dict, list, int]:
    data = values[[group, value]].dropna()
    sizes = data.groupby(group, sort=True)[value].size()
    kept = [g for g, n in sizes.items() if n >= min_n]
    left_out = [g for g, n in sizes.items() if n < min_n]
    parts = {g: data.loc[data[group] == g, value].astype(float).to_numpy() for g in kept}
    return parts, left_out, int(sizes[kept].sum()) if kept else 0


def _result(test: str, measure: str, **fields) -> dict:
    base = {"test": test, "measure": measure, "statistic": np.nan, "df1": np.nan, "df2": np.nan,
            "p_value": np.nan, "effect_size": np.nan, "effect_measure": None, "n": 0, "groups": 0,
            "left_out": ()}
    base.update(fields)
    return base


def compare_groups(
    values: pd.DataFrame,
    *,
    value: str,
    group: str,
    method: str = "welch",
    min_n: int = MIN_RESPONSES,
) -> dict:
    """Test whether a mark differs between groups (wijken, teams).

    Parameters
    ----------
    values : DataFrame
        One row per response, with the mark in ``value`` and the group in
        ``group``; missing marks are ignored.
    value, group : str
        Column names.
    method : {"welch", "kruskal"}
        ``welch``: Welch's ANOVA (means, unequal variances; statsmodels
        ``anova_oneway``), effect size eta squared. ``kruskal``: the
        Kruskal-Wallis rank test (distributions; for ordinal marks), effect
        size epsilon squared.
    min_n : int, default 10
        Groups with fewer responses are left out of the test.

    Returns
    -------
    dict
        ``test``, ``measure``, ``statistic`` (F or H), ``df1``, ``df2``
        (Welch only), ``p_value``, ``effect_size``, ``effect_measure``
        (``eta2`` / ``epsilon2``), ``n`` (responses tested), ``groups``
        (groups tested) and ``left_out`` (groups with too few responses).
        With fewer than two groups the numbers are NaN.
    """
    if method not in ("welch", "kruskal"):
        raise ValueError(f"method must be 'welch' or 'kruskal', not {method!r}")
    parts, left_out, n = _split(values, value, group, min_n)
    result = _result(method, value, n=n, groups=len(parts), left_out=tuple(left_out),
                     effect_measure="eta2" if method == "welch" else "epsilon2")
    if len(parts) < 2:
        return result
    samples = list(parts.values())
    if method == "welch":
        from statsmodels.stats.oneway import anova_oneway

        if any(s.size < 2 for s in samples) or all(np.var(s) == 0 for s in samples):
            return result
        res = anova_oneway(samples, use_var="unequal", welch_correction=True)
        everything = np.concatenate(samples)
        grand = everything.mean()
        ss_between = sum(s.size * (s.mean() - grand) ** 2 for s in samples)
        ss_total = float(((everything - grand) ** 2).sum())
        result.update(statistic=float(res.statistic), df1=float(res.df_num), df2=float(res.df_denom),
                      p_value=float(res.pvalue), effect_size=ss_between / ss_total if ss_total > 0 else np.nan)
    else:
        if np.unique(np.concatenate(samples)).size < 2:
            return result
        h, p = stats.kruskal(*samples)
        result.update(statistic=float(h), df1=float(len(samples) - 1), p_value=float(p),
                      effect_size=float(h) / (n - 1) if n > 1 else np.nan)
    return result


def compare_shares(
    values: pd.DataFrame,
    *,
    value: str = "verder_zonder_hulp",
    group: str,
    min_n: int = MIN_RESPONSES,
) -> dict:
    """Chi-square test of a yes/no share across groups, with Cramér's V.

    Parameters
    ----------
    values : DataFrame
        One row per response; ``value`` true/false (missing answers ignored).
    value, group : str
    min_n : int, default 10
        Groups with fewer answers are left out of the test.

    Returns
    -------
    dict
        As :func:`compare_groups`, with ``test`` ``chi2``, ``df1`` the degrees
        of freedom ((groups - 1) for a yes/no answer) and ``effect_measure``
        ``cramers_v``. No continuity correction. NaN numbers when fewer than
        two groups remain or every answer is the same.
    """
    data = values[[group, value]].dropna()
    data = data.assign(**{value: data[value].astype(bool)})
    parts, left_out, n = _split(data.assign(**{value: data[value].astype(float)}), value, group, min_n)
    result = _result("chi2", value, n=n, groups=len(parts), left_out=tuple(left_out), effect_measure="cramers_v")
    if len(parts) < 2:
        return result
    table = np.array([[int(s.sum()), int(s.size - s.sum())] for s in parts.values()])
    if (table.sum(axis=0) == 0).any():
        return result
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    v = math.sqrt(chi2 / (n * (min(table.shape) - 1)))
    result.update(statistic=float(chi2), df1=float(dof), p_value=float(p), effect_size=v)
    return result


def group_tests(
    values: pd.DataFrame,
    *,
    group: str,
    per: Sequence[str] = ("team",),
    measures: Sequence[str] = MEASURES,
    methods: Sequence[str] = ("welch", "kruskal"),
    share: str | None = "verder_zonder_hulp",
    min_n: int = MIN_RESPONSES,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """A family of group tests, with Holm-adjusted p-values.

    For every combination of the ``per`` columns (say each team), every mark
    in ``measures`` is tested with every method in ``methods``
    (:func:`compare_groups`), and the yes/no ``share`` with a chi-square test
    (:func:`compare_shares`). p-values are adjusted for multiple testing with
    Holm's method within each test method (the Kruskal-Wallis tests check the
    Welch tests, they are not extra evidence).

    Returns
    -------
    DataFrame
        The ``per`` columns, ``test``, ``measure``, ``statistic``, ``df1``,
        ``df2``, ``p_value``, ``p_holm``, ``effect_size``, ``effect_measure``,
        ``n``, ``groups``, ``left_out``, ``min_n`` (the responses a group needed)
        and ``significant`` (``p_holm < alpha``).
    """
    from statsmodels.stats.multitest import multipletests

    per = list(per)
    rows = []
    chunks = values.groupby(per, sort=True) if per else [((), values)]
    for key, chunk in chunks:
        key = key if isinstance(key, tuple) else (key,)
        where = dict(zip(per, key, strict=True))
        for measure in measures:
            for method in methods:
                rows.append({**where, **compare_groups(chunk, value=measure, group=group, method=method, min_n=min_n)})
        if share is not None:
            rows.append({**where, **compare_shares(chunk, value=share, group=group, min_n=min_n)})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["p_holm"] = np.nan
    for _, idx in out.groupby("test").groups.items():
        p = out.loc[idx, "p_value"]
        ok = p.notna()
        if ok.any():
            out.loc[p[ok].index, "p_holm"] = multipletests(p[ok].to_numpy(), method="holm")[1]
    out["significant"] = out["p_holm"] < alpha
    out["min_n"] = int(min_n)
    cols = [*per, "test", "measure", "statistic", "df1", "df2", "p_value", "p_holm", "effect_size",
            "effect_measure", "n", "groups", "left_out", "min_n", "significant"]
    return out[cols]


def _test_columns(per: Sequence[str]) -> list[str]:
    return [*per, "test", "measure", "statistic", "df1", "df2", "p_value", "p_holm", "effect_size",
            "effect_measure", "n", "groups", "left_out", "min_n", "significant"]


def period_tests(surveys: pd.DataFrame, cases: pd.DataFrame, *, period: str | None, group: str,
                 per: Sequence[str] = ("team",), wijk: str | None = None) -> pd.DataFrame:
    """:func:`group_tests` of the responses of one period (about cases in ``wijk``, if given).

    Parameters
    ----------
    surveys, cases : DataFrame
        The register's tables.
    period : str or None
        The period (say :func:`latest_period` of the marks); None when the
        selection has no responses.
    group, per
        See :func:`group_tests`.
    wijk : str, optional

    Returns
    -------
    DataFrame
        As :func:`group_tests`; no rows (but its columns) when ``period`` is
        None or the period has no responses.
    """
    if period is not None:
        answers = responses(surveys, cases, wijk=wijk, start=period, end=period)
        if len(answers):
            tests = group_tests(answers, group=group, per=per)
            if len(tests):
                return tests
    return pd.DataFrame(columns=_test_columns(list(per)))


def tests_report(tests: pd.DataFrame, *, period: str | None, between: str, show_period: bool = True,
                 selection: str | None = None, language: str | None = None) -> list:
    """What a section of tests shows: the outcome in words and the table, or one sentence.

    Parameters
    ----------
    tests : DataFrame
        From :func:`period_tests`.
    period : str or None
        The period tested; its name heads the text when ``show_period``.
    between : str
        ``between_wijken`` or ``between_teams`` (see :func:`describe_tests`).
    selection : str, optional
        The notebook's selection in words, for the sentence.
    language : {"nl", "en"}

    Returns
    -------
    list
        ``[Markdown, DataFrame]``, or ``[Markdown]`` (the empty-selection
        sentence) when there is nothing to test. Display with ``display(*report)``.
    """
    language = resolve_language(language)
    from IPython.display import Markdown

    from .plotting import empty_note

    if period is None or tests.empty:
        return [empty_note(label(between, language).capitalize(), selection=selection, language=language)]
    head = f"**{label('period', language)}: {period_label(period, language)}**\n\n" if show_period else ""
    return [Markdown(head + describe_tests(tests, between=between, language=language)),
            tests_table(tests, language=language)]


_TEST_SYMBOL = {"welch": "F", "kruskal": "H", "chi2": "χ²"}
_EFFECT_SYMBOL = {"eta2": "η²", "epsilon2": "ε²", "cramers_v": "V"}


def _p_text(p: float, language: str) -> str:
    if pd.isna(p):
        return MISSING
    if p < 0.001:
        return "< " + format_number(0.001, 3, language)
    return format_number(p, 3, language)


def _p_is(p: float, language: str) -> str:
    """``= 0,472`` or ``< 0,001``: the p-value with its relation sign."""
    text = _p_text(p, language)
    return text if text.startswith("<") else f"= {text}"


def _measure_label(measure: str, language: str) -> str:
    if measure in MEASURES:
        return label(f"mark_{measure}", language)
    if measure == "verder_zonder_hulp":
        return label("without_help_title", language)
    return measure


def _group_name(value, language: str, resolver: RegionResolver | None = None) -> str:
    text = str(value)
    if text in TEAM_COLORS or text in ("all_cases", "urgent", "not_urgent"):
        return label(text, language)
    if text.startswith(("WK", "BU", "GM")):
        resolver = resolver or RegionResolver()
        return resolver.name_of(text) or text
    return text


def _df_text(r: Mapping, language: str) -> str:
    df = format_number(r["df1"], 0, language)
    if not pd.isna(r["df2"]):
        df += f"; {format_number(r['df2'], 1, language)}"
    return df


def _left_out_text(r: Mapping, language: str, resolver: RegionResolver, *, markdown: bool = False) -> str:
    """'; ... left out (fewer than n responses): ...' for a test row, or ''; names escaped for Markdown if asked."""
    if not r["left_out"]:
        return ""
    show = markup.markdown_text if markdown else str
    names = ", ".join(show(_group_name(g, language, resolver)) for g in r["left_out"])
    return "; " + label("groups_left_out", language).format(n=r.get("min_n", MIN_RESPONSES), groups=names)


def tests_table(tests: pd.DataFrame, *, language: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The test results as a reader's table: labelled columns, formatted numbers.

    Parameters
    ----------
    tests : DataFrame
        From :func:`group_tests`.

    Returns
    -------
    DataFrame
        One row per test, columns in ``language``.
    """
    check_language(language)
    resolver = RegionResolver()
    rows = []
    for r in tests.to_dict("records"):
        df = MISSING if pd.isna(r["df1"]) else _df_text(r, language)
        effect = MISSING if pd.isna(r["effect_size"]) else (
            f"{_EFFECT_SYMBOL[r['effect_measure']]} = {format_number(r['effect_size'], 3, language)}")
        if pd.isna(r["p_value"]):
            conclusion = label("too_few_groups", language)
        else:
            conclusion = label("significant" if r["significant"] else "not_significant", language)
        row = {}
        if "team" in r:
            row[label("team", language).capitalize()] = label(r["team"], language)
        if "period" in r:
            row[label("period", language)] = period_label(str(r["period"]), language)
        row.update({
            label("measure", language).capitalize(): _measure_label(r["measure"], language),
            label("test", language).capitalize(): label(f"test_{r['test']}", language),
            label("groups", language).capitalize(): int(r["groups"]),
            label("responses", language).capitalize(): int(r["n"]),
            label("statistic", language).capitalize(): (MISSING if pd.isna(r["statistic"]) else
                                                         f"{_TEST_SYMBOL[r['test']]} = "
                                                         f"{format_number(r['statistic'], 2, language)}"),
            label("df", language).capitalize(): df,
            label("p_value", language): _p_text(r["p_value"], language),
            label("p_holm", language): _p_text(r["p_holm"], language),
            label("effect_size", language).capitalize(): effect,
            label("conclusion", language).capitalize(): conclusion + _left_out_text(r, language, resolver),
        })
        rows.append(row)
    return pd.DataFrame(rows)


def describe_tests(tests: pd.DataFrame, *, between: str, language: str | None = None) -> str:
    """The outcome of a family of tests in plain words (markdown bullets).

    Each line says whether the difference is significant after Holm's
    correction, with the statistic, degrees of freedom, p-value and effect
    size, e.g. ``Rapportcijfer (totaal), Sociaal: geen significant verschil
    tussen wijken (Welch-ANOVA: F = 1,05; vrijheidsgraden 9; 498,2; p = 0,398;
    p (Holm) = 1,000; η² = 0,004)``.

    Parameters
    ----------
    tests : DataFrame
        From :func:`group_tests`.
    between : str
        Label key of what is compared: ``between_wijken`` or ``between_teams``.
    language : {"nl", "en"}
    """
    language = resolve_language(language)
    resolver = RegionResolver()
    lines = []
    for r in tests.to_dict("records"):
        who = _measure_label(r["measure"], language)
        if "team" in r:
            who += f", {label(r['team'], language)}"
        left_out = _left_out_text(r, language, resolver, markdown=True)
        if pd.isna(r["p_value"]):
            lines.append(f"- {who}: {label('too_few_groups', language)}{left_out}.")
            continue
        verdict = label("significant" if r["significant"] else "not_significant", language)
        detail = (f"{label('test_' + r['test'], language)}: {_TEST_SYMBOL[r['test']]} = "
                  f"{format_number(r['statistic'], 2, language)}; {label('df', language)} {_df_text(r, language)}; "
                  f"p {_p_is(r['p_value'], language)}; {label('p_holm', language)} "
                  f"{_p_is(r['p_holm'], language)}; {_EFFECT_SYMBOL[r['effect_measure']]} = "
                  f"{format_number(r['effect_size'], 3, language)}")
        lines.append(f"- {who}: **{verdict}** {label(between, language)} ({detail}){left_out}.")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------


def _draw_intervals(ax, data: pd.DataFrame, *, value: str, low: str | None, high: str | None,
                    color: str, name: str) -> None:
    data = data.iloc[period_order(data["period"])]
    x = np.array([period_x(str(p)) for p in data["period"]])
    y = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=float)
    if low and high:
        lo = pd.to_numeric(data[low], errors="coerce").to_numpy(dtype=float)
        hi = pd.to_numeric(data[high], errors="coerce").to_numpy(dtype=float)
        ax.fill_between(x, lo, hi, color=color, alpha=0.18, linewidth=0, zorder=1.5)
    ax.plot(x, y, color=color, marker="o", linewidth=2.0, label=name, zorder=2.5)


def _draw_published(ax, published: pd.DataFrame | None, color: str) -> bool:
    if published is None or published.empty:
        return False
    x = [period_x(str(p)) for p in published["period"]]
    ax.scatter(x, published["value"].astype(float), marker="D", s=42, facecolor="white",
               edgecolor=color, linewidth=1.8, zorder=3.5)
    return True


def _published_handle(language: str) -> Line2D:
    return Line2D([], [], linestyle="none", marker="D", markersize=7, markerfacecolor="white",
                  markeredgecolor=MUTED_TEXT_COLOR, markeredgewidth=1.6, label=label("published", language))


def _y_limits(ax, unit: str) -> None:
    lo, hi = ax.get_ylim()
    if unit == "procent":
        ax.set_ylim(0.0, min(100.0, hi * 1.02) if hi > 0 else 100.0)
    elif unit == "rapportcijfer":
        ax.set_ylim(max(1.0, lo), min(10.0, hi))
    else:
        ax.set_ylim(0, hi * 1.05 if hi > 0 else 1)


@_styled
def interval_chart(
    frame: pd.DataFrame,
    *,
    value: str,
    unit: str,
    title: str,
    group: str | None = "team",
    low: str | None = None,
    high: str | None = None,
    subtitle: str | None = None,
    published: Mapping[str, pd.DataFrame] | None = None,
    norm: float | None = None,
    language: str = DEFAULT_LANGUAGE,
    synthetic: bool = False,
    size: str | tuple[float, float] = "standard",
) -> Figure:
    """A line per group over the periods, with an optional interval band and published values.

    Parameters
    ----------
    frame : DataFrame
        ``period`` (one period type), the ``group`` column, ``value`` and
        optionally ``low`` / ``high``; ``source`` and ``published`` give the
        source line (see :func:`with_provenance`). Withheld values (NaN) leave gaps.
    value, unit, title : str
        The column drawn, its unit (key of :data:`analysis.indicators.UNITS`) and the title.
    group : str or None
        One line per value of this column; None for a single line.
    low, high : str, optional
        Columns of the interval drawn as a band.
    subtitle : str, optional
    published : mapping of group value -> observations, optional
        Published values drawn as open diamonds in the group's colour; their
        sources join the source line.
    norm : float, optional
        Drawn as a dotted horizontal line.
    language : {"nl", "en"}
    synthetic : bool
        Mark the chart *synthetisch* (also done when a source says so).
    size : str or (width, height)

    Returns
    -------
    Figure
    """
    check_language(language)
    if frame.empty:
        raise ValueError("interval_chart: nothing to draw")
    kind = single_period_type(frame, "interval_chart")
    fig, ax = new_figure(size)
    keys = list(dict.fromkeys(frame[group])) if group else [None]
    keys = sorted(keys, key=lambda k: list(TEAM_COLORS).index(k) if k in TEAM_COLORS else len(TEAM_COLORS))
    palette = [FOCUS_COLOR, *COMPARISON_COLORS]
    colors = {k: TEAM_COLORS.get(k, palette[i % len(palette)]) for i, k in enumerate(keys)}
    any_published = False
    periods = list(frame["period"].astype(str))
    for key in keys:
        data = frame if key is None else frame[frame[group] == key]
        name = _group_name(key, language) if key is not None else title
        _draw_intervals(ax, data, value=value, low=low, high=high, color=colors[key], name=name)
        pub = (published or {}).get(key)
        if pub is not None and len(pub):
            pub = pub[pub["period"].astype(str).map(period_type_of) == kind]
            any_published |= _draw_published(ax, pub, colors[key])
            periods += list(pub["period"].astype(str))
    if norm is not None:
        ax.axhline(norm, color=NORM_COLOR, linestyle=":", linewidth=1.4, zorder=1.8,
                   label=f"{label('norm', language)}: {format_number(norm, 0, language)}")
    _set_period_ticks(ax, periods, language, 12, januaries=True)
    _y_limits(ax, unit)
    format_axis(ax, "y", language)
    ax.set_ylabel(unit_axis_label(unit, language))
    handles, _ = ax.get_legend_handles_labels()
    if any_published:
        handles.append(_published_handle(language))
    if len(handles) > 1 or any_published:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    _titles(fig, ax, title, subtitle)
    pubs = [p for p in (published or {}).values() if p is not None]
    return _finish(fig, _sources_frame(frame, *pubs), language, synthetic)


@_styled
def marks_chart(
    marks: pd.DataFrame,
    *,
    published: Mapping[str, pd.DataFrame] | None = None,
    measures: Sequence[str] = MEASURES,
    title: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    synthetic: bool = False,
) -> Figure:
    """The four marks over time, one panel each, a line per team with its 95 % band.

    Parameters
    ----------
    marks : DataFrame
        Long format as :func:`analysis.register.survey_marks` returns
        (``period``, ``team``, ``measure``, ``mean``, ``ci_low``, ``ci_high``),
        one period type, with ``source`` / ``published`` for the source line.
    published : mapping of team -> observations, optional
        Published overall marks (``rapportcijfer``), drawn as open diamonds.
    measures : sequence of str
    title : str, optional
    language : {"nl", "en"}
    synthetic : bool

    Returns
    -------
    Figure
        Panels share the value axis, so they compare honestly.
    """
    check_language(language)
    fig, axes = new_figure((10.0, 6.4), nrows=2, ncols=2, sharex=True, sharey=True, squeeze=False)
    teams = [t for t in TEAM_COLORS if t in set(marks["team"])]
    periods = list(marks["period"].astype(str))
    any_published = False
    for ax, measure in zip(axes.ravel(), measures, strict=False):
        data = marks[marks["measure"] == measure]
        for team in teams:
            _draw_intervals(ax, data[data["team"] == team], value="mean", low="ci_low", high="ci_high",
                            color=TEAM_COLORS[team], name=label(team, language))
            if measure == "rapportcijfer" and published and published.get(team) is not None:
                pub = published[team]
                pub = pub[pub["period_type"] == period_type_of(periods[0])] if len(pub) else pub
                any_published |= _draw_published(ax, pub, TEAM_COLORS[team])
                periods += list(pub["period"].astype(str))
        ax.set_title(label(f"mark_{measure}", language), loc="left", fontsize=10.5)
        format_axis(ax, "y", language)
    for ax in axes.ravel():
        _set_period_ticks(ax, periods, language, 12, januaries=True)
    lo = np.nanmin(pd.to_numeric(marks["ci_low"], errors="coerce").to_numpy(dtype=float), initial=10.0)
    hi = np.nanmax(pd.to_numeric(marks["ci_high"], errors="coerce").to_numpy(dtype=float), initial=1.0)
    axes[0, 0].set_ylim(max(1.0, math.floor(lo * 2) / 2 - 0.5), min(10.0, math.ceil(hi * 2) / 2 + 0.5))
    for ax in axes[:, 0]:
        ax.set_ylabel(unit_axis_label("rapportcijfer", language))
    handles = [Line2D([], [], color=TEAM_COLORS[t], marker="o", linewidth=2.0, label=label(t, language))
               for t in teams]
    if any_published:
        handles.append(_published_handle(language))
    fig.legend(handles=handles, loc="outside upper right", ncols=len(handles))
    _titles(fig, None, title or label("marks_title", language), label("marks_subtitle", language))
    pubs = [p for p in (published or {}).values() if p is not None]
    return _finish(fig, _sources_frame(marks, *pubs), language, synthetic)


@_styled
def group_interval_chart(
    frame: pd.DataFrame,
    *,
    group: str = "wijk_code",
    value: str = "mean",
    low: str = "ci_low",
    high: str = "ci_high",
    unit: str = "rapportcijfer",
    reference: float | None = None,
    highlight: str | None = None,
    title: str,
    subtitle: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    synthetic: bool = False,
) -> Figure:
    """One row per group (say per wijk): the value with its interval; withheld rows say ``x``.

    Parameters
    ----------
    frame : DataFrame
        One row per group (one period, one team, one measure), with ``value``,
        ``low``, ``high`` and optionally ``display`` (from :func:`protect_summary`).
    group : str
        The column naming the groups (wijk codes are shown by name).
    reference : float, optional
        Drawn as a dashed vertical line (the city's value); default
        ``frame.attrs["reference"]`` (see :func:`wijk_comparison`).
    highlight : str, optional
        A group drawn in the focus colour (the chosen wijk).
    title, subtitle : str

    Returns
    -------
    Figure
    """
    check_language(language)
    if reference is None:
        reference = frame.attrs.get("reference")
    data = frame.reset_index(drop=True)
    order = data[value].fillna(-np.inf).sort_values(kind="stable").index
    data = data.loc[order].reset_index(drop=True)
    n = len(data)
    fig, ax = new_figure((8.0, min(8.0, 1.6 + 0.36 * n)))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    resolver = RegionResolver()
    names = [_group_name(g, language, resolver) for g in data[group]]
    y = np.arange(n)
    vals = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=float)
    lo = pd.to_numeric(data[low], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(data[high], errors="coerce").to_numpy(dtype=float)
    colors = [FOCUS_COLOR if str(g) == str(highlight) else OTHER_BAR_COLOR if highlight else FOCUS_COLOR
              for g in data[group]]
    for i in range(n):
        if np.isnan(vals[i]):
            continue
        ax.plot([lo[i], hi[i]], [y[i], y[i]], color=colors[i], linewidth=2.2, solid_capstyle="butt")
        ax.plot(vals[i], y[i], "o", color=colors[i], markersize=6.5)
    finite = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)], vals[np.isfinite(vals)]])
    if reference is not None:
        finite = np.append(finite, reference)
        ax.axvline(reference, color=BREAK_COLOR, linestyle="--", linewidth=1.2)
        city = f"- - {label('municipality', language).lower()}: {format_number(reference, 1, language)}"
        subtitle = f"{subtitle}; {city}" if subtitle else city
    left = float(np.min(finite)) if finite.size else 1.0
    right = float(np.max(finite)) if finite.size else 10.0
    span = max(right - left, 0.5)
    ax.set_xlim(left - 0.08 * span, right + 0.08 * span)
    display = data["display"] if "display" in data.columns else pd.Series(pd.NA, index=data.index)
    for i in range(n):
        if np.isnan(vals[i]):
            shown = display.iloc[i]
            ax.annotate(str(shown) if not pd.isna(shown) else MISSING, xy=(left, y[i]), xytext=(0, 0),
                        textcoords="offset points", va="center", ha="left", fontsize=10, color=MUTED_TEXT_COLOR)
    ax.set_yticks(y, names)
    ax.tick_params(axis="y", length=0)
    format_axis(ax, "x", language)
    ax.set_xlabel(unit_axis_label(unit, language))
    _titles(fig, ax, title, subtitle)
    return _finish(fig, _sources_frame(data), language, synthetic)


def latest_period(frame: pd.DataFrame, column: str = "n") -> str | None:
    """The latest period of ``frame`` with a positive ``column`` (say responses), or None."""
    rows = frame[pd.to_numeric(frame[column], errors="coerce").fillna(0) > 0]
    if rows.empty:
        return None
    return max(rows["period"].astype(str).unique(), key=period_sort_key)


__all__ = [
    "MEASURES",
    "MIN_RESPONSES",
    "TEAM_COLORS",
    "beside_published",
    "compare_groups",
    "compare_shares",
    "describe_tests",
    "group_interval_chart",
    "group_tests",
    "interval_chart",
    "latest_period",
    "mark_summary",
    "period_tests",
    "marks_chart",
    "protect_summary",
    "published_table",
    "responses",
    "share_summary",
    "summary_table",
    "tests_report",
    "tests_table",
    "wijk_comparison",
    "with_provenance",
]
