"""What a notebook calls first: validated parameters, house style, data source.

A notebook's second cell is::

    session = notebook.start(region=region, wijk=wijk, start=start, end=end,
                             source=source, horizon=horizon, language=language)

which fails with one line naming a wrong parameter, and returns a
:class:`Session` whose :meth:`Session.load` reads observations from the chosen
source, limited to the requested periods, and keeps track of what was read,
so :meth:`Session.declare_sources` can tell the reader (and the report runner)
where every number came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .errors import InputError
from .parameters import NotebookParameters, check_data_periods, data_periods, validate_parameters
from .periods import in_range
from .sources import DataSource, load_observations, provenance_records, resolve_source, show_sources


@dataclass
class Session:
    """Parameters and data source of one notebook run."""

    params: NotebookParameters
    source: DataSource
    extra_records: list[dict] = field(default_factory=list)
    declared: set[str] = field(
        default_factory=set
    )  # sources already recorded for the report runner

    @property
    def language(self) -> str:
        return self.params.language

    def load(self, indicator: str, regions=None, period_type: str | None = None) -> pd.DataFrame:
        """Observations of ``indicator`` for ``regions`` (default: the notebook's region),
        within the notebook's start and end periods."""
        if regions is None:
            regions = [self.params.region]
        obs = load_observations(
            indicator, self.source, regions=list(regions), period_type=period_type
        )
        return self.within_period(obs)

    def within_period(self, obs: pd.DataFrame) -> pd.DataFrame:
        """Rows whose period lies within the notebook's start and end."""
        if obs.empty or (self.params.start is None and self.params.end is None):
            return obs
        keep = obs["period"].map(lambda p: in_range(p, self.params.start, self.params.end))
        return obs[keep].reset_index(drop=True)

    def add_record(self, record: dict) -> None:
        """Declare another input (e.g. the case register) for the provenance record."""
        self.extra_records.append(record)

    def register(self, path=None, *, whole_region: bool = False):
        """The case register this notebook reads, or why it reads none (:class:`analysis.register.RegisterScope`).

        One decision for every notebook (:func:`analysis.register.register_scope`) for the
        notebook's region, wijk (unless ``whole_region``) and period; the register read
        is declared with the data sources.

        Parameters
        ----------
        path : str, optional
            The notebook's ``register`` parameter; None is the synthetic register.
        whole_region : bool, default False
            Ignore the wijk (notebooks about the whole municipality).
        """
        from .cbs import region_resolver
        from .register import register_scope

        scope = register_scope(
            self.params.region,
            wijk=None if whole_region else self.params.wijk,
            path=path,
            start=self.params.start,
            end=self.params.end,
            resolver=region_resolver(self.source.cache_dir),
            language=self.language,
        )
        if scope.record:
            self.add_record(scope.record)
        return scope

    def comparable_group(self):
        """The comparable municipalities of the region by the ``comparison`` parameter.

        :func:`analysis.compare.comparable_group` on the session's CBS folder;
        the region table the characteristics come from (``85755NED``) is
        declared as a source, so it gets its row in the sources table (with
        its vintage and checksum) like the tables of :meth:`load`.

        Returns
        -------
        analysis.compare.ComparableGroup
        """
        from .compare import comparable_group

        folder = self.source.cache_dir  # the one folder comparable_group reads
        group = comparable_group(self.params.region, self.params.comparison, cache_dir=folder)
        if group.table and folder is not None:
            self.source.note_tables([group.table], folder)
            self.source.note_details("cbs", group.table, "comparable_characteristics", [])
        return group

    def declare_sources(self) -> str:
        """Show where the numbers come from (a table); records provenance for the report runner."""
        records = provenance_records(self.source) + self.extra_records
        self.declared.update(str(r.get("source")) for r in records)
        return show_sources(self.source, self.extra_records, self.language)

    def declare_new_sources(self) -> list[str]:
        """Show and record the inputs read since :meth:`declare_sources` (by a later cell).

        The new sources get their own rows of the sources table, in the
        report's language, so that every number on the page is traceable
        where it appears; the runner records them with the others.

        Returns
        -------
        list of str
            The sources recorded now (``CBS 82968NED``, ...); empty when
            nothing new was read, and then nothing is shown. The list does not
            display itself as a cell's result.
        """
        records = [
            r
            for r in provenance_records(self.source) + self.extra_records
            if str(r.get("source")) not in self.declared
        ]
        new = list(dict.fromkeys(str(r.get("source")) for r in records))
        if new:
            show_sources(self.source, self.extra_records, self.language, only=new)
        self.declared.update(new)
        return _Quiet(new)


class _Quiet(list):
    """A list that shows nothing as a cell's last expression."""

    def _ipython_display_(self) -> None:
        return None


def start(**parameters) -> Session:
    """Validate the notebook's parameters, set the session language and house style, resolve the data source.

    The parameters are checked by :func:`analysis.parameters.validate_parameters`,
    and ``start``/``end`` against the periods the chosen source holds
    (:func:`analysis.parameters.check_data_periods`).

    Raises
    ------
    ParameterError
        One line naming the first wrong parameter.
    """
    from . import labels
    from .plotting import set_style

    _brief_errors()  # first, so a wrong parameter is one line in JupyterLab too
    params = validate_parameters(**parameters)
    source = resolve_source(params.source)
    # the same checks the report runner makes before any kernel starts
    check_data_periods(params, data_periods(source), params.source)
    labels.set_language(params.language)  # every text from here on, unless a call says otherwise
    set_style()
    return Session(params, source)


def _brief_errors() -> None:
    """In IPython, show user errors (InputError) as one line instead of a traceback."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        # An error output of one line (not a printed line): papermill and nbval still see
        # the cell fail with the exception's name and message, readers see no traceback.
        line = f"{etype.__name__}: {value}"
        show = getattr(shell, "_showtraceback", None)
        if show is None:  # pragma: no cover - every IPython shell has it
            print(line)
        else:
            show(etype, value, [line])
        return [line]

    shell.set_custom_exc((InputError,), handler)


__all__ = [
    "Session",
    "start",
]
