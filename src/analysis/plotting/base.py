"""The public base of every chart: house style, figures, number axes, period axes, breaks, source lines.

Every chart of :mod:`analysis.plotting` (and every chart a notebook draws ad hoc)
is built from these pieces:

* :func:`new_figure` and :func:`styled` — a house-style figure (no pyplot
  registry, so a notebook shows a figure once);
* :func:`format_axis` — numbers the Dutch way (``12.163``, ``7,6``) or the English way;
* :func:`set_period_ticks`, :func:`period_x`, :func:`draw_series`,
  :func:`draw_breaks` — a period axis with regular ticks, one line per series
  with open markers for provisional values and a gap at every declared break;
* :func:`as_breaks`, :func:`break_between`, :func:`breaks_within` — declared
  series breaks, and the one rule for whether a break lies between two
  periods, which every chart, alt text and table follows;
* :func:`set_titles`, :func:`add_source_line`, :func:`mark_synthetic`,
  :func:`finish_figure` — title and subtitle, the source line
  (``Bron: CBS 82972NED en 85098NED (gegevens 2025-04-22); * voorlopig``),
  the *synthetisch* mark and the alt text;
* :func:`set_alt_text`, :func:`alt_text` — the text alternative of a chart,
  shown as ``<img alt>`` in the HTML reports (see :func:`enable_notebook_display`).

Never mix period types in one line: split years and half-years into separate charts.
"""

from __future__ import annotations

import math
import re
import sys
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache, wraps
from typing import Any, NamedTuple

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager, ticker
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.dates import date2num, get_epoch
from matplotlib.figure import Figure, SubFigure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.textpath import text_to_path
from matplotlib.transforms import ScaledTranslation

from ..disclosure import source_kind
from ..labels import (
    MISSING,
    UNIT_DECIMALS,
    capitalised,
    format_number,
    format_value,
    indicator_label,
    join_words,
    label,
    period_label,
    recorded_text,
    resolve_language,
)
from ..periods import (
    STATUS_PROVISIONAL,
    STATUS_REVISED_PROVISIONAL,
    STATUS_SUPPRESSED,
    period_end,
    period_sort_key,
    period_start,
    period_type_of,
)
from ..regions import NEDERLAND

# --- colours and sizes ------------------------------------------------------------------
# Okabe & Ito (2008), safe for the common colour-vision deficiencies; orange and sky blue
# darkened (from #E69F00 and #56B4E9, 2.3:1 on white) so that every line has at least the
# 3:1 contrast WCAG 2.1 AA asks of graphics (1.4.11 non-text contrast).
FOCUS_COLOR = "#0072B2"  # blue: the focus region (the municipality the notebook is about)
NEDERLAND_COLOR = "#4D4D4D"  # dark grey, dashed: the national reference
COMPARISON_COLORS: tuple[str, ...] = (
    "#BF7A00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#3F8FCF",  # sky blue
    "#D55E00",  # vermillion
    "#000000",
)
OTHER_BAR_COLOR = "#9EBCDA"  # light blue: non-focus bars (each bar carries its value as text)
NORM_COLOR = "#000000"
BREAK_COLOR = "#7F7F7F"
MUTED_TEXT_COLOR = "#555555"
PALETTE: tuple[str, ...] = (FOCUS_COLOR,) + COMPARISON_COLORS

FOCUS_REGION = "GM0344"
"""Default focus region (Utrecht); every chart function takes ``focus=`` to change it."""

FIGSIZES: dict[str, tuple[float, float]] = {
    "standard": (8.0, 4.5),
    "wide": (10.0, 4.5),
    "tall": (8.0, 6.0),
    "small": (5.0, 3.2),
    "panel": (3.2, 2.4),
    "sparkline": (1.6, 0.45),
}
"""Figure sizes in inches; 8 x 4.5 at 100 dpi fills an HTML report column."""

SOURCE_FONTSIZE = 8.5
_PREFERRED_FONTS = (
    "Source Sans 3",
    "Source Sans Pro",
    "Open Sans",
    "Arial",
    "Liberation Sans",
    "DejaVu Sans",
)
PROVISIONAL_STATUSES = (STATUS_PROVISIONAL, STATUS_REVISED_PROVISIONAL)
_SOURCE_GID = "source-line"
_SYNTHETIC_GID = "synthetic-mark"


# --- style --------------------------------------------------------------------------------


