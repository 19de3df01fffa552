"""The house style: one look for every chart and headline table in the notebooks.

Every chart function takes tidy observations (:mod:`analysis.schema`) and
returns a :class:`matplotlib.figure.Figure` that

* carries a source line under the chart (``Bron: CBS 82972NED en 85098NED
  (gegevens 2025-04-22); * voorlopig``), built from the ``source``,
  ``published`` and ``status`` columns of what it draws;
* is marked *synthetisch* (a watermark in every axes and a note in the source
  line) when it draws the synthetic register or is told ``synthetic=True``;
* draws provisional values (``voorlopig``, ``nader voorlopig``) with open
  markers and says so in the legend and source line;
* writes numbers the Dutch way (``12.163``, ``7,6``) or the English way;
* never mixes period types in one line: split years and half-years into
  separate charts.

Figures are created without :mod:`matplotlib.pyplot`, so nothing is kept in
pyplot's figure registry and a notebook shows a figure once, when it is the
value of a cell (or passed to ``display``). They render headless (Agg).
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
import sys
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from functools import partial, wraps
from typing import Any, NamedTuple

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager, ticker
from matplotlib.axes import Axes
from matplotlib.dates import date2num
from matplotlib.figure import Figure, SubFigure
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from . import markup
from .disclosure import source_kind
from .labels import (
    DEFAULT_LANGUAGE,
    MISSING,
    UNIT_DECIMALS,
    check_language,
    format_change,
    format_number,
    format_value,
    indicator_label,
    label,
    period_label,
    unit_axis_label,
)
from .periods import (
    STATUS_PROVISIONAL,
    STATUS_REVISED_PROVISIONAL,
    STATUS_SUPPRESSED,
    period_end,
    period_order,
    period_sort_key,
    period_start,
    period_type_of,
)
from .regions import NEDERLAND

# --- colours and sizes ------------------------------------------------------------------
# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
FOCUS_COLOR = "#0072B2"  # blue: the focus region (the municipality the notebook is about)
NEDERLAND_COLOR = "#4D4D4D"  # dark grey, dashed: the national reference
COMPARISON_COLORS: tuple[str, ...] = ("#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
OTHER_BAR_COLOR = "#9EBCDA"  # light blue: non-focus bars
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
_PREFERRED_FONTS = ("Source Sans 3", "Source Sans Pro", "Open Sans", "Arial", "Liberation Sans", "DejaVu Sans")
_PROVISIONAL = (STATUS_PROVISIONAL, STATUS_REVISED_PROVISIONAL)
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
    sns.set_theme(context="notebook", style="ticks", palette=list(PALETTE), font="sans-serif", rc=rc)
    mpl.rcParams.update(rc)
    return rc


@contextmanager
def house_style():
    """Context manager: the house style for the figures created inside it."""
    with mpl.rc_context(house_rc()):
        yield


def _styled(func: Callable[..., Figure]) -> Callable[..., Figure]:
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


def _enable_notebook_display() -> None:
    """Let Jupyter show a returned Figure as an image, also when pyplot was never used.

    The inline backend registers its image formatter for
    :class:`~matplotlib.figure.Figure` only once pyplot has loaded it; until
    then a figure returned from a cell would show as ``<Figure size ...>``.
    When IPython runs and no image formatter for figures is registered yet,
    this registers IPython's own PNG formatter. Outside IPython it does nothing.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    formatters = shell.display_formatter.formatters
    for mime in ("image/png", "image/svg+xml", "image/jpeg", "application/pdf"):
        if mime in formatters and _has_formatter(formatters[mime], Figure):
            return
    from IPython.core.pylabtools import print_figure

    formatters["image/png"].for_type(Figure, partial(print_figure, fmt="png", bbox_inches="tight"))


def _has_formatter(formatter: Any, cls: type) -> bool:
    try:
        formatter.lookup_by_type(cls)
    except KeyError:
        return False
    return True


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
    _enable_notebook_display()
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

    def __init__(self, language: str = DEFAULT_LANGUAGE, decimals: int | None = None, suffix: str = "") -> None:
        self.language = check_language(language)
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
    language: str = DEFAULT_LANGUAGE,
    *,
    decimals: int | None = None,
    suffix: str = "",
) -> NumberFormatter:
    """Put a :class:`NumberFormatter` on the ``x`` or ``y`` axis of ``ax`` and return it."""
    if axis not in ("x", "y"):
        raise ValueError(f"parameter 'axis': {axis!r}; use 'x' or 'y'")
    formatter = NumberFormatter(language, decimals, suffix)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)
    return formatter


# --- source line and synthetic mark ------------------------------------------------------


def is_synthetic(obs: pd.DataFrame) -> bool:
    """Whether any row of ``obs`` comes from the synthetic register (by its ``source``)."""
    if obs is None or "source" not in obs.columns:
        return False
    return any(source_kind(s) == "synthetic" for s in obs["source"].dropna().unique())


