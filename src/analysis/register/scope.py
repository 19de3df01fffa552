"""Which register a notebook reads for its region and wijk, and whether its register sections apply.

One decision for every notebook that uses the register (:func:`register_scope`,
in a notebook :meth:`analysis.notebook.Session.register`):

* the synthetic register (no ``register`` parameter) describes Utrecht; for another
  municipality it is not even read, and the register sections are skipped with a
  message (the CBS sections still run);
* an own register is read and cut to the region's cases (a register may span
  several municipalities, :meth:`~analysis.register.Register.of_municipality`);
  it does not apply when it holds none there, or none in the chosen wijk.

The :class:`RegisterScope` carries the register, the provenance record and the
reader's texts: the line under the data sources, and the note of a skipped section.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import config, markup
from ..labels import label, recorded_text, resolve_language
from ..regions import RegionResolver
from .loading import load_register
from .schema import METADATA_FILE, Register

__all__ = ["SYNTHETIC_MUNICIPALITY", "RegisterScope", "register_record", "register_scope"]

#: The municipality the synthetic register describes when its metadata does not say.
SYNTHETIC_MUNICIPALITY = "GM0344"


@dataclass(frozen=True)
class RegisterScope:
    """The register a notebook reads for its region and wijk, or why it reads none.

    Attributes
    ----------
    applies : bool
        Whether the register sections can run.
    message : str or None
        Why they cannot (for the reader), in the language of the call that made the scope.
    region, wijk : str, str or None
        The notebook's region and wijk.
    register : Register or None
        The loaded register, cut to the region's cases where it holds any
        (:meth:`analysis.register.Register.of_municipality`; a register may
        span several municipalities); None when the synthetic register is
        asked for another municipality.
    record : dict or None
        The provenance record (:func:`register_record`) of a register that was read,
        for :meth:`analysis.notebook.Session.add_record`.
    start, end : str or None
        The notebook's period bounds; ``end`` defaults to the register's snapshot year.
    resolver : RegionResolver or None
        Names the regions in the texts; None is the built-in names.
    """

    applies: bool
    message: str | None
    region: str
    wijk: str | None
    register: Register | None = None
    record: dict | None = None
    start: str | None = None
    end: str | None = None
    resolver: RegionResolver | None = None

    @property
    def used(self) -> Register | None:
        """The register when it applies, else None (what the register sections read)."""
        return self.register if self.applies else None

    @property
    def synthetic(self) -> bool:
        """Whether the register is the synthetic one."""
        return bool(self.register is not None and self.register.synthetic)

    @property
    def snapshot(self) -> pd.Timestamp | None:
        """The date the register describes."""
        return self.register.snapshot_date if self.register is not None else None

    @property
    def cases(self) -> pd.DataFrame:
        """The register's cases in the region (all its wijken: disclosure control compares
        wijken; functions select the wijk); empty when the register does not apply."""
        return self.register.cases if self.applies and self.register is not None else pd.DataFrame()

    @property
    def surveys(self) -> pd.DataFrame:
        """The surveys of those cases; empty when the register does not apply."""
        return (
            self.register.surveys if self.applies and self.register is not None else pd.DataFrame()
        )

    def _names(self) -> RegionResolver:
        return self.resolver or RegionResolver()

    @property
    def region_name(self) -> str:
        """The region's name (``Utrecht``), or its code when unknown."""
        return self._names().name_of(self.region) or self.region

    @property
    def area_name(self) -> str:
        """The name of the wijk if chosen, else of the region."""
        return (self._names().name_of(self.wijk) or self.wijk) if self.wijk else self.region_name

    def description(self, language: str | None = None) -> str:
        """One line for the reader, as an item of the data sources: which register, and whether it is synthetic.

        Deterministic (no paths or checksums), so it may stand in a checked cell.
        """
        language = resolve_language(language)
        if self.register is None or not self.applies:
            return f"- {label('register', language)}: {label('not_used', language)}"
        prov = self.register.provenance()
        text = (
            f"- {label('register', language)}: {recorded_text(prov['source'], language)}, "
            f"{label('snapshot_date', language)} "
            f"{self.register.snapshot_date:%Y-%m-%d}"
        )
        if self.wijk:
            text += f"; {label('wijk', language).lower()}: {self.area_name} ({self.wijk})"
        if self.synthetic:
            text += f" \u2014 {label('synthetic', language).upper()}: {label('synthetic_note', language)}"
        return text

    def source_line(self, language: str | None = None) -> str:
        """One sentence under the data sources: the register read, or why none is.

        ``Casusregister: synthetisch register (analysis.synthetic, seed 20150101); synthetische
        gegevens, geen echte cliënten``, or :attr:`message` when the register does not apply.
        """
        language = resolve_language(language)
        if not self.applies or self.register is None:
            return self.message or ""
        source = recorded_text(self.register.provenance()["source"], language)
        text = f"{label('reach_register_line', language)}: {source}"
        return f"{text}; {label('synthetic_note', language)}" if self.synthetic else text

    def skip_note(self, language: str | None = None) -> str:
        """A short markdown note for a register section that is skipped."""
        language = resolve_language(language)
        return f"*{label('register_skipped', language).format(area=markup.markdown_text(self.area_name))}*"