def house_rc() -> dict[str, Any]:
    """The house style as matplotlib rcParams (see :func:`set_style`)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    fonts = [f for f in _PREFERRED_FONTS if f in installed] or ["DejaVu Sans"]
    return {
        "font.family": "sans-serif",
        "font.sans-serif": fonts,
        "font.size": 11,
        "axes.titlesize": 12,
        "axes.titlelocation": "left",
        # Titles sit just above the axes (none of the charts has ticks or an offset
        # text on top). A fixed position spares matplotlib's automatic placement, which
        # measures every axis of a figure again for each title: ~15 % of drawing a page
        # of small multiples, and the same pixels (docs/runner.md, "Third round").
        "axes.titley": 1.0,
        "axes.labelsize": 10.5,
        "axes.labelcolor": "#333333",
        "axes.edgecolor": "#666666",
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.axisbelow": True,
        "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
        "axes.formatter.use_locale": False,
        "grid.color": "#DDDDDD",
        "grid.linewidth": 0.7,
        "xtick.labelsize": 9.5,
        "ytick.labelsize": 9.5,
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "legend.fontsize": 9.5,
        "legend.frameon": False,
        "lines.linewidth": 2.0,
        "lines.markersize": 5.5,
        "figure.figsize": FIGSIZES["standard"],
        "figure.dpi": 100,
        "figure.titlesize": 13,
        "figure.titleweight": "bold",
        "figure.constrained_layout.use": True,
        "savefig.dpi": 150,
        "savefig.bbox": "tight",
        "svg.fonttype": "none",
    }


def set_style() -> dict[str, Any]:
    """Apply the house style to matplotlib and seaborn for the rest of the session.

    Sets readable fonts, no top and right spines, a light horizontal grid,
    the colour-blind-safe :data:`PALETTE` and the standard figure size.
    Chart functions of this module apply the style themselves; call this
    for ad-hoc matplotlib or seaborn charts in a notebook.

    Returns
    -------
    dict
        The rcParams applied.
    """
    import seaborn as sns  # imported here: seaborn is slow to import and optional for the charts

    rc = house_rc()
    sns.set_theme(
        context="notebook", style="ticks", palette=list(PALETTE), font="sans-serif", rc=rc
    )
    mpl.rcParams.update(rc)
    enable_notebook_display()  # seaborn loaded pyplot, whose inline backend took over the figure formatters
    return rc


@contextmanager
def house_style():
    """Context manager: the house style for the figures created inside it."""
    with mpl.rc_context(house_rc()):
        yield


def styled(func: Callable[..., Figure]) -> Callable[..., Figure]:
    @wraps(func)
    def wrapper(*args, **kwargs):
        with house_style():
            return func(*args, **kwargs)

    return wrapper


def region_colors(region_codes: Iterable[str], focus: str | None = FOCUS_REGION) -> dict[str, str]:
    """A fixed colour per region: focus blue, Nederland dark grey, others in turn.

    Other regions get :data:`COMPARISON_COLORS` in order of their code, so the
    same set of regions gets the same colours in every chart.
    """
    codes = list(dict.fromkeys(region_codes))
    colors = {}
    others = sorted(c for c in codes if c not in (focus, NEDERLAND))
    for i, code in enumerate(others):
        colors[code] = COMPARISON_COLORS[i % len(COMPARISON_COLORS)]
    if NEDERLAND in codes:
        colors[NEDERLAND] = NEDERLAND_COLOR
    if focus in codes:
        colors[focus] = FOCUS_COLOR
    return colors


def new_figure(size: str | tuple[float, float] = "standard", **subplots) -> tuple[Figure, Any]:
    """A house-style figure (constrained layout) and its axes.

    Parameters
    ----------
    size : str or (width, height)
        A key of :data:`FIGSIZES` or inches.
    **subplots
        Passed to :meth:`Figure.subplots` (``nrows``, ``ncols``, ``sharey`` ...).
    """
    figsize = FIGSIZES[size] if isinstance(size, str) else size
    enable_notebook_display()
    with house_style():
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.subplots(**subplots)


# --- number formatting on axes -----------------------------------------------------------


class NumberFormatter(ticker.Formatter):
    """Tick labels with the Dutch decimal comma and thousands point (or English).

    Parameters
    ----------
    language : {'nl', 'en'}
    decimals : int, optional
        Fixed decimals; by default the fewest that tell the ticks apart.
    suffix : str
        Text after each number, such as ``'%'``.

    Examples
    --------
    >>> fmt = NumberFormatter("nl")
    >>> fmt.format_ticks([0, 2.5, 5])
    ['0,0', '2,5', '5,0']
    >>> NumberFormatter("nl").format_ticks([0, 10000, 20000])
    ['0', '10.000', '20.000']
    """

    def __init__(
        self, language: str | None = None, decimals: int | None = None, suffix: str = ""
    ) -> None:
        self.language = resolve_language(language)
        self.decimals = decimals
        self.suffix = suffix
        self._auto = 0

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        self._auto = _decimals_for(locs)

    def __call__(self, x, pos=None) -> str:
        places = self.decimals if self.decimals is not None else self._auto
        return format_number(float(x), places, self.language) + self.suffix


def _decimals_for(locs) -> int:
    """The fewest decimals (0..6) at which every finite tick is written exactly."""
    values = [float(v) for v in np.asarray(locs, dtype=float).ravel() if math.isfinite(v)]
    for places in range(7):
        if all(abs(round(v, places) - v) <= 1e-9 * max(1.0, abs(v)) for v in values):
            return places
    return 6


def format_axis(
    ax: Axes,
    axis: str = "y",
    language: str | None = None,
    *,
    decimals: int | None = None,
    suffix: str = "",
) -> NumberFormatter:
    """Put a :class:`NumberFormatter` on the ``x`` or ``y`` axis of ``ax`` and return it."""
    language = resolve_language(language)
    if axis not in ("x", "y"):
        raise ValueError(f"parameter 'axis': {axis!r}; use 'x' or 'y'")
    formatter = NumberFormatter(language, decimals, suffix)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)
    return formatter


def draw_target(
    ax: Axes, norm: float, shown: str, language: str | None = None, *, vertical: bool = False
) -> Line2D:
    """Draw a target (*streefwaarde*) as a dotted line, named ``Streefwaarde: <shown>`` in the legend.

    Parameters
    ----------
    ax : Axes
    norm : float
        The target value.
    shown : str
        The value as the legend writes it (formatted by the caller in its unit).
    language : {'nl', 'en'}, optional
        Default: the session language.
    vertical : bool, default False
        A vertical line (bar charts, values on the x axis), drawn above the
        bars; else a horizontal one, drawn beneath the series lines.

    Returns
    -------
    Line2D
        The line, usable as a legend handle.
    """
    language = resolve_language(language)
    text = f"{label('target', language)}: {shown}"
    if vertical:
        return ax.axvline(norm, color=NORM_COLOR, linestyle=":", linewidth=1.4, label=text)
    return ax.axhline(norm, color=NORM_COLOR, linestyle=":", linewidth=1.4, zorder=1.8, label=text)


# --- source line and synthetic mark ------------------------------------------------------


def is_synthetic(obs: pd.DataFrame) -> bool:
    """Whether any row of ``obs`` comes from the synthetic register (by its ``source``)."""
    if obs is None or "source" not in obs.columns:
        return False
    return any(source_kind(s) == "synthetic" for s in obs["source"].dropna().unique())


def source_text(
    obs: pd.DataFrame,
    language: str | None = None,
    *,
    synthetic: bool = False,
    provisional_note: str | None = None,
) -> str:
    """The source line for what ``obs`` holds.

    ``Bron: CBS 82972NED en 85098NED (gegevens 2025-04-22); * voorlopig``.
    CBS tables are grouped by vintage; other sources are quoted with their
    publication (``published``). Notes follow for provisional values
    (``* voorlopig``, ``** nader voorlopig``), withheld values and synthetic data.

    Parameters
    ----------
    obs : DataFrame
        With ``source`` and ``published``; ``status`` is optional.
    language : {'nl', 'en'}
    synthetic : bool, default False
        Add the synthetic-data note even if no source says synthetic.
    provisional_note : str, optional
        Replaces the ``* voorlopig`` notes (charts use ``open symbool = voorlopig``).
    """
    language = resolve_language(language)
    missing = [c for c in ("source", "published") if c not in obs.columns]
    if missing:
        raise ValueError(f"source_text needs column(s) {', '.join(missing)}")
    parts = _source_parts(obs, language)
    head = label("sources" if len(parts) > 1 else "source", language)
    text = f"{head}: {'; '.join(parts) if parts else MISSING}"
    notes = _source_notes(obs, language, synthetic or is_synthetic(obs), provisional_note)
    return "; ".join([text, *notes])


def provisional_periods_note(obs: pd.DataFrame, language: str | None = None) -> str | None:
    """The provisional periods of ``obs`` named, for a table whose cells carry no ``*`` marks.

    ``voorlopig: 1e halfjaar 2024; nader voorlopig: 2023``; None when nothing
    is provisional (or ``obs`` has no ``status``). Give it to
    :func:`source_text` as ``provisional_note``.
    """
    language = resolve_language(language)
    if "status" not in obs.columns or "period" not in obs.columns:
        return None
    marks = []
    for status, key in (
        (STATUS_PROVISIONAL, "voorlopig"),
        (STATUS_REVISED_PROVISIONAL, "nader_voorlopig"),
    ):
        periods = sorted(
            set(obs.loc[obs["status"] == status, "period"].astype(str)), key=period_sort_key
        )
        if periods:
            names = [period_label(p, language) for p in periods]
            marks.append(f"{label(key, language)}: {join_words(names, language)}")
    return "; ".join(marks) or None


def _source_parts(obs: pd.DataFrame, language: str) -> list[str]:
    pairs = obs[["source", "published"]].fillna("").astype(str).drop_duplicates()
    pairs = _split_combined(pairs[pairs["source"].str.strip() != ""])
    cbs = pairs[pairs["source"].map(source_kind) == "cbs"]
    parts = []
    if len(cbs):
        tables = cbs.assign(
            table=cbs["source"].str.extract(r"(\d{5}[A-Za-z]{3})", expand=False).str.upper(),
            vintage=[_cbs_vintage(v, language) for v in cbs["published"]],
        )
        groups = []
        for vintage, group in tables.groupby("vintage", sort=True):
            names = join_words(sorted(group["table"].unique()), language)
            groups.append(f"{names} ({vintage})" if vintage else names)
        parts.append("CBS " + ", ".join(groups))
    others = pairs[pairs["source"].map(source_kind) != "cbs"]
    for source, group in others.groupby("source", sort=False):
        vintages = [recorded_text(v, language) for v in group["published"] if v and v != source]
        if source_kind(source) in ("synthetic", "register"):
            source = recorded_text(source, language)
        parts.append(f"{source} ({', '.join(vintages)})" if vintages else source)
    return parts


def _split_combined(pairs: pd.DataFrame) -> pd.DataFrame:
    """A figure derived from CBS tables (source ``'83454NED / 85099NED'``) as one row per table.

    ``published`` is split the same way when it names as many publications
    (:func:`analysis.costs.per_youth` writes both); otherwise each table gets it whole.
    """
    rows = []
    for source, published in pairs.itertuples(index=False):
        parts = [p.strip() for p in source.split(" / ")]
        if len(parts) < 2 or any(source_kind(p) != "cbs" for p in parts):
            rows.append((source, published))
            continue
        pubs = [p.strip() for p in published.split(" / ")]
        if len(pubs) != len(parts):
            pubs = [published] * len(parts)
        rows += list(zip(parts, pubs, strict=True))
    return pd.DataFrame(rows, columns=["source", "published"]).drop_duplicates()


_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def _cbs_vintage(published: str, language: str) -> str:
    """The vintage of a CBS row for the source line.

    The vintage a row's ``published`` ends with (:func:`analysis.sources.cbs_vintage`:
    ``CBS StatLine 85098NED (CBS StatLine, opgehaald 2025-04-22)`` -> ``CBS StatLine,
    opgehaald 2025-04-22``), in the reader's language; a bare date (a ``published``
    written by hand) -> ``gegevens 2025-04-22``.
    """
    from ..sources import cbs_vintage

    text = " ".join(str(published).split())
    vintage = (cbs_vintage(text) or text).strip()
    if not vintage:
        return ""
    if _DATE.match(vintage):
        return f"{label('data_as_of', language)} {vintage}"
    return recorded_text(vintage, language)


def _source_notes(
    obs: pd.DataFrame, language: str, synthetic: bool, provisional_note: str | None
) -> list[str]:
    status = obs["status"].astype(str) if "status" in obs.columns else pd.Series(dtype=str)
    notes = []
    has_provisional = status.eq(STATUS_PROVISIONAL).any()
    has_revised = status.eq(STATUS_REVISED_PROVISIONAL).any()
    if provisional_note and (has_provisional or has_revised):
        notes.append(provisional_note)
    else:
        if has_provisional:
            notes.append(f"* {label('voorlopig', language)}")
        if has_revised:
            notes.append(f"** {label('nader_voorlopig', language)}")
    if status.eq(STATUS_SUPPRESSED).any():
        notes.append(_suppressed_note(obs, language))
    if synthetic:
        notes.append(label("synthetic_note", language))
    return notes


def _suppressed_note(obs: pd.DataFrame, language: str) -> str:
    marks = []
    if "display" in obs.columns:
        marks = sorted(m for m in obs["display"].dropna().astype(str).unique() if m.startswith("<"))
    note = label("suppressed_note", language)
    text = f"{', '.join(marks)}: {note}" if marks else f"{label('suppressed', language)}: {note}"
    if "display" in obs.columns and obs["display"].astype(str).eq("x").any():
        text += f"; {label('secondary_suppressed_note', language)}"
    return text


def root_figure(target: Axes | Figure | SubFigure) -> Figure:
    """The top-level figure of an axes, figure or subfigure."""
    fig = target if isinstance(target, Figure | SubFigure) else target.figure
    while isinstance(fig, SubFigure):
        fig = fig.figure
    return fig


def add_source_line(
    target: Axes | Figure,
    sources: pd.DataFrame | str | Sequence[str],
    language: str | None = None,
    *,
    synthetic: bool = False,
    provisional_note: str | None = None,
) -> Text:
    """Put the source line under a chart, and make room for it.

    Parameters
    ----------
    target : Axes or Figure
        The chart; the line goes under the whole figure.
    sources : DataFrame, str or sequence of str
        Observations (the line is built by :func:`source_text`), or the
        source text itself (``'Bron: '`` is added if absent).
    language : {'nl', 'en'}
    synthetic : bool, default False
        Add the synthetic-data note (also added when ``sources`` is a frame
        with a synthetic source).
    provisional_note : str, optional
        See :func:`source_text`.

    Returns
    -------
    matplotlib.text.Text
        The line; a second call replaces it.
    """
    language = resolve_language(language)
    fig = root_figure(target)
    if isinstance(sources, pd.DataFrame):
        text = source_text(
            sources, language, synthetic=synthetic, provisional_note=provisional_note
        )
    else:
        text = _literal_source(sources, language, synthetic)
    text = wrap_to_width(text, 0.97 * fig.get_figwidth() * 72, FontProperties(size=SOURCE_FONTSIZE))
    for old in [t for t in fig.texts if t.get_gid() == _SOURCE_GID]:
        old.remove()
    line = fig.text(
        0.01,
        0.01,
        text,
        ha="left",
        va="bottom",
        fontsize=SOURCE_FONTSIZE,
        color=MUTED_TEXT_COLOR,
        gid=_SOURCE_GID,
    )
    _reserve_bottom(fig, text.count("\n") + 1)
    return line


def wrap_to_width(text: str, width: float, font: FontProperties) -> str:
    """Wrap ``text`` at spaces into lines no wider than ``width`` points, measured in ``font``.

    Like :func:`textwrap.fill` (white space collapsed), but by the width the
    lines take when drawn, not by a count of characters: a line of wide
    letters does not run past the figure's edge.

    Parameters
    ----------
    text : str
    width : float
        Points.
    font : FontProperties
        The font the text is drawn in.

    Returns
    -------
    str
        The lines joined by newlines; a word wider than ``width`` gets a line
        of its own.
    """
    words = text.split()
    space = _text_width("a a", font) - _text_width("aa", font)
    sizes = {word: _text_width(word, font) for word in set(words)}  # each word measured once
    lines: list[list[str]] = []
    used = 0.0
    for word in words:
        if lines and lines[-1] and used + space + sizes[word] <= width:
            lines[-1].append(word)
            used += space + sizes[word]
        else:
            lines.append([word])
            used = sizes[word]
    return "\n".join(" ".join(line) for line in lines)


def _literal_source(sources: str | Sequence[str], language: str, synthetic: bool) -> str:
    language = resolve_language(language)
    items = [sources] if isinstance(sources, str) else list(sources)
    text = "; ".join(str(s) for s in items if str(s).strip())
    heads = (label("source", language), label("sources", language))
    if not text.startswith(heads):
        text = f"{label('sources' if len(items) > 1 else 'source', language)}: {text}"
    if synthetic and "synthet" not in text.lower():
        text += f"; {label('synthetic_note', language)}"
    return text


def _reserve_bottom(fig: Figure, lines: int) -> None:
    """Keep the axes clear of ``lines`` lines of source text at the bottom."""
    height = (lines * SOURCE_FONTSIZE * 1.3 + 6) / 72  # inches
    frac = min(0.4, height / fig.get_figheight())
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, frac, 1, 1 - frac))
    elif isinstance(engine, TightLayoutEngine):
        engine.set(rect=(0, frac, 1, 1))
    else:
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, frac + 0.08))


def mark_synthetic(target: Axes | Figure, language: str | None = None) -> list[Text]:
    """Write *synthetisch* as a watermark across every axes of the figure (or the one axes).

    Returns
    -------
    list of Text
        The marks added (none for axes that have one already).
    """
    language = resolve_language(language)
    text = label("synthetic", language)
    axes = [target] if isinstance(target, Axes) else root_figure(target).axes
    marks = []
    for ax in axes:
        if not ax.get_visible() or any(t.get_gid() == _SYNTHETIC_GID for t in ax.texts):
            continue
        marks.append(
            ax.text(
                0.5,
                0.5,
                text,
                transform=ax.transAxes,
                ha="center",
                va="center",
                rotation=20,
                fontsize=max(12, min(36, 4.5 * ax.bbox.height / 72)),
                color="#888888",
                alpha=0.25,
                fontweight="bold",
                zorder=10,
                gid=_SYNTHETIC_GID,
            )
        )
    return marks


def figure_texts(fig: Figure) -> list[str]:
    """Every text in a figure: figure texts, titles, axis labels, tick labels, legends.

    Meant for tests and checks (is the source line there? is it marked synthetic?).
    """
    texts = [t.get_text() for t in fig.texts]  # includes suptitle and the source line
    for legend in fig.legends:
        texts += [t.get_text() for t in legend.get_texts()]
    for ax in fig.axes:
        texts += [ax.get_title(loc) for loc in ("left", "center", "right")]
        texts += [ax.get_xlabel(), ax.get_ylabel()]
        texts += [t.get_text() for t in ax.texts]
        texts += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
    return [t for t in texts if t]


OBS_COLUMNS: tuple[str, ...] = (
    "indicator",
    "region_code",
    "period",
    "value",
    "unit",
    "source",
    "published",
)
"""The columns every chart of observations needs."""


# --- checks on the observations ----------------------------------------------------------


class SeriesBreak(NamedTuple):
    """A declared break in a series: between ``before`` and ``after``, with a text."""

    before: str
    after: str
    text: str | None = None


def require_observations(obs: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(obs, pd.DataFrame):
        raise TypeError(f"{what} needs a DataFrame of observations, got {type(obs).__name__}")
    missing = [c for c in columns if c not in obs.columns]
    if missing:
        raise ValueError(f"{what} needs column(s) {', '.join(missing)}")
    if obs.empty:
        raise ValueError(f"{what}: no observations to draw")


def period_types(obs: pd.DataFrame) -> pd.Series:
    if "period_type" in obs.columns:
        return obs["period_type"].astype(str)
    return obs["period"].astype(str).map(period_type_of)


def single_period_type(obs: pd.DataFrame, what: str = "chart") -> str:
    """The one period type of ``obs``.

    Raises
    ------
    ValueError
        If ``obs`` mixes period types (say year and halfyear): a line through
        2023 and 2024H1 would compare a year with half a year. Split them into
        separate charts (``obs[obs.period_type == 'year']``).
    """
    kinds = sorted(period_types(obs).unique())
    if len(kinds) != 1:
        raise ValueError(
            f"{what}: observations mix period types {', '.join(kinds)}; "
            "draw each period type in a separate chart (filter on period_type)"
        )
    return kinds[0]


def single_value(obs: pd.DataFrame, column: str, what: str, hint: str) -> str:
    values = list(dict.fromkeys(obs[column].astype(str)))
    if len(values) != 1:
        raise ValueError(f"{what}: expected one {column}, got {', '.join(values)}; {hint}")
    return values[0]


def check_unique(obs: pd.DataFrame, keys: Sequence[str], what: str) -> None:
    dup = obs.duplicated(list(keys), keep=False)
    if dup.any():
        row = obs[dup].iloc[0]
        where = ", ".join(f"{k}={row[k]}" for k in keys)
        raise ValueError(
            f"{what}: more than one value for {where}; select one vintage (column 'published') "
            "or source before drawing"
        )


def line_key(obs: pd.DataFrame, by: str, what: str) -> str:
    """The column to draw a line (bar, panel) per; the other one must hold a single value."""
    if by == "region":
        single_value(
            obs,
            "indicator",
            what,
            "draw one indicator per chart, or use by='indicator' for one region",
        )
        return "region_code"
    if by == "indicator":
        single_value(
            obs,
            "region_code",
            what,
            "draw one region per chart, or use by='region' for one indicator",
        )
        return "indicator"
    raise ValueError(f"parameter 'by': {by!r}; use 'region' or 'indicator'")


def series_name(key: str, obs: pd.DataFrame, by: str, language: str | None = None) -> str:
    """The reader's name of a line: the indicator label (``by='indicator'``) or the region name."""
    language = resolve_language(language)
    if by == "indicator":
        return indicator_label(key, language)
    if key == NEDERLAND:
        return label("nederland", language)
    names = (
        obs["region_name"].to_numpy()[obs["region_code"].eq(key).to_numpy(bool, na_value=False)]
        if "region_name" in obs.columns
        else []
    )
    from ..compare import display_name  # median lines carry a code; their name is translated here

    group = display_name(key, names[0] if len(names) else None, language)
    if group is not None:
        return group
    return str(names[0]) if len(names) else key


