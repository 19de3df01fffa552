"""The house style: one look for every chart and reader table in the notebooks.

A package in layers:

* :mod:`~analysis.plotting.base` — the public base every chart is built from:
  style and colours, figures, number and period axes, series breaks, titles,
  the source line, the *synthetisch* mark, status marks and alt text;
* :mod:`~analysis.plotting.charts` — charts of observations (lines, bars, small
  multiples, forecasts, sparklines);
* :mod:`~analysis.plotting.register_charts` — charts of the case register
  (flows, durations, intervals, marks);
* :mod:`~analysis.plotting.tables` — tables for readers (:func:`reader_table`)
  and the headline table;
* :mod:`~analysis.plotting.notes` — the sentence shown instead of an empty chart
  or table, and the selection in words.

Every chart takes tidy observations (:mod:`analysis.schema`) or a summary
frame and returns a :class:`matplotlib.figure.Figure` that carries a source
line, the *synthetisch* mark where it applies, open markers for provisional
values and an alt text generated from its data. Every function that shows
text takes ``language: str | None = None`` (default: the session language,
:func:`analysis.labels.set_language`).

``from analysis import plotting; plotting.line_chart(...)`` reaches every
public name of the package.
"""

from .base import *  # noqa: F403
from .base import __all__ as _base_all
from .charts import *  # noqa: F403
from .charts import __all__ as _charts_all
from .notes import *  # noqa: F403
from .notes import __all__ as _notes_all
from .register_charts import *  # noqa: F403
from .register_charts import __all__ as _register_charts_all
from .register_tables import *  # noqa: F403
from .register_tables import __all__ as _register_tables_all
from .tables import *  # noqa: F403
from .tables import __all__ as _tables_all

__all__ = [
    *_base_all,
    *_charts_all,
    *_notes_all,
    *_register_charts_all,
    *_register_tables_all,
    *_tables_all,
]