def source_text(
    obs: pd.DataFrame,
    language: str = DEFAULT_LANGUAGE,
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
    check_language(language)
    missing = [c for c in ("source", "published") if c not in obs.columns]
    if missing:
        raise ValueError(f"source_text needs column(s) {', '.join(missing)}")
    parts = _source_parts(obs, language)
    head = label("sources" if len(parts) > 1 else "source", language)
    text = f"{head}: {'; '.join(parts) if parts else MISSING}"
    notes = _source_notes(obs, language, synthetic or is_synthetic(obs), provisional_note)
    return "; ".join([text, *notes])


def _source_parts(obs: pd.DataFrame, language: str) -> list[str]:
    pairs = obs[["source", "published"]].fillna("").astype(str).drop_duplicates()
    pairs = pairs[pairs["source"].str.strip() != ""]
    cbs = pairs[pairs["source"].map(source_kind) == "cbs"]
    parts = []
    if len(cbs):
        tables = cbs.assign(
            table=cbs["source"].str.extract(r"(\d{5}[A-Za-z]{3})", expand=False).str.upper(),
            vintage=[_cbs_vintage(v, language) for v in cbs["published"]],
        )
        groups = []
        for vintage, group in tables.groupby("vintage", sort=True):
            names = _join(sorted(group["table"].unique()), language)
            groups.append(f"{names} ({vintage})" if vintage else names)
        parts.append("CBS " + ", ".join(groups))
    others = pairs[pairs["source"].map(source_kind) != "cbs"]
    for source, group in others.groupby("source", sort=False):
        vintages = [v for v in group["published"] if v and v != source]
        parts.append(f"{source} ({', '.join(vintages)})" if vintages else source)
    return parts


_CBS_PUBLISHED = re.compile(r"^(?:CBS\s*)?(?:StatLine\s*)?(?:\d{5}[A-Za-z]{3}\s*)?\((?P<v>.*)\)$|^(?P<w>.*)$")
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_VINTAGE_WORDS_EN = {"bestand van": "file of", "CBS-versie": "CBS version"}


def _cbs_vintage(published: str, language: str) -> str:
    """The vintage of a CBS table for the source line.

    ``2025-04-22`` -> ``gegevens 2025-04-22``; ``CBS StatLine 85098NED (bestand van
    2025-04-22)`` (as :mod:`analysis.cbs` writes it) -> ``bestand van 2025-04-22``.
    """
    text = " ".join(str(published).split())
    m = _CBS_PUBLISHED.match(text)
    vintage = (m["v"] if m["v"] is not None else m["w"]).strip()
    if not vintage:
        return ""
    if _DATE.match(vintage):
        return f"{label('data_as_of', language)} {vintage}"
    if language == "en":
        for nl, en in _VINTAGE_WORDS_EN.items():
            vintage = vintage.replace(nl, en)
    return vintage


def _source_notes(obs: pd.DataFrame, language: str, synthetic: bool, provisional_note: str | None) -> list[str]:
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


def _join(items: Sequence[str], language: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {label('and', language)} {items[-1]}"


def _root_figure(target: Axes | Figure | SubFigure) -> Figure:
    fig = target if isinstance(target, Figure | SubFigure) else target.figure
    while isinstance(fig, SubFigure):
        fig = fig.figure
    return fig


def add_source_line(
    target: Axes | Figure,
    sources: pd.DataFrame | str | Sequence[str],
    language: str = DEFAULT_LANGUAGE,
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
    fig = _root_figure(target)
    if isinstance(sources, pd.DataFrame):
        text = source_text(sources, language, synthetic=synthetic, provisional_note=provisional_note)
    else:
        text = _literal_source(sources, language, synthetic)
    width_chars = max(40, int(fig.get_figwidth() * 72 / (SOURCE_FONTSIZE * 0.55)))
    text = textwrap.fill(text, width=width_chars)
    for old in [t for t in fig.texts if t.get_gid() == _SOURCE_GID]:
        old.remove()
    line = fig.text(
        0.01, 0.01, text, ha="left", va="bottom", fontsize=SOURCE_FONTSIZE,
        color=MUTED_TEXT_COLOR, gid=_SOURCE_GID,
    )
    _reserve_bottom(fig, text.count("\n") + 1)
    return line


def _literal_source(sources: str | Sequence[str], language: str, synthetic: bool) -> str:
    check_language(language)
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


def mark_synthetic(target: Axes | Figure, language: str = DEFAULT_LANGUAGE) -> list[Text]:
    """Write *synthetisch* as a watermark across every axes of the figure (or the one axes).

    Returns
    -------
    list of Text
        The marks added (none for axes that have one already).
    """
    text = label("synthetic", language)
    axes = [target] if isinstance(target, Axes) else _root_figure(target).axes
    marks = []
    for ax in axes:
        if not ax.get_visible() or any(t.get_gid() == _SYNTHETIC_GID for t in ax.texts):
            continue
        marks.append(ax.text(
            0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", rotation=20,
            fontsize=max(12, min(36, 4.5 * ax.bbox.height / 72)), color="#888888", alpha=0.25,
            fontweight="bold", zorder=10, gid=_SYNTHETIC_GID,
        ))
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


# --- checks on the observations ----------------------------------------------------------


class SeriesBreak(NamedTuple):
    """A declared break in a series: between ``before`` and ``after``, with a text."""

    before: str
    after: str
    text: str | None = None


def has_values(frame: Any, value: str = "value") -> bool:
    """Whether ``frame`` holds anything to draw or tabulate.

    True for a non-empty DataFrame with at least one value in ``value`` (or
    a withheld one, status ``suppressed``; or, when it has no such column, at
    least one row), and for a non-empty
    sequence or mapping of frames of which one has; False for None, empty
    frames and frames whose values are all missing (withheld, outside the
    period, not in the register).
    """
    if frame is None:
        return False
    if isinstance(frame, pd.DataFrame):
        if frame.empty:
            return False
        if "status" in frame.columns and frame["status"].eq("suppressed").any():
            return True  # withheld values are shown as such (<10, x)
        if value not in frame.columns:
            return True
        filled = frame[value][frame[value].notna()]
        return bool(len(filled) and (filled.astype(str).str.strip() != "").any())
    if isinstance(frame, Mapping):
        return any(has_values(f, value) for f in frame.values())
    if isinstance(frame, (list, tuple)):
        return any(has_values(f, value) for f in frame)
    return True


def empty_note(what: str | None = None, *, selection: str | None = None, language: str = DEFAULT_LANGUAGE):
    """The sentence shown instead of an empty chart or table (escaped, italic, displayable).

    Parameters
    ----------
    what : str, optional
        What would have been shown (a chart title); default none.
    selection : str, optional
        The selection in words (e.g. from :func:`selection_text`), added in brackets.
    language : {'nl', 'en'}

    Returns
    -------
    IPython.display.Markdown
    """
    check_language(language)
    text = (label("empty_selection_what", language).format(what=what) if what
            else label("empty_selection", language))
    return markup.sentence(f"{text} ({selection})." if selection else f"{text}.", emphasis=True)


def selection_text(start: str | None = None, end: str | None = None, *, area: str | None = None,
                   language: str = DEFAULT_LANGUAGE) -> str | None:
    """The notebook's selection in words: area and period, e.g. ``'Overvecht, vanaf 2030'``; None when unbounded."""
    check_language(language)
    parts = [area] if area else []
    if start and end:
        parts.append(label("selection_period", language).format(start=period_label(str(start), language),
                                                                end=period_label(str(end), language)))
    elif start:
        parts.append(label("selection_from", language).format(start=period_label(str(start), language)))
    elif end:
        parts.append(label("selection_until", language).format(end=period_label(str(end), language)))
    return ", ".join(parts) or None


def chart_or_note(draw: Callable[..., Any], data: Any, *args: Any, what: str | None = None,
                  selection: str | None = None, check: str = "value", **kwargs: Any):
    """``draw(data, *args, **kwargs)``, or a sentence when ``data`` has nothing to show.

    The one call a notebook section makes for a chart (or table) that may be
    empty: a chosen period after the data, a wijk with few cases, a register
    without surveys or additional care. Nothing is drawn from an empty or
    all-missing selection (a chart of nothing has no scale and can come out
    upside down).

    Parameters
    ----------
    draw : callable
        A chart or table function (:func:`line_chart`, :func:`bar_chart`,
        :func:`analysis.experience.interval_chart`, ...).
    data : DataFrame, or a sequence or mapping of them
        Its first argument; empty when :func:`has_values` says so.
    *args, **kwargs
        Passed to ``draw``; ``language`` (and ``title``, as ``what``) also
        to the sentence.
    what : str, optional
        What the chart shows, for the sentence; default its ``title``.
    selection : str, optional
        The selection in words (:func:`selection_text`).
    check : str, default "value"
        The column whose values count (see :func:`has_values`).

    Returns
    -------
    Figure (or whatever ``draw`` returns), or IPython.display.Markdown
    """
    if has_values(data, check):
        return draw(data, *args, **kwargs)
    return empty_note(what or kwargs.get("title"), selection=selection,
                      language=kwargs.get("language", DEFAULT_LANGUAGE))


def text_or_note(frame: pd.DataFrame, *, check: str = "value", selection: str | None = None,
                 language: str = DEFAULT_LANGUAGE, **to_string: Any) -> str:
    """A table as plain text (``frame.to_string(index=False)``), or the empty-selection sentence.

    For the text cells of a notebook (the key figures checked by nbval):
    never pandas' ``Empty DataFrame`` dump. ``check`` as in :func:`chart_or_note`.
    """
    check_language(language)
    if has_values(frame, check):
        return frame.to_string(**{"index": False, **to_string})
    text = label("empty_selection", language)
    return f"{text} ({selection})." if selection else f"{text}."


def _require(obs: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(obs, pd.DataFrame):
        raise TypeError(f"{what} needs a DataFrame of observations, got {type(obs).__name__}")
    missing = [c for c in columns if c not in obs.columns]
    if missing:
        raise ValueError(f"{what} needs column(s) {', '.join(missing)}")
    if obs.empty:
        raise ValueError(f"{what}: no observations to draw")


def _period_types(obs: pd.DataFrame) -> pd.Series:
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
    kinds = sorted(_period_types(obs).unique())
    if len(kinds) != 1:
        raise ValueError(
            f"{what}: observations mix period types {', '.join(kinds)}; "
            "draw each period type in a separate chart (filter on period_type)"
        )
    return kinds[0]


def _single(obs: pd.DataFrame, column: str, what: str, hint: str) -> str:
    values = list(dict.fromkeys(obs[column].astype(str)))
    if len(values) != 1:
        raise ValueError(f"{what}: expected one {column}, got {', '.join(values)}; {hint}")
    return values[0]


def _check_unique(obs: pd.DataFrame, keys: Sequence[str], what: str) -> None:
    dup = obs.duplicated(list(keys), keep=False)
    if dup.any():
        row = obs[dup].iloc[0]
        where = ", ".join(f"{k}={row[k]}" for k in keys)
        raise ValueError(
            f"{what}: more than one value for {where}; select one vintage (column 'published') "
            "or source before drawing"
        )


def _line_key(obs: pd.DataFrame, by: str, what: str) -> str:
    """The column to draw a line (bar, panel) per; the other one must hold a single value."""
    if by == "region":
        _single(obs, "indicator", what, "draw one indicator per chart, or use by='indicator' for one region")
        return "region_code"
    if by == "indicator":
        _single(obs, "region_code", what, "draw one region per chart, or use by='region' for one indicator")
        return "indicator"
    raise ValueError(f"parameter 'by': {by!r}; use 'region' or 'indicator'")


def _series_name(key: str, obs: pd.DataFrame, by: str, language: str) -> str:
    if by == "indicator":
        return indicator_label(key, language)
    if key == NEDERLAND:
        return label("nederland", language)
    names = obs.loc[obs["region_code"] == key, "region_name"] if "region_name" in obs.columns else []
    from .compare import display_name  # median lines carry a code; their name is translated here

    group = display_name(key, names.iloc[0] if len(names) else None, language)
    if group is not None:
        return group
    return str(names.iloc[0]) if len(names) else key


def _sorted(obs: pd.DataFrame) -> pd.DataFrame:
    order = sorted(obs["period"].astype(str).unique(), key=period_sort_key)
    rank = {p: i for i, p in enumerate(order)}
    return obs.assign(_rank=obs["period"].astype(str).map(rank)).sort_values("_rank", kind="stable")


# --- period axis ------------------------------------------------------------------------


def period_x(period: str) -> float:
    """Position of a period on a time axis: its midpoint, in matplotlib date units."""
    start, end = date2num(period_start(period)), date2num(period_end(period))
    return float((start + end) / 2)


def _set_period_ticks(ax: Axes, periods: Iterable[str], language: str, max_ticks: int = 8, *,
                      januaries: bool = False) -> None:
    """Ticks at (every n-th) period, the latest always labelled; ``januaries``: long monthly
    series (three Januaries or more) get a tick at each (n-th) January, labelled with the year."""
    periods = sorted(set(map(str, periods)), key=period_sort_key)
    if not periods:
        return
    kind = period_type_of(periods[0])
    jans = [p for p in periods if p.endswith("-01")] if januaries and kind == "month" else []
    if len(jans) >= 3:
        shown = jans[:: max(1, math.ceil(len(jans) / max_ticks))]
        labels = [p[:4] for p in shown]
    else:
        if kind == "year" and max_ticks >= 8:
            max_ticks = 12  # years are short labels; a full-width chart takes twelve
        step = max(1, math.ceil(len(periods) / max_ticks))
        shown = periods[::-1][::step][::-1]  # always label the latest period
        labels = [period_label(p, language, style="short") for p in shown]
        if kind in ("halfyear", "quarter", "month", "date"):
            labels = ["\n".join(text.rsplit(" ", 1)) for text in labels]  # "1e hj\n2016": two short lines
    ax.set_xticks([period_x(p) for p in shown], labels)
    ax.tick_params(axis="x", which="minor", bottom=False)
    pad = 0.6 * (period_x(periods[-1]) - period_x(periods[0])) / max(1, len(periods) - 1) or 180
    ax.set_xlim(period_x(periods[0]) - pad, period_x(periods[-1]) + pad)


def _draw_series(ax: Axes, data: pd.DataFrame, color: str, name: str, *, linestyle: str = "-",
                  linewidth: float = 2.0, zorder: float = 2) -> Line2D:
    """One line with filled markers for final and open markers for provisional values."""
    data = _sorted(data)
    x = np.array([period_x(p) for p in data["period"].astype(str)])
    y = data["value"].to_numpy(dtype=float)
    provisional = data["status"].isin(_PROVISIONAL).to_numpy() if "status" in data.columns else np.zeros(len(x), bool)
    (line,) = ax.plot(x, y, color=color, linestyle=linestyle, linewidth=linewidth, zorder=zorder,
                      marker="o", markevery=list(np.flatnonzero(~provisional)), label=name)
    if provisional.any():
        ax.plot(x[provisional], y[provisional], linestyle="none", marker="o", markerfacecolor="white",
                markeredgecolor=color, markeredgewidth=1.6, color=color, zorder=zorder + 0.1)
    return line


def _provisional_handle(language: str) -> Line2D:
    text = f"{label('voorlopig', language)} ({label('open_symbol', language)})"
    return Line2D([], [], linestyle="none", marker="o", markerfacecolor="white",
                  markeredgecolor=MUTED_TEXT_COLOR, markeredgewidth=1.6, label=text)


def _as_breaks(breaks: Iterable[Any] | None) -> list[SeriesBreak]:
    out = []
    for item in breaks or ():
        if isinstance(item, Mapping):
            item = SeriesBreak(**item)
        brk = SeriesBreak(*item)
        if period_end(str(brk.before)) >= period_start(str(brk.after)):
            raise ValueError(f"series break: {brk.before!r} must end before {brk.after!r} begins")
        out.append(SeriesBreak(str(brk.before), str(brk.after), brk.text))
    return out


def draw_breaks(ax: Axes, breaks: Iterable[Any] | None, language: str = DEFAULT_LANGUAGE,
                *, annotate: bool = True) -> list[float]:
    """Draw declared series breaks as vertical dashed lines with their text.

    Parameters
    ----------
    ax : Axes
        A chart with a period axis (:func:`period_x` positions).
    breaks : iterable
        ``(before, after)`` or ``(before, after, text)`` tuples,
        :class:`SeriesBreak` or mappings; the line goes between the two periods.
        Breaks outside the drawn periods are skipped.
    language : {'nl', 'en'}
        Language of the default text (``trendbreuk``).
    annotate : bool, default True
        Write the text next to the line (small multiples annotate one panel).

    Returns
    -------
    list of float
        The x positions drawn.
    """
    drawn = []
    left, right = ax.get_xlim()
    for brk in _as_breaks(breaks):
        x = float((date2num(period_end(brk.before)) + 1 + date2num(period_start(brk.after))) / 2)
        if not left <= x <= right:
            continue
        ax.axvline(x, color=BREAK_COLOR, linestyle="--", linewidth=1.1, zorder=1.5)
        if annotate:
            text = brk.text or label("series_break", language)
            ax.annotate(textwrap.fill(text, 28), xy=(x, 1), xycoords=("data", "axes fraction"),
                        xytext=(4, -2), textcoords="offset points", ha="left", va="top",
                        fontsize=8.5, color=MUTED_TEXT_COLOR, gid="series-break",
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})
        drawn.append(x)
    return drawn


def _zero_based(ax: Axes, values: pd.Series, unit: str, zero_based: bool | None) -> None:
    if zero_based is None:
        zero_based = unit != "rapportcijfer"
    if zero_based and (values.dropna() >= 0).all():
        top = ax.get_ylim()[1]  # autoscaled over everything drawn, bands included
        ax.set_ylim(0, top * 1.04 if top > 0 else 1)


def _titles(fig: Figure, ax: Axes | None, title: str, subtitle: str | None) -> None:
    if ax is None:
        fig.suptitle(title if not subtitle else f"{title}\n{subtitle}", x=0.01, ha="left")
        return
    fig.suptitle(title, x=0.01, ha="left")
    if subtitle:
        ax.set_title(subtitle, loc="left", fontsize=10, color=MUTED_TEXT_COLOR)


def _sources_frame(*frames: pd.DataFrame | None) -> pd.DataFrame:
    """The provenance columns of several frames in one, for :func:`_finish` (empty frames skipped)."""
    cols = ["source", "published", "status", "display"]
    parts = [f[[c for c in cols if c in f.columns]] for f in frames if f is not None and len(f)]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)


def _finish(fig: Figure, obs: pd.DataFrame, language: str, synthetic: bool,
            provisional_note: str | None = None) -> Figure:
    synthetic = synthetic or is_synthetic(obs)
    if synthetic:
        mark_synthetic(fig, language)
    add_source_line(fig, obs, language, synthetic=synthetic, provisional_note=provisional_note)
    return fig


def _chart_note(obs: pd.DataFrame, language: str) -> str | None:
    if "status" in obs.columns and obs["status"].isin(_PROVISIONAL).any():
        return label("provisional_marker_note", language)
    return None


# --- charts -------------------------------------------------------------------------------

_OBS_COLUMNS = ("indicator", "region_code", "period", "value", "unit", "source", "published")


@_styled
def line_chart(
    obs: pd.DataFrame,
    *,
    by: str = "region",
    title: str | None = None,
    subtitle: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    focus: str | None = FOCUS_REGION,
    breaks: Iterable[Any] | None = None,
    norm: float | None = None,
    zero_based: bool | None = None,
    synthetic: bool = False,
    size: str | tuple[float, float] = "standard",
) -> Figure:
    """One line per region (or per indicator) over the periods of one period type.

    Parameters
    ----------
    obs : DataFrame
        Tidy observations of one indicator (``by='region'``) or one region
        (``by='indicator'``), one period type, one unit, one value per line and period.
    by : {'region', 'indicator'}
        What each line is.
    title, subtitle : str, optional
        Default title: the indicator label (or the region name).
    language : {'nl', 'en'}
    focus : str, optional
        Region drawn in the focus colour (and on top).
    breaks : iterable, optional
        Declared series breaks, e.g. ``[('2015', '2016', 'trendbreuk: nieuwe definitie')]``
        or ``analysis.cbs.series_breaks(indicator, language)``.
    norm : float, optional
        A norm or target, drawn as a dotted horizontal line.
    zero_based : bool, optional
        Start the value axis at 0; default yes, except for marks (1-10).
    synthetic : bool, default False
        Mark the chart *synthetisch* (also done when a source says synthetic).
    size : str or (width, height)
        A key of :data:`FIGSIZES` or inches.

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        If ``obs`` mixes period types, indicators (or regions), units, or has
        two values for one line and period.
    """
    check_language(language)
    _require(obs, _OBS_COLUMNS, "line_chart")
    single_period_type(obs, "line_chart")
    key = _line_key(obs, by, "line_chart")
    unit = _single(obs, "unit", "line_chart", "draw one unit per chart")
    _check_unique(obs, [key, "period"], "line_chart")

    fig, ax = new_figure(size)
    codes = list(dict.fromkeys(obs[key].astype(str)))
    for code, style in _line_styles(codes, focus if by == "region" else None).items():
        _draw_series(ax, obs[obs[key].astype(str) == code], name=_series_name(code, obs, by, language), **style)
    _set_period_ticks(ax, obs["period"], language)
    _zero_based(ax, obs["value"], unit, zero_based)
    format_axis(ax, "y", language)
    ax.set_ylabel(unit_axis_label(unit, language))
    if norm is not None:
        ax.axhline(norm, color=NORM_COLOR, linestyle=":", linewidth=1.4, zorder=1.8,
                   label=f"{label('norm', language)}: {format_value(norm, unit, language)}")
    draw_breaks(ax, breaks, language)
    _legend(ax, obs, language, first=_series_name(focus, obs, by, language) if by == "region" and focus else None)
    _titles(fig, ax, title or _default_title(obs, by, language), subtitle)
    return _finish(fig, obs, language, synthetic, _chart_note(obs, language))


def _line_styles(codes: Sequence[str], focus: str | None) -> dict[str, dict[str, Any]]:
    """Colour, line style, width and drawing order per line; the focus line last (on top).

    Without a focus (lines per indicator) the lines take :data:`PALETTE` in turn.
    Comparison regions beyond the six comparison colours are dashed.
    """
    if focus is None and NEDERLAND not in codes:
        colors = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(codes)}
    else:
        colors = region_colors(codes, focus)
    others = sorted(c for c in codes if c not in (focus, NEDERLAND))
    styles = {}
    for code in sorted(codes, key=lambda c: c == focus):
        cycled = code in others and others.index(code) >= len(COMPARISON_COLORS)
        styles[code] = {
            "color": colors[code],
            "linestyle": "--" if code == NEDERLAND or cycled else "-",
            "linewidth": 2.6 if code == focus else 1.8,
            "zorder": 3 if code == focus else 2,
        }
    return styles


def _default_title(obs: pd.DataFrame, by: str, language: str) -> str:
    if by == "region":
        return indicator_label(str(obs["indicator"].iloc[0]), language)
    return _series_name(str(obs["region_code"].iloc[0]), obs, "region", language)


def _legend(ax: Axes, obs: pd.DataFrame, language: str, first: str | None = None) -> None:
    """The legend, the focus region (label ``first``) on top, the provisional marker last."""
    handles, _ = ax.get_legend_handles_labels()
    handles.sort(key=lambda h: h.get_label() != first)
    if "status" in obs.columns and obs["status"].isin(_PROVISIONAL).any():
        handles.append(_provisional_handle(language))
    if len(handles) > 5:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    else:
        ax.legend(handles=handles, loc="best")


@_styled
def bar_chart(
    obs: pd.DataFrame,
    *,
    period: str | None = None,
    by: str = "region",
    title: str | None = None,
    subtitle: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    focus: str | None = FOCUS_REGION,
    norm: float | None = None,
    sort: bool = True,
    synthetic: bool = False,
    size: str | tuple[float, float] | None = None,
) -> Figure:
    """Horizontal bars for one period: one bar per region (or per indicator), labelled with its value.

    Withheld values (disclosure control) get no bar and their display text
    (``<10``); provisional values are hatched and marked ``*``.

    Parameters
    ----------
    obs : DataFrame
        Tidy observations; an optional ``display`` column (from
        :func:`analysis.disclosure.suppress_small_counts`) gives the text of withheld values.
    period : str, optional
        The period to show; default the latest in ``obs``.
    by : {'region', 'indicator'}
    title, subtitle : str, optional
        Default: the indicator label, and the period name.
    language : {'nl', 'en'}
    focus : str, optional
        Region drawn in the focus colour; others light blue, Nederland grey.
    norm : float, optional
        Drawn as a dotted vertical line.
    sort : bool, default True
        Largest value on top (withheld values at the bottom).
    synthetic : bool, default False
    size : str or (width, height), optional
        Default: height grows with the number of bars.

    Returns
    -------
    Figure
    """
    check_language(language)
    _require(obs, _OBS_COLUMNS, "bar_chart")
    if period is None:
        period = max(obs["period"].astype(str).unique(), key=period_sort_key)
    data = obs[obs["period"].astype(str) == str(period)]
    if data.empty:
        raise ValueError(f"bar_chart: no observations for period {period!r}")
    key = _line_key(data, by, "bar_chart")
    unit = _single(data, "unit", "bar_chart", "draw one unit per chart")
    _check_unique(data, [key], "bar_chart")
    if sort:
        data = data.assign(_v=data["value"].fillna(-np.inf)).sort_values("_v", ascending=True, kind="stable")
    else:
        data = data.iloc[::-1]

    n = len(data)
    fig, ax = new_figure(size or (8.0, min(8.0, 1.4 + 0.38 * n)))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    codes = data[key].astype(str).tolist()
    names = [_series_name(c, data, by, language) for c in codes]
    colors = [FOCUS_COLOR if c == focus else NEDERLAND_COLOR if c == NEDERLAND else OTHER_BAR_COLOR for c in codes]
    provisional = data["status"].isin(_PROVISIONAL).to_numpy() if "status" in data.columns else np.zeros(n, bool)
    values = data["value"].to_numpy(dtype=float)
    bars = ax.barh(range(n), np.nan_to_num(values), color=colors, height=0.7)
    for bar, prov in zip(bars, provisional, strict=True):
        if prov:
            bar.set_hatch("///")
            bar.set_edgecolor("white")
    ax.set_yticks(range(n), names)
    ax.tick_params(axis="y", length=0)
    for i, text in enumerate(_bar_texts(data, unit, language)):
        ax.annotate(text, xy=(max(0.0, np.nan_to_num(values[i])), i), xytext=(3, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=9)
    right = ax.get_xlim()[1]
    ax.set_xlim(0, right * 1.15 if right > 0 else 1)  # room for the value labels
    format_axis(ax, "x", language)
    ax.set_xlabel(unit_axis_label(unit, language))
    handles = []
    if norm is not None:
        handles.append(ax.axvline(norm, color=NORM_COLOR, linestyle=":", linewidth=1.4,
                                  label=f"{label('norm', language)}: {format_value(norm, unit, language)}"))
    for status in _PROVISIONAL:
        if "status" in data.columns and data["status"].eq(status).any():
            handles.append(Patch(facecolor=OTHER_BAR_COLOR, hatch="///", edgecolor="white",
                                 label=f"{_status_mark(status)} {label(status, language)}"))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), borderaxespad=0)
    subtitle = subtitle if subtitle is not None else period_label(str(period), language)
    _titles(fig, ax, title or _default_title(data, by, language), subtitle)
    return _finish(fig, data, language, synthetic)