def register_record(register: Register, path: str | Path | None = None) -> dict:
    """The provenance record of a register, for :meth:`analysis.notebook.Session.add_record`.

    Parameters
    ----------
    register : Register
    path : str or Path, optional
        Where it was loaded from; None is the synthetic register (``data/synthetic``).

    Returns
    -------
    dict
        ``source``, ``path``, ``vintage`` and ``synthetic``.
    """
    provenance = register.provenance()
    return {
        "source": provenance["source"],
        "path": str(path if path is not None else config.synthetic_dir()),
        "vintage": provenance["published"],
        "synthetic": bool(register.synthetic),
    }


def _synthetic_home() -> str:
    """The municipality the synthetic register describes (its ``register.json``)."""
    try:
        meta = json.loads((config.synthetic_dir() / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    return str(meta.get("municipality", SYNTHETIC_MUNICIPALITY))


def register_scope(
    region: str,
    *,
    wijk: str | None = None,
    path: str | Path | None = None,
    start: str | None = None,
    end: str | None = None,
    resolver: RegionResolver | None = None,
    language: str | None = None,
) -> RegisterScope:
    """Decide which register a notebook reads, and load it if it applies.

    Parameters
    ----------
    region : str
        The notebook's municipality code.
    wijk : str, optional
        A wijk code of that municipality.
    path : str or Path, optional
        The municipality's own register (see :func:`analysis.register.load_register`);
        None: the synthetic register, which describes Utrecht (GM0344).
    start, end : str, optional
        The notebook's period bounds.
    resolver : RegionResolver, optional
        Names the regions in the message; default the built-in names.
    language : {"nl", "en"}, optional
        Of the message; default the session language.

    Returns
    -------
    RegisterScope
        ``applies`` False with a ``message`` when the synthetic register is
        asked for another municipality (it is then not even read), when a
        register holds no cases of the region, or none in the wijk.

    Raises
    ------
    InputError
        When the register at ``path`` cannot be read (one line naming file,
        line and column).
    """
    language = resolve_language(language)
    names = resolver or RegionResolver()

    def named(code: str) -> str:
        return f"{names.name_of(code) or code} ({code})"

    def synthetic_elsewhere(home: str) -> str:
        return label("register_synthetic_other_region", language).format(
            register_region=names.name_of(home) or home, register_code=home, region=named(region)
        )

    if path is None and (home := _synthetic_home()) != region:
        return RegisterScope(
            False, synthetic_elsewhere(home), region, wijk, start=start, end=end, resolver=resolver
        )
    register = load_register(path)
    record = register_record(register, path)
    part = register.of_municipality(region) if region.startswith("GM") else None
    if part is None or part.cases.empty:
        home = _municipality(register)
        if register.synthetic and home is not None:
            text = synthetic_elsewhere(home)
        else:
            text = label("register_other_region", language).format(
                path=Path(str(register.source)).name, region=named(region)
            )
        return RegisterScope(False, text, region, wijk, register, record, start, end, resolver)
    if wijk is not None and not (part.cases["wijk_code"] == wijk).any():
        text = label("register_no_wijk", language).format(wijk=named(wijk))
        return RegisterScope(False, text, region, wijk, part, record, start, end, resolver)
    return RegisterScope(
        True, None, region, wijk, part, record, start, end or str(part.snapshot_date.year), resolver
    )


def _municipality(register: Register) -> str | None:
    """The one municipality a register describes, or None when it spans several."""
    try:
        return register.municipality
    except ValueError:
        return None
