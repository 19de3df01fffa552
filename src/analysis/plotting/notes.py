"""What a notebook shows instead of an empty chart or table, and the selection in words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from .. import markup
from ..labels import (
    label,
    period_label,
    resolve_language,
)
from .tables import reader_table


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


def empty_note(
    what: str | None = None, *, selection: str | None = None, language: str | None = None
):
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
    language = resolve_language(language)
    text = (
        label("empty_selection_what", language).format(what=what)
        if what
        else label("empty_selection", language)
    )
    return markup.sentence(f"{text} ({selection})." if selection else f"{text}.", emphasis=True)


def selection_text(
    start: str | None = None,
    end: str | None = None,
    *,
    area: str | None = None,
    language: str | None = None,
) -> str | None:
    """The notebook's selection in words: area and period, e.g. ``'Overvecht, vanaf 2030'``; None when unbounded."""
    language = resolve_language(language)
    parts = [area] if area else []
    if start and end:
        parts.append(
            label("selection_period", language).format(
                start=period_label(str(start), language), end=period_label(str(end), language)
            )
        )
    elif start:
        parts.append(
            label("selection_from", language).format(start=period_label(str(start), language))
        )
    elif end:
        parts.append(
            label("selection_until", language).format(end=period_label(str(end), language))
        )
    return ", ".join(parts) or None


def chart_or_note(
    draw: Callable[..., Any],
    data: Any,
    *args: Any,
    what: str | None = None,
    selection: str | None = None,
    check: str = "value",
    caption_sources: pd.DataFrame | None = None,
    **kwargs: Any,
):
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
        :func:`analysis.plotting.interval_chart`, ...).
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
    caption_sources : DataFrame, optional
        For a table: the data whose source line goes under it, where ``data``
        itself has no ``source``/``published`` (a comparison built from them).

    Returns
    -------
    Figure (or whatever ``draw`` returns; a DataFrame as :func:`analysis.plotting.reader_table`
    with :func:`table_caption` under it), or IPython.display.Markdown
    """
    if has_values(data, check):
        shown = draw(data, *args, **kwargs)
        if isinstance(shown, pd.DataFrame):  # a table for readers: the house table style
            language = kwargs.get("language")
            sources = data if caption_sources is None else caption_sources
            return reader_table(
                shown, caption=table_caption(what, sources, language), language=language
            )
        return shown
    return empty_note(
        what or kwargs.get("title"), selection=selection, language=kwargs.get("language")
    )


def table_caption(what: Any, data: Any, language: str | None = None) -> str | None:
    """The caption under a table: what it shows, then the source line of the data it was made from.

    ``Wachttijd tot het keukentafelgesprek: Sociaal. Bron: synthetisch register (...);
    synthetische gegevens, geen echte cliënten``. The source line
    (:func:`analysis.plotting.source_text`) only where ``data`` is a DataFrame with
    ``source`` and ``published`` columns and a source that is not blank; the
    table's cells carry no ``*`` marks, so provisional periods are named
    (:func:`analysis.plotting.provisional_periods_note`). None when there is neither.
    """
    from .base import provisional_periods_note, source_text

    language = resolve_language(language)
    parts = [what.strip().rstrip(".")] if isinstance(what, str) and what.strip() else []
    if isinstance(data, pd.DataFrame) and {"source", "published"} <= set(data.columns):
        sourced = data[data["source"].map(lambda v: isinstance(v, str) and bool(v.strip()))]
        if len(sourced):
            note = provisional_periods_note(sourced, language)
            parts.append(source_text(sourced, language, provisional_note=note))
    return ". ".join(parts) or None


def text_or_note(
    frame: pd.DataFrame,
    *,
    check: str = "value",
    selection: str | None = None,
    language: str | None = None,
    **to_string: Any,
) -> str:
    """A table as plain text (``frame.to_string(index=False)``), or the empty-selection sentence.

    For the text cells of a notebook (the key figures checked by nbval):
    never pandas' ``Empty DataFrame`` dump. ``check`` as in :func:`chart_or_note`.
    """
    language = resolve_language(language)
    if has_values(frame, check):
        return frame.to_string(**{"index": False, **to_string})
    text = label("empty_selection", language)
    return f"{text} ({selection})." if selection else f"{text}."


__all__ = [
    "chart_or_note",
    "empty_note",
    "has_values",
    "selection_text",
    "table_caption",
    "text_or_note",
]