def _bar_texts(data: pd.DataFrame, unit: str, language: str) -> list[str]:
    texts = []
    display = data["display"] if "display" in data.columns else pd.Series(pd.NA, index=data.index)
    status = data["status"] if "status" in data.columns else pd.Series("", index=data.index)
    for value, shown, state in zip(data["value"], display, status, strict=True):
        if pd.isna(value):
            texts.append(str(shown) if not pd.isna(shown) else MISSING)
        else:
            texts.append(format_value(value, unit, language) + _status_mark(state))
    return texts


def _status_mark(status: Any) -> str:
    return {STATUS_PROVISIONAL: "*", STATUS_REVISED_PROVISIONAL: "**"}.get(status, "")


@_styled
def small_multiples(
    obs: pd.DataFrame,
    *,
    facet: str = "region",
    reference: str | None = None,
    ncols: int = 3,
    sharey: bool = True,
    title: str | None = None,
    subtitle: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    breaks: Iterable[Any] | None = None,
    norm: float | None = None,
    zero_based: bool | None = None,
    synthetic: bool = False,
) -> Figure:
    """One small line chart per region (say, per wijk) or per indicator.

    Parameters
    ----------
    obs : DataFrame
        Tidy observations of one indicator (``facet='region'``) or one region
        (``facet='indicator'``), one period type and one unit.
    facet : {'region', 'indicator'}
    reference : str, optional
        With ``facet='region'``: a region code (say the city, ``GM0344``)
        drawn in grey in every panel for comparison instead of a panel of its own.
    ncols : int, default 3
    sharey : bool, default True
        One value scale for all panels, so panels compare honestly.
    title, subtitle : str, optional
        Default title: the indicator label (or the region name).
    language : {'nl', 'en'}
    breaks, norm, zero_based, synthetic
        As in :func:`line_chart`; the break text is written in the first panel.

    Returns
    -------
    Figure
    """
    check_language(language)
    _require(obs, _OBS_COLUMNS, "small_multiples")
    single_period_type(obs, "small_multiples")
    key = _line_key(obs, facet, "small_multiples")
    unit = _single(obs, "unit", "small_multiples", "draw one unit per chart")
    _check_unique(obs, [key, "period"], "small_multiples")
    ref = obs[obs["region_code"].astype(str) == reference] if reference and facet == "region" else obs.iloc[:0]
    panels = [c for c in dict.fromkeys(obs[key].astype(str)) if not (len(ref) and c == reference)]
    if ncols < 1:
        raise ValueError(f"parameter 'ncols': {ncols!r} must be at least 1")
    ncols = min(ncols, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    width, height = FIGSIZES["panel"]
    fig, axes = new_figure((width * ncols, height * nrows + 0.9), nrows=nrows, ncols=ncols,
                           sharex=True, sharey=sharey, squeeze=False)
    flat = axes.ravel()
    for ax, code in zip(flat, panels, strict=False):
        if len(ref):
            _draw_series(ax, ref, NEDERLAND_COLOR, _series_name(reference, obs, "region", language),
                         linewidth=1.2, zorder=1.9)
        _draw_series(ax, obs[obs[key].astype(str) == code], FOCUS_COLOR, _series_name(code, obs, facet, language))
        ax.set_title(_series_name(code, obs, facet, language), loc="left", fontsize=10.5)
        if norm is not None:
            ax.axhline(norm, color=NORM_COLOR, linestyle=":", linewidth=1.2)
        format_axis(ax, "y", language)
    for i, ax in enumerate(flat[len(panels):], start=len(panels)):
        ax.set_visible(False)
        if i >= ncols:  # the panel above is now the lowest of its column: label its periods
            flat[i - ncols].xaxis.set_tick_params(labelbottom=True)
    _set_period_ticks(flat[0], obs["period"], language, max_ticks=4)
    _zero_based(flat[0], obs["value"], unit, zero_based)
    for i, ax in enumerate(flat[: len(panels)]):
        draw_breaks(ax, breaks, language, annotate=i == 0)
        if i % ncols == 0:
            ax.set_ylabel(unit_axis_label(unit, language))
        ax.tick_params(axis="x", labelrotation=0, labelsize=8.5)
    _small_multiples_legend(fig, obs, ref, reference, language)
    _titles(fig, None, title or _default_title(obs, facet, language), subtitle)
    return _finish(fig, obs, language, synthetic, _chart_note(obs, language))


def _small_multiples_legend(fig: Figure, obs: pd.DataFrame, ref: pd.DataFrame, reference: str | None,
                            language: str) -> None:
    handles = []
    if len(ref):
        handles.append(Line2D([], [], color=NEDERLAND_COLOR, linewidth=1.2,
                              label=_series_name(str(reference), obs, "region", language)))
    if "status" in obs.columns and obs["status"].isin(_PROVISIONAL).any():
        handles.append(_provisional_handle(language))
    if handles:
        fig.legend(handles=handles, loc="outside upper right", ncols=len(handles))


_FORECAST_COLUMNS = ("period", "lo80", "hi80", "lo95", "hi95")


@_styled
def forecast_chart(
    history: pd.DataFrame,
    forecast_frame: pd.DataFrame,
    *,
    method: str | None = None,
    mean_col: str = "mean",
    title: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    breaks: Iterable[Any] | None = None,
    zero_based: bool | None = None,
    synthetic: bool = False,
    size: str | tuple[float, float] = "standard",
) -> Figure:
    """Observed values, then the forecast with its 80 % and 95 % intervals.

    Parameters
    ----------
    history : DataFrame
        Tidy observations of one indicator in one region, one period type.
    forecast_frame : DataFrame
        Columns ``period``, ``mean_col`` (default ``mean``; ``value`` is
        accepted too), ``lo80``, ``hi80``, ``lo95``, ``hi95`` and optionally
        ``method``; periods of the same type as ``history``. With a
        ``region_code`` column (as :mod:`analysis.forecast` returns), only the
        rows of the history's region are drawn.
    method : str, optional
        The forecasting method, shown in the subtitle; default the single
        value of the ``method`` column. One of the two is required.
    mean_col : str, default 'mean'
    title : str, optional
        Default: the indicator label.
    language : {'nl', 'en'}
    breaks, zero_based, synthetic, size
        As in :func:`line_chart`.

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        For several indicators or regions, mixed period types, a forecast of
        another period type, no method, or intervals that do not nest
        (``lo95 <= lo80 <= mean <= hi80 <= hi95``).
    """
    check_language(language)
    _require(history, _OBS_COLUMNS, "forecast_chart")
    kind = single_period_type(history, "forecast_chart")
    indicator = _single(history, "indicator", "forecast_chart", "forecast one indicator per chart")
    region = _single(history, "region_code", "forecast_chart", "forecast one region per chart")
    unit = _single(history, "unit", "forecast_chart", "draw one unit per chart")
    _check_unique(history, ["period"], "forecast_chart")
    if isinstance(forecast_frame, pd.DataFrame) and "region_code" in forecast_frame.columns:
        forecast_frame = forecast_frame[forecast_frame["region_code"].astype(str) == region]
    fc, method = _check_forecast(forecast_frame, kind, method, mean_col)

    fig, ax = new_figure(size)
    _draw_series(ax, history, FOCUS_COLOR, label("observed", language).capitalize(), zorder=3)
    last = _sorted(history).dropna(subset=["value"]).iloc[-1:]
    x = np.array([period_x(p) for p in fc["period"]])
    ax.fill_between(x, fc["lo95"], fc["hi95"], color=FOCUS_COLOR, alpha=0.15, linewidth=0,
                    label=label("interval_95", language))
    ax.fill_between(x, fc["lo80"], fc["hi80"], color=FOCUS_COLOR, alpha=0.30, linewidth=0,
                    label=label("interval_80", language))
    mean_x = np.concatenate([[period_x(p) for p in last["period"]], x])
    mean_y = np.concatenate([last["value"].to_numpy(dtype=float), fc["mean"].to_numpy(dtype=float)])
    ax.plot(mean_x, mean_y, color=FOCUS_COLOR, linestyle="--", linewidth=2.0, marker="D", markersize=4,
            markevery=list(range(len(last), len(mean_x))), label=label("forecast", language).capitalize())
    _set_period_ticks(ax, list(history["period"].astype(str)) + list(fc["period"]), language)
    both = pd.concat([history["value"], fc["lo95"]], ignore_index=True)
    _zero_based(ax, both, unit, zero_based)
    format_axis(ax, "y", language)
    ax.set_ylabel(unit_axis_label(unit, language))
    draw_breaks(ax, breaks, language)
    _legend(ax, history, language)
    subtitle = (f"{label('forecast', language).capitalize()}, {label('forecast_method', language)}: {method}; "
                f"{_join([label('interval_80', language), label('interval_95', language)], language)}")
    _titles(fig, ax, title or _title_for(indicator, region, history, language), subtitle)
    return _finish(fig, history, language, synthetic, _chart_note(history, language))


def _title_for(indicator: str, region: str, obs: pd.DataFrame, language: str) -> str:
    return f"{indicator_label(indicator, language)}, {_series_name(region, obs, 'region', language)}"


def _check_forecast(frame: pd.DataFrame, kind: str, method: str | None, mean_col: str) -> tuple[pd.DataFrame, str]:
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise ValueError("forecast_chart: the forecast frame is empty")
    if mean_col not in frame.columns and mean_col == "mean" and "value" in frame.columns:
        mean_col = "value"
    missing = [c for c in (*_FORECAST_COLUMNS, mean_col) if c not in frame.columns]
    if missing:
        raise ValueError(f"forecast_chart: forecast frame lacks column(s) {', '.join(missing)}")
    if method is None and "method" in frame.columns and frame["method"].nunique() == 1:
        method = str(frame["method"].iloc[0])
    if not method:
        raise ValueError("forecast_chart: name the forecast method (parameter 'method' or one 'method' column value)")
    fc = frame.assign(period=frame["period"].astype(str)).rename(columns={mean_col: "mean"})
    kinds = set(fc["period"].map(period_type_of))
    if kinds != {kind}:
        raise ValueError(f"forecast_chart: forecast periods are {', '.join(sorted(kinds))}, history is {kind}")
    fc = fc.iloc[period_order(fc["period"])]
    cols = ["lo95", "lo80", "mean", "hi80", "hi95"]
    arr = fc[cols].to_numpy(dtype=float)
    bad = np.flatnonzero((np.diff(arr, axis=1) < -1e-9).any(axis=1))
    if len(bad):
        raise ValueError(f"forecast_chart: intervals do not nest (lo95 <= lo80 <= mean <= hi80 <= hi95) "
                         f"in period {fc['period'].iloc[bad[0]]}")
    return fc, method


@_styled
def sparkline(
    series: pd.Series,
    *,
    color: str = FOCUS_COLOR,
    size: str | tuple[float, float] = "sparkline",
) -> Figure:
    """A word-sized trend line for an overview table: no axes, the last value dotted.

    Parameters
    ----------
    series : Series
        Values indexed by period (project notation, one period type; sorted
        here) or by anything else (drawn in the given order). NaN gives a gap.
    color : str
    size : str or (width, height)

    Returns
    -------
    Figure
        Without a source line: the table that shows it carries the source.

    Raises
    ------
    ValueError
        If the index mixes period types, or the series is empty.
    """
    values = _spark_values(series)
    _enable_notebook_display()
    fig = Figure(figsize=FIGSIZES[size] if isinstance(size, str) else size, layout="none")
    ax = fig.add_axes((0.04, 0.12, 0.88, 0.76))
    ax.set_axis_off()
    x = np.arange(len(values))
    y = values.to_numpy(dtype=float)
    ax.plot(x, y, color=color, linewidth=1.4)
    finite = np.flatnonzero(np.isfinite(y))
    if len(finite):
        ax.plot(x[finite[-1]], y[finite[-1]], marker="o", markersize=3.5, color=color)
    ax.set_xlim(-0.3, max(len(values) - 1, 0) + 0.3)
    return fig


def _spark_values(series: pd.Series) -> pd.Series:
    if not isinstance(series, pd.Series):
        series = pd.Series(series)
    if series.empty:
        raise ValueError("sparkline: empty series")
    index = [str(p) for p in series.index]
    try:
        kinds = {period_type_of(p) for p in index}
    except ValueError:
        return series.astype(float)
    if len(kinds) > 1:
        raise ValueError(f"sparkline: index mixes period types {', '.join(sorted(kinds))}")
    return series.iloc[period_order(index)].astype(float)


def sparkline_html(series: pd.Series, *, alt: str | None = None, language: str = DEFAULT_LANGUAGE,
                   decimals: int = 0) -> str:
    """A sparkline as an ``<img>`` tag (inline PNG) with a text alternative.

    The ``alt`` text defaults to the first and last period and value
    (``2019-2024: 10.200 -> 12.163``), so the trend is readable without the image.
    """
    values = _spark_values(series)
    if alt is None:
        first, last = values.index[0], values.index[-1]
        alt = (f"{_spark_period(first, language)}\u2013{_spark_period(last, language)}: "
               f"{format_number(values.iloc[0], decimals, language)} \u2192 "
               f"{format_number(values.iloc[-1], decimals, language)}")
    fig = sparkline(values)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, transparent=True)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" style="height:1.6em">'


