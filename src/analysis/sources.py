"""Which data a notebook reads, and reading it.

A notebook's ``source`` parameter says where CBS indicators come from:

``"embedded"`` (what ``make report`` runs)
    The data in the repository: the embedded CBS extract (``data/cbs``, see
    :mod:`analysis.cbs.extract`), the published figures (``data/published``)
    and the synthetic register. Needs no network and no ``../shared``.
``"auto"`` (the notebooks' default)
    The user's CBS cache (``data/cache/cbs``, filled by ``cbs fetch`` or
    ``cbs import``) for every indicator whose tables it holds, the embedded
    extract for the others.
``"cbs-cache"``
    Only the CBS cache; an indicator that is not cached is an error.
a path
    A CBS cache folder (parquet files with JSON sidecars) or extract, or a
    file or folder of CBS CSV files, which is imported into a temporary cache
    for this run (``data/cache`` is not touched).

A CBS indicator always comes from CBS (the cache or the extract), never from
a publication that quotes it: a figure a municipality printed is shown as that
publication's figure, and checked in notebook 06. Indicators that CBS does not
publish (the buurtteams' own figures) come from the published figures.
Register-based indicators come from the case register, see
:func:`analysis.register.load_register`. Every source is declared with its
vintage (:func:`describe_sources`).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import InputError, ParameterError
from .labels import recorded_text

SOURCE_CHOICES = ("auto", "embedded", "cbs-cache")


@dataclass
class DataSource:
    """A resolved ``source`` parameter.

    Attributes
    ----------
    mode : {"auto", "embedded", "cbs-cache", "path"}
    cache_dir : Path or None
        The CBS folder read first: a CBS cache, or the embedded extract.
    description : str
        What a reader is told about where the CBS numbers come from.
    fallback_dir : Path or None
        With ``auto`` and a user cache: the embedded extract, read for the
        indicators the cache does not hold.
    used : dict
        Indicator -> where it came from (with the vintage), for the reader.
    tables : set of str
        The CBS tables read; ``table_dirs`` says from which folder.
    """

    mode: str
    cache_dir: Path | None
    description: str
    _tmp: object = field(default=None, repr=False)
    used: dict[str, str] = field(default_factory=dict)
    tables: set[str] = field(default_factory=set)
    published: bool = False
    fallback_dir: Path | None = None
    table_dirs: dict[str, Path] = field(default_factory=dict)
    #: (kind, name) -> indicators and statuses read from it: kind ``cbs`` (name: the
    #: table) or ``published`` (name: the publication), for :func:`describe_sources`.
    details: dict[tuple[str, str], dict[str, set]] = field(default_factory=dict)

    def note_details(
        self, kind: str, name: str, indicator: str, statuses, items=(), periods=None
    ) -> None:
        """Record that ``indicator`` was read from ``name`` (with these statuses; for a
        publication, these ``items``: the tables or pages quoted).

        ``periods``, if given, is a frame with ``period`` and ``status`` of the values
        read: the periods of every status but *definitief* are kept, so the sources
        table can say which periods are provisional (:func:`status_summary`).
        """
        entry = self.details.setdefault((kind, str(name)), _new_details())
        entry["indicators"].add(indicator)
        entry["statuses"].update(str(s) for s in statuses if isinstance(s, str) and s)
        entry["items"].update(str(i) for i in items if isinstance(i, str) and i)
        if periods is not None and len(periods):
            from .periods import STATUS_FINAL, STATUS_MISSING

            pairs = periods[["status", "period"]].astype(str).drop_duplicates()
            pairs = pairs[~pairs["status"].isin([STATUS_FINAL, STATUS_MISSING])]
            entry.setdefault("periods", set()).update(pairs.itertuples(index=False, name=None))

    def folders(self) -> list[Path]:
        """The CBS folders to read, in order."""
        return [f for f in (self.cache_dir, self.fallback_dir) if f is not None]

    def describe_folder(self, folder: Path) -> str:
        """The reader's name of a CBS folder: the extract, a cache or imported files."""
        from .cbs import is_extract

        if folder == self.cache_dir:
            return self.description
        return _extract_description(folder) if is_extract(folder) else f"CBS-cache {_short(folder)}"

    def note_tables(self, tables, folder: Path) -> None:
        """Record that ``tables`` were read from ``folder``."""
        for table in tables:
            self.tables.add(table)
            self.table_dirs.setdefault(table, folder)


