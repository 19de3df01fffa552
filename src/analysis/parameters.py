"""The notebooks' shared parameters and their validation.

Every notebook has one cell tagged ``parameters`` and validates it in the next
cell (through :func:`analysis.notebook.start`) with :func:`validate_parameters`
and, once the source is resolved, :func:`check_data_periods`. The report
runner calls the same two functions for every report of a batch before any
kernel starts (:mod:`analysis.runner.config`), so a wrong value is refused
once, up front, with the same words. A wrong value fails with one line that
names the parameter and, where one is close, suggests a value, e.g.
``parameter 'region': unknown region code 'Utrecht' (expected a CBS code such
as GM0344); did you mean GM0344 (Utrecht)?``.

Which regions and wijken exist is read through :func:`analysis.cbs.region_resolver`
(the built-in regions plus every region of the CBS data at hand), once per
:class:`RegionCatalogue`; which periods exist through the source's own data
(:func:`data_periods`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .errors import ParameterError
from .periods import period_bounds, period_sort_key, period_type_of
from .regions import is_region_code, wijken_of
from .sources import SOURCE_CHOICES

if TYPE_CHECKING:
    from .sources import DataSource


# --------------------------------------------------------------------------- known regions
@dataclass(frozen=True)
class RegionCatalogue:
    """The region codes the project knows, with their names, and close-match suggestions.

    Parameters
    ----------
    names : mapping of str to str
        Region code to plain name (``GM0344`` -> ``Utrecht``).
    """

    names: Mapping[str, str]

    @classmethod
    def load(cls, cache_dir: str | Path | None = None) -> RegionCatalogue:
        """Built-in regions plus every region the CBS data knows (``analysis.cbs.region_resolver``)."""
        from .cbs import region_resolver

        resolver = region_resolver(cache_dir)
        return cls({code: resolver.name_of(code) or code for code in resolver.codes()})

    def knows(self, code: str) -> bool:
        return code in self.names

    def label(self, code: str) -> str:
        name = self.names.get(code)
        return f"{code} ({name})" if name and name != code else code

    def wijken(self, municipality: str) -> list[str]:
        """Known wijk codes of a municipality (``GM0344`` -> ``WK034401`` ..)."""
        prefix = f"WK{municipality[2:6]}"
        found = set(wijken_of(municipality)) | {c for c in self.names if c.startswith(prefix)}
        return sorted(c for c in found if len(c) == 8)

    def suggest(self, text: str, candidates: Iterable[str]) -> str | None:
        """The candidate code closest to ``text`` by code or name, or None.

        An exact name (``Utrecht``), a code in other case (``gm0344``) or
        without its prefix (``0344``) wins; otherwise the closest name or
        code by :func:`difflib.get_close_matches`.
        """
        codes = list(dict.fromkeys(candidates))
        if not codes:
            return None
        raw = " ".join(str(text).split())
        low = raw.lower()
        upper = raw.upper().replace(" ", "")
        if upper in codes:
            return upper
        if raw.isdigit():
            tail = raw.zfill(4)
            hits = [c for c in codes if c[2:] == tail or c[2:].lstrip("0") == raw.lstrip("0")]
            if hits:
                return hits[0]
        by_key: dict[str, str] = {}
        for code in codes:
            name = self.names.get(code)
            if name:
                by_key.setdefault(name.lower(), code)
        for code in codes:
            by_key.setdefault(code.lower(), code)
        if low in by_key:
            return by_key[low]
        close = difflib.get_close_matches(low, list(by_key), n=1, cutoff=0.7)
        return by_key[close[0]] if close else None


def _period_problem(exc: ValueError) -> str:
    text = str(exc)
    if text.startswith("not a period"):
        return "expected e.g. 2023, 2023H1, 2023Q1, 2023-06 or 2023-06-30"
    return text


def _catalogue(info: ValidationInfo) -> RegionCatalogue:
    catalogue = (info.context or {}).get("regions")
    return catalogue if catalogue is not None else RegionCatalogue.load()


def _did_you_mean(catalogue: RegionCatalogue, text: str, candidates: Iterable[str]) -> str:
    hit = catalogue.suggest(text, candidates)
    return f"; did you mean {catalogue.label(hit)}?" if hit else ""


def _listing(catalogue: RegionCatalogue, codes: list[str], limit: int = 12) -> str:
    shown = ", ".join(catalogue.label(c) for c in codes[:limit])
    return shown + (f", ... ({len(codes)} in all)" if len(codes) > limit else "")


#: Periods a notebook may ask for (wider than any data; outside, a year is a typing error).
FIRST_YEAR, LAST_YEAR = 1900, 2100


class NotebookParameters(BaseModel):
    """Validated notebook parameters.

    Attributes
    ----------
    region : str
        CBS code of the municipality (or other region), default ``GM0344`` (Utrecht).
    wijk : str or None
        A wijk code of that municipality (``WK034401``), or None for the whole region.
    start, end : str or None
        First and last period shown (``2015``, ``2016H1``); None for all.
    source : str
        ``auto``, ``embedded``, ``cbs-cache`` or a path (see :mod:`analysis.sources`).
    horizon : int
        Forecast horizon in periods (at least 1).
    language : {"nl", "en"}
        Language of labels and text.
    comparison : str
        How the comparable municipalities are chosen: a key of
        :data:`analysis.compare.COMPARISON_RULES` (default ``stedelijkheid``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str = "GM0344"
    wijk: str | None = None
    start: str | None = None
    end: str | None = None
    source: str = "auto"
    horizon: int = 2
    language: Literal["nl", "en"] = "nl"
    comparison: str = "stedelijkheid"

    @field_validator("region")
    @classmethod
    def _region(cls, v: str, info: ValidationInfo) -> str:
        v = str(v).strip()
        catalogue = _catalogue(info)
        municipalities = [c for c in catalogue.names if c.startswith("GM")]
        if not is_region_code(v):
            # a name ('Utrecht') most likely means the municipality, not the province
            hint = _did_you_mean(catalogue, v, municipalities) or _did_you_mean(
                catalogue, v, catalogue.names
            )
            raise ValueError(
                f"unknown region code {v!r} (expected a CBS code such as GM0344){hint}"
            )
        if not catalogue.knows(v):
            same_level = [c for c in catalogue.names if c[:2] == v[:2]] or list(catalogue.names)
            raise ValueError(
                f"unknown region code {v!r}: not a built-in region and not in the CBS cache "
                "(import CBS table 85755NED to know every municipality)"
                + _did_you_mean(catalogue, v, same_level)
            )
        return v

    @field_validator("wijk")
    @classmethod
    def _wijk(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v in (None, "", "none", "None"):
            return None
        v = str(v).strip()
        region = info.data.get("region")
        catalogue = _catalogue(info)
        known = catalogue.wijken(region) if region and region.startswith("GM") else []
        if not (v.startswith("WK") and is_region_code(v)):
            hint = _did_you_mean(catalogue, v, known)
            if not hint and known:
                hint = f"; the wijken of {catalogue.label(region)}: {_listing(catalogue, known)}"
            raise ValueError(f"{v!r} is not a wijk code (expected e.g. WK034401){hint}")
        if known and v not in known and v[2:6] == region[2:6]:
            raise ValueError(
                f"unknown wijk code {v!r} of {catalogue.label(region)}"
                + (
                    _did_you_mean(catalogue, v, known)
                    or f"; its wijken: {_listing(catalogue, known)}"
                )
            )
        return v

    @field_validator("start", "end", mode="before")
    @classmethod
    def _period(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        v = str(v).strip()
        try:
            period_type_of(v)
        except ValueError as exc:
            hint = ""
            if re.fullmatch(r"\d{4}[hq][1-4]", v) and re.fullmatch(
                r"\d{4}(H[12]|Q[1-4])", v.upper()
            ):
                hint = f"; did you mean {v.upper()}?"
            elif re.fullmatch(r"\d{4}[HhQq]\d+", v):
                hint = "; a half-year is H1 or H2, a quarter Q1 to Q4"
            raise ValueError(f"not a period: {v!r} ({_period_problem(exc)}){hint}") from None
        if not FIRST_YEAR <= int(v[:4]) <= LAST_YEAR:
            raise ValueError(f"{v!r}: the year must lie between {FIRST_YEAR} and {LAST_YEAR}")
        return v

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        if v in SOURCE_CHOICES or Path(str(v)).expanduser().exists():
            return v
        raise ValueError(
            f"{v!r} is neither one of {', '.join(SOURCE_CHOICES)} nor an existing path"
        )

    @field_validator("comparison")
    @classmethod
    def _comparison(cls, v: str) -> str:
        from .compare import COMPARISON_RULES

        v = str(v).strip()
        if v not in COMPARISON_RULES:
            hint = difflib.get_close_matches(v.lower(), list(COMPARISON_RULES), n=1, cutoff=0.6)
            raise ValueError(
                f"unknown comparison {v!r}; choose one of {', '.join(COMPARISON_RULES)}"
                + (f"; did you mean {hint[0]}?" if hint else "")
            )
        return v

    @field_validator("horizon")
    @classmethod
    def _horizon(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"horizon must be at least 1 (got {v})")
        return v

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> NotebookParameters:
        if self.start and self.end and period_bounds(self.end)[1] < period_bounds(self.start)[0]:
            raise ValueError(f"end: end {self.end} lies before start {self.start}")
        if self.wijk and self.region.startswith("GM") and self.wijk[2:6] != self.region[2:6]:
            catalogue = _catalogue(info)
            owner = f"GM{self.wijk[2:6]}"
            hint = f"; it lies in {catalogue.label(owner)}" if catalogue.knows(owner) else ""
            raise ValueError(
                f"wijk: {self.wijk} is not a wijk of {catalogue.label(self.region)}{hint}"
            )
        return self


def validate_parameters(**values) -> NotebookParameters:
    """Validate notebook parameters (what :func:`analysis.notebook.start` calls).

    Parameters
    ----------
    **values
        The notebook's parameters (unknown names are an error).

    Returns
    -------
    NotebookParameters

    Raises
    ------
    ParameterError
        One line naming the first wrong parameter.
    """
    return check_parameters(values)


def check_parameters(
    values: Mapping[str, object], *, regions: RegionCatalogue | None = None
) -> NotebookParameters:
    """:func:`validate_parameters` with the known regions given.

    Parameters
    ----------
    values : mapping
        The notebook's parameters.
    regions : RegionCatalogue, optional
        The known regions (default: :meth:`RegionCatalogue.load`, read for
        this call; the report runner passes one catalogue for a whole batch).

    Raises
    ------
    ParameterError
        One line naming the first wrong parameter.
    """
    try:
        return NotebookParameters.model_validate(dict(values), context={"regions": regions})
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(p) for p in err["loc"]) or "parameters"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown parameter"
        if ": " in message and not err["loc"]:
            name, message = message.split(": ", 1)
        raise ParameterError(name, message) from None


# --------------------------------------------------------------------------- periods in the data
@dataclass(frozen=True)
class PeriodSpan:
    """The first and last period a source holds data for."""

    first: str
    last: str


def data_periods(source: DataSource) -> PeriodSpan | None:
    """First and last period of the data ``source`` can give (None: it holds none).

    The CBS tables of the source's cache count through their metadata
    (:func:`analysis.cbs.cached_metadata`, periods of tables that serve an
    indicator); the periods of the embedded published figures
    (:func:`analysis.published.published_periods`) count for ``embedded`` and ``auto``.
    """
    periods: set[str] = set()
    if source.cache_dir is not None:
        from .cbs import cached_metadata

        for meta in cached_metadata(source.cache_dir):
            if meta.get("indicators"):
                periods.update(str(p) for p in meta.get("periods") or [])
    if source.mode in ("auto", "embedded"):
        from .published import published_periods

        periods.update(published_periods())
    valid = []
    for period in periods:
        try:
            period_type_of(period)
        except ValueError:
            continue
        valid.append(period)
    if not valid:
        return None
    return PeriodSpan(
        min(valid, key=lambda p: period_bounds(p)[0]), max(valid, key=period_sort_key)
    )


def check_data_periods(
    params: NotebookParameters, span: PeriodSpan | None, source_name: str
) -> None:
    """Refuse a ``start`` after the last period of the data or an ``end`` before its first.

    Parameters
    ----------
    params : NotebookParameters
    span : PeriodSpan or None
        What :func:`data_periods` gave for the source (None: no data at all;
        then nothing is checked, the notebook says what is missing).
    source_name : str
        The ``source`` value, named in the message.

    Raises
    ------
    ParameterError
        Naming ``start`` or ``end``, with the periods the data do cover.
    """
    if span is None:
        return
    covered = f"the data of source {source_name!r} cover {span.first} to {span.last}"
    if params.start and period_bounds(params.start)[0] > period_bounds(span.last)[1]:
        raise ParameterError(
            "start",
            f"{params.start} lies after the last period with data: {covered};"
            f" choose a start up to {span.last}",
        )
    if params.end and period_bounds(params.end)[1] < period_bounds(span.first)[0]:
        raise ParameterError(
            "end",
            f"{params.end} lies before the first period with data: {covered};"
            f" choose an end from {span.first}",
        )
