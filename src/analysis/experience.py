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
from scipy import stats

from . import disclosure, markup
from .labels import (
    MISSING,
    format_number,
    label,
    resolve_language,
)
from .periods import STATUS_SUPPRESSED, date_bound, period_sort_key
from .regions import RegionResolver
from .register import MARKS, Register, case_level, check_freq

MIN_RESPONSES = disclosure.DEFAULT_THRESHOLD
"""Groups with fewer responses are withheld (wijk level) and left out of tests."""

#: The marks in reading order: the three aspects, then the overall mark.
MEASURES: tuple[str, ...] = tuple(
    m for m in ("toegankelijkheid", "kwaliteit", "effect", "rapportcijfer") if m in MARKS
)

#: The two buurtteam organisations, in reading order (their colours: :data:`analysis.plotting.TEAM_COLORS`).
TEAMS: tuple[str, ...] = ("sociaal", "jeugd_en_gezin")

# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


def responses(
    surveys: pd.DataFrame,
    cases: pd.DataFrame,
    *,
    freq: str = "year",
    wijk: str | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
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
    region = (
        work[region_col].astype(str)
        if region_col in work.columns
        else pd.Series("GM0000", index=work.index)
    )
    probe = pd.DataFrame(
        {
            "region_code": region,
            "unit": "rapportcijfer",  # any unit that is not a count: rule 2 applies
            "value": pd.to_numeric(work[value_cols[0]], errors="coerce"),
            "n": pd.to_numeric(work[base_col], errors="coerce"),
        }
    )
    checked = disclosure.suppress_small_counts(
        probe, base_col="n", threshold=threshold, secondary=False
    )
    withheld = checked["status"].eq(STATUS_SUPPRESSED).to_numpy()
    for col in [*value_cols, base_col]:
        work[col] = pd.to_numeric(work[col], errors="coerce").astype(float)
        work.loc[withheld, col] = np.nan
    work["status"] = np.where(withheld, STATUS_SUPPRESSED, None)
    work["display"] = checked["display"].to_numpy()
    work.index = frame.index
    return work


def shown_summary(
    summary: pd.DataFrame,
    value_cols: Sequence[str],
    register: Register,
    *,
    wijk: str | None = None,
    threshold: int = MIN_RESPONSES,
) -> pd.DataFrame:
    """A register summary made fit to show: disclosure-controlled, one wijk or the municipality, with provenance.

    Parameters
    ----------
    summary : DataFrame
        Per period and team (and ``wijk_code`` when ``wijk`` is given), with a count ``n``.
    value_cols : sequence of str
        The columns :func:`protect_summary` withholds where ``n`` is below ``threshold``.
    register : Register
        Its provenance goes on the rows (:func:`with_provenance`).
    wijk : str, optional
        Keep only this wijk's rows (and drop ``wijk_code``); None for a summary of the municipality.
    threshold : int, default :data:`MIN_RESPONSES`

    Returns
    -------
    DataFrame
        ``summary`` with ``status``, ``display``, ``source`` and ``published``, index reset.
    """
    summary = protect_summary(summary, value_cols, threshold=threshold)
    if wijk is not None:
        summary = summary[summary["wijk_code"] == wijk].drop(columns="wijk_code")
    return with_provenance(summary.reset_index(drop=True), register)


def mark_summary(
    surveys: pd.DataFrame,
    cases: pd.DataFrame,
    register: Register,
    *,
    wijk: str | None = None,
    measures: Sequence[str] = MEASURES,
    freq: str = "year",
    start=None,
    end=None,
    threshold: int = MIN_RESPONSES,
) -> pd.DataFrame:
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
    from .register import derived, survey_marks

    by = ["team", "wijk_code"] if wijk is not None else ["team"]
    kw = {"freq": freq, "by": by, "measures": measures, "start": start, "end": end}
    marks = derived(
        register,
        "analysis.register.survey_marks",
        lambda: survey_marks(surveys, cases, **kw),
        frames=(surveys, cases),
        **kw,
    )
    return shown_summary(
        marks, ["mean", "sd", "ci_low", "ci_high"], register, wijk=wijk, threshold=threshold
    )


def share_summary(
    surveys: pd.DataFrame,
    cases: pd.DataFrame,
    register: Register,
    *,
    wijk: str | None = None,
    freq: str = "year",
    start=None,
    end=None,
    threshold: int = MIN_RESPONSES,
) -> pd.DataFrame:
    """Share continuing without help per team and period with a 95 % Wilson interval, disclosure-controlled.

    :func:`analysis.register.without_help_share`, then :func:`protect_summary`
    and the rows of ``wijk`` (or the municipality), as in :func:`mark_summary`.

    Returns
    -------
    DataFrame
        ``period``, ``team``, ``n``, ``n_yes``, ``pct``, ``ci_low``, ``ci_high``,
        ``status``, ``display``, ``source``, ``published``.
    """
    from .register import derived, without_help_share

    by = ["team", "wijk_code"] if wijk is not None else ["team"]
    kw = {"freq": freq, "by": by, "start": start, "end": end}
    share = derived(
        register,
        "analysis.register.without_help_share",
        lambda: without_help_share(surveys, cases, **kw),
        frames=(surveys, cases),
        **kw,
    )
    return shown_summary(
        share, ["n_yes", "pct", "ci_low", "ci_high"], register, wijk=wijk, threshold=threshold
    )


def wijk_comparison(
    surveys: pd.DataFrame,
    cases: pd.DataFrame,
    register: Register,
    *,
    team: str,
    period: str | None,
    measure: str = "rapportcijfer",
    threshold: int = MIN_RESPONSES,
) -> pd.DataFrame:
    """One team's mark per wijk in one period, with 95 % intervals, disclosure-controlled.

    Returns
    -------
    DataFrame
        One row per wijk: ``wijk_code``, ``n``, ``mean``, ``ci_low``,
        ``ci_high``, ``status``, ``display``, ``source``, ``published``.
        ``attrs["reference"]`` holds the municipality's mean for the team and
        period (drawn as a reference line by :func:`group_interval_chart`).
    """
    from .register import derived
    from .register import survey_marks as compute

    def survey_marks(surveys, cases, **kw):  # once per register version (analysis.register.memo)
        return derived(
            register,
            "analysis.register.survey_marks",
            lambda: compute(surveys, cases, **kw),
            frames=(surveys, cases),
            **kw,
        )

    if period is None:  # no period with responses in the selection
        out = pd.DataFrame(
            columns=[
                "wijk_code",
                "n",
                "mean",
                "sd",
                "ci_low",
                "ci_high",
                "status",
                "display",
                "source",
                "published",
            ]
        )
        out.attrs["reference"] = None
        return out
    marks = survey_marks(
        surveys, cases, by=["team", "wijk_code"], measures=[measure], start=period, end=period
    )
    marks = marks[(marks["team"] == team) & (marks["period"] == period)]
    marks = protect_summary(marks, ["mean", "sd", "ci_low", "ci_high"], threshold=threshold)
    out = with_provenance(marks.drop(columns=["team", "measure"]).reset_index(drop=True), register)
    city = survey_marks(surveys, cases, by=["team"], measures=[measure], start=period, end=period)
    city = city[(city["team"] == team) & (city["period"] == period)]
    out.attrs["reference"] = (
        float(city["mean"].iloc[0]) if len(city) and city["n"].iloc[0] > 0 else None
    )
    return out


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
    reg = reg.assign(
        register=pd.to_numeric(reg["register"], errors="coerce").round(decimals),
        period=reg["period"].astype(object),
    )  # an empty selection has a float period column
    pub = published[["period", "value", "published", "source"]].rename(
        columns={"value": "published_value", "published": "publication"}
    )
    pub = pub.assign(
        published_value=pd.to_numeric(pub["published_value"], errors="coerce").astype(float),
        period=pub["period"].astype(object),
    )
    out = reg.merge(pub, on="period", how="outer")
    out["difference"] = (out["register"] - out["published_value"]).round(decimals)
    out = out[["period", "register", "published_value", "difference", "publication", "source"]]
    order = sorted(
        range(len(out)),
        key=lambda i: (
            period_sort_key(str(out["period"].iloc[i])),
            str(out["publication"].iloc[i]),
        ),
    )
    return out.iloc[order].reset_index(drop=True)


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
    base = {
        "test": test,
        "measure": measure,
        "statistic": np.nan,
        "df1": np.nan,
        "df2": np.nan,
        "p_value": np.nan,
        "effect_size": np.nan,
        "effect_measure": None,
        "n": 0,
        "groups": 0,
        "left_out": (),
    }
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
    result = _result(
        method,
        value,
        n=n,
        groups=len(parts),
        left_out=tuple(left_out),
        effect_measure="eta2" if method == "welch" else "epsilon2",
    )
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
        result.update(
            statistic=float(res.statistic),
            df1=float(res.df_num),
            df2=float(res.df_denom),
            p_value=float(res.pvalue),
            effect_size=ss_between / ss_total if ss_total > 0 else np.nan,
        )
    else:
        if np.unique(np.concatenate(samples)).size < 2:
            return result
        h, p = stats.kruskal(*samples)
        result.update(
            statistic=float(h),
            df1=float(len(samples) - 1),
            p_value=float(p),
            effect_size=float(h) / (n - 1) if n > 1 else np.nan,
        )
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
    parts, left_out, n = _split(
        data.assign(**{value: data[value].astype(float)}), value, group, min_n
    )
    result = _result(
        "chi2", value, n=n, groups=len(parts), left_out=tuple(left_out), effect_measure="cramers_v"
    )
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
    from .stats import holm

    per = list(per)
    rows = []
    chunks = values.groupby(per, sort=True) if per else [((), values)]
    for key, chunk in chunks:
        key = key if isinstance(key, tuple) else (key,)
        where = dict(zip(per, key, strict=True))
        for measure in measures:
            for method in methods:
                rows.append(
                    {
                        **where,
                        **compare_groups(
                            chunk, value=measure, group=group, method=method, min_n=min_n
                        ),
                    }
                )
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
            out.loc[p[ok].index, "p_holm"] = holm(p[ok].to_numpy())
    out["significant"] = out["p_holm"] < alpha
    out["min_n"] = int(min_n)
    return out[_test_columns(per)]


def _test_columns(per: Sequence[str]) -> list[str]:
    """The columns of :func:`group_tests`, in order, after the ``per`` columns."""
    return [
        *per,
        "test",
        "measure",
        "statistic",
        "df1",
        "df2",
        "p_value",
        "p_holm",
        "effect_size",
        "effect_measure",
        "n",
        "groups",
        "left_out",
        "min_n",
        "significant",
    ]


def period_tests(
    surveys: pd.DataFrame,
    cases: pd.DataFrame,
    *,
    period: str | None,
    group: str,
    per: Sequence[str] = ("team",),
    wijk: str | None = None,
) -> pd.DataFrame:
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


TEST_SYMBOLS = {"welch": "F", "kruskal": "H", "chi2": "χ²"}
EFFECT_SYMBOLS = {"eta2": "η²", "epsilon2": "ε²", "cramers_v": "V"}


def p_text(p: float, language: str | None = None) -> str:
    """A p-value for readers: three decimals, ``< 0,001`` below that, ``–`` when missing.

    The space after ``<`` does not break: a narrow table column wraps the value whole.
    """
    language = resolve_language(language)
    if pd.isna(p):
        return MISSING
    if p < 0.001:
        return "<\u00a0" + format_number(0.001, 3, language)
    return format_number(p, 3, language)


def _p_is(p: float, language: str) -> str:
    """``= 0,472`` or ``< 0,001``: the p-value with its relation sign, joined by a no-break space."""
    text = p_text(p, language)
    return text if text.startswith("<") else f"=\u00a0{text}"


def measure_label(measure: str, language: str | None = None) -> str:
    """The reader's name of a measure of the survey (a mark, or *verder zonder hulp*)."""
    language = resolve_language(language)
    if measure in MEASURES:
        return label(f"mark_{measure}", language)
    if measure == "verder_zonder_hulp":
        return label("without_help_title", language)
    return measure


def group_name(value, language: str | None = None, resolver: RegionResolver | None = None) -> str:
    """The reader's name of a group value: a team, a waiting-time group, or a region (by name, not code)."""
    language = resolve_language(language)
    text = str(value)
    if text in TEAMS or text in ("all_cases", "urgent", "not_urgent"):
        return label(text, language)
    if text.startswith(("WK", "BU", "GM")):
        resolver = resolver or RegionResolver()
        return resolver.name_of(text) or text
    return text


def df_text(r: Mapping, language: str | None = None) -> str:
    """The degrees of freedom of a test row: ``'9'`` or ``'9; 498,2'`` (Welch)."""
    language = resolve_language(language)
    df = format_number(r["df1"], 0, language)
    if not pd.isna(r["df2"]):
        df += f"; {format_number(r['df2'], 1, language)}"
    return df


def left_out_text(
    r: Mapping,
    language: str | None = None,
    resolver: RegionResolver | None = None,
    *,
    markdown: bool = False,
) -> str:
    """'; ... left out (fewer than n responses): ...' for a test row, or ''; names escaped for Markdown if asked."""
    language = resolve_language(language)
    resolver = resolver or RegionResolver()
    if not r["left_out"]:
        return ""
    show = markup.markdown_text if markdown else str
    names = ", ".join(show(group_name(g, language, resolver)) for g in r["left_out"])
    return "; " + label("groups_left_out", language).format(
        n=r.get("min_n", MIN_RESPONSES), groups=names
    )


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
        who = measure_label(r["measure"], language)
        if "team" in r:
            who += f", {label(r['team'], language)}"
        left_out = left_out_text(r, language, resolver, markdown=True)
        if pd.isna(r["p_value"]):
            lines.append(f"- {who}: {label('too_few_groups', language)}{left_out}.")
            continue
        verdict = label("significant" if r["significant"] else "not_significant", language)
        detail = (
            f"{label('test_' + r['test'], language)}: {TEST_SYMBOLS[r['test']]} = "
            f"{format_number(r['statistic'], 2, language)}; {label('df', language)} {df_text(r, language)}; "
            # no-break spaces: a narrow column never leaves "p (Holm)" and its value on two lines
            f"p\u00a0{_p_is(r['p_value'], language)}; "
            f"{label('p_holm', language).replace(' ', chr(0xA0))}\u00a0"
            f"{_p_is(r['p_holm'], language)}; {EFFECT_SYMBOLS[r['effect_measure']]} = "
            f"{format_number(r['effect_size'], 3, language)}"
        )
        lines.append(f"- {who}: **{verdict}** {label(between, language)} ({detail}){left_out}.")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------


def latest_period(frame: pd.DataFrame, column: str = "n") -> str | None:
    """The latest period of ``frame`` with a positive ``column`` (say responses), or None."""
    rows = frame[pd.to_numeric(frame[column], errors="coerce").fillna(0) > 0]
    if rows.empty:
        return None
    return max(rows["period"].astype(str).unique(), key=period_sort_key)


__all__ = [
    "MEASURES",
    "MIN_RESPONSES",
    "EFFECT_SYMBOLS",
    "TEAMS",
    "TEST_SYMBOLS",
    "df_text",
    "group_name",
    "left_out_text",
    "measure_label",
    "p_text",
    "beside_published",
    "compare_groups",
    "compare_shares",
    "describe_tests",
    "group_tests",
    "latest_period",
    "mark_summary",
    "period_tests",
    "protect_summary",
    "responses",
    "share_summary",
    "shown_summary",
    "wijk_comparison",
    "with_provenance",
]