def _new_details() -> dict[str, set]:
    return {"indicators": set(), "statuses": set(), "items": set(), "periods": set()}


def _extract_description(folder: Path) -> str:
    return f"CBS-extract {_short(folder)}"


def _short(folder: Path | str) -> str:
    """A folder as readers may see it: relative to the project, else only its name.

    Pages go to other people: they never show where the building machine keeps its files.
    """
    from . import config

    path = Path(folder).expanduser()
    try:
        return path.resolve().relative_to(config.PROJECT_ROOT).as_posix()
    except (ValueError, OSError):
        return path.name or str(path)


def resolve_source(source: str) -> DataSource:
    """Turn a ``source`` parameter into a :class:`DataSource`.

    Raises
    ------
    ParameterError
        For an unknown source or a path that does not exist.
    """
    from .cbs import cached_metadata, cbs_cache_dir, extract_dir, import_paths, is_extract

    embedded = extract_dir() if is_extract(extract_dir()) else None
    if source == "embedded":
        return DataSource("embedded", embedded, _extract_description(extract_dir()))
    if source == "auto":
        cache = cbs_cache_dir()
        if cached_metadata(cache):
            return DataSource("auto", cache, f"CBS-cache {_short(cache)}", fallback_dir=embedded)
        return DataSource("auto", embedded, _extract_description(extract_dir()))
    if source == "cbs-cache":
        return DataSource(source, cbs_cache_dir(), f"CBS-cache {_short(cbs_cache_dir())}")
    path = Path(str(source)).expanduser()
    if not path.exists():
        raise ParameterError(
            "source",
            f"{source!r} is neither one of {', '.join(SOURCE_CHOICES)} nor an existing path",
        )
    if is_extract(path):
        return DataSource("path", path, _extract_description(path))
    if path.is_dir() and any(path.glob("*.parquet")) and any(path.glob("*.json")):
        return DataSource("path", path, f"CBS-cache {_short(path)}")
    tmp = tempfile.TemporaryDirectory(prefix="analysis-cbs-")
    import_paths([path], cache_dir=tmp.name)
    return DataSource("path", Path(tmp.name), f"CBS-bestanden {_short(path)}", _tmp=tmp)


#: Recorded in ``DataSource.used`` for an indicator that no source holds (for the regions asked).
_NOTHING = "-"
_NO_CBS = "cbs:-"
_EMBEDDED = "ingebedde gepubliceerde cijfers (data/published)"
#: The sources table's name of the published figures where no publication was recorded.
_PUBLISHED = "gepubliceerde cijfers"


def vintages(folder: Path, tables) -> list[str]:
    """The vintages of ``tables`` in a CBS folder (cache or extract), sorted."""
    from .cbs import cached_metadata

    meta = {m["table"]: m for m in cached_metadata(folder)}
    return sorted({str(meta[t]["vintage"]) for t in tables if t in meta and meta[t].get("vintage")})


