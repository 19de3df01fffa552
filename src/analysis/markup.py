"""Data-derived text on its way into Markdown and HTML, made inert.

Region names from CBS tables, publication names, file names, wijk names and any
other text that comes from data (not from :mod:`analysis.labels`) can hold
``<``, ``&`` or Markdown syntax. Written as is into a notebook's Markdown
output or a pandas Styler, it becomes live HTML in the report pages (a region
named ``<img src=x onerror=alert(1)>`` would run a script). Every such string
goes through one of these helpers:

:func:`markdown_text`
    One value of text for a Markdown string: HTML special characters become
    entities and Markdown punctuation is backslash-escaped, so it shows
    exactly as written and formats nothing. Library functions that build
    Markdown from data use it on the data parts.
:func:`sentence`
    A plain-text sentence (a note, a message built from labels and data) as
    a displayable :class:`IPython.display.Markdown`: the whole text escaped.
:func:`table`
    A DataFrame as a pandas Styler whose cells, column headers and index are
    HTML-escaped (pandas Stylers do not escape by default), except columns
    that hold HTML this package built itself (sparkline images).

A DataFrame displayed as it is needs none of this: pandas escapes it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

# ASCII punctuation that Markdown (CommonMark, and the renderers of Jupyter and
# nbconvert) may read as syntax; "&", "<", ">", '"' and "'" become entities instead.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~=:$^])")


def markdown_text(value: Any) -> str:
    """``value`` as Markdown that shows exactly that text, with no markup and no HTML.

    Parameters
    ----------
    value : any
        Text from data (converted with :class:`str`; None and NaN become ``""``).

    Returns
    -------
    str
        One line: newlines become spaces, HTML special characters entities,
        Markdown punctuation backslash-escaped.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = " ".join(str(value).split())
    return html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", text), quote=True)


def sentence(text: Any, *, emphasis: bool = False):
    """A plain-text sentence ready for ``display``: escaped, optionally in italics.

    Parameters
    ----------
    text : any
        A sentence that may contain data (a region name, a file name); no
        Markdown of its own.
    emphasis : bool, default False
        Show it in italics (as notes about skipped sections are).

    Returns
    -------
    IPython.display.Markdown
    """
    from IPython.display import Markdown

    body = markdown_text(text)
    return Markdown(f"*{body}*" if emphasis and body else body)


def table(frame: pd.DataFrame, *, html_columns: Iterable[str] = (), caption: str | None = None):
    """A Styler of ``frame`` with every cell, header and index label HTML-escaped.

    Parameters
    ----------
    frame : DataFrame
    html_columns : iterable of str, optional
        Columns whose cells are HTML built by this package (e.g. sparkline
        ``<img>`` tags from :func:`analysis.plotting.sparkline_html`): left
        as they are. Their headers are still escaped.
    caption : str, optional
        A caption, escaped as well.

    Returns
    -------
    pandas.io.formats.style.Styler
        Style it further as usual (``hide``, ``set_properties``, ...); its
        ``format`` is already set, so add formatting with ``subset=``.
    """
    raw = [c for c in html_columns if c in frame.columns]
    text = [c for c in frame.columns if c not in raw]
    styler = frame.style
    if text:
        styler = styler.format(escape="html", subset=text)
    styler = styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler


__all__ = ["markdown_text", "sentence", "table"]
