"""Trends and forecasts of the key series (notebook ``05_trends_prognoses``).

The forecasting itself lives in :mod:`analysis.forecast`; this module decides,
for one indicator in one region, *what* to forecast and *how to say it*:

* which period type to use (half-years where the region has enough of them,
  otherwise years; never both in one series, :func:`choose_period_type`);
* which regions to pool: with a CBS cache, every municipality the cache holds
  (:func:`panel_regions`), so the default ``pooled`` method can borrow strength
  across hundreds of series; a single series (a province, Nederland, the case
  register or the published figures) gets the automatic per-series choice;
* for youth care, the leading stock (running trajectories on the last day of
  each period, :data:`analysis.forecast.LEADING`) where the source holds it;
* the forecast of the focus region with its 80 % and 95 % intervals, the
  breaks that were respected, and the rolling-origin backtest of the same
  method beside the naive benchmark (:func:`outlook`);
* a chart (:func:`outlook_chart`), a note on method and accuracy
  (:func:`method_note`), and a table of backtest figures (:func:`backtest_table`).

All functions are pure: DataFrames in, new objects out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import datacache
from .disclosure import source_kind
from .errors import InputError
from .forecast import (
    FORECAST_COLUMNS,
    HORIZON_METHODS,
    LEADING,
    METHODS,
    ForecastInputError,
    backtest,
    forecast_panel,
    min_calibration_errors,
)
from .labels import (
    format_number,
    indicator_label,
    join_words,
    label,
    period_label,
    resolve_language,
    vintage_text,
)
from .periods import period_end, period_order, period_sort_key
from .published import one_per_period
from .sources import cbs_vintage

#: CBS series of the notebook: youth care, youth protection and Wmo clients, as rates.
CBS_SERIES: tuple[str, ...] = ("jeugdhulp_pct", "jeugdbescherming_pct", "wmo_clienten_per_1000")

#: The leading stock of each CBS series that has one (:data:`analysis.forecast.LEADING`).
CBS_LEADING: dict[str, str] = {ind: LEADING[ind] for ind in CBS_SERIES if ind in LEADING}

#: Series from the case register (yearly): new cases and mean waiting time of Buurtteam Sociaal.
REGISTER_SERIES: tuple[str, ...] = (
    "buurtteam_sociaal_nieuwe_casussen",
    "buurtteam_sociaal_wachttijd",
)

#: Observations a series needs to be forecast at all.
MIN_POINTS = 5

#: Half-year values a region needs before half-years are preferred over years.
MIN_HALFYEARS = 8

#: Series in a panel below which the per-series automatic choice replaces pooling.
MIN_PANEL = 10

#: Rolling origins of the backtest (fewer where the series is short).
ORIGINS = 4

#: Calibration origins of the conformal intervals of a series forecast on its own (below
#: :data:`MIN_PANEL`): every earlier origin, since its own errors are all it has; the
#: panel default of 4 origins leaves a single series 4 errors at horizon 1 and 3 at
#: horizon 2, too few for an 80 % interval there (:func:`analysis.forecast.min_calibration_errors`).
SERIES_CALIBRATION_ORIGINS = 100


@dataclass(frozen=True)
class Outlook:
    """The forecast of one indicator in one region, and how good such forecasts were.

    Attributes
    ----------
    indicator, region, period_type : str
    history : DataFrame
        Observations of the region (all periods of ``period_type``, including
        those before a break, which the chart marks).
    forecasts : DataFrame
        The region's rows of :data:`analysis.forecast.FORECAST_COLUMNS`;
        empty when no forecast was made (see ``reason``).
    method : str
        Method asked of :func:`analysis.forecast.forecast_panel`.
    chosen : str
        Method used for the region (differs from ``method`` for ``auto``).
    panel_size : int
        Series forecast together (1 for a single series).
    first_period : str or None
        First period the model used (later than the history's first after a
        ``start`` break).
    breaks : tuple of (str, str)
        Breaks the forecast applied: (first period of the new regime,
        ``"start"`` or ``"level"``), see :class:`analysis.forecast.Break`.
    backtest : DataFrame
        Per horizon: ``mase``, ``coverage80``, ``coverage95``, ``n`` of the
        method shown over the panel, ``naive_mase`` of the naive benchmark on
        the same origins, ``model_mase`` of the model the backtest weighed
        (``pooled`` or ``auto``; equal to ``mase`` unless naive is shown) and
        ``region_mase`` for the focus region (NaN where it is not applicable:
        a zero MASE scale, or a series that did not move over the backtest).
    origins : int
        Rolling origins of the backtest (0: no backtest).
    reason : str or None
        Why there is no forecast or no backtest, in the notebook's language.
    synthetic : bool
        Whether the history comes from the synthetic register.
    leading : str or None
        The leading indicator the forecast and its backtest used, if any.
    rejected : str or None
        The model (``pooled`` or ``auto``) the backtest did not support: its
        MASE, averaged over the horizons, was above naive's, so naive is
        shown (``method`` and ``chosen`` are then ``naive``).
    provisional : str or None
        The period of the last observed value when its status is provisional
        (voorlopig, nader voorlopig): the forecast starts from it.
    """

    indicator: str
    region: str
    period_type: str | None
    history: pd.DataFrame
    forecasts: pd.DataFrame
    method: str
    chosen: str
    panel_size: int
    first_period: str | None
    breaks: tuple
    backtest: pd.DataFrame
    origins: int
    reason: str | None = None
    synthetic: bool = False
    leading: str | None = None
    rejected: str | None = None
    provisional: str | None = None

    @property
    def has_forecast(self) -> bool:
        return not self.forecasts.empty

    @classmethod
    def without_forecast(
        cls,
        indicator: str,
        region: str,
        period_type: str | None,
        history: pd.DataFrame,
        backtest: pd.DataFrame,
        reason: str,
        synthetic: bool,
        *,
        method: str = "",
        panel_size: int = 0,
    ) -> Outlook:
        """An outlook that has no forecast (and no backtest), saying why.

        Parameters
        ----------
        indicator, region : str
        period_type : str or None
            None when no period type has enough points.
        history : DataFrame
            The region's observations (may be empty).
        backtest : DataFrame
            An empty backtest table (its columns, no rows).
        reason : str
            Why there is no forecast, in the notebook's language.
        synthetic : bool
        method : str, default ""
            The method asked, when a forecast was tried.
        panel_size : int, default 0
            The series a tried forecast pooled.

        Returns
        -------
        Outlook
            With no forecast rows, no chosen method, no breaks and 0 backtest origins.
        """
        return cls(
            indicator,
            region,
            period_type,
            history,
            _no_forecast(),
            method,
            "",
            panel_size,
            None,
            (),
            backtest,
            0,
            reason,
            synthetic,
        )


def panel_regions(indicator: str, region: str, cache_dir: str | Path | None) -> list[str]:
    """The regions to load for a forecast of ``region``: it, and the municipalities to pool.

    Parameters
    ----------
    indicator : str
    region : str
        The focus region.
    cache_dir : path or None
        The CBS cache of the session (None: no cache).

    Returns
    -------
    list of str
        ``[region]`` without a cache, for a region that is not a municipality
        or when the cache lacks the indicator; otherwise ``region`` and every
        municipality the cache holds in the indicator's latest period.
    """
    if cache_dir is None or not region.startswith("GM"):
        return [region]
    from .cbs import cached_municipalities

    try:
        municipalities = cached_municipalities(indicator, cache_dir)
    except InputError:
        return [region]
    return [region, *sorted(set(municipalities) - {region})]


def _values(obs: pd.DataFrame, region: str, period_type: str) -> pd.DataFrame:
    sel = (
        (obs["region_code"] == region) & (obs["period_type"] == period_type) & obs["value"].notna()
    )
    return obs[sel]


def register_series(
    register, *, wijk: str | None = None, indicators: Sequence[str] = REGISTER_SERIES
) -> pd.DataFrame:
    """The register's yearly key series, for the city or one wijk, disclosure-controlled.

    Parameters
    ----------
    register : analysis.register.Register
    wijk : str, optional
        A wijk code (``WK034403``); default the whole municipality.
    indicators : sequence of str
        Register indicators (default :data:`REGISTER_SERIES`).

    Returns
    -------
    DataFrame
        Observations; at wijk level counts below the threshold of
        :mod:`analysis.disclosure` are suppressed (status ``suppressed``),
        and :func:`outlook` does not forecast such a series.
    """
    from .disclosure import apply_disclosure_control
    from .register import register_observations
    from .register.memo import derived

    obs = derived(
        register,
        "analysis.register.register_observations",
        lambda: register_observations(register, by_wijk=wijk is not None),
        by_wijk=wijk is not None,
    )
    obs = obs[obs["indicator"].isin(list(indicators))]
    if wijk is not None:
        obs = obs[obs["region_code"] == wijk]
    return apply_disclosure_control(obs.reset_index(drop=True))


def choose_period_type(
    obs: pd.DataFrame,
    region: str,
    *,
    min_halfyears: int = MIN_HALFYEARS,
    min_points: int = MIN_POINTS,
) -> str | None:
    """Half-years where the region has enough of them, else years, else None.

    Parameters
    ----------
    obs : DataFrame
        Observations of one indicator.
    region : str
    min_halfyears, min_points : int
        Values needed for half-years and for years.

    Returns
    -------
    str or None
        ``"halfyear"``, ``"year"`` or None (too few values of either).
    """
    if len(_values(obs, region, "halfyear")) >= min_halfyears:
        return "halfyear"
    for kind in ("year", "halfyear"):
        if len(_values(obs, region, kind)) >= min_points:
            return kind
    return None


def _history(obs: pd.DataFrame, region: str, period_type: str) -> pd.DataFrame:
    rows = obs[(obs["region_code"] == region) & (obs["period_type"] == period_type)]
    return rows.iloc[period_order(rows["period"])].reset_index(drop=True)


def _panel(obs: pd.DataFrame, region: str, period_type: str) -> pd.DataFrame:
    kind = obs[(obs["period_type"] == period_type) & obs["value"].notna()]
    if region.startswith("GM"):
        kind = kind[kind["region_code"].str.startswith("GM")]
    else:
        kind = kind[kind["region_code"] == region]
    return kind.reset_index(drop=True)


def _backtest_origins(panel: pd.DataFrame, region: str, wanted: int) -> int:
    own = panel[panel["region_code"] == region]
    return int(max(0, min(wanted, own["period"].nunique() - MIN_POINTS)))


def outlook(
    obs: pd.DataFrame,
    region: str,
    *,
    horizon: int = 2,
    indicator: str | None = None,
    period_type: str | None = None,
    origins: int = ORIGINS,
    language: str | None = None,
    leading: pd.DataFrame | None = None,
) -> Outlook:
    """Forecast one indicator for one region and backtest the method.

    Parameters
    ----------
    obs : DataFrame
        Observations of one indicator: the region and, for pooling, other
        municipalities (see :func:`panel_regions`). Several vintages of a
        period are reduced to the latest (:func:`analysis.published.one_per_period`).
    region : str
        The focus region.
    horizon : int, default 2
        Periods ahead.
    indicator : str, optional
        Default: the single indicator of ``obs``.
    period_type : {"halfyear", "year"}, optional
        Default: :func:`choose_period_type`.
    origins : int, default 4
        Rolling origins of the backtest, reduced for short series.
    language : {"nl", "en"}
        Language of ``reason``.
    leading : DataFrame, optional
        Observations of the indicator's leading stock (:data:`analysis.forecast.LEADING`,
        reference dates or the same periods) for the pooled regions; used by
        the pooled method and its backtest, ignored for a single series.

    Returns
    -------
    Outlook
        With an empty forecast and a ``reason`` when the series is too short.

    Raises
    ------
    ValueError
        For several indicators in ``obs`` or a horizon below 1.

    Notes
    -----
    The result is remembered in the process (:mod:`analysis.datacache`),
    keyed by the content of ``obs`` and ``leading``
    (:func:`analysis.datacache.frame_digest`) and the other arguments, and
    returned as a copy: the reports of a wijk batch share the city's CBS
    forecasts and their backtests.
    """
    language = resolve_language(language)
    args = {
        "horizon": horizon,
        "indicator": indicator,
        "period_type": period_type,
        "origins": origins,
        "language": language,
    }
    try:
        key = (
            "analysis.trends.outlook",
            region,
            datacache.frame_digest(obs),
            datacache.frame_digest(leading),
            tuple(sorted(args.items())),
        )
        hash(key)
    except TypeError:  # unhashable cells or arguments: computed every time
        return _outlook(obs, region, leading=leading, **args)
    return datacache.load(key, (), lambda: _outlook(obs, region, leading=leading, **args))


def _outlook(
    obs: pd.DataFrame,
    region: str,
    *,
    horizon: int,
    indicator: str | None,
    period_type: str | None,
    origins: int,
    language: str,
    leading: pd.DataFrame | None,
) -> Outlook:
    """:func:`outlook`, computed."""
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1, not {horizon}")
    indicators = list(obs["indicator"].unique()) if len(obs) else [indicator]
    if (
        len(indicators) != 1
        or indicators[0] is None
        or (indicator is not None and indicators[0] != indicator)
    ):
        raise ValueError(
            f"outlook: give observations of one indicator (or name it for an empty frame), "
            f"got {', '.join(map(str, indicators))}"
        )
    indicator = str(indicators[0])
    obs = one_per_period(obs)
    synthetic = bool(len(obs)) and bool((obs["source"].map(source_kind) == "synthetic").any())
    kind = period_type or choose_period_type(obs, region)
    empty_bt = pd.DataFrame(
        columns=[
            "horizon",
            "mase",
            "coverage80",
            "coverage95",
            "n",
            "naive_mase",
            "model_mase",
            "region_mase",
        ]
    )
    if kind is None:
        reason = label("trend_too_short", language).format(n=MIN_POINTS)
        return Outlook.without_forecast(
            indicator, region, None, obs.iloc[0:0], empty_bt, reason, synthetic
        )
    history = _history(obs, region, kind)
    if (history["status"] == "suppressed").any():
        return Outlook.without_forecast(
            indicator,
            region,
            kind,
            history,
            empty_bt,
            label("trend_suppressed", language),
            synthetic,
        )
    panel = _panel(obs, region, kind)
    n_series = panel["region_code"].nunique()
    method = "pooled" if n_series >= MIN_PANEL else "auto"
    lead = _leading(leading, panel) if method == "pooled" else None
    options = {} if lead is None else {"leading": lead}
    # forecasts that calibrate on the series' own errors use all of them
    naive_options = (
        {} if method == "pooled" else {"calibration_origins": SERIES_CALIBRATION_ORIGINS}
    )
    try:
        result = forecast_panel(panel, horizon, method=method, indicator=indicator, **options)
    except ForecastInputError as exc:
        return Outlook.without_forecast(
            indicator,
            region,
            kind,
            history,
            empty_bt,
            exc.message,
            synthetic,
            method=method,
            panel_size=n_series,
        )
    summary = result.summary[result.summary["region_code"] == region]
    row = summary.iloc[0] if len(summary) else None
    forecasts = result.forecasts[result.forecasts["region_code"] == region].reset_index(drop=True)
    reason = None
    if forecasts.empty:
        last = max(panel["period"].unique(), key=period_sort_key)
        own = history.loc[history["value"].notna(), "period"]
        reason = (
            label("trend_too_short", language).format(n=MIN_POINTS)
            if last in set(own)
            else label("trend_no_last", language).format(period=period_label(last, language))
        )
    chosen = str(row["chosen"]) if row is not None and isinstance(row["chosen"], str) else method
    n_bt = _backtest_origins(panel, region, origins)
    scores = empty_bt
    rejected = None
    if n_bt >= 1 and not forecasts.empty:
        model, naive = _scores(
            panel, region, method, n_bt, min(horizon, n_bt), indicator, options, naive_options
        )
        if model.empty:
            n_bt = 0
        elif naive_wins(model, naive):
            rejected = method if method != "auto" else f"auto:{chosen}"
            result = forecast_panel(
                panel, horizon, method="naive", indicator=indicator, **naive_options
            )
            forecasts = result.forecasts[result.forecasts["region_code"] == region].reset_index(
                drop=True
            )
            method = chosen = "naive"
            lead = None
            scores = _compare(naive, naive, model)
        else:
            scores = _compare(model, naive, model)
    if n_bt < 1 and reason is None:
        reason = label("trend_no_backtest", language)
    return Outlook(
        indicator=indicator,
        region=region,
        period_type=kind,
        history=history,
        forecasts=forecasts,
        method=method,
        chosen=chosen,
        panel_size=int(n_series),
        first_period=str(row["first_period"])
        if row is not None and isinstance(row["first_period"], str)
        else None,
        breaks=tuple((str(p), str(h)) for p, h, _ in result.params.get("breaks", [])),
        backtest=scores,
        origins=n_bt,
        reason=reason,
        synthetic=synthetic,
        leading=None if lead is None else str(lead["indicator"].iloc[0]),
        rejected=rejected,
        provisional=provisional_start(history),
    )


def naive_wins(model: pd.DataFrame, naive: pd.DataFrame) -> bool:
    """Whether naive had the lower MASE in the backtest, averaged over the horizons both were scored on.

    Parameters
    ----------
    model, naive : DataFrame
        Per horizon: ``horizon`` and ``mase`` (as :func:`outlook` computes them).

    Returns
    -------
    bool
        True when naive's mean MASE is strictly lower; a tie keeps the model.
    """
    both = (
        model.set_index("horizon")["mase"]
        .to_frame("model")
        .join(naive.set_index("horizon")["mase"].rename("naive"), how="inner")
        .dropna()
    )
    return bool(len(both)) and bool(both["naive"].mean() < both["model"].mean())


def provisional_start(history: pd.DataFrame) -> str | None:
    """The period of the last observed value if its status is provisional (voorlopig, nader voorlopig), else None."""
    observed = history[history["value"].notna()]
    if observed.empty or "status" not in observed.columns:
        return None
    status = str(observed["status"].iloc[-1]).lower().replace("_", " ")
    return str(observed["period"].iloc[-1]) if status in ("voorlopig", "nader voorlopig") else None


def _leading(leading: pd.DataFrame | None, panel: pd.DataFrame) -> pd.DataFrame | None:
    """The leading stock of the panel's regions (latest vintage), or None when there is none."""
    if leading is None or leading.empty:
        return None
    frame = one_per_period(leading)
    frame = frame[frame["region_code"].isin(set(panel["region_code"])) & frame["value"].notna()]
    if frame.empty:
        return None
    if "indicator" not in frame.columns or frame["indicator"].nunique() != 1:
        raise ValueError("outlook: the leading frame must hold one indicator")
    return frame.reset_index(drop=True)