def load_observations(
    indicator: str,
    source: DataSource,
    *,
    regions: list[str] | None = None,
    period_type: str | None = None,
) -> pd.DataFrame:
    """Observations of one indicator from the resolved source.

    A CBS indicator (one in :data:`analysis.cbs.SERIES`) comes from the first
    CBS folder of the source that holds its tables (with ``auto``: the user's
    cache, then the embedded extract); it is never filled in from published
    figures. Other indicators come from the published figures.
    ``source.used[indicator]`` records where it came from, with the vintage.

    Returns
    -------
    DataFrame
        Observations (schema columns plus ``note``), possibly empty.

    Raises
    ------
    InputError
        With ``cbs-cache`` (or a path), when the folder lacks the indicator's tables.
    """
    from .cbs import SERIES, load_indicator

    if indicator in SERIES:
        for folder in source.folders():
            try:
                obs = load_indicator(
                    indicator, regions=regions, period_type=period_type, cache_dir=folder
                )
            except InputError:
                if source.mode in ("cbs-cache", "path"):
                    raise
                continue
            tables = sorted(obs["source"].unique())
            when = vintages(folder, tables)
            where = source.describe_folder(folder)
            source.used[indicator] = f"{where} ({'; '.join(when)})" if when else where
            source.note_tables(tables, folder)
            for table, rows in obs.groupby("source", observed=True):
                source.note_details(
                    "cbs", str(table), indicator, rows["status"].unique(), periods=rows
                )
            return obs
        source.used.setdefault(indicator, _NO_CBS)
        return _published(indicator, regions, period_type).iloc[0:0]
    obs = _published(indicator, regions, period_type)
    if obs.empty and indicator not in source.used:
        source.used[indicator] = _NOTHING
        return obs
    source.used[indicator] = _EMBEDDED
    source.published = True
    for publication, rows in obs.groupby(obs["published"].fillna(obs["source"]), observed=True):
        source.note_details(
            "published",
            str(publication),
            indicator,
            rows["status"].unique(),
            rows["source"].unique(),
            periods=rows,
        )
    return obs


def _published(indicator: str, regions, period_type) -> pd.DataFrame:
    from .published import load_published

    obs = load_published()
    obs = obs[obs["indicator"] == indicator]
    if regions is not None:
        obs = obs[obs["region_code"].isin(list(regions))]
    if period_type is not None:
        obs = obs[obs["period_type"] == period_type]
    return obs.reset_index(drop=True)


def provenance_records(source: DataSource) -> list[dict]:
    """Records of what was read (for :func:`analysis.provenance.record_sources`).

    One record per CBS table read (with the cache file, its checksum and
    vintage) and one for the published figures, if they were used.
    """
    from . import config
    from .cbs.cache import cached_metadata

    records = []
    metas: dict[Path, dict[str, dict]] = {}
    for table in sorted(source.tables):
        folder = source.table_dirs.get(table, source.cache_dir)
        if folder is None:
            continue
        if folder not in metas:
            metas[folder] = {m["table"]: m for m in cached_metadata(folder)}
        m = metas[folder].get(table, {})
        records.append(
            {
                "source": f"CBS {table}",
                "path": m.get("path") or str(folder / f"{table}.parquet"),
                "checksum": f"sha256:{m['cache_checksum']}" if m.get("cache_checksum") else None,
                "vintage": m.get("vintage"),
            }
        )
    if source.published:
        records.append(
            {
                "source": "gepubliceerde cijfers (data/published)",
                "path": str(config.published_dir()),
            }
        )
    return records


#: Source texts in Dutch (as the data files and the register write them) and their English.
_TEXTS = {
    "nl": {
        "caption": "Gegevensbronnen",
        "none": "Nog geen gegevens geladen.",
        "columns": (
            "Bron",
            "Tabel of publicatie",
            "Versie",
            "Status",
            "Indicatoren",
            "Controlegetal",
            "Vindplaats",
        ),
        "missing": "Geen gegevens voor",
        "unpublished": (
            "Geen waarde gepubliceerd voor sommige gebieden of perioden in {sources}:"
            " die cellen hebben geen status en staan in tabellen als –"
        ),
        "nothing": "niet in de CBS-cache en niet in data/published",
        "no_cbs": "de CBS-tabellen ontbreken (python -m analysis cbs fetch, of het CBS-extract data/cbs)",
        "published_in": "gepubliceerde cijfers in data/published",
        "cbs_in": "{what} in {where}",
    },
    "en": {
        "caption": "Data sources",
        "none": "No data loaded yet.",
        "columns": (
            "Source",
            "Table or publication",
            "Vintage",
            "Status",
            "Indicators",
            "Checksum",
            "Location",
        ),
        "missing": "No data for",
        "unpublished": (
            "No value published for some areas or periods in {sources}:"
            " those cells have no status and are shown in tables as –"
        ),
        "nothing": "not in the CBS cache nor in data/published",
        "no_cbs": "the CBS tables are missing (python -m analysis cbs fetch, or the CBS extract data/cbs)",
        "published_in": "published figures in data/published",
        "cbs_in": "{what} in {where}",
    },
}