def split_lines(obs: pd.DataFrame, key: str) -> dict[str, pd.DataFrame]:
    """The rows of each line (value of ``key`` as text), in order of first appearance."""
    codes = obs[key].astype(str)
    return {str(code): rows for code, rows in obs.groupby(codes.to_numpy(), sort=False)}


def sorted_by_period(obs: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``obs`` in time order (stable: rows of one period keep their order).

    Two spellings of periods that sort alike keep the order of their first appearance.
    """
    periods = [str(p) for p in obs["period"]]
    first: dict[str, int] = {}
    for i, p in enumerate(periods):
        first.setdefault(p, i)
    order = sorted(
        range(len(periods)), key=lambda i: (period_sort_key(periods[i]), first[periods[i]])
    )
    return obs.iloc[order]


# --- period axis ------------------------------------------------------------------------


def period_x(period: str) -> float:
    """Position of a period on a time axis: its midpoint, in matplotlib date units."""
    return _period_x(str(period), get_epoch())


@lru_cache(maxsize=4096)
def _period_x(period: str, epoch: str) -> float:  # epoch: matplotlib's date units depend on it
    start, end = date2num(period_start(period)), date2num(period_end(period))
    return float((start + end) / 2)


def set_period_ticks(
    ax: Axes,
    periods: Iterable[str],
    language: str | None = None,
    max_ticks: int = 8,
    *,
    januaries: bool = False,
) -> None:
    """Regular ticks on a period axis, and limits with half a period of room at both ends.

    Parameters
    ----------
    ax : Axes
        A chart with :func:`period_x` positions.
    periods : iterable of str
        The periods drawn (one period type).
    language : {'nl', 'en'}, optional
        Default: the session language.
    max_ticks : int, default 8
        At most this many labelled ticks (years: twelve on a full-width chart).
    januaries : bool, default False
        Long monthly series (three Januaries or more) get a tick at each
        (n-th) January, labelled with the year.

    Notes
    -----
    Ticks are evenly spaced: every n-th year (the latest always labelled),
    half-years at the same half of every (n-th) year, written in full
    (``1e halfjaar 2017`` / ``1st half 2017``), quarters at the same quarter.
    """
    language = resolve_language(language)
    periods = sorted(set(map(str, periods)), key=period_sort_key)
    if not periods:
        return
    kind = period_type_of(periods[0])
    jans = [p for p in periods if p.endswith("-01")] if januaries and kind == "month" else []
    if len(jans) >= 3:
        shown = jans[:: max(1, math.ceil(len(jans) / max_ticks))]
        labels = [p[:4] for p in shown]
    elif kind in ("halfyear", "quarter"):
        shown = _regular_parts(periods, 2 if kind == "halfyear" else 4, max_ticks)
        labels = ["\n".join(period_label(p, language, style="long").rsplit(" ", 1)) for p in shown]
    else:
        if kind == "year" and max_ticks >= 8:
            max_ticks = 12  # years are short labels; a full-width chart takes twelve
        step = max(1, math.ceil(len(periods) / max_ticks))
        shown = periods[::-1][::step][::-1]  # always label the latest period
        labels = [period_label(p, language, style="short") for p in shown]
        if kind in ("month", "date"):
            labels = [
                "\n".join(text.rsplit(" ", 1)) for text in labels
            ]  # "jun\n2016": two short lines
    ax.set_xticks([period_x(p) for p in shown], labels)
    ax.tick_params(axis="x", which="minor", bottom=False)
    pad = 0.6 * (period_x(periods[-1]) - period_x(periods[0])) / max(1, len(periods) - 1) or 180
    ax.set_xlim(period_x(periods[0]) - pad, period_x(periods[-1]) + pad)


def _regular_parts(periods: Sequence[str], per_year: int, max_ticks: int) -> list[str]:
    """Half-years (``per_year=2``) or quarters (4) to label: one part of every n-th year.

    The part is the one of the latest period when the series is short
    enough to label every year's part; otherwise the first part (``1e halfjaar``).
    """
    years = sorted({int(p[:4]) for p in periods})
    every = max(1, math.ceil(len(years) / max(1, max_ticks - 1)))
    if len(periods) <= max_ticks:
        return list(periods)
    part = periods[-1][-1] if every == 1 else "1"
    wanted = [p for p in periods if p[-1] == part]
    if not wanted:  # a series of only other parts
        wanted = list(periods)
    first_year = int(wanted[-1][:4])
    return [p for p in wanted if (first_year - int(p[:4])) % every == 0]


def _break_x(brk: SeriesBreak) -> float:
    """Position of a break on a time axis: halfway between the end of ``before`` and the start of ``after``."""
    return float((date2num(period_end(brk.before)) + 1 + date2num(period_start(brk.after))) / 2)


def draw_series(
    ax: Axes,
    data: pd.DataFrame,
    color: str,
    name: str,
    *,
    linestyle: str = "-",
    linewidth: float = 2.0,
    zorder: float = 2,
    breaks: Iterable[Any] | None = None,
) -> Line2D:
    """One line with filled markers for final and open markers for provisional values.

    Parameters
    ----------
    ax : Axes
    data : DataFrame
        ``period``, ``value`` and optionally ``status`` of one series.
    color, name : str
        Colour and legend label.
    linestyle, linewidth, zorder
        As in :meth:`Axes.plot`.
    breaks : iterable, optional
        Declared series breaks (see :func:`draw_breaks`): the line stops
        before each break that lies between two of its periods
        (:func:`breaks_within`) and starts again after it, so no line joins
        two definitions.

    Returns
    -------
    Line2D
        The line (its legend handle).
    """
    data = sorted_by_period(data)
    x = np.array([period_x(p) for p in data["period"].astype(str)], dtype=float)
    y = data["value"].to_numpy(dtype=float)
    provisional = (
        np.array([isinstance(s, str) and s in PROVISIONAL_STATUSES for s in data["status"]], bool)
        if "status" in data.columns
        else np.zeros(len(x), bool)
    )
    cuts = sorted(_break_x(b) for b in breaks_within(breaks, data["period"].astype(str)))
    xs, ys, final = list(x), list(y), list(~provisional)
    for cut in reversed(cuts):  # a NaN point at each break: matplotlib leaves a gap there
        at = int(np.searchsorted(x, cut))
        xs.insert(at, cut)
        ys.insert(at, np.nan)
        final.insert(at, False)
    (line,) = ax.plot(
        xs,
        ys,
        color=color,
        linestyle=linestyle,
        linewidth=linewidth,
        zorder=zorder,
        marker="o",
        markevery=[i for i, f in enumerate(final) if f],
        label=name,
    )
    if provisional.any():
        ax.plot(
            x[provisional],
            y[provisional],
            linestyle="none",
            marker="o",
            markerfacecolor="white",
            markeredgecolor=color,
            markeredgewidth=1.6,
            color=color,
            zorder=zorder + 0.1,
        )
    return line


# --- legend -----------------------------------------------------------------------------

#: A legend right of the axes may take at most this part of the figure's width;
#: a wider one goes under the axes, so the plot keeps its width.
LEGEND_RIGHT_SHARE = 0.36


def place_legend(ax: Axes, handles: Sequence[Any]) -> Legend:
    """Put the legend outside the axes, where it covers no data and squeezes no axis.

    Right of the axes when its entries are short; under the axes (below the
    tick labels, in as many columns as fit the figure's width) when a legend at
    the right would take more than :data:`LEGEND_RIGHT_SHARE` of the width.

    Parameters
    ----------
    ax : Axes
        A chart whose tick labels are set.
    handles : sequence of artists
        The legend entries, in order.

    Returns
    -------
    matplotlib.legend.Legend
    """
    fig = root_figure(ax)
    size = float(mpl.rcParams["legend.fontsize"])
    font = FontProperties(size=size)
    texts = [str(h.get_label()) for h in handles]
    handle = (mpl.rcParams["legend.handlelength"] + mpl.rcParams["legend.handletextpad"]) * size
    entries = [
        max((_text_width(part, font) for part in text.split("\n")), default=0.0) + handle
        for text in texts
    ]
    figure_width = fig.get_figwidth() * 72  # points
    if max(entries, default=0.0) <= LEGEND_RIGHT_SHARE * figure_width:
        return ax.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0
        )
    # the legend starts at the axes' left edge: the columns get the width from there to
    # the figure's right edge, less the legend's own padding and the layout's margin
    available = (
        figure_width
        - _axes_left(ax, figure_width)
        - 2 * mpl.rcParams["legend.borderpad"] * size
        - 2 * float(mpl.rcParams["figure.constrained_layout.w_pad"]) * 72
        - 4
    )
    ncols = legend_columns(entries, available, mpl.rcParams["legend.columnspacing"] * size)
    tick_lines = max(
        (t.get_text().count("\n") + 1 for t in ax.get_xticklabels() if t.get_text()), default=1
    )
    tick_size = mpl.rcParams["xtick.labelsize"]
    tick_size = float(tick_size) if not isinstance(tick_size, str) else size
    below = (
        mpl.rcParams["xtick.major.size"]
        + mpl.rcParams["xtick.major.pad"]
        + tick_lines * tick_size * 1.25
        + 4
    )  # points under the axes: ticks and their labels
    anchor = ax.transAxes + ScaledTranslation(0, -below / 72, fig.dpi_scale_trans)
    return ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0, 0),
        bbox_transform=anchor,
        borderaxespad=0,
        ncols=ncols,
    )


def _axes_left(ax: Axes, figure_width: float) -> float:
    """Where the axes will start, in points from the figure's left edge (an estimate before layout).

    An axes in the first column of its grid starts after its y tick labels and
    label (measured) and the layout's margin; another one where it is now.
    """
    fig = root_figure(ax)
    spec = ax.get_subplotspec() if hasattr(ax, "get_subplotspec") else None
    if spec is not None and spec.colspan.start != 0:
        return float(ax.get_position().x0) * figure_width
    get_renderer = getattr(fig.canvas, "get_renderer", None)  # a Figure() has a plain canvas
    renderer = get_renderer() if get_renderer else RendererAgg(*fig.bbox.size, fig.dpi)
    box = ax.yaxis.get_tightbbox(renderer)
    if box is None:
        return 0.0
    return (
        max(0.0, float(ax.get_window_extent().x0 - box.x0)) * 72 / fig.dpi
        + float(mpl.rcParams["figure.constrained_layout.w_pad"]) * 72
    )


def legend_columns(widths: Sequence[float], available: float, spacing: float) -> int:
    """The most columns a legend's entries fill within ``available`` points.

    A legend fills its columns one after the other (column-major, split as
    :func:`numpy.array_split` splits, as matplotlib's legend does) and each
    column is as wide as its widest entry, so one long entry (``gepubliceerd
    vanaf 2023: van aanmelding tot keukentafelgesprek``) does not force the
    short ones into a single column.

    Parameters
    ----------
    widths : sequence of float
        Width of each entry (handle and text), in points, in legend order.
    available : float
        Width the legend may take, in points.
    spacing : float
        Space between two columns, in points.

    Returns
    -------
    int
        At least 1 (a single column, however wide).
    """
    widths = list(widths)
    for ncols in range(len(widths), 1, -1):
        columns = [
            col for col in np.array_split(np.asarray(widths, dtype=float), ncols) if len(col)
        ]
        total = sum(float(col.max()) for col in columns) + spacing * (len(columns) - 1)
        if total <= available:
            return ncols
    return 1


def _text_width(text: str, font: FontProperties) -> float:
    """Width of one line of text in points."""
    width, _, _ = text_to_path.get_text_width_height_descent(text, font, ismath=False)
    return float(width)


def provisional_handle(language: str | None = None) -> Line2D:
    """The legend entry for provisional values: an open marker, ``voorlopig (open symbool)``."""
    language = resolve_language(language)
    text = f"{label('voorlopig', language)} ({label('open_symbol', language)})"
    return Line2D(
        [],
        [],
        linestyle="none",
        marker="o",
        markerfacecolor="white",
        markeredgecolor=MUTED_TEXT_COLOR,
        markeredgewidth=1.6,
        label=text,
    )


def as_breaks(breaks: Iterable[Any] | None) -> list[SeriesBreak]:
    """Declared breaks as :class:`SeriesBreak` with text periods, each checked.

    Parameters
    ----------
    breaks : iterable or None
        ``(before, after)`` or ``(before, after, text)`` tuples, :class:`SeriesBreak`
        or mappings with those keys.

    Returns
    -------
    list of SeriesBreak

    Raises
    ------
    ValueError
        For a break whose ``before`` does not end before ``after`` begins.
    """
    out = []
    for item in breaks or ():
        if isinstance(item, Mapping):
            item = SeriesBreak(**item)
        brk = SeriesBreak(*item)
        if period_end(str(brk.before)) >= period_start(str(brk.after)):
            raise ValueError(f"series break: {brk.before!r} must end before {brk.after!r} begins")
        out.append(SeriesBreak(str(brk.before), str(brk.after), brk.text))
    return out


def break_between(
    breaks: Iterable[Any] | None, before: str | None, after: str | None
) -> SeriesBreak | None:
    """The first declared break that lies between two periods, or None.

    The one rule for where a break lies, which every chart, alt text and
    table of this package follows (:func:`breaks_within`, :func:`draw_breaks`,
    :func:`draw_series`, :func:`break_sentences`, the sparklines and the
    change column of :mod:`analysis.overview`): a break lies between
    ``before`` and ``after`` when ``before`` ends no later than the break's
    ``before`` period ends, and ``after`` begins no earlier than the break's
    ``after`` period begins (:func:`analysis.periods.period_end`,
    :func:`~analysis.periods.period_start`). So the periods may be of another
    type than the break: the break of 2015 to 2016 lies between ``2015H2`` and
    ``2016H1``, between ``2015Q4`` and ``2016-01`` and between ``2014`` and
    ``2017``, but not between ``2015H1`` and ``2015H2`` nor between ``2016H1``
    and ``2016H2``. Breaks are meant to lie on a boundary of the periods they
    are drawn with: a break inside a period (``2023-06`` to ``2023-07`` on a
    yearly series) lies between no two of its years, while the sparkline and
    the line chart still mark it near that year.

    Parameters
    ----------
    breaks : iterable or None
        As :func:`as_breaks` takes them.
    before, after : str or None
        Two periods in project notation (:mod:`analysis.periods`), the earlier
        first. A missing period (None or NaN: say no previous year) gives None.

    Returns
    -------
    SeriesBreak or None
        The first break, in the order given, that lies between the two periods.

    Raises
    ------
    ValueError
        For a break :func:`as_breaks` refuses, or a period not in project notation.

    See Also
    --------
    breaks_within : the breaks that lie between two periods of a series.

    Examples
    --------
    >>> break_between([("2015", "2016", "trendbreuk")], "2015H2", "2016H1")
    SeriesBreak(before='2015', after='2016', text='trendbreuk')
    >>> break_between([("2015", "2016")], "2016", "2017") is None
    True
    """
    checked = as_breaks(breaks)
    before, after = _period_or_none(before), _period_or_none(after)
    if before is None or after is None:
        return None
    return next((brk for brk in checked if _lies_between(brk, before, after)), None)


def breaks_within(breaks: Iterable[Any] | None, periods: Iterable[str]) -> list[SeriesBreak]:
    """The declared breaks that lie between two of ``periods``, in the order given.

    A break lies within the periods of a chart or series when it lies between
    two of them (:func:`break_between`): one period ends no later than the
    break's ``before`` ends and another begins no earlier than its ``after``
    begins. A break at the edge, with every period on one side of it, does not.
    These are the breaks a chart draws (:func:`draw_breaks`,
    :func:`draw_series`, :func:`analysis.plotting.sparkline`) and its alt text
    names (:func:`break_sentences`).

    Parameters
    ----------
    breaks : iterable or None
        As :func:`as_breaks` takes them.
    periods : iterable of str
        Periods in project notation, in any order; may mix period types.

    Returns
    -------
    list of SeriesBreak

    Raises
    ------
    ValueError
        For a break :func:`as_breaks` refuses, or a period not in project notation.

    Examples
    --------
    >>> [b.after for b in breaks_within([("2015", "2016"), ("2018", "2019")], ["2016", "2017", "2019"])]
    ['2019']
    """
    checked = as_breaks(breaks)
    periods = [str(p) for p in periods]
    if not checked or not periods:
        return []
    first = min(periods, key=period_end)  # the period that ends first ...
    last = max(periods, key=period_start)  # ... and the one that begins last
    return [brk for brk in checked if _lies_between(brk, first, last)]


def _lies_between(brk: SeriesBreak, before: str, after: str) -> bool:
    """The rule of :func:`break_between`, for one checked break."""
    ends_in_time = period_end(before) <= period_end(brk.before)
    starts_after = period_start(brk.after) <= period_start(after)
    return ends_in_time and starts_after


def _period_or_none(period: Any) -> str | None:
    """A period as text; None for a missing one (None, NaN, NA)."""
    if period is None or (not isinstance(period, str) and pd.isna(period)):
        return None
    return str(period)


def with_table_switches(
    breaks: Iterable[Any] | None, obs: pd.DataFrame, language: str | None = None
) -> list[SeriesBreak]:
    """The declared ``breaks``, then where the lines of ``obs`` move to another CBS table.

    Every chart of observations draws its data's table switches
    (:func:`analysis.cbs.table_switches`: ``tabelwissel: 82972NED →
    85098NED`` between 2020 and 2021) as it draws a declared break, so no
    page can join a line across one: CBS starts a new table when it changes
    what or how it counts. A switch where a declared break already lies
    (:func:`break_between`) is left out: the declared break says more.

    Parameters
    ----------
    breaks : iterable or None
        As :func:`as_breaks` takes them.
    obs : DataFrame
        The chart's observations; without a ``source`` column, no switches.
    language : {'nl', 'en'}, optional

    Returns
    -------
    list of SeriesBreak
    """
    from ..cbs.load import table_switches

    language = resolve_language(language)
    declared = as_breaks(breaks)
    if obs.empty or not {"source", "indicator", "region_code"} <= set(obs.columns):
        return declared
    if "period_type" not in obs.columns:
        obs = obs.assign(period_type=period_types(obs))
    found = [
        SeriesBreak(*switch)
        for switch in table_switches(obs, language)
        if break_between(declared, switch[0], switch[1]) is None
    ]
    return declared + found


def draw_breaks(
    ax: Axes,
    breaks: Iterable[Any] | None,
    language: str | None = None,
    *,
    annotate: bool = True,
    periods: Iterable[str] | None = None,
) -> list[float]:
    """Draw declared series breaks as vertical dashed lines with their text.

    Parameters
    ----------
    ax : Axes
        A chart with a period axis (:func:`period_x` positions).
    breaks : iterable
        ``(before, after)`` or ``(before, after, text)`` tuples,
        :class:`SeriesBreak` or mappings; the line goes between the two periods,
        its text level at the top of the axes, beside the line, in a band kept
        free of data (see :func:`_break_text`).
        Pass the same breaks to :func:`draw_series` to leave the gap in the lines.
    language : {'nl', 'en'}
        Language of the default text (``trendbreuk``).
    annotate : bool, default True
        Write the text next to the line (small multiples annotate one panel).
    periods : iterable of str, optional
        The periods the chart shows. A break is drawn when it lies between two
        of them (:func:`breaks_within`): exactly the breaks
        :func:`break_sentences` names in the alt text for the same periods,
        and never one at the edge of the chart, with every period on one side.
        Every chart of this package passes them. Without ``periods`` (a chart
        whose periods are not at hand), every break whose line falls within
        the axis limits is drawn.

    Returns
    -------
    list of float
        The x positions drawn.
    """
    language = resolve_language(language)
    drawn = []
    left, right = ax.get_xlim()
    shown = as_breaks(breaks) if periods is None else breaks_within(breaks, periods)
    lines = sorted(
        ((_break_x(brk), brk) for brk in shown),
        key=lambda item: item[0],  # in time order, whatever order they were given in
    )
    if periods is None:
        lines = [(x, brk) for x, brk in lines if left <= x <= right]
    placed: list[tuple[float, float, float, float]] = []  # the texts written: x0, x1, top, bottom
    for k, (x, brk) in enumerate(lines):
        ax.axvline(x, color=BREAK_COLOR, linestyle="--", linewidth=1.1, zorder=1.5)
        if annotate:
            placed.append(
                _break_text(
                    ax,
                    brk.text or label("series_break", language),
                    x,
                    placed,
                    before=lines[k - 1][0] if k else None,
                    after=lines[k + 1][0] if k + 1 < len(lines) else None,
                )
            )
        drawn.append(x)
    return drawn


#: Font size of the series-break text, in points.
BREAK_FONTSIZE = 8.0


def _break_text(
    ax: Axes,
    text: str,
    x: float,
    placed: Sequence[tuple[float, float, float, float]] = (),
    *,
    before: float | None = None,
    after: float | None = None,
) -> tuple[float, float, float, float]:
    """Write a series break's text at the top of the axes, beside the break line.

    The text goes right of the line where it fits there, or where there is
    more room on that side (else left of it), wrapped to the room there: up
    to the next break line (``after``; ``before`` on the left) or the edge
    of the axes. It goes at the top, or under the texts already ``placed``
    that it would overlap, and the value axis is raised so that no data
    reaches into the band the texts take: they cover no tick label, no line
    and no point.

    Parameters
    ----------
    ax : Axes
    text : str
    x : float
        The break line's position (data units).
    placed : sequence of (x0, x1, top, bottom)
        The texts written before: their extent in axes fractions (x) and in
        points under the top of the axes (y).
    before, after : float, optional
        The positions of the neighbouring break lines (data units).

    Returns
    -------
    tuple
        This text's (x0, x1, top, bottom), as ``placed`` takes them.
    """
    fig = root_figure(ax)
    left, right = ax.get_xlim()

    def frac(v: float) -> float:
        return (v - left) / (right - left)

    at = frac(x)
    box = ax.get_position()
    width = box.width * fig.get_figwidth() * 0.7  # inches; the layout still takes some

    def reach(chars: int) -> float:  # a line of ``chars`` characters, in axes fractions
        return (chars * BREAK_FONTSIZE * 0.58 / 72 + 8 / 72) / max(width / 0.7, 1e-9)

    right_room = (frac(after) if after is not None else 1.0) - at
    left_room = at - (frac(before) if before is not None else 0.0)
    # right of the line where the text fits there or there is more room than on the left
    beside = reach(len(text)) <= right_room or right_room >= left_room
    room = right_room if beside else left_room
    chars = max(16, int(width * room * 72 / (BREAK_FONTSIZE * 0.58)))
    wrapped = textwrap.fill(text, chars)
    longest = reach(max(len(line) for line in wrapped.splitlines()))
    x0, x1 = (at, at + longest) if beside else (at - longest, at)
    taken = (wrapped.count("\n") + 1) * BREAK_FONTSIZE * 1.25 + 2  # points: the text and a gap
    below = 0.0
    moved = True
    while moved:  # under every text it would overlap, at the top where it overlaps none
        moved = False
        for p0, p1, top, bottom in placed:
            if x0 < p1 and p0 < x1 and below < bottom and top < below + taken:
                below, moved = bottom, True
    band = (below + taken + 6) / 72  # inches from the top, with a margin below the text
    height = max(0.5, box.height * fig.get_figheight() * 0.8)
    free = min(0.45, band / height)
    low, high = ax.get_ylim()
    top = ax.dataLim.y1 if np.isfinite(ax.dataLim.y1) else high
    if top > low and (top - low) / (high - low) > 1 - free:
        ax.set_ylim(low, low + (top - low) / (1 - free))
    ax.annotate(
        wrapped,
        xy=(x, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(4 if beside else -4, -2 - below),
        textcoords="offset points",
        ha="left" if beside else "right",
        va="top",
        fontsize=BREAK_FONTSIZE,
        color=MUTED_TEXT_COLOR,
        gid="series-break",
        zorder=1.6,
        # where a text reaches past another break's line, the line stops behind the words
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
    )
    return x0, x1, below, below + taken


def zero_based_axis(ax: Axes, values: pd.Series, unit: str, zero_based: bool | None) -> None:
    """Start the value axis at 0 (default for every unit but marks) when no value is negative."""
    if zero_based is None:
        zero_based = unit != "rapportcijfer"
    if zero_based and (values.dropna() >= 0).all():
        top = ax.get_ylim()[1]  # autoscaled over everything drawn, bands included
        ax.set_ylim(0, top * 1.04 if top > 0 else 1)


def set_titles(fig: Figure, ax: Axes | None, title: str, subtitle: str | None) -> None:
    """The chart's title (bold, left) and subtitle (muted, over the axes; under the title without ``ax``).

    Both are wrapped to the width they have (:func:`wrap_title`, :func:`wrap_to_width`).
    """
    title = wrap_title(fig, title)
    if ax is None:
        fig.suptitle(title if not subtitle else f"{title}\n{subtitle}", x=0.01, ha="left")
        return
    fig.suptitle(title, x=0.01, ha="left")
    if subtitle:
        # over the axes, from their left edge: the width from there (an axis' labels,
        # ~10 % of a figure, taken off) to the figure's right edge
        width = root_figure(fig).get_figwidth() * 72
        subtitle = wrap_to_width(
            subtitle,
            0.97 * width - max(_axes_left(ax, width), 0.1 * width),
            FontProperties(size=10),
        )
        ax.set_title(subtitle, loc="left", fontsize=10, color=MUTED_TEXT_COLOR)


def wrap_title(fig: Figure, title: str) -> str:
    """A chart title wrapped to the figure's width, as the title font draws it.

    A long title (``Aandeel buurtteam Jeugd en Gezin in de cliënten van
    buurtteam en aanvullende zorg Jeugd``) otherwise runs past the figure's
    edge, and the saved image grows wider than the others (and is shrunk on
    the page).

    Parameters
    ----------
    fig : Figure
    title : str

    Returns
    -------
    str
        ``title``, with line breaks where it would not fit
        (:func:`wrap_to_width`, 97 % of the figure's width).
    """
    font = FontProperties(
        size=mpl.rcParams["figure.titlesize"], weight=mpl.rcParams["figure.titleweight"]
    )
    return wrap_to_width(title, 0.97 * root_figure(fig).get_figwidth() * 72, font)


def sources_frame(*frames: pd.DataFrame | None) -> pd.DataFrame:
    """The provenance columns of several frames in one, for :func:`finish_figure` (empty frames skipped)."""
    cols = ["source", "published", "status", "display"]
    parts = [f[[c for c in cols if c in f.columns]] for f in frames if f is not None and len(f)]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)


def finish_figure(
    fig: Figure,
    obs: pd.DataFrame,
    language: str | None = None,
    synthetic: bool = False,
    provisional_note: str | None = None,
    *,
    alt: str | None = None,
) -> Figure:
    """The last step of every chart: the *synthetisch* mark, the source line and the alt text.

    Parameters
    ----------
    fig : Figure
    obs : DataFrame
        What the chart draws, with ``source`` and ``published`` (see :func:`sources_frame`).
    language : {'nl', 'en'}, optional
        Default: the session language.
    synthetic : bool, default False
        Mark the chart *synthetisch* (also done when a source in ``obs`` is synthetic).
    provisional_note : str, optional
        See :func:`source_text`.
    alt : str, optional
        The alt text (:func:`set_alt_text`); ``synthetisch`` is added when it applies.

    Returns
    -------
    Figure
        ``fig``.
    """
    language = resolve_language(language)
    synthetic = synthetic or is_synthetic(obs)
    if synthetic:
        mark_synthetic(fig, language)
    add_source_line(fig, obs, language, synthetic=synthetic, provisional_note=provisional_note)
    if alt:
        mark = label("synthetic", language)
        set_alt_text(fig, f"{alt} ({mark})" if synthetic and mark not in alt else alt)
    return fig


def chart_note(obs: pd.DataFrame, language: str | None = None) -> str | None:
    """The provisional-marker note of the source line (``open symbool = voorlopig``), or None."""
    language = resolve_language(language)
    if "status" in obs.columns and obs["status"].isin(PROVISIONAL_STATUSES).any():
        return label("provisional_marker_note", language)
    return None


def status_mark(status: Any) -> str:
    """``*`` for a provisional value, ``**`` for a revised provisional one, else ``''``."""
    return {STATUS_PROVISIONAL: "*", STATUS_REVISED_PROVISIONAL: "**"}.get(status, "")


def value_decimals(values: Iterable[float], unit: str) -> int:
    """The decimals to write ``values`` in: the unit's house decimals, rates and working days as published.

    Rates (``per 1000 inwoners``, ``per 10000 inwoners``) and working days
    get the fewest decimals that write every value exactly, at most the
    house decimals (:data:`analysis.labels.UNIT_DECIMALS`): CBS publishes
    Wmo clients per 1.000 inhabitants as whole numbers, so they read ``73
    per 1.000 inwoners``, never ``73,0``, and a norm of 5 working days reads
    ``5 werkdagen``; a rate or mean waiting time computed from the register
    (``12,3456``, ``4,66``) keeps the house decimals. Other units: the
    house decimals.
    """
    cap = UNIT_DECIMALS.get(unit, 1)
    if not (str(unit).startswith("per ") or unit == "werkdagen"):
        return cap
    finite = [
        float(v) for v in values if v is not None and not pd.isna(v) and math.isfinite(float(v))
    ]
    for places in range(cap + 1):
        if all(abs(round(v, places) - v) <= 1e-9 * max(1.0, abs(v)) for v in finite):
            return places
    return cap


def norm_text(norm: float | None, unit: str, language: str | None = None) -> str:
    """A norm (streefwaarde) for readers: ``'5 werkdagen'``, ``'80,0%'``, ``''`` for none.

    Decimals by :func:`value_decimals`: a norm in working days or a rate as
    the policy writes it (``5 werkdagen``, not ``5,0``), a percentage with
    CBS's one decimal like the percentages beside it.
    """
    language = resolve_language(language)
    if norm is None or pd.isna(norm):
        return ""
    return format_value(norm, unit, language, decimals=value_decimals([norm], unit))


# --- alt text -------------------------------------------------------------------------------

ALT_TEXT_ATTRIBUTE = "analysis_alt_text"
"""The attribute of a :class:`~matplotlib.figure.Figure` that holds its alt text."""


def set_alt_text(fig: Figure, text: str) -> Figure:
    """Give a chart its text alternative: what it shows, in words (WCAG 2.1, 1.1.1).

    The notebook display (:func:`enable_notebook_display`) puts it in the
    output's metadata (``metadata["image/png"]["alt"]``), which the HTML
    report writes as ``<img alt>``.

    Returns
    -------
    Figure
        ``fig``.
    """
    text = " ".join(str(text).split())
    if not text:
        raise ValueError("set_alt_text: the alt text is empty")
    setattr(fig, ALT_TEXT_ATTRIBUTE, text)
    return fig


def alt_text(fig: Figure) -> str:
    """The chart's alt text: the one set by :func:`set_alt_text`, else its titles.

    A chart drawn ad hoc in a notebook without an alt text gets its title
    and subtitle (suptitle and axes titles); a chart without any title gets
    the labels of its axes.
    """
    text = getattr(fig, ALT_TEXT_ATTRIBUTE, None)
    if text:
        return text
    parts = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) is not None else []
    for ax in fig.axes:
        parts += [ax.get_title(loc) for loc in ("left", "center", "right")]
    if not any(p.strip() for p in parts):
        parts = [t for ax in fig.axes for t in (ax.get_ylabel(), ax.get_xlabel())]
    return "; ".join(" ".join(p.split()) for p in parts if p.strip())


def period_span(periods: Iterable[str], language: str | None = None) -> str:
    """``'2015-2023'`` or ``'1e halfjaar 2017-2e halfjaar 2023'``: the first and last of ``periods``."""
    language = resolve_language(language)
    order = sorted({str(p) for p in periods}, key=period_sort_key)
    if not order:
        return ""
    first, last = (period_label(p, language, style="long") for p in (order[0], order[-1]))
    return first if first == last else f"{first}\u2013{last}"


def alt_summary(
    title: str,
    subtitle: str | None,
    periods: Iterable[str],
    parts: Iterable[str],
    language: str | None = None,
) -> str:
    """An alt text of a chart over time: ``'<title> (<subtitle>), 2015-2023: <part>; <part>'``.

    Parameters
    ----------
    title : str
    subtitle : str or None
        Added in brackets after the title when given.
    periods : iterable of str
        The periods drawn; their span (:func:`period_span`) follows the title.
    parts : iterable of str
        What the chart shows, e.g. one :func:`series_description` per line.
    language : {'nl', 'en'}, optional
        Default: the session language.

    Returns
    -------
    str
    """
    language = resolve_language(language)
    head = f"{title} ({subtitle})" if subtitle else title
    return f"{head}, {period_span(periods, language)}: {'; '.join(parts)}"


def series_description(
    data: pd.DataFrame,
    unit: str,
    language: str | None = None,
    *,
    name: str | None = None,
    change: bool = True,
    value: str = "value",
    decimals: int | None = None,
) -> str:
    """One series in words for an alt text: ``'Utrecht van 7,3 % (2015) naar 15,0 % (2023)'``.

    Parameters
    ----------
    data : DataFrame
        ``period`` and ``value`` (or the column ``value``) of one series; missing values are skipped.
    unit : str
        The unit (key of :data:`analysis.labels.UNIT_DECIMALS`), for the number format.
    language : {'nl', 'en'}, optional
    name : str, optional
        Written first.
    change : bool, default True
        First and last value; False: only the last.
    decimals : int, optional
        Instead of the unit's decimals.

    Returns
    -------
    str
        ``name`` and the values, or ``name: –`` when no value is there.
    """
    language = resolve_language(language)
    rows = sorted_by_period(data.assign(value=pd.to_numeric(data[value], errors="coerce")))
    rows = rows[rows["value"].notna()]
    head = f"{name} " if name else ""
    if rows.empty:
        return f"{head}{MISSING}".strip()

    def one(r) -> str:
        shown = (
            format_value(r["value"], unit, language, decimals=decimals)
            if unit
            else format_number(r["value"], decimals or 0, language)
        )
        return f"{shown} ({period_label(str(r['period']), language, style='long')})"

    last = one(rows.iloc[-1])
    if not change or len(rows) == 1:
        return f"{head}{last}"
    return head + label("alt_from_to", language).format(a=one(rows.iloc[0]), b=last)


def lines_alt_text(
    title: str,
    obs: pd.DataFrame,
    key: str,
    codes: Sequence[str],
    by: str,
    unit: str,
    language: str | None = None,
    *,
    breaks: Iterable[Any] | None = None,
    subtitle: str | None = None,
    change: Iterable[str] = (),
    limit: int = 6,
) -> str:
    """The alt text of a chart of lines: title, periods, each line's values, the breaks.

    ``'Jongeren met jeugdhulp, 2015-2023: Utrecht van 7,3% (2015) naar 15,0% (2023);
    Nederland 14,0% (2023); trendbreuk tussen 2015 en 2016'``.

    Parameters
    ----------
    title : str
    obs : DataFrame
        The observations drawn (``period``, ``value``, the ``key`` column).
    key : str
        The column a line is drawn per (``region_code`` or ``indicator``).
    codes : sequence of str
        The lines, in the order to describe them (the focus first).
    by : {'region', 'indicator'}
        For the lines' names (:func:`series_name`).
    unit : str
    language : {'nl', 'en'}, optional
    breaks : iterable, optional
        Declared breaks, named when they lie within the periods drawn
        (:func:`breaks_within`), as :func:`draw_breaks` draws them.
    subtitle : str, optional
        Added in brackets after the title.
    change : iterable of str
        Lines described from first to last value; the others by their last value.
    limit : int, default 6
        At most this many lines are described; the rest are counted.
    """
    language = resolve_language(language)
    change = set(change)
    decimals = value_decimals(obs["value"], unit)
    lines = split_lines(obs, key)
    parts = [
        series_description(
            lines.get(c, obs.iloc[:0]),
            unit,
            language,
            name=series_name(c, lines.get(c, obs.iloc[:0]), by, language),
            change=c in change,
            decimals=decimals,
        )
        for c in list(codes)[:limit]
    ]
    if len(codes) > limit:
        parts.append(label("alt_more", language).format(n=len(codes) - limit))
    periods = sorted(set(obs["period"].astype(str)), key=period_sort_key)
    parts += break_sentences(breaks, periods, language)
    return alt_summary(title, subtitle, periods, parts, language)


def break_kind(brk: Any, language: str | None = None) -> tuple[str, str]:
    """What a break is and the rest of its text: ``('tabelwissel', '82972NED → 85098NED')``.

    A text that starts with a kind of break and a colon (``trendbreuk: ...``,
    ``tabelwissel: ...``, ``bronwissel: ...``, in either language) gives that kind; any other
    text is a *trendbreuk* explained by the whole text; no text, a
    *trendbreuk* without explanation.
    """
    language = resolve_language(language)
    text = str(brk.text or "").strip()
    for key in ("series_break", "table_change", "publication_change"):
        for word in (label(key, "nl"), label(key, "en")):
            if text.lower().startswith(f"{word.lower()}:"):
                return label(key, language), text[len(word) + 1 :].strip()
    return label("series_break", language), text


def period_words(period: Any, language: str | None = None, style: str = "long") -> str:
    """A period for readers (:func:`analysis.labels.period_label`); a text it cannot read, as it is."""
    language = resolve_language(language)
    try:
        return period_label(str(period), language, style=style)
    except ValueError:
        return str(period)


def break_phrase(
    brk: Any, language: str | None = None, *, style: str = "long", explain: bool = True
) -> str:
    """A break in words: ``'tabelwissel tussen 2020 en 2021: 82972NED → 85098NED'``.

    The kind of break (:func:`break_kind`), the two periods it lies between
    (:func:`period_words` in ``style``) and, with ``explain``, its
    explanation, as the chart writes it beside the break line; what the alt
    text (:func:`break_sentences`) and a sparkline's text say of it.
    """
    language = resolve_language(language)
    kind, rest = break_kind(brk, language)
    between = label("alt_between", language).format(
        what=kind,
        a=period_words(brk.before, language, style),
        b=period_words(brk.after, language, style),
    )
    return f"{between}: {rest}" if rest and explain else between


def break_sentences(
    breaks: Iterable[Any] | None, periods: Iterable[str], language: str | None = None
) -> list[str]:
    """For the alt text: a sentence per declared break that lies within ``periods``.

    The breaks named are those of :func:`breaks_within`: exactly the breaks
    :func:`draw_breaks` draws for the same periods, each with its kind and
    text (:func:`break_phrase`: ``trendbreuk tussen 2015 en 2016: vanaf 2016
    telt jeugdhulp door buurtteams mee``), in the order given.
    """
    language = resolve_language(language)
    return [break_phrase(brk, language) for brk in breaks_within(breaks, periods)]


def enable_notebook_display() -> None:
    """Let Jupyter show a Figure as a PNG image with its alt text, also when pyplot was never used.

    Registers, when IPython runs, a PNG formatter for
    :class:`~matplotlib.figure.Figure` that returns the image and the
    metadata ``{"alt": alt_text(fig)}``, so the notebook output carries
    ``metadata["image/png"]["alt"]``. It replaces the inline backend's
    formatters (registered when pyplot loads it), so figures shown at the end
    of a cell by matplotlib-inline (``display(fig)``) carry their alt text
    too; other image formats of a figure are switched off (one image per
    chart). Called by every chart of this package; outside IPython it does nothing.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    formatters = shell.display_formatter.formatters
    png = formatters.get("image/png")
    if png is None:
        return
    try:
        if png.lookup_by_type(Figure) is figure_png:
            return
    except KeyError:
        pass
    for mime in ("image/svg+xml", "image/jpeg", "application/pdf"):
        if mime in formatters:
            formatters[mime].pop(Figure, None)
    png.for_type(Figure, figure_png)


def figure_png(fig: Figure) -> tuple[bytes, dict[str, str]]:
    """A figure as PNG bytes and its display metadata ``{"alt": ...}`` (an IPython formatter)."""
    from IPython.core.pylabtools import print_figure

    return print_figure(fig, fmt="png", bbox_inches="tight"), {"alt": alt_text(fig)}


__all__ = [
    "ALT_TEXT_ATTRIBUTE",
    "BREAK_COLOR",
    "BREAK_FONTSIZE",
    "COMPARISON_COLORS",
    "FIGSIZES",
    "FOCUS_COLOR",
    "FOCUS_REGION",
    "LEGEND_RIGHT_SHARE",
    "MUTED_TEXT_COLOR",
    "NEDERLAND_COLOR",
    "NORM_COLOR",
    "NumberFormatter",
    "OBS_COLUMNS",
    "OTHER_BAR_COLOR",
    "PALETTE",
    "PROVISIONAL_STATUSES",
    "SOURCE_FONTSIZE",
    "SeriesBreak",
    "add_source_line",
    "alt_summary",
    "alt_text",
    "break_between",
    "break_kind",
    "break_phrase",
    "period_words",
    "break_sentences",
    "with_table_switches",
    "breaks_within",
    "capitalised",
    "chart_note",
    "check_unique",
    "draw_breaks",
    "draw_series",
    "draw_target",
    "enable_notebook_display",
    "figure_png",
    "figure_texts",
    "finish_figure",
    "format_axis",
    "house_rc",
    "house_style",
    "is_synthetic",
    "join_words",
    "legend_columns",
    "line_key",
    "lines_alt_text",
    "mark_synthetic",
    "new_figure",
    "period_span",
    "period_types",
    "period_x",
    "place_legend",
    "provisional_handle",
    "provisional_periods_note",
    "region_colors",
    "require_observations",
    "root_figure",
    "series_description",
    "series_name",
    "set_alt_text",
    "set_period_ticks",
    "set_style",
    "set_titles",
    "single_period_type",
    "single_value",
    "sorted_by_period",
    "source_text",
    "sources_frame",
    "split_lines",
    "status_mark",
    "styled",
    "value_decimals",
    "norm_text",
    "wrap_title",
    "wrap_to_width",
    "zero_based_axis",
    "as_breaks",
]