def _spark_period(period: Any, language: str) -> str:
    try:
        return period_label(str(period), language, style="short")
    except ValueError:
        return str(period)


# --- headline table -----------------------------------------------------------------------


def headline_frame(
    obs: pd.DataFrame,
    *,
    indicators: Sequence[str] | None = None,
    region: str | None = None,
    norms: Mapping[str, float] | None = None,
    period_type: str | None = None,
) -> pd.DataFrame:
    """The numbers behind :func:`headline_table`, one row per indicator.

    For each indicator: the latest period with a value or a withheld value
    (status ``missing`` is skipped), its value and status, the previous
    available period of the same type and its value, the change, the norm and
    the trend (a Series of all values of that period type).

    Parameters
    ----------
    obs : DataFrame
        Tidy observations.
    indicators : sequence of str, optional
        Which indicators, in this order; default all, in order of appearance.
    region : str, optional
        Region code; required when ``obs`` holds several regions.
    norms : mapping, optional
        Indicator id -> norm value.
    period_type : str, optional
        Use this period type; default per indicator the type of its latest period
        (a year wins over a half-year ending the same day).

    Returns
    -------
    DataFrame
        Columns ``indicator``, ``unit``, ``period``, ``value``, ``status``, ``display``,
        ``previous_period``, ``previous_value``, ``change``, ``norm``, ``trend``,
        ``source``, ``published``.
    """
    _require(obs, _OBS_COLUMNS, "headline_table")
    if region is None:
        region = _single(obs, "region_code", "headline_table", "pass region=")
    data = obs[obs["region_code"].astype(str) == region]
    if "status" in data.columns:
        data = data[data["status"].astype(str) != "missing"]
    ids = list(indicators) if indicators is not None else list(dict.fromkeys(data["indicator"]))
    rows = [_headline_row(data[data["indicator"] == i], i, period_type, (norms or {}).get(i)) for i in ids]
    return pd.DataFrame(rows, columns=[
        "indicator", "unit", "period", "value", "status", "display", "previous_period",
        "previous_value", "change", "norm", "trend", "source", "published",
    ])


