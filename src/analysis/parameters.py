"""The notebooks' shared parameters and their validation.

Every notebook has one cell tagged ``parameters`` and validates it in the next
cell with :func:`validate_parameters`. A wrong value fails with one line that
names the parameter, e.g. ``parameter 'region': unknown region code 'GM9999'``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .errors import ParameterError
from .periods import period_bounds, period_type_of
from .regions import is_region_code
from .sources import SOURCE_CHOICES


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
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str = "GM0344"
    wijk: str | None = None
    start: str | None = None
    end: str | None = None
    source: str = "auto"
    horizon: int = 2
    language: Literal["nl", "en"] = "nl"

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        v = str(v).strip()
        if not is_region_code(v):
            raise ValueError(f"unknown region code {v!r} (expected a CBS code such as GM0344)")
        from .cbs import region_resolver

        if not region_resolver().knows(v):
            raise ValueError(
                f"unknown region code {v!r}: not a built-in region and not in the CBS cache "
                "(import CBS table 85755NED to know every municipality)"
            )
        return v

    @field_validator("wijk")
    @classmethod
    def _wijk(cls, v: str | None) -> str | None:
        if v in (None, "", "none", "None"):
            return None
        v = str(v).strip()
        if not (v.startswith("WK") and is_region_code(v)):
            raise ValueError(f"{v!r} is not a wijk code (expected e.g. WK034401)")
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
            raise ValueError(str(exc)) from None
        return v

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        if v in SOURCE_CHOICES or Path(str(v)).expanduser().exists():
            return v
        raise ValueError(f"{v!r} is neither one of {', '.join(SOURCE_CHOICES)} nor an existing path")

    @field_validator("horizon")
    @classmethod
    def _horizon(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"horizon must be at least 1 (got {v})")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> NotebookParameters:
        if self.start and self.end and period_bounds(self.end)[1] < period_bounds(self.start)[0]:
            raise ValueError(f"end: end {self.end} lies before start {self.start}")
        if self.wijk and self.region.startswith("GM") and self.wijk[2:6] != self.region[2:6]:
            raise ValueError(f"wijk: {self.wijk} is not a wijk of {self.region}")
        return self


def validate_parameters(**values) -> NotebookParameters:
    """Validate notebook parameters.

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
    try:
        return NotebookParameters(**values)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(p) for p in err["loc"]) or "parameters"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown parameter"
        if ": " in message and not err["loc"]:
            name, message = message.split(": ", 1)
        raise ParameterError(name, message) from None