@dataclass
class SourcesTable:
    """Where a report's numbers come from: one row per CBS table, publication and register.

    Shown in a notebook as an HTML table (``_repr_html_``, no index column), as
    plain text elsewhere (``str``). Columns: source (as the tables' *Bron*
    column names it: ``CBS 82972NED``, ``register (synthetisch)``, the
    publication), table or publication, vintage, status, indicators,
    checksum and where the data lie (``CBS-extract in data/cbs``; never an
    absolute path).

    Attributes
    ----------
    rows : list of dict
        Keys ``source``, ``item``, ``vintage``, ``status``, ``indicators``,
        ``checksum``, ``location``, ``synthetic``.
    missing : list of tuple
        (indicator label, reason) for indicators no source holds.
    language : {'nl', 'en'}
    """

    rows: list[dict]
    missing: list[tuple[str, str]]
    language: str
    #: Sources (their *Bron* names) with cells for which no value was published.
    unpublished: list[str] = field(default_factory=list)

    def _unpublished_note(self) -> str:
        from .labels import join_words

        if not self.unpublished:
            return ""
        names = join_words(self.unpublished, self.language)
        return _TEXTS[self.language]["unpublished"].format(sources=names)

    @property
    def columns(self) -> tuple[str, ...]:
        return _TEXTS[self.language]["columns"]

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame with the reader's column names."""
        keys = ("source", "item", "vintage", "status", "indicators", "checksum", "location")
        return pd.DataFrame(
            [[row[k] for k in keys] for row in self.rows], columns=list(self.columns)
        )

    def __str__(self) -> str:
        texts = _TEXTS[self.language]
        if not self.rows and not self.missing:
            return texts["none"]
        lines = [f"{texts['caption']}:"]
        for row in self.rows:
            bits = [
                b
                for b in (
                    row["item"],
                    row["vintage"],
                    row["status"],
                    row["location"],
                    row["checksum"],
                )
                if b
            ]
            about = f" ({row['indicators']})" if row["indicators"] else ""
            lines.append(f"- {row['source']}: {'; '.join(bits)}{about}")
        lines += [f"- {texts['missing']} {ind}: {why}" for ind, why in self.missing]
        if self.unpublished:
            lines.append(f"- {self._unpublished_note()}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        import html

        texts = _TEXTS[self.language]
        if not self.rows and not self.missing:
            return f"<p>{html.escape(texts['none'])}</p>"
        head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in self.columns)
        body = []
        for row in self.rows:
            checksum = row["checksum"]
            cells = [f'<th scope="row">{html.escape(row["source"])}</th>']
            cells += [
                f"<td>{html.escape(row[k])}</td>"
                for k in ("item", "vintage", "status", "indicators")
            ]
            cells.append(
                f'<td><code title="{html.escape(row["checksum_full"])}">{html.escape(checksum)}</code></td>'
                if checksum
                else "<td></td>"
            )
            cells.append(f"<td>{html.escape(row['location'])}</td>")
            mark = ' class="analysis-synthetic"' if row["synthetic"] else ""
            body.append(f"<tr{mark}>{''.join(cells)}</tr>")
        table = (
            (
                f'<table class="analysis-sources"><caption>{html.escape(texts["caption"])}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            )
            if body
            else ""
        )
        missing = "".join(
            f"<li>{html.escape(texts['missing'])} {html.escape(ind)}: {html.escape(why)}</li>"
            for ind, why in self.missing
        )
        if self.unpublished:
            missing += f"<li>{html.escape(self._unpublished_note())}</li>"
        return table + (f'<ul class="analysis-sources-missing">{missing}</ul>' if missing else "")


def _short_checksum(checksum: str | None) -> str:
    if not checksum:
        return ""
    algo, _, digest = str(checksum).partition(":")
    return f"{algo}:{digest[:12]}…" if digest else str(checksum)[:19]


def _join_labels(indicators, language: str) -> str:
    from .labels import LABELS, indicator_label, label

    names = []
    for ind in sorted(indicators):
        if ind in LABELS:  # not an indicator: what else was read from the table
            names.append(label(ind, language))
            continue
        try:
            names.append(indicator_label(ind, language))
        except (KeyError, ValueError):
            names.append(ind)
    return "; ".join(names)


def status_summary(statuses, periods=(), language: str | None = None) -> str:
    """The status of what was read from one table or publication, for the sources table.

    The statuses of the values, *definitief* first; a status other than
    *definitief* names its periods when there is more than one status, so a
    reader sees which periods are provisional: ``definitief; voorlopig: 1e
    halfjaar 2024``. A value that was not published (status ``missing``) has no
    status and is not listed (the sources table names such tables in a note,
    and tables show the value as ``–``).

    Parameters
    ----------
    statuses : iterable of str
        The statuses of the values read (``definitief``, ``voorlopig``, ...).
    periods : iterable of (status, period), optional
        The periods of the statuses other than *definitief*.
    language : {'nl', 'en'}, optional

    Returns
    -------
    str
        Empty when no value had a status.
    """
    from .labels import join_words, label, period_label, resolve_language
    from .periods import STATUS_FINAL, STATUS_MISSING

    language = resolve_language(language)
    shown = sorted({str(s) for s in statuses} - {STATUS_MISSING}, key=_status_rank)

    def name(status: str) -> str:
        try:
            return label(status, language)
        except (KeyError, ValueError):
            return status

    if len(shown) <= 1:
        return "".join(name(s) for s in shown)
    parts = []
    for status in shown:
        when = sorted({p for st, p in periods if st == status}, key=_safe_period_key)
        if status == STATUS_FINAL or not when:
            parts.append(name(status))
        else:
            dates = join_words([period_label(p, language) for p in when], language)
            parts.append(f"{name(status)}: {dates}")
    return "; ".join(parts)


def _status_rank(status: str) -> tuple[int, str]:
    from .periods import STATUS_FINAL, STATUS_PROVISIONAL, STATUS_REVISED_PROVISIONAL

    order = {STATUS_FINAL: 0, STATUS_REVISED_PROVISIONAL: 1, STATUS_PROVISIONAL: 2}
    return (order.get(status, 3), status)


def _safe_period_key(period: str):
    from .periods import period_sort_key

    try:
        return (0, period_sort_key(period), period)
    except (ValueError, TypeError):
        return (1, None, period)


def describe_sources(source: DataSource, language: str | None = None, extra=()) -> SourcesTable:
    """Where each number of a report came from, as a table for the reader.

    Parameters
    ----------
    source : DataSource
        The report's resolved source, after its data were loaded.
    language : {'nl', 'en'}, optional
        Default: the session language.
    extra : iterable of dict
        Further provenance records (``source``, ``path``, ``vintage``,
        ``synthetic``), e.g. the case register
        (:meth:`analysis.notebook.Session.add_record`).

    Returns
    -------
    SourcesTable
        An HTML table in a notebook, plain text as ``str``.
    """
    from . import config
    from .cbs.cache import cached_metadata
    from .labels import resolve_language
    from .periods import STATUS_MISSING

    language = resolve_language(language)
    texts = _TEXTS[language]
    rows: list[dict] = []
    unpublished: list[str] = []
    metas: dict[Path, dict[str, dict]] = {}
    details = dict(source.details)
    # tables and publications read past load_observations (e.g. by analysis.reconcile.load_sources)
    for table in source.tables:
        details.setdefault(("cbs", table), _new_details())
    if source.published and not any(kind == "published" for kind, _ in details):
        details[("published", _PUBLISHED)] = _new_details()
    for (kind, name), info in sorted(details.items()):
        row = {
            "source": name,
            "item": "",
            "vintage": "",
            "status": status_summary(info["statuses"], info.get("periods", ()), language),
            "indicators": _join_labels(info["indicators"], language),
            "checksum": "",
            "checksum_full": "",
            "location": "",
            "synthetic": False,
        }
        if kind == "cbs":
            folder = source.table_dirs.get(name, source.cache_dir)
            if folder is not None and folder not in metas:
                metas[folder] = {m["table"]: m for m in cached_metadata(folder)}
            meta = metas.get(folder, {}).get(name, {}) if folder is not None else {}
            checksum = f"sha256:{meta['cache_checksum']}" if meta.get("cache_checksum") else ""
            where = source.describe_folder(folder) if folder is not None else "CBS"
            what, _, place = where.partition(" ")
            row.update(
                source=f"CBS {name}",
                item=str(meta.get("title") or name),
                vintage=recorded_text(meta.get("vintage"), language),
                checksum=_short_checksum(checksum),
                checksum_full=checksum,
                location=recorded_text(texts["cbs_in"].format(what=what, where=place), language)
                if place
                else recorded_text(where, language),
            )
        else:
            from .provenance import folder_checksum

            checksum = (
                folder_checksum(config.published_dir()) if config.published_dir().is_dir() else ""
            )
            # a publication's name as the tables' Bron column gives it (a proper name: not translated)
            if name == _PUBLISHED:
                row["source"] = recorded_text(name, language)
            row.update(
                item="; ".join(sorted(info["items"])),
                checksum=_short_checksum(checksum),
                checksum_full=checksum,
                location=texts["published_in"],
            )
        rows.append(row)
        if STATUS_MISSING in info["statuses"]:
            unpublished.append(row["source"])
    for record in extra:
        rows.append(_record_row(record, language))
    special = {_NOTHING: texts["nothing"], _NO_CBS: texts["no_cbs"]}
    missing = [
        (
            _join_labels([ind], language),
            special.get(where) or recorded_text(where, language),
        )
        for ind, where in sorted(source.used.items())
        if where in special or str(where).startswith("geen ")
    ]
    return SourcesTable(rows, missing, language, unpublished)


def _record_row(record: dict, language: str) -> dict:
    """A table row for a provenance record (the case register, or another input a notebook declares)."""
    from .labels import label
    from .provenance import normalise_source

    item = normalise_source(record)
    synthetic = bool(item.get("synthetic"))
    is_register = "register" in item["source"].lower()
    name = label("register", language) if is_register else recorded_text(item["source"], language)
    if synthetic:
        name = f"{name} ({label('synthetic', language)})"
    return {
        "source": name,
        "item": recorded_text(item["source"], language),
        "vintage": recorded_text(item.get("vintage"), language),
        "status": "",
        "indicators": "",
        "checksum": _short_checksum(item.get("checksum")),
        "checksum_full": item.get("checksum") or "",
        "location": _location(item.get("path")),
        "synthetic": synthetic,
    }


def _location(path: str | None) -> str:
    """A recorded path for readers: as recorded when relative to the project
    (:func:`analysis.provenance.normalise_source` made it so), else only its name."""
    if not path:
        return ""
    return _short(path) if Path(path).is_absolute() else Path(path).as_posix()


def show_sources(source: DataSource, extra=(), language: str | None = None, only=None) -> str:
    """Display the sources table and record the provenance for the report runner, in one output.

    The output carries the table (``text/html``, ``text/plain``) and the
    provenance records (:data:`analysis.provenance.SOURCES_MIME`),
    which the runner collects into ``run.json`` and ``index.html``.
    Outside IPython the plain text is printed.

    Parameters
    ----------
    source : DataSource
    extra : iterable of dict
        Further provenance records (see :func:`describe_sources`).
    language : {'nl', 'en'}, optional
    only : collection of str, optional
        Show and record only these sources (``CBS 85094NED``): the rows a later
        cell adds (:meth:`analysis.notebook.Session.declare_new_sources`).

    Returns
    -------
    str
        An empty text, so that ``print(session.declare_sources())`` adds nothing
        visible (the reviewer page drops blank text outputs).
    """
    from .provenance import SOURCES_MIME, normalise_source

    extra = list(extra)
    table = describe_sources(source, language, extra)
    records = [normalise_source(r) for r in provenance_records(source) + extra]
    if only is not None:
        keep = {str(name) for name in only}
        table = SourcesTable(
            [row for row in table.rows if row["source"] in keep],
            [],
            table.language,
            [name for name in table.unpublished if name in keep],
        )
        records = [r for r in records if str(r.get("source")) in keep]
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(str(table))
        return _Shown()
    bundle = {"text/html": table._repr_html_(), "text/plain": str(table)}
    if records:
        bundle[SOURCES_MIME] = records
    display(bundle, raw=True)
    return _Shown()


def row_source(source: str | None, published: str | None, language: str | None = None) -> str:
    """Where one row of a table comes from, for the reader: the value of its *Bron* column.

    The names agree with the first column of the sources table
    (:func:`describe_sources`).

    Parameters
    ----------
    source, published : str
        The ``source`` and ``published`` of the row's latest value.
    language : {"nl", "en"}, optional
        Default: the session language (:func:`analysis.labels.set_language`).

    Returns
    -------
    str
        ``register (synthetisch)`` for the synthetic register, ``register``
        for a real one, ``CBS 86050NED (CBS StatLine, opgehaald 2025-04-22)``
        for a CBS table (with its vintage, from ``published``), the
        publication (``Begroting 2020 (2019)``) otherwise; ``""`` without a
        source.
    """
    from .disclosure import source_kind
    from .labels import label, resolve_language, vintage_text

    language = resolve_language(language)
    if source is None or pd.isna(source) or not str(source).strip():
        return ""
    kind = source_kind(str(source))
    if kind == "synthetic":
        return f"{label('register', language)} ({label('synthetic', language)})"
    if kind == "register":
        return label("register", language)
    if kind == "cbs":
        name = str(source) if str(source).upper().startswith("CBS") else f"CBS {source}"
        vintage = cbs_vintage(published)
        if vintage:
            return f"{name} ({vintage_text(vintage, language)})"
        return name
    return str(published) if published is not None and not pd.isna(published) else str(source)


def cbs_vintage(published: object) -> str | None:
    """The vintage a CBS row's ``published`` ends with, as recorded; None for anything else.

    Parameters
    ----------
    published : object
        A ``published`` value: ``CBS StatLine 85098NED (CBS StatLine, opgehaald
        2025-04-22)`` for a row of a CBS table, a publication (``Begroting 2020
        (2019)``) otherwise.

    Returns
    -------
    str or None
        ``CBS StatLine, opgehaald 2025-04-22``; None where ``published`` is not
        a CBS row's or names no vintage.
    """
    if not isinstance(published, str) or not published.startswith("CBS StatLine"):
        return None
    match = re.search(r"\(([^()]+)\)$", published)
    return match.group(1) if match else None


class _Shown(str):
    """What :func:`show_sources` returns: empty, and nothing to display as a cell's result."""

    def _ipython_display_(self) -> None:
        return None


__all__ = [
    "DataSource",
    "SOURCE_CHOICES",
    "SourcesTable",
    "cbs_vintage",
    "describe_sources",
    "load_observations",
    "provenance_records",
    "resolve_source",
    "row_source",
    "show_sources",
    "status_summary",
    "vintages",
]