def _headline_row(data: pd.DataFrame, indicator: str, period_type: str | None, norm: float | None) -> dict:
    empty = {"indicator": indicator, "unit": None, "period": None, "value": np.nan, "status": None,
             "display": None, "previous_period": None, "previous_value": np.nan, "change": np.nan,
             "norm": norm, "trend": pd.Series(dtype=float), "source": None, "published": None}
    if data.empty:
        return empty
    # the type of the latest period; a year beats a half-year that ends the same day
    kind = period_type or period_type_of(max(data["period"].astype(str), key=period_sort_key))
    data = _sorted(data[_period_types(data) == kind])
    if data.empty:
        return empty
    _check_unique(data, ["period"], f"headline_table ({indicator})")
    latest = data.iloc[-1]
    previous = data.iloc[-2] if len(data) > 1 else None
    prev_value = float(previous["value"]) if previous is not None else np.nan
    return {
        **empty,
        "unit": latest["unit"],
        "period": str(latest["period"]),
        "value": float(latest["value"]),
        "status": latest.get("status"),
        "display": latest.get("display") if "display" in data.columns else None,
        "previous_period": str(previous["period"]) if previous is not None else None,
        "previous_value": prev_value,
        "change": float(latest["value"]) - prev_value,
        "trend": pd.Series(data["value"].to_numpy(dtype=float), index=data["period"].astype(str)),
        "source": latest["source"],
        "published": latest["published"],
    }