def _no_forecast() -> pd.DataFrame:
    return pd.DataFrame(columns=FORECAST_COLUMNS)


def _scores(
    panel: pd.DataFrame,
    region: str,
    method: str,
    origins: int,
    horizon: int,
    indicator: str,
    options: dict,
    naive_options: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Backtest of ``method`` (with ``options``) and of naive (with ``naive_options``) on the same origins, per horizon.

    Each frame: ``horizon``, ``mase``, ``coverage80``, ``coverage95``, ``n``
    and ``region_mase`` (NaN where not applicable, :func:`region_mase`).
    Empty frames when the backtest cannot run.
    """
    try:
        own = backtest(
            panel, method=method, origins=origins, horizon=horizon, indicator=indicator, **options
        )
        naive = backtest(
            panel,
            method="naive",
            origins=origins,
            horizon=horizon,
            indicator=indicator,
            **(naive_options or {}),
        )
    except ForecastInputError:
        return pd.DataFrame(), pd.DataFrame()
    if own.pooled.empty or naive.pooled.empty:
        return pd.DataFrame(), pd.DataFrame()
    out = []
    for res in (own, naive):
        frame = res.pooled[["horizon", "mase", "coverage80", "coverage95", "n"]].copy()
        frame["region_mase"] = frame["horizon"].map(region_mase(res.errors, panel, region))
        out.append(frame.reset_index(drop=True))
    return out[0], out[1]


def region_mase(errors: pd.DataFrame, panel: pd.DataFrame, region: str) -> pd.Series:
    """The backtest MASE of one region per horizon, NaN where it says nothing.

    A MASE is not applicable when its scale is zero (a flat training series:
    the scaled errors are undefined) or when the region's series did not
    move at all from the first origin to the last outcome: then every
    forecast that carries a value forward scores 0, which is no evidence of
    skill.

    Parameters
    ----------
    errors : DataFrame
        :attr:`analysis.forecast.BacktestResult.errors`.
    panel : DataFrame
        The panel backtested (``region_code``, ``period``, ``value``).
    region : str

    Returns
    -------
    Series
        Indexed by horizon.
    """
    mine = errors[errors["region_code"] == region]
    if mine.empty:
        return pd.Series(dtype=float)
    first = min(period_sort_key(p) for p in mine["origin"])
    later = panel["period"].map(period_sort_key) >= first
    own = panel.loc[(panel["region_code"] == region) & later, "value"]
    out = mine.groupby("horizon")["scaled_error"].mean()
    if own.nunique() <= 1:
        out[:] = float("nan")
    return out


def _compare(shown: pd.DataFrame, naive: pd.DataFrame, model: pd.DataFrame) -> pd.DataFrame:
    out = shown[["horizon", "mase", "coverage80", "coverage95", "n"]].copy()
    out["naive_mase"] = out["horizon"].map(naive.set_index("horizon")["mase"])
    out["model_mase"] = out["horizon"].map(model.set_index("horizon")["mase"])
    out["region_mase"] = out["horizon"].map(shown.set_index("horizon")["region_mase"])
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------------- showing it


def method_name(method: str, language: str | None = None) -> str:
    """A reader's name for a forecasting method (``pooled`` -> 'gepoolde trend')."""
    language = resolve_language(language)
    known = method in METHODS or method in HORIZON_METHODS
    return label(f"method_{method}", language) if known else method


def _model_name(o: Outlook, language: str) -> str:
    """The reader's name of the model the backtest weighed (before naive replaced it)."""
    if o.rejected and o.rejected.startswith("auto:"):
        return f"{method_name('auto', language)}: {method_name(o.rejected[5:], language)}"
    if o.rejected:
        return method_name(o.rejected, language)
    return _used_method(o, language)


def _used_method(o: Outlook, language: str) -> str:
    if o.method == "auto" and o.chosen and o.chosen != "auto":
        return f"{method_name('auto', language)}: {method_name(o.chosen, language)}"
    by_h = horizon_methods(o)
    if o.method == "pooled" and by_h and set(by_h.values()) != {"pooled"}:
        if len(set(by_h.values())) == 1:
            return method_name(next(iter(by_h.values())), language)
        return ", ".join(
            label("trend_method_horizon", language).format(method=method_name(m, language), h=h)
            for h, m in by_h.items()
        )
    return method_name(o.method, language)


def horizon_methods(o: Outlook) -> dict[int, str]:
    """The method behind the forecast at each horizon (the pooled default may forecast naive at some).

    The pooled method weighs its trend against the last value per horizon by
    how surely it beat naive at the panel's earlier origins
    (:func:`analysis.forecast.forecast_panel`, ``guard``); the forecasts'
    ``method`` column says what each horizon got, one of
    :data:`analysis.forecast.HORIZON_METHODS` (``pooled``, ``weighted``,
    ``naive``).
    """
    if o.forecasts.empty or not {"horizon", "method"} <= set(o.forecasts.columns):
        return {}
    return {int(h): str(m) for h, m in o.forecasts.groupby("horizon")["method"].first().items()}


def outlook_chart(o: Outlook, *, breaks=None, language: str | None = None):
    """The region's history and forecast with 80 % and 95 % bands (:func:`analysis.plotting.forecast_chart`).

    Parameters
    ----------
    o : Outlook
        With a forecast (see :attr:`Outlook.has_forecast`).
    breaks : sequence, optional
        Breaks to mark, as :func:`analysis.plotting.line_chart` takes them.
    language : {"nl", "en"}

    Returns
    -------
    Figure
    """
    language = resolve_language(language)
    from .plotting import forecast_chart

    if not o.has_forecast:
        raise ValueError(f"outlook_chart: no forecast for {o.indicator} in {o.region}: {o.reason}")
    # every period of the history, a missing value too: the line has a gap there, not a
    # straight segment over it
    return forecast_chart(
        o.history,
        o.forecasts,
        method=_used_method(o, language),
        breaks=breaks,
        synthetic=o.synthetic,
        language=language,
    )


def _number(value, language: str, decimals: int = 2) -> str:
    """A figure, or 'n.v.t.' ('n/a') where it is not applicable (a degenerate MASE is NaN, never 0)."""
    return (
        format_number(value, decimals, language)
        if pd.notna(value)
        else label("trend_not_applicable", language)
    )


def _pct(value, language: str) -> str:
    """A coverage as a whole percentage, or 'n.v.t.' ('n/a') for an interval that was not drawn."""
    return (
        f"{format_number(100 * value, 0, language)}%"
        if pd.notna(value)
        else label("trend_not_applicable", language)
    )


def elapsed_note(
    outlooks: Sequence[Outlook],
    today: str | pd.Timestamp | None = None,
    language: str | None = None,
) -> str:
    """A sentence when forecasts are about periods that have already ended.

    A forecast starts after the last period in the data, not after the day
    the report is made: with data retrieved in April 2025 and a report of
    December 2026, "prognose 1e halfjaar 2025" is about a half-year that is
    over, whose figures the data do not have yet. Readers are told so, with
    the data's last period and vintage.

    Parameters
    ----------
    outlooks : sequence of Outlook
    today : str or Timestamp, optional
        The report's date; default the current date.
    language : {"nl", "en"}

    Returns
    -------
    str
        The sentence, or ``""`` when no forecast period has ended by ``today``.
    """
    language = resolve_language(language)
    today = pd.Timestamp(today if today is not None else pd.Timestamp.today()).normalize()
    shown = [o for o in outlooks if o.has_forecast]
    ended = sorted(
        {p for o in shown for p in o.forecasts["period"].astype(str) if period_end(p) < today},
        key=period_sort_key,
    )
    if not ended:
        return ""
    observed = [o.history.dropna(subset=["value"]) for o in shown]
    last = max((h["period"].iloc[-1] for h in observed if len(h)), key=period_sort_key)
    # the vintage of a CBS row is the bracketed end of its publication ("CBS StatLine 85098NED
    # (CBS StatLine, opgehaald 2025-04-22)"); another publication is named as it is
    # ("Begroting 2020 (2019)")
    vintages = sorted(
        {
            cbs_vintage(published) or published
            for h in observed
            for published in h["published"].dropna().astype(str).tail(1)
        }
    )
    return label("trend_elapsed" if len(ended) == 1 else "trend_elapsed_many", language).format(
        periods=join_words([period_label(p, language, style="long") for p in ended], language),
        last=period_label(str(last), language, style="long"),
        vintage=join_words([vintage_text(v, language) for v in vintages], language),
        today=period_label(today.strftime("%Y-%m-%d"), language, style="long"),
    )


def _without_interval(forecasts: pd.DataFrame, level: int) -> bool:
    """Whether a forecast has no ``level`` % interval at all (too few calibration errors)."""
    cols = [f"lo{level}", f"hi{level}"]
    return (
        len(forecasts) > 0
        and all(c in forecasts.columns for c in cols)
        and bool(forecasts[cols].isna().all().all())
    )


def method_note(o: Outlook, language: str | None = None) -> str:
    """Method, data used and backtest accuracy of an outlook, as one Markdown paragraph.

    Parameters
    ----------
    o : Outlook
    language : {"nl", "en"}

    Returns
    -------
    str
        E.g. 'Methode: gepoolde trend over 342 gemeenten; gebruikt vanaf 1e halfjaar 2016 ...;
        backtest over 4 startpunten: MASE 1 periode vooruit 0,83 (naïef 0,84) ...'.
    """
    language = resolve_language(language)
    title = indicator_label(o.indicator, language)
    if not o.has_forecast:
        return f"**{title}**: {label('trend_no_forecast', language)} ({o.reason})."
    parts = [
        f"**{title}**. {label('forecast_method', language).capitalize()}: {_used_method(o, language)}"
    ]
    if o.panel_size > 1:
        parts[0] += " " + label("trend_panel", language).format(n=o.panel_size)
    if o.method == "pooled" and "weighted" in horizon_methods(o).values():
        parts.append(label("trend_guard_weighted", language))
    if o.method == "pooled" and "naive" in horizon_methods(o).values():
        parts.append(label("trend_guard_naive", language))
    if o.leading:
        name = indicator_label(o.leading, language)
        parts.append(label("trend_leading", language).format(indicator=name[:1].lower() + name[1:]))
    observed = o.history.loc[o.history["value"].notna(), "period"]
    if o.first_period and len(observed) and observed.iloc[0] != o.first_period:
        parts.append(
            label("trend_from", language).format(period=period_label(o.first_period, language))
        )
    for period, handling in o.breaks:
        if handling == "level" and o.first_period and int(period[:4]) > int(o.first_period[:4]):
            parts.append(
                label("trend_level_break", language).format(period=period_label(period, language))
            )
    if o.origins and len(o.backtest):
        first = o.backtest.iloc[0]
        text = label(
            "trend_backtest"
            if pd.notna(first["coverage95"])
            else "trend_backtest_80"
            if pd.notna(first["coverage80"])
            else "trend_backtest_mase",
            language,
        ).format(
            origins=o.origins,
            mase=_number(first["mase"], language),
            naive=_number(first["naive_mase"], language),
            coverage=_pct(first["coverage80"], language),
            coverage95=_pct(first["coverage95"], language),
        )
        if o.panel_size > 1:
            text += "; " + label("trend_backtest_region", language).format(
                mase=_number(first["region_mase"], language)
            )
        parts.append(text)
        if o.rejected:
            model = o.backtest["model_mase"].mean()
            naive = o.backtest["naive_mase"].mean()
            parts.append(
                label("trend_naive_chosen", language).format(
                    model=_model_name(o, language),
                    mase=_number(model, language),
                    naive=_number(naive, language),
                )
            )
        elif first["mase"] >= first["naive_mase"]:
            parts.append(label("trend_not_better", language))
    else:
        parts.append(label("trend_no_backtest", language))
    if _without_interval(o.forecasts, 80):
        parts.append(label("trend_no_interval", language))
    elif _without_interval(o.forecasts, 95):
        parts.append(label("trend_no_interval95", language).format(need=min_calibration_errors(95)))
    if o.provisional:
        parts.append(
            label("trend_provisional_start", language).format(
                period=period_label(o.provisional, language)
            )
        )
    if o.synthetic:
        parts.append(label("trend_synthetic", language))
    text = "; ".join(parts)
    return text if text.endswith(".") else text + "."


def backtest_table(outlooks: Sequence[Outlook], language: str | None = None) -> pd.DataFrame:
    """The backtest figures of several outlooks, one row per indicator and horizon, for readers.

    Columns (Dutch by default): indicator, period type, method, series, origins,
    horizon, MASE, MASE naive, MASE of the region, coverage of the 80 % and 95 %
    intervals. MASE below 1 beats the in-sample naive forecast; the naive
    column is the fair comparison on the same origins; where naive is shown
    because it won, the model's MASE stands beside it (empty otherwise). A
    MASE that is not applicable reads 'n.v.t.' ('n/a').
    """
    language = resolve_language(language)
    rows = []
    for o in outlooks:
        for r in o.backtest.itertuples():
            rows.append(
                {
                    "indicator": indicator_label(o.indicator, language),
                    "period_type": label(o.period_type, language),
                    "method": _used_method(o, language),
                    "series": o.panel_size,
                    "origins": o.origins,
                    "horizon": int(r.horizon),
                    "mase": _number(r.mase, language),
                    "naive_mase": _number(r.naive_mase, language),
                    "model_mase": _number(r.model_mase, language) if o.rejected else "",
                    "region_mase": _number(r.region_mase, language),
                    "coverage80": _pct(r.coverage80, language),
                    "coverage95": _pct(r.coverage95, language),
                }
            )
    columns = [
        "indicator",
        "period_type",
        "method",
        "series",
        "origins",
        "horizon",
        "mase",
        "naive_mase",
        "model_mase",
        "region_mase",
        "coverage80",
        "coverage95",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.rename(columns={c: label(f"trend_col_{c}", language) for c in columns})


def forecast_summary(outlooks: Sequence[Outlook], language: str | None = None) -> str:
    """Plain text of every outlook's forecasts: period, mean and 80 % interval, and the method.

    Deterministic (rounded to the unit's precision plus one decimal), so a
    notebook can print it in a checked cell.
    """
    language = resolve_language(language)
    lines = []
    for o in outlooks:
        if not o.has_forecast:
            lines.append(f"{o.indicator} {o.region}: {label('trend_no_forecast', language)}")
            continue
        last = o.history.dropna(subset=["value"]).iloc[-1]
        lines.append(
            f"{o.indicator} {o.region} ({o.period_type}, {o.method}/{o.chosen}, n={o.panel_size}): "
            f"{last['period']} {last['value']:.2f}"
        )
        for r in o.forecasts.itertuples():
            bounds = (
                f" [{r.lo80:.2f}; {r.hi80:.2f}]"
                if pd.notna(r.lo80) and pd.notna(r.hi80)
                else " [-]"  # no 80 % interval: too few calibration errors
            )
            lines.append(f"  {r.period}: {r.mean:.2f}{bounds}")
    return "\n".join(lines)
