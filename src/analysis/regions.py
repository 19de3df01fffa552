"""Region codes and names.

Codes follow CBS: ``NL01`` (Nederland), ``LD01``..``LD04`` (landsdelen),
``PV20``..``PV31`` (provincies), ``GM0344`` (gemeente), ``WK034401`` (wijk),
``JZ22`` (jeugdzorgregio), ``CR17`` (COROP) and so on.

The package knows a small set of regions by heart (the country, landsdelen,
provinces, the G4 and the wijken of Utrecht). Every other municipality is
resolved through a crosswalk built from CBS tables the user fetched or
imported: the "Gebieden in Nederland" tables (84929NED, 85755NED, ...), the
Wmo-per-wijk tables (which carry codes) and OData files that hold region keys.
Because resolution happens when data is loaded, the order in which tables are
imported does not matter, and a municipality merged away keeps its old code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

CODE_PATTERN = re.compile(r"^(NL\d{2}|[A-Z]{2}\d{2,4}[0-9A-Z]{0,4})$")

NEDERLAND = "NL01"
G4 = ("GM0363", "GM0599", "GM0518", "GM0344")

# code -> (name, CBS label)
_BUILTIN: dict[str, tuple[str, str]] = {
    "NL01": ("Nederland", "Nederland"),
    "LD01": ("Noord-Nederland", "Noord-Nederland (LD)"),
    "LD02": ("Oost-Nederland", "Oost-Nederland (LD)"),
    "LD03": ("West-Nederland", "West-Nederland (LD)"),
    "LD04": ("Zuid-Nederland", "Zuid-Nederland (LD)"),
    "PV20": ("Groningen", "Groningen (PV)"),
    "PV21": ("Fryslân", "Fryslân (PV)"),
    "PV22": ("Drenthe", "Drenthe (PV)"),
    "PV23": ("Overijssel", "Overijssel (PV)"),
    "PV24": ("Flevoland", "Flevoland (PV)"),
    "PV25": ("Gelderland", "Gelderland (PV)"),
    "PV26": ("Utrecht", "Utrecht (PV)"),
    "PV27": ("Noord-Holland", "Noord-Holland (PV)"),
    "PV28": ("Zuid-Holland", "Zuid-Holland (PV)"),
    "PV29": ("Zeeland", "Zeeland (PV)"),
    "PV30": ("Noord-Brabant", "Noord-Brabant (PV)"),
    "PV31": ("Limburg", "Limburg (PV)"),
    "GM0363": ("Amsterdam", "Amsterdam"),
    "GM0599": ("Rotterdam", "Rotterdam"),
    "GM0518": ("'s-Gravenhage", "'s-Gravenhage (gemeente)"),
    "GM0344": ("Utrecht", "Utrecht (gemeente)"),
    "WK034401": ("West", "Wijk 01 West"),
    "WK034402": ("Noordwest", "Wijk 02 Noordwest"),
    "WK034403": ("Overvecht", "Wijk 03 Overvecht"),
    "WK034404": ("Noordoost", "Wijk 04 Noordoost"),
    "WK034405": ("Oost", "Wijk 05 Oost"),
    "WK034406": ("Binnenstad", "Wijk 06 Binnenstad"),
    "WK034407": ("Zuid", "Wijk 07 Zuid"),
    "WK034408": ("Zuidwest", "Wijk 08 Zuidwest"),
    "WK034409": ("Leidsche Rijn", "Wijk 09 Leidsche Rijn"),
    "WK034410": ("Vleuten-De Meern", "Wijk 10 Vleuten-De Meern"),
}
# Older spellings CBS used in earlier tables.
_BUILTIN_ALIASES = {"Friesland (PV)": "PV21"}

UTRECHT_WIJKEN: tuple[str, ...] = tuple(c for c in _BUILTIN if c.startswith("WK0344"))


def is_region_code(code: str) -> bool:
    """Whether ``code`` has the form of a CBS region code."""
    return bool(CODE_PATTERN.match(str(code)))


def builtin_regions() -> pd.DataFrame:
    """The regions the package knows without any CBS table.

    Returns
    -------
    DataFrame
        Columns ``region_code``, ``region_name``, ``label``, ``source``.
    """
    rows = [(code, name, label, "builtin") for code, (name, label) in _BUILTIN.items()]
    rows += [
        (code, _BUILTIN[code][0], alias, "builtin") for alias, code in _BUILTIN_ALIASES.items()
    ]
    return pd.DataFrame(rows, columns=["region_code", "region_name", "label", "source"])


def wijken_of(municipality: str) -> tuple[str, ...]:
    """Wijk codes the package knows for a municipality code (``GM0344`` -> its 10 wijken)."""
    digits = municipality[2:]
    return tuple(c for c in _BUILTIN if c.startswith(f"WK{digits}"))


def level_of(code: str) -> str:
    """Administrative level of a region code: ``land``, ``gemeente``, ``wijk``, ``provincie`` ..."""
    prefix = str(code)[:2]
    return {
        "NL": "land",
        "LD": "landsdeel",
        "PV": "provincie",
        "GM": "gemeente",
        "WK": "wijk",
        "BU": "buurt",
        "JZ": "jeugdzorgregio",
        "CR": "corop",
    }.get(prefix, "overig")


class RegionResolver:
    """Map CBS region labels to codes, and codes to names.

    Parameters
    ----------
    crosswalk : DataFrame, optional
        Extra rows with columns ``region_code``, ``region_name`` and ``label``
        (from CBS region tables); they take precedence over built-in names
        for the same code only where the built-in list has none.
    """

    def __init__(self, crosswalk: pd.DataFrame | None = None) -> None:
        table = builtin_regions()
        if crosswalk is not None and len(crosswalk):
            table = pd.concat(
                [table, crosswalk[["region_code", "region_name", "label"]]], ignore_index=True
            )
        table = table.dropna(subset=["region_code"])
        self._by_label: dict[str, str] = {}
        self._names: dict[str, str] = {}
        for code, name, label in table[["region_code", "region_name", "label"]].itertuples(
            index=False
        ):
            code = str(code).strip()
            if isinstance(label, str) and label.strip():
                self._by_label.setdefault(_norm(label), code)
            if isinstance(name, str) and name.strip():
                self._names.setdefault(code, name.strip())
                # A plain municipality name resolves too, unless it is ambiguous.
                if code.startswith("GM"):
                    self._by_label.setdefault(_norm(name), code)

    def __copy__(self) -> RegionResolver:
        return self  # nothing changes a resolver after it is built, so a copy may be itself

    def __deepcopy__(self, memo: dict) -> RegionResolver:
        return self

    def code_for(self, label: str) -> str | None:
        """The code for a CBS label or code, or None when unknown."""
        text = str(label).strip()
        if is_region_code(text):
            return text
        return self._by_label.get(_norm(text))

    def name_of(self, code: str) -> str | None:
        """The plain name for a code, or None when unknown."""
        return self._names.get(str(code).strip())

    def knows(self, code: str) -> bool:
        """Whether ``code`` is a region this resolver has a name for."""
        return str(code).strip() in self._names

    def codes(self) -> list[str]:
        """All codes with a known name."""
        return sorted(self._names)

    def resolve_labels(self, labels: Iterable[str]) -> Mapping[str, str | None]:
        """Resolve many labels at once; unknown labels map to None."""
        return {label: self.code_for(label) for label in set(labels)}


def _norm(label: str) -> str:
    return " ".join(str(label).strip().lower().split())


__all__ = [
    "CODE_PATTERN",
    "G4",
    "NEDERLAND",
    "UTRECHT_WIJKEN",
    "RegionResolver",
    "builtin_regions",
    "is_region_code",
    "level_of",
    "wijken_of",
]