def headline_table(
    obs: pd.DataFrame,
    *,
    indicators: Sequence[str] | None = None,
    region: str | None = None,
    norms: Mapping[str, float] | None = None,
    period_type: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    trend: bool = True,
    synthetic: bool = False,
    as_html: bool = False,
):
    """Headline indicators: latest value, change against the previous period, norm, trend.

    Numbers are formatted for readers (Dutch ``12.163``, ``7,6%``);
    provisional values carry ``*`` (``**`` nader voorlopig), withheld values
    their display text (``<10``), missing ones ``–``; a change in a percentage
    is in percentage points. The caption is the source line (with the
    synthetic-data note where it applies).

    Parameters
    ----------
    obs, indicators, region, norms, period_type
        See :func:`headline_frame`.
    language : {'nl', 'en'}
    trend : bool, default True
        Add a sparkline column (inline PNG images).
    synthetic : bool, default False
        Add the synthetic-data note (also added when a source says synthetic).
    as_html : bool, default False
        Return the HTML string instead of the Styler.

    Returns
    -------
    pandas.io.formats.style.Styler or str
    """
    check_language(language)
    frame = headline_frame(obs, indicators=indicators, region=region, norms=norms, period_type=period_type)
    cols = {k: _capitalised(label(k, language)) for k in ("indicator", "period", "latest_value", "previous_period",
                                                           "change", "norm", "trend")}
    table = pd.DataFrame({
        cols["indicator"]: [indicator_label(i, language) for i in frame["indicator"]],
        cols["period"]: [_maybe_period(p, language) for p in frame["period"]],
        cols["latest_value"]: [_headline_value(r, language) for r in frame.itertuples()],
        cols["previous_period"]: [_maybe_period(p, language) for p in frame["previous_period"]],
        cols["change"]: [format_change(r.change, r.unit, language) if isinstance(r.unit, str) and r.unit else MISSING for r in frame.itertuples()],
        cols["norm"]: [format_value(r.norm, r.unit, language, missing="") if isinstance(r.unit, str) and r.unit else "" for r in frame.itertuples()],
    })
    if trend:
        table[cols["trend"]] = [
            sparkline_html(r.trend, language=language, decimals=UNIT_DECIMALS[r.unit])
            if r.unit and r.trend.notna().sum() > 1 else "" for r in frame.itertuples()
        ]
    used = obs[obs["indicator"].isin(frame["indicator"])]
    if region is not None:
        used = used[used["region_code"].astype(str) == region]
    caption = source_text(used, language, synthetic=synthetic)
    styler = (
        markup.table(table, html_columns=[cols["trend"]], caption=caption).hide(axis="index")
        .set_table_attributes('class="headline-table"')
        .set_table_styles([
            {"selector": "caption", "props": "caption-side: bottom; text-align: left; font-size: 0.85em; color: #555;"},
            {"selector": "th", "props": "text-align: left; padding: 0.2em 0.6em;"},
            {"selector": "td", "props": "padding: 0.2em 0.6em;"},
        ])
        .set_properties(subset=[cols["latest_value"], cols["change"], cols["norm"]], **{"text-align": "right"})
    )
    return styler.to_html() if as_html else styler


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _maybe_period(period: Any, language: str) -> str:
    return MISSING if period is None or pd.isna(period) else period_label(str(period), language)


def _headline_value(row: Any, language: str) -> str:
    if not isinstance(row.unit, str):
        return MISSING
    if pd.isna(row.value):
        shown = row.display
        return str(shown) if shown is not None and not pd.isna(shown) else MISSING
    return format_value(row.value, row.unit, language) + _status_mark(row.status)

