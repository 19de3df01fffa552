"""The case register of the buurtteams: data model, loader and aggregations.

A *register* is three tables, described in ``docs/synthetic-register.md``:

``cases`` (required)
    One row per **client in a case**. A case (*casus*) of Buurtteam Sociaal
    usually has one client, sometimes a partner or other household member; a
    case of Buurtteam Jeugd en Gezin is one **family** and has a row for every
    registered family member. Case-level columns (team, wijk, dates, urgent,
    end reason) repeat on every row of the case and must agree.

    ========================= ==================================================
    column                    meaning
    ========================= ==================================================
    case_id                   case number (text)
    client_id                 pseudonymous client number (text)
    team                      ``jeugd_en_gezin`` or ``sociaal``
    wijk_code                 CBS wijk code, ``WK034401`` .. ``WK034410`` for Utrecht
    registration_date         date of registration (*aanmelding*)
    first_conversation_date   first conversation (*keukentafelgesprek*); empty if none
    end_date                  date the case was closed; empty while it runs
    urgent                    urgent request (``true``/``false``)
    age_band                  age of the client at registration, see :data:`AGE_BANDS`
    end_reason                why the case ended (:data:`END_REASONS`); empty while running
    synthetic                 optional; ``true`` marks generated, not real, rows
    ========================= ==================================================

``surveys`` (optional)
    One row per response to the client-experience survey
    (*Ervaringwijzer*): ``case_id``, ``survey_date``, ``toegankelijkheid``,
    ``kwaliteit``, ``effect``, ``rapportcijfer`` (whole numbers 1-10, empty if
    not answered) and ``verder_zonder_hulp`` (can the client continue without
    help; ``true``/``false``/empty).

``aanvullende_zorg`` (optional)
    One row per trajectory of additional (specialised) care, from whatever
    route: ``trajectory_id``, ``client_id``, ``domain`` (``jeugd`` or
    ``sociaal``), ``wijk_code``, ``care_type`` (:data:`CARE_TYPES`),
    ``start_date``, ``end_date`` (empty while running) and
    ``referred_by_case_id`` (the buurtteam case that referred, if any). It gives
    the "beweging naar voren": the share of clients helped by the buurtteam
    rather than by additional care.

:func:`load_register` reads the tables from CSV (``,`` or ``;``, plain or
``.gz``) or parquet, validates them and returns a :class:`Register`; every
problem becomes an :class:`~analysis.errors.InputError` naming file, line,
column and rule. The aggregation functions take the DataFrames and return
tidy DataFrames; :func:`to_observations` turns a yearly aggregate into rows of
the observations table (:mod:`analysis.schema`).

Counting conventions
--------------------
* A case is **active in a period** if it was registered on or before the
  last day of the period and had not ended before its first day.
* **Running cases (stock) at a date** are cases registered on or before the
  date that had not ended on or before it (a case closed on 31 December is not
  in the stock of 31 December).
* **Inflow** counts registrations in the period, **outflow** closures in the
  period; then ``stock(end) = stock(day before start) + inflow - outflow``
  holds for valid data, and :func:`flows` returns the difference instead of
  assuming it.
* **Waiting time** is counted in working days (:mod:`analysis.workdays`) from
  registration to first conversation, by year of registration (default) or of
  the conversation.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc
from pandera.errors import SchemaErrors

from .. import config, datacache
from ..errors import InputError, ParameterError
from ..indicators import INDICATORS
from ..parquet import read_parquet
from ..periods import date_bound, period_type_of
from ..regions import RegionResolver
from ..stats import mean_ci, wilson_interval
from ..workdays import working_days_between

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

TEAMS: tuple[str, ...] = ("jeugd_en_gezin", "sociaal")
TEAM_LABELS = {"jeugd_en_gezin": "Buurtteam Jeugd en Gezin", "sociaal": "Buurtteam Sociaal"}

#: Age at registration. The youth bands are those of the CBS youth-care tables
#: (0 tot 4, 4 tot 12, 12 tot 18, 18 tot 23 jaar); the adult bands join them without
#: overlap and end with the 65-74 and 75+ bands of the CBS Wmo tables.
AGE_BANDS: tuple[str, ...] = ("0-3", "4-11", "12-17", "18-22", "23-44", "45-64", "65-74", "75+")
AGE_BAND_BOUNDS = {"0-3": (0, 3), "4-11": (4, 11), "12-17": (12, 17), "18-22": (18, 22),
                   "23-44": (23, 44), "45-64": (45, 64), "65-74": (65, 74), "75+": (75, 120)}

#: End reasons with their Dutch labels.
END_REASONS = {
    "zelfstandig_verder": "Zelfstandig verder (eventueel met de sociale basis)",
    "doorverwezen_aanvullende_zorg": "Doorverwezen naar aanvullende zorg",
    "voortijdig_gestopt": "Voortijdig gestopt op initiatief van de cliënt",
    "verhuisd": "Verhuisd",
    "overleden": "Overleden",
    "administratief_afgesloten": "Administratief afgesloten (dossier niet meer actief)",
    "anders": "Anders",
}
#: End reasons that count as "ended as planned" (volgens plan of in overleg beëindigd).
ENDED_AS_PLANNED = ("zelfstandig_verder", "doorverwezen_aanvullende_zorg")

CARE_DOMAINS: tuple[str, ...] = ("jeugd", "sociaal")
#: Care types of the aanvullende zorg per domain, with Dutch labels.
CARE_TYPES = {
    "jeugd": {
        "ambulante_jeugdhulp": "Specialistische jeugdhulp, ambulant",
        "jeugdhulp_verblijf": "Jeugdhulp met verblijf",
        "jeugdbescherming": "Jeugdbescherming en jeugdreclassering",
    },
    "sociaal": {
        "individuele_begeleiding": "Individuele begeleiding (incl. thuisbegeleiding)",
        "dagbegeleiding": "Dagbegeleiding",
        "arbeidsmatige_activering": "Arbeidsmatige activering",
        "beschermd_wonen": "Beschermd wonen",
        "maatschappelijke_opvang": "Maatschappelijke opvang",
    },
}
#: The buurtteam whose clients the care of a domain is compared with.
TEAM_OF_DOMAIN = {"jeugd": "jeugd_en_gezin", "sociaal": "sociaal"}

WAITING_NORM_DAYS = 5
MARKS = ("rapportcijfer", "toegankelijkheid", "kwaliteit", "effect")
WIJK_PATTERN = r"^WK\d{6}$"

CASE_COLUMNS = ["case_id", "client_id", "team", "wijk_code", "registration_date",
                "first_conversation_date", "end_date", "urgent", "age_band", "end_reason"]
SURVEY_COLUMNS = ["case_id", "survey_date", "toegankelijkheid", "kwaliteit", "effect",
                  "rapportcijfer", "verder_zonder_hulp"]
CARE_COLUMNS = ["trajectory_id", "client_id", "domain", "wijk_code", "care_type",
                "start_date", "end_date", "referred_by_case_id"]
OPTIONAL_COLUMNS = ["synthetic"]
#: Columns that must have the same value on every row of a case.
CASE_LEVEL_COLUMNS = ["team", "wijk_code", "registration_date", "first_conversation_date",
                      "end_date", "urgent", "end_reason"]

TABLE_FILES = {"cases": "cases", "surveys": "surveys", "care": "aanvullende_zorg"}
METADATA_FILE = "register.json"
_SUFFIXES = (".csv", ".csv.gz", ".parquet")

_TRUE = {"true", "1", "ja", "j", "yes", "y", "waar", "t"}
_FALSE = {"false", "0", "nee", "n", "no", "onwaar", "f"}

# --------------------------------------------------------------------------------------
# Pandera schemas (applied after parsing; the index holds the file's line numbers)
# --------------------------------------------------------------------------------------

#: Text columns are object columns of stripped ``str`` or None: the parser guarantees
#: the type, so the schema checks the dtype only (an element-wise ``str`` check costs
#: seconds on a full register).
TEXT = object


def _conv_after_reg(df: pd.DataFrame) -> pd.Series:
    return df["first_conversation_date"].isna() | (df["first_conversation_date"] >= df["registration_date"])


def _end_after_reg(df: pd.DataFrame) -> pd.Series:
    return df["end_date"].isna() | (df["end_date"] >= df["registration_date"])


def _end_after_conv(df: pd.DataFrame) -> pd.Series:
    return df["end_date"].isna() | df["first_conversation_date"].isna() | (
        df["end_date"] >= df["first_conversation_date"])


def _reason_iff_ended(df: pd.DataFrame) -> pd.Series:
    return df["end_date"].notna() == df["end_reason"].notna()


def _care_end_after_start(df: pd.DataFrame) -> pd.Series:
    return df["end_date"].isna() | (df["end_date"] >= df["start_date"])


def _care_type_fits_domain(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(False, index=df.index)
    for domain, types in CARE_TYPES.items():
        ok |= (df["domain"] == domain) & df["care_type"].isin(list(types))
    return ok | ~df["domain"].isin(CARE_DOMAINS)


# rule text -> (column to name, columns whose values to show)
_WIDE_RULES = {
    "first conversation before registration date": (
        "first_conversation_date", ["first_conversation_date", "registration_date"]),
    "end date before registration date": ("end_date", ["end_date", "registration_date"]),
    "end date before first conversation date": ("end_date", ["end_date", "first_conversation_date"]),
    "end_reason must be given exactly when end_date is": ("end_reason", ["end_date", "end_reason"]),
    "care end date before start date": ("end_date", ["end_date", "start_date"]),
    "care_type does not belong to the domain": ("care_type", ["domain", "care_type"]),
}


def _mark_column() -> pa.Column:
    return pa.Column("Int64", pa.Check.in_range(1, 10, error="mark outside 1-10"), nullable=True)


CASES_SCHEMA = pa.DataFrameSchema(
    {
        "case_id": pa.Column(TEXT),
        "client_id": pa.Column(TEXT),
        "team": pa.Column(TEXT, pa.Check.isin(list(TEAMS), error=f"unknown team (expected {' or '.join(TEAMS)})")),
        "wijk_code": pa.Column(TEXT, pa.Check.str_matches(WIJK_PATTERN, error="wijk code must look like WK034401")),
        "registration_date": pa.Column("datetime64[ns]"),
        "first_conversation_date": pa.Column("datetime64[ns]", nullable=True),
        "end_date": pa.Column("datetime64[ns]", nullable=True),
        "urgent": pa.Column(bool),
        "age_band": pa.Column(TEXT, pa.Check.isin(list(AGE_BANDS), error=f"unknown age band (expected one of {', '.join(AGE_BANDS)})")),
        "end_reason": pa.Column(TEXT, pa.Check.isin(list(END_REASONS), error=f"unknown end reason (expected one of {', '.join(END_REASONS)})"), nullable=True),
        "synthetic": pa.Column(bool, required=False),
    },
    checks=[
        pa.Check(_conv_after_reg, error="first conversation before registration date"),
        pa.Check(_end_after_reg, error="end date before registration date"),
        pa.Check(_end_after_conv, error="end date before first conversation date"),
        pa.Check(_reason_iff_ended, error="end_reason must be given exactly when end_date is"),
    ],
    strict=False,
    name="cases",
)

SURVEYS_SCHEMA = pa.DataFrameSchema(
    {
        "case_id": pa.Column(TEXT),
        "survey_date": pa.Column("datetime64[ns]"),
        "toegankelijkheid": _mark_column(),
        "kwaliteit": _mark_column(),
        "effect": _mark_column(),
        "rapportcijfer": _mark_column(),
        "verder_zonder_hulp": pa.Column("boolean", nullable=True),
        "synthetic": pa.Column(bool, required=False),
    },
    strict=False,
    name="surveys",
)

CARE_SCHEMA = pa.DataFrameSchema(
    {
        "trajectory_id": pa.Column(TEXT),
        "client_id": pa.Column(TEXT),
        "domain": pa.Column(TEXT, pa.Check.isin(list(CARE_DOMAINS), error="unknown domain (expected jeugd or sociaal)")),
        "wijk_code": pa.Column(TEXT, pa.Check.str_matches(WIJK_PATTERN, error="wijk code must look like WK034401")),
        "care_type": pa.Column(TEXT),
        "start_date": pa.Column("datetime64[ns]"),
        "end_date": pa.Column("datetime64[ns]", nullable=True),
        "referred_by_case_id": pa.Column(TEXT, nullable=True),
        "synthetic": pa.Column(bool, required=False),
    },
    checks=[
        pa.Check(_care_end_after_start, error="care end date before start date"),
        pa.Check(_care_type_fits_domain, error="care_type does not belong to the domain"),
    ],
    strict=False,
    name="aanvullende_zorg",
)

_SCHEMAS = {"cases": CASES_SCHEMA, "surveys": SURVEYS_SCHEMA, "care": CARE_SCHEMA}
_COLUMNS = {"cases": CASE_COLUMNS, "surveys": SURVEY_COLUMNS, "care": CARE_COLUMNS}
_DATE_COLUMNS = {
    "cases": ["registration_date", "first_conversation_date", "end_date"],
    "surveys": ["survey_date"],
    "care": ["start_date", "end_date"],
}
_REQUIRED_VALUES = {
    "cases": ["case_id", "client_id", "team", "wijk_code", "registration_date", "urgent", "age_band"],
    "surveys": ["case_id", "survey_date"],
    "care": ["trajectory_id", "client_id", "domain", "wijk_code", "care_type", "start_date"],
}
_BOOL_COLUMNS = {"cases": ["urgent", "synthetic"], "surveys": ["verder_zonder_hulp", "synthetic"],
                 "care": ["synthetic"]}
_INT_COLUMNS = {"cases": [], "surveys": list(MARKS), "care": []}


# --------------------------------------------------------------------------------------
# The Register
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Register:
    """A validated case register.

    Attributes
    ----------
    cases, surveys, care : DataFrame
        The three tables (see the module docstring); ``surveys`` and ``care``
        are empty frames with the right columns when the source has none.
    synthetic : bool
        True for generated data (:mod:`analysis.synthetic`), False for a real
        register. Anything computed from a synthetic register must say so.
    source : str
        Where the data came from, in words (shown in reports).
    metadata : dict
        The contents of ``register.json`` beside the tables, if any (seed,
        generator version, snapshot date, ...).
    """

    cases: pd.DataFrame
    surveys: pd.DataFrame
    care: pd.DataFrame
    synthetic: bool
    source: str
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        kind = "SYNTHETIC" if self.synthetic else "real"
        return (f"Register({kind}, cases={len(self.cases)} rows, surveys={len(self.surveys)} rows, "
                f"care={len(self.care)} rows, source={self.source!r})")

    @property
    def snapshot_date(self) -> pd.Timestamp:
        """The date the register describes (metadata, else the latest date in it)."""
        if self.metadata.get("snapshot_date"):
            return pd.Timestamp(self.metadata["snapshot_date"])
        return _latest_date(self.cases, self.surveys, self.care)

    @property
    def municipality(self) -> str:
        """The municipality code, from metadata or the wijk codes (``WK034401`` -> ``GM0344``)."""
        if self.metadata.get("municipality"):
            return str(self.metadata["municipality"])
        codes = sorted({"GM" + str(c)[2:6] for c in self.cases["wijk_code"].unique()})
        if len(codes) > 1:
            raise ValueError(f"the register covers several municipalities ({', '.join(codes)}); "
                             "pass municipality= explicitly")
        return codes[0] if codes else "GM0344"

    def of_municipality(self, code: str) -> Register:
        """The part of the register in one municipality.

        Parameters
        ----------
        code : str
            Municipality code (``GM0344``).

        Returns
        -------
        Register
            Cases and care trajectories whose wijk code lies in the municipality
            (``WK0344..``), the surveys of those cases, ``metadata["municipality"]``
            set to ``code`` and the whole register's snapshot date; the tables
            are empty when it has none there.
        """
        meta = {**self.metadata, "municipality": str(code)}
        if not meta.get("snapshot_date") and len(self.cases):
            meta["snapshot_date"] = f"{self.snapshot_date:%Y-%m-%d}"
        prefix = "WK" + str(code)[2:6]
        cases = self.cases[self.cases["wijk_code"].astype(str).str.startswith(prefix)].reset_index(drop=True)
        surveys = self.surveys[self.surveys["case_id"].isin(set(cases["case_id"]))].reset_index(drop=True)
        care = self.care[self.care["wijk_code"].astype(str).str.startswith(prefix)].reset_index(drop=True)
        return replace(self, cases=cases, surveys=surveys, care=care, metadata=meta)

    def provenance(self) -> dict[str, str | None]:
        """``source``, ``published`` and ``note`` for observations computed from this register."""
        if self.synthetic:
            seed = self.metadata.get("seed", "?")
            version = self.metadata.get("generator_version", "?")
            return {
                "source": f"synthetisch register (analysis.synthetic, seed {seed})",
                "published": f"synthetisch, gegenereerd v{version}",
                "note": "synthetisch",
            }
        return {
            "source": f"casusregister ({Path(self.source).name})",
            "published": f"casusregister, peildatum {self.snapshot_date:%Y-%m-%d}",
            "note": None,
        }


def _latest_date(*frames: pd.DataFrame) -> pd.Timestamp:
    latest = pd.NaT
    for frame in frames:
        for col in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[col]) and frame[col].notna().any():
                value = frame[col].max()
                latest = value if pd.isna(latest) else max(latest, value)
    return latest


def empty_table(table: str) -> pd.DataFrame:
    """An empty ``cases``, ``surveys`` or ``care`` table with the model's dtypes."""
    dtypes = {c: object for c in _COLUMNS[table]}
    for c in _DATE_COLUMNS[table]:
        dtypes[c] = "datetime64[ns]"
    for c in _INT_COLUMNS[table]:
        dtypes[c] = "Int64"
    if table == "cases":
        dtypes["urgent"] = bool
    if table == "surveys":
        dtypes["verder_zonder_hulp"] = "boolean"
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


def register_files(path: str | Path | None = None, *args: Any, **options: Any) -> list[Path] | None:
    """The files a call of :func:`load_register` depends on (for :mod:`analysis.datacache`):
    every visible file of the register folder, or the single cases file; None if absent.
    Other arguments of :func:`load_register` are part of the cache key, not of the files."""
    root = Path(path).expanduser() if path is not None else config.synthetic_dir()
    if root.is_dir():
        return sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith("."))
    return [root] if root.is_file() else None


@datacache.cached(register_files)
def load_register(path: str | Path | None = None, *, snapshot_date=None,
                  drop_columns: Sequence[str] = ()) -> Register:
    """Read and validate a case register.

    Parameters
    ----------
    path : str or Path, optional
        A folder with ``cases``, optionally ``surveys`` and
        ``aanvullende_zorg`` tables (each ``.csv``, ``.csv.gz`` or
        ``.parquet``) and optionally ``register.json``; or a single file that
        holds the cases table. Default: the synthetic register in
        :func:`analysis.config.synthetic_dir`. The files are only read.
    snapshot_date : date-like, optional
        The date the register describes (*peildatum*). Every date in it must
        lie on or before this day. Default: ``snapshot_date`` in
        ``register.json``, else today. It becomes the register's
        :attr:`Register.snapshot_date`.
    drop_columns : sequence of str, optional
        Columns left out while reading (never held in memory), in whichever
        tables have them, e.g. ``("bsn", "naam")``. ``drop_columns`` in
        ``register.json`` adds to these. Personal identifiers (see
        :func:`personal_data_problem`) must be dropped this way or removed
        from the files; the register's own columns cannot be dropped.

    Returns
    -------
    Register
        Tables with proper dtypes (dates ``datetime64[ns]``, ``urgent`` bool,
        marks ``Int64``, ``verder_zonder_hulp`` ``boolean``), sorted as in the
        files, with a fresh RangeIndex; ``synthetic`` is True when
        ``register.json`` says so or a ``synthetic`` column is true.

    Raises
    ------
    InputError
        When a file is missing, unreadable or breaks a rule; the message
        names file, line (CSV) or row (parquet), column and rule. Among the
        rules: the cases table has at least one row; no date lies after the
        snapshot date; no column holds personal identifiers (BSN, name,
        address, date of birth, postcode, phone, e-mail).
    ParameterError
        When ``snapshot_date`` is not a date or ``drop_columns`` names a
        column of the register itself.
    """
    limit = _snapshot_parameter(snapshot_date)
    drop = _drop_parameter(drop_columns, "drop_columns")
    root = Path(path).expanduser() if path is not None else config.synthetic_dir()
    if not root.exists():
        raise InputError("register not found (give a folder with cases.csv[.gz] or a cases file)", file=root)
    metadata: dict[str, Any] = {}
    if root.is_dir():
        files = {table: _find_table(root, stem) for table, stem in TABLE_FILES.items()}
        if files["cases"] is None:
            raise InputError("no cases table in this folder (expected cases.csv, cases.csv.gz or cases.parquet)", file=root)
        meta_path = root / METADATA_FILE
        if meta_path.is_file():
            try:
                metadata = json.loads(meta_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputError(f"unreadable metadata ({exc})", file=meta_path) from None
            if not isinstance(metadata, dict):
                raise InputError("metadata must be a JSON object", file=meta_path)
            try:
                drop |= _drop_parameter(metadata.get("drop_columns") or (), "drop_columns")
                if limit is None and metadata.get("snapshot_date"):
                    limit = _snapshot_parameter(metadata["snapshot_date"])
            except ParameterError as exc:
                raise InputError(f"{exc.name}: {exc.problem}", file=meta_path) from None
    else:
        files = {"cases": root, "surveys": None, "care": None}
    if limit is not None:
        metadata = {**metadata, "snapshot_date": f"{limit:%Y-%m-%d}"}
    else:
        limit = pd.Timestamp.today().normalize()

    tables = {}
    for table, file in files.items():
        tables[table] = empty_table(table) if file is None else _read_table(file, table, drop=drop)
        if file is not None:
            _check_not_after(tables[table], table, file, limit)
    _check_cases_consistent(tables["cases"], files["cases"])
    if files["surveys"] is not None:
        _check_known_cases(tables["surveys"], "case_id", tables["cases"], files["surveys"])
    if files["care"] is not None:
        _check_known_cases(tables["care"], "referred_by_case_id", tables["cases"], files["care"])
        _check_unique(tables["care"], ["trajectory_id"], files["care"])

    flags = [bool(metadata.get("synthetic", False))]
    for table, file in files.items():
        frame = tables[table]
        if "synthetic" in frame.columns and len(frame):
            if frame["synthetic"].nunique() > 1:
                raise InputError("mixes synthetic and real rows (column 'synthetic' is both true and false)",
                                 file=file, column="synthetic")
            flags.append(bool(frame["synthetic"].iloc[0]))
    synthetic = any(flags)
    for table in tables:
        tables[table] = tables[table].reset_index(drop=True)
    if synthetic:
        source = (f"synthetisch register {root} (analysis.synthetic, seed {metadata.get('seed', '?')}); "
                  "GEEN echte gegevens")
    else:
        source = str(root)
    return Register(tables["cases"], tables["surveys"], tables["care"], synthetic, source, metadata)


def _find_table(folder: Path, stem: str) -> Path | None:
    found = [folder / f"{stem}{suffix}" for suffix in _SUFFIXES if (folder / f"{stem}{suffix}").is_file()]
    if len(found) > 1:
        raise InputError(f"more than one {stem} table ({', '.join(p.name for p in found)}); keep one", file=folder)
    return found[0] if found else None


class _Where:
    """Turns a problem at an index label into an InputError naming line (CSV) or row (parquet)."""

    def __init__(self, file: Path, csv: bool) -> None:
        self.file, self.csv = file, csv

    def error(self, problem: str, label=None, column: str | None = None) -> InputError:
        if label is None:
            return InputError(problem, file=self.file, column=column)
        if self.csv:
            return InputError(problem, file=self.file, row=int(label), column=column)
        return InputError(f"row {int(label)}: {problem}", file=self.file, column=column)


def _read_table(file: Path, table: str, drop: frozenset[str] | set[str] = frozenset()) -> pd.DataFrame:
    name = file.name.lower()
    csv = not name.endswith(".parquet")
    where = _Where(file, csv)
    try:
        if csv:
            raw = _read_csv(file, drop)
            raw.index = pd.RangeIndex(2, 2 + len(raw))  # line numbers; the header is line 1
        else:
            raw = _read_parquet_without(file, drop)
            raw.index = pd.RangeIndex(1, 1 + len(raw))  # row numbers
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file
        raise InputError(f"cannot read the file ({type(exc).__name__}: {exc})", file=file) from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    problem = personal_data_problem(raw)
    if problem is not None:
        column, what = problem
        raise where.error(f"{what}: personal data is not read; remove the column from the file or pass "
                          f"drop_columns=[{column!r}] to load_register", column=column)
    expected = _COLUMNS[table]
    missing = [c for c in expected if c not in raw.columns]
    if missing:
        raise where.error(f"missing column(s) {', '.join(missing)}; a {TABLE_FILES[table]} table has "
                          f"{', '.join(expected)}")
    dupes = raw.columns[raw.columns.duplicated()].tolist()
    if dupes:
        raise where.error(f"duplicate column(s) {', '.join(dupes)}")
    if csv:  # blank lines: dropped, but the line numbers of the others stay right
        blank = raw.fillna("").eq("").all(axis=1)
        raw = raw[~blank]
    if table == "cases" and not len(raw):
        raise where.error("the cases table has a header but no rows; a register needs at least one case")
    df = _parse(raw, table, where)
    return _validate(df, table, where)


def _read_csv(file: Path, drop: frozenset[str] | set[str] = frozenset()) -> pd.DataFrame:
    opener = gzip.open if file.name.lower().endswith(".gz") else open
    with opener(file, "rt", encoding="utf-8-sig", newline="") as handle:
        header = handle.readline()
    sep = ";" if header.count(";") > header.count(",") else ","
    usecols = (lambda c: str(c).strip().lower() not in drop) if drop else None
    return pd.read_csv(file, sep=sep, dtype=str, keep_default_na=False, na_values=[],
                       skip_blank_lines=False, encoding="utf-8-sig", compression="infer", usecols=usecols)


def _read_parquet_without(file: Path, drop: frozenset[str] | set[str]) -> pd.DataFrame:
    if not drop:
        return read_parquet(file)
    import pyarrow.parquet as pq

    names = pq.read_schema(file).names
    return pq.read_table(file, columns=[c for c in names if str(c).strip().lower() not in drop]).to_pandas()


def _snapshot_parameter(value) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise ParameterError("snapshot_date", f"{value!r} is not a date (use YYYY-MM-DD)")
    return stamp.tz_localize(None).normalize() if stamp.tzinfo else stamp.normalize()


def _drop_parameter(columns, name: str) -> set[str]:
    if isinstance(columns, str) or not isinstance(columns, (list, tuple, set, frozenset)):
        raise ParameterError(name, f"give a list of column names, not {columns!r}")
    drop = {str(c).strip().lower() for c in columns}
    own = sorted(drop & set(CASE_COLUMNS + SURVEY_COLUMNS + CARE_COLUMNS + OPTIONAL_COLUMNS))
    if own:
        raise ParameterError(name, f"{', '.join(own)} belong(s) to the register and cannot be dropped")
    return drop


def _check_not_after(df: pd.DataFrame, table: str, file: Path, limit: pd.Timestamp) -> None:
    """No date in ``df`` after ``limit`` (the snapshot date): the first one found is named."""
    where = _Where(file, not file.name.lower().endswith(".parquet"))
    late = None
    for col in _DATE_COLUMNS[table]:
        after = (df[col] > limit).to_numpy()
        if after.any():
            label = df.index[np.flatnonzero(after)[0]]
            if late is None or label < late[0]:
                late = (label, col)
    if late is not None:
        label, col = late
        raise where.error(f"date {_show(df.loc[label, col])} lies after the snapshot date {limit:%Y-%m-%d} "
                          "(dates in the future; pass snapshot_date= to load_register if the register "
                          "really describes a later day)", label, col)


# --------------------------------------------------------------------------------------
# Personal identifiers
# --------------------------------------------------------------------------------------

#: Words that, as a whole column name or one part of it (split on ``_``, ``-``, ``.``
#: and spaces), mark a column of personal identifiers.
PERSONAL_COLUMN_WORDS: dict[str, str] = {
    **dict.fromkeys(("bsn", "burgerservicenummer", "sofinummer", "sofi"), "a BSN"),
    **dict.fromkeys(("naam", "name", "voornaam", "voornamen", "achternaam", "geslachtsnaam", "roepnaam",
                     "voorletters", "tussenvoegsel", "firstname", "lastname", "surname", "fullname"), "a name"),
    **dict.fromkeys(("adres", "address", "straat", "straatnaam", "street", "huisnummer",
                     "huisnr", "huisletter", "woonplaats"), "an address"),
    **dict.fromkeys(("geboortedatum", "geboortedag", "geboortejaar", "birthdate", "dob", "birth",
                     "geboren"), "a date of birth"),
    **dict.fromkeys(("postcode", "postalcode", "zipcode", "zip", "pc6"), "a postcode"),
    **dict.fromkeys(("telefoon", "telefoonnummer", "tel", "phone", "mobiel", "mobile"), "a phone number"),
    **dict.fromkeys(("email", "mail", "emailadres"), "an e-mail address"),
}
#: Share of the filled cells of a column that must look like an identifier (and
#: at least :data:`_MIN_LOOKALIKES` of them) before the column counts as one.
_LOOKALIKE_SHARE = 0.9
_MIN_LOOKALIKES = 2
#: Columns whose values the schema checks against a vocabulary, a date or a number
#: format: an identifier cannot pass there, so their values are not scanned.
_VALIDATED_COLUMNS = frozenset(
    ["team", "wijk_code", "urgent", "age_band", "end_reason", "domain", "care_type", "synthetic",
     "verder_zonder_hulp", *MARKS, *{c for cols in _DATE_COLUMNS.values() for c in cols}])
_POSTCODE = r"^[1-9][0-9]{3} ?[A-Za-z]{2}$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"


def passes_11_proef(number: str) -> bool:
    """Whether ``number`` (8 or 9 digits) passes the BSN *11-proef*.

    The weights are 9 .. 2 for the first eight digits of the 9-digit form and
    -1 for the last; the weighted sum must be a multiple of 11 (and not 0).
    """
    digits = str(number).strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) not in (8, 9):
        return False
    digits = digits.zfill(9)
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total != 0 and total % 11 == 0


def _bsn_mask(values: pd.Series) -> np.ndarray:
    """Per value: an 8- or 9-digit number that passes the 11-proef (vectorised)."""
    text = values.str.strip()
    digits = text.str.fullmatch(r"[0-9]{8,9}").fillna(False).to_numpy(dtype=bool)
    out = np.zeros(len(values), dtype=bool)
    if not digits.any():
        return out
    padded = "".join(text[digits].str.zfill(9)).encode("ascii")
    matrix = np.frombuffer(padded, dtype=np.uint8).reshape(-1, 9).astype(np.int64) - ord("0")
    total = matrix @ np.array([9, 8, 7, 6, 5, 4, 3, 2, -1], dtype=np.int64)
    out[np.flatnonzero(digits)] = (total != 0) & (total % 11 == 0)
    return out


def personal_data_problem(frame: pd.DataFrame) -> tuple[str, str] | None:
    """The first column of ``frame`` that holds personal identifiers, and what it holds.

    A column counts as personal data by its **name** (a word of
    :data:`PERSONAL_COLUMN_WORDS`, e.g. ``bsn``, ``naam``, ``client_adres``,
    ``geboortedatum``, ``postcode``) or by its **values**: at least 90 % of
    its filled cells (and at least two) are 8- or 9-digit numbers passing the
    BSN 11-proef, or Dutch postcodes (``3511 AB``); or any cell is an e-mail
    address. Random pseudonymous 9-digit numbers pass the 11-proef one time in
    eleven, so a column of them is not mistaken for BSNs.

    Parameters
    ----------
    frame : DataFrame
        A table as read, before parsing (text or numbers).

    Returns
    -------
    (column, description) or None
    """
    for column in frame.columns:
        name = str(column).strip().lower()
        words = [w for w in pd.Series([name]).str.split(r"[\s_.\-/]+").iloc[0] if w]
        for word in [name.replace("_", "").replace("-", "").replace(" ", ""), *words]:
            if word in PERSONAL_COLUMN_WORDS:
                return name, f"column {name!r} looks like {PERSONAL_COLUMN_WORDS[word]} (by its name)"
        values = frame[column]
        if name in _VALIDATED_COLUMNS or pd.api.types.is_bool_dtype(values) or \
                pd.api.types.is_float_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        text = values[values.notna()].astype(str).str.strip()
        text = text[text != ""]
        if not len(text):
            continue
        if text.str.contains("@", regex=False).any() and text.str.fullmatch(_EMAIL).any():
            return name, f"column {name!r} holds e-mail addresses"
        needed = max(_MIN_LOOKALIKES, _LOOKALIKE_SHARE * len(text))
        if _bsn_mask(text).sum() >= needed:
            return name, f"column {name!r} holds numbers that pass the BSN 11-proef (BSNs)"
        if text.str.fullmatch(_POSTCODE).sum() >= needed:
            return name, f"column {name!r} holds postcodes"
    return None


def clean_text(values: pd.Series) -> pd.Series:
    """Strip text; empty cells and missing values become None (object dtype)."""
    data = values.to_numpy(dtype=object)
    try:
        arr = pa_arrow.array(data, type=pa_arrow.string(), from_pandas=True)
    except (pa_arrow.ArrowInvalid, pa_arrow.ArrowTypeError):  # numbers etc. in a parquet column
        missing = pd.isna(values).to_numpy()
        data = np.where(missing, None, values.astype(str).to_numpy(dtype=object))
        arr = pa_arrow.array(data, type=pa_arrow.string(), from_pandas=True)
    trimmed = pc.utf8_trim_whitespace(arr)
    empty = pc.equal(trimmed, "")
    changed = pc.any(pc.or_(empty, pc.not_equal(trimmed, arr))).as_py()
    if not changed:  # the common case: nothing to strip, no empty cells
        out = pd.Series(data, index=values.index, dtype=object)
        return out.where(out.notna(), None) if arr.null_count else out
    cleaned = pc.if_else(empty, pa_arrow.scalar(None, pa_arrow.string()), trimmed)
    return pd.Series(cleaned.to_numpy(zero_copy_only=False), index=values.index, dtype=object)


#: Dates outside these bounds are typing errors (``0023`` for ``2023``), not register dates.
_EARLIEST_DATE = pd.Timestamp("1900-01-01")
_LATEST_DATE = pd.Timestamp("2199-12-31")


def _parse_dates(values: pd.Series, column: str, where: _Where) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        return out.dt.floor("D").astype("datetime64[ns]")
    text = clean_text(values)
    present = text.notna()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    todo = present.copy()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = parsed.notna()
        implausible = ok & ((parsed < _EARLIEST_DATE) | (parsed > _LATEST_DATE))
        if implausible.any():
            label = implausible[implausible].index[0]
            raise where.error(f"implausible date {text[label]!r} (expected a date between "
                              f"{_EARLIEST_DATE:%Y} and {_LATEST_DATE:%Y})", label, column)
        out.loc[ok[ok].index] = parsed[ok].dt.floor("D")
        todo.loc[ok[ok].index] = False
    if todo.any():
        label = todo[todo].index[0]
        raise where.error(f"unparsable date {text[label]!r} (expected YYYY-MM-DD or DD-MM-YYYY)",
                          label, column)
    return out


def _parse_bool(values: pd.Series, column: str, where: _Where, nullable: bool) -> pd.Series:
    if pd.api.types.is_bool_dtype(values) and not values.isna().any():
        return values.astype(bool if not nullable else "boolean")
    text = clean_text(values).str.lower()
    yes, no = text.isin(_TRUE), text.isin(_FALSE)
    bad = text.notna() & ~yes & ~no
    if bad.any():
        label = bad[bad].index[0]
        raise where.error(f"{text[label]!r} is not a yes/no value (use true/false, ja/nee or 1/0)", label, column)
    out = pd.Series(pd.array(np.where(yes, True, False), dtype="boolean"), index=values.index)
    out[text.isna()] = pd.NA
    if nullable:
        return out
    if out.isna().any():
        label = out[out.isna()].index[0]
        raise where.error("required value missing (true or false)", label, column)
    return out.astype(bool)


def _parse_int(values: pd.Series, column: str, where: _Where) -> pd.Series:
    if pd.api.types.is_integer_dtype(values):
        return values.astype("Int64")
    text = clean_text(values)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = text.notna() & (numbers.isna() | (numbers.fillna(0) % 1 != 0) | (numbers.abs() > 1_000_000))
    if bad.any():
        label = bad[bad].index[0]
        raise where.error(f"mark {text[label]!r} is not a whole number from 1 to 10", label, column)
    return numbers.round().astype("Int64")


def _parse(raw: pd.DataFrame, table: str, where: _Where) -> pd.DataFrame:
    df = raw.copy()
    for col in _REQUIRED_VALUES[table]:
        if col in _DATE_COLUMNS[table] or col in _BOOL_COLUMNS[table]:
            continue
        text = clean_text(df[col])
        if text.isna().any():
            label = text[text.isna()].index[0]
            raise where.error("required value missing", label, col)
    for col in df.columns:
        if col in _DATE_COLUMNS[table]:
            df[col] = _parse_dates(df[col], col, where)
            if col in _REQUIRED_VALUES[table] and df[col].isna().any():
                label = df.index[df[col].isna().to_numpy()][0]
                raise where.error("required date missing", label, col)
        elif col in _BOOL_COLUMNS[table]:
            df[col] = _parse_bool(df[col], col, where, nullable=col not in _REQUIRED_VALUES[table])
        elif col in _INT_COLUMNS[table]:
            df[col] = _parse_int(df[col], col, where)
        elif col in _COLUMNS[table]:
            df[col] = clean_text(df[col])
    if "synthetic" in df.columns and df["synthetic"].dtype != bool:
        df["synthetic"] = df["synthetic"].fillna(False).astype(bool)
    return df


def _validate(df: pd.DataFrame, table: str, where: _Where) -> pd.DataFrame:
    try:
        _SCHEMAS[table].validate(df, lazy=True)
    except SchemaErrors as exc:
        raise _first_failure(exc.failure_cases, df, where) from None
    ordered = _COLUMNS[table] + [c for c in df.columns if c not in _COLUMNS[table]]
    return df[ordered]


def _first_failure(cases: pd.DataFrame, df: pd.DataFrame, where: _Where) -> InputError:
    cases = cases.copy()
    cases["_order"] = pd.to_numeric(cases["index"], errors="coerce")
    cases = cases.sort_values("_order", kind="stable", na_position="first")
    case = cases.iloc[0]
    column = case.get("column") if isinstance(case.get("column"), str) else None
    check = str(case.get("check"))
    label = None if pd.isna(case["_order"]) else int(case["_order"])
    if check in _WIDE_RULES and label is not None:
        column, shown = _WIDE_RULES[check]
        values = ", ".join(f"{c} {_show(df.loc[label, c])}" for c in shown)
        return where.error(f"{check} ({values})", label, column)
    if check == "not_nullable":
        return where.error("required value missing", label, column)
    value = case.get("failure_case")
    if label is not None and column in df.columns:
        value = df.loc[label, column]
    return where.error(f"{check} (found {_show(value)})", label, column)


def _show(value) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return "empty"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _check_unique(df: pd.DataFrame, key: list[str], file: Path) -> None:
    dup = df.duplicated(key, keep=False)
    if dup.any():
        where = _Where(file, not file.name.lower().endswith(".parquet"))
        labels = df.index[dup.to_numpy()]
        first = labels[0]
        same = df.loc[labels]
        same = same[(same[key] == df.loc[first, key]).all(axis=1)]
        other = same.index[1]
        shown = ", ".join(f"{k} {df.loc[first, k]!r}" for k in key)
        what = "line" if where.csv else "row"
        raise where.error(f"duplicate {shown} (also on {what} {first})", other, key[-1])


def _check_cases_consistent(cases: pd.DataFrame, file: Path) -> None:
    """One row per client per case, and case-level columns equal on all rows of a case."""
    if not len(cases):
        return
    _check_unique(cases, ["case_id", "client_id"], file)
    codes, _ = pd.factorize(cases["case_id"], sort=False)
    first_pos = np.unique(codes, return_index=True)[1][codes]  # row of the case's first line
    repeated = first_pos != np.arange(len(cases))
    if not repeated.any():
        return
    where = _Where(file, not file.name.lower().endswith(".parquet"))
    what = "line" if where.csv else "row"
    for col in CASE_LEVEL_COLUMNS:
        a = cases[col].to_numpy()
        b = a[first_pos]
        a_na, b_na = pd.isna(a), pd.isna(b)
        same = (a_na & b_na) | (~a_na & ~b_na & (a == b))
        differs = repeated & ~same
        if differs.any():
            pos = int(np.flatnonzero(differs)[0])
            label, first_label = cases.index[pos], cases.index[first_pos[pos]]
            raise where.error(
                f"case {cases['case_id'].iloc[pos]!r} has {col} {_show(cases[col].iloc[pos])} here but "
                f"{_show(cases[col].iloc[first_pos[pos]])} on {what} {first_label}; "
                "case-level columns must agree on every row of a case",
                label, col)


def _check_known_cases(df: pd.DataFrame, column: str, cases: pd.DataFrame, file: Path) -> None:
    values = df[column]
    unknown = values.notna() & ~values.isin(cases["case_id"].unique())
    if unknown.any():
        where = _Where(file, not file.name.lower().endswith(".parquet"))
        label = unknown[unknown].index[0]
        raise where.error(f"case {values[label]!r} is not in the cases table", label, column)


# --------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------

_FREQ = {"year": "Y", "quarter": "Q", "month": "M"}


def check_freq(freq: str) -> str:
    """The pandas period code of ``freq`` (``"year"`` → ``"Y"``); ValueError for another name."""
    if freq not in _FREQ:
        raise ValueError(f"freq must be one of {', '.join(_FREQ)}, not {freq!r}")
    return _FREQ[freq]


def period_table(first, last, freq: str = "year") -> pd.DataFrame:
    """Consecutive periods covering ``first`` .. ``last``.

    Returns
    -------
    DataFrame
        Columns ``period`` (project notation: ``2023``, ``2023Q1``, ``2023-01``),
        ``start`` and ``end`` (first and last day).
    """
    code = check_freq(freq)
    idx = pd.period_range(pd.Timestamp(first).to_period(code), pd.Timestamp(last).to_period(code), freq=code)
    return pd.DataFrame({
        "period": [str(p) for p in idx],
        "start": idx.start_time.normalize(),
        "end": idx.end_time.normalize(),
    })


def _default_periods(frames_dates: list[pd.Series], freq: str, start=None, end=None) -> pd.DataFrame:
    dates = pd.concat([d.dropna() for d in frames_dates]) if frames_dates else pd.Series(dtype="datetime64[ns]")
    if start is None:
        start = dates.min() if len(dates) else None
    if end is None:
        end = dates.max() if len(dates) else None
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return pd.DataFrame({"period": pd.Series(dtype=object), "start": pd.Series(dtype="datetime64[ns]"),
                             "end": pd.Series(dtype="datetime64[ns]")})
    return period_table(date_bound(start), date_bound(end, end=True), freq)


def _label(dates: pd.Series, freq: str) -> pd.Series:
    code = check_freq(freq)
    out = dates.dt.to_period(code).astype(str)
    return out.where(dates.notna(), None)


def _grid(periods: pd.DataFrame, frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """All periods times all combinations of the ``by`` values present in ``frame``."""
    grid = periods[["period"]].copy()
    for col in by:
        values = sorted(frame[col].dropna().unique().tolist())
        # no values (an empty selection): an object column still, so later merges on it work
        grid = grid.merge(pd.DataFrame({col: pd.Series(values, dtype=None if values else object)}), how="cross")
    return grid


def _by(by) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


# --------------------------------------------------------------------------------------
# Aggregations
# --------------------------------------------------------------------------------------


def case_level(cases: pd.DataFrame) -> pd.DataFrame:
    """One row per case: case-level columns, the first client and ``n_clients``.

    Parameters
    ----------
    cases : DataFrame
        The cases table (one row per client in a case).

    Returns
    -------
    DataFrame
        The first row of every case plus a column ``n_clients``.
    """
    codes, _ = pd.factorize(cases["case_id"], sort=False)  # codes in order of appearance
    if codes.size == 0:
        return cases.assign(n_clients=pd.Series(dtype=int)).reset_index(drop=True)
    first = np.unique(codes, return_index=True)[1]
    out = cases.iloc[first].copy()
    out["n_clients"] = np.bincount(codes)
    return out.reset_index(drop=True)


def new_cases(cases: pd.DataFrame, *, freq: str = "year", by=("team",), start=None, end=None) -> pd.DataFrame:
    """New cases (registrations) per period.

    Parameters
    ----------
    cases : DataFrame
        The cases table.
    freq : {"year", "quarter", "month"}
    by : sequence of str
        Columns to split by, e.g. ``("team", "wijk_code")``; ``()`` for the total.
    start, end : period string or date, optional
        First and last period; default the range of the data.

    Returns
    -------
    DataFrame
        Columns ``period``, the ``by`` columns, ``new_cases`` (0 where none).
    """
    by = _by(by)
    cl = case_level(cases)
    periods = _default_periods([cl["registration_date"], cl["end_date"]], freq, start, end)
    cl["period"] = _label(cl["registration_date"], freq)
    counts = cl.groupby(["period", *by]).size().rename("new_cases").reset_index()
    out = _grid(periods, cl, by).merge(counts, on=["period", *by], how="left")
    out["new_cases"] = out["new_cases"].fillna(0).astype(int)
    return out


def _active_mask(reg: pd.Series, end: pd.Series, start_p, end_p) -> pd.Series:
    return (reg <= end_p) & (end.isna() | (end >= start_p))


def active_cases(cases: pd.DataFrame, *, freq: str = "year", by=("team",), start=None, end=None) -> pd.DataFrame:
    """Cases active at any time in each period (for J&G: families supported).

    Returns
    -------
    DataFrame
        Columns ``period``, the ``by`` columns, ``active_cases``.
    """
    by = _by(by)
    cl = case_level(cases)
    periods = _default_periods([cl["registration_date"], cl["end_date"]], freq, start, end)
    grid = _grid(periods, cl, by)
    grid["active_cases"] = _active_counts(cl, "registration_date", "end_date", periods, by, grid)
    return grid


def _group_codes(frame: pd.DataFrame, by: list[str], grid: pd.DataFrame):
    """Row -> group number, and grid row -> group number, for the ``by`` columns."""
    if not by:
        return np.zeros(len(frame), dtype=np.int64), np.zeros(len(grid), dtype=np.int64), 1
    keys = grid[by].drop_duplicates().reset_index(drop=True).reset_index()
    rows = frame[by].merge(keys, on=by, how="left")["index"].to_numpy(dtype=float)
    rows = np.where(np.isnan(rows), -1, rows).astype(np.int64)
    cells = grid[by].merge(keys, on=by, how="left")["index"].to_numpy(dtype=np.int64)
    return rows, cells, len(keys)


def _period_columns(periods: pd.DataFrame, grid: pd.DataFrame) -> np.ndarray:
    pos = pd.Series(np.arange(len(periods)), index=periods["period"].to_numpy())
    return pos[grid["period"].to_numpy()].to_numpy()


def _active_counts(frame: pd.DataFrame, start_col: str, end_col: str, periods: pd.DataFrame,
                   by: list[str], grid: pd.DataFrame) -> np.ndarray:
    """Rows active in each period, per group, in the order of ``grid`` (vectorised).

    Row i is active in periods first..last, with first the first period ending on or
    after its start and last the last period beginning on or before its end.
    """
    n_p = len(periods)
    if n_p == 0 or not len(frame):
        return np.zeros(len(grid), dtype=int)
    ends = periods["end"].to_numpy(dtype="datetime64[ns]")
    starts = periods["start"].to_numpy(dtype="datetime64[ns]")
    first = np.searchsorted(ends, frame[start_col].to_numpy(dtype="datetime64[ns]"), side="left")
    stop = frame[end_col].to_numpy(dtype="datetime64[ns]")
    last = np.where(np.isnat(stop), n_p - 1, np.searchsorted(starts, stop, side="right") - 1)
    codes, cells, n_groups = _group_codes(frame, by, grid)
    ok = (first <= last) & (first < n_p) & (last >= 0) & (codes >= 0)
    diff = np.zeros((n_groups, n_p + 1), dtype=np.int64)
    np.add.at(diff, (codes[ok], first[ok]), 1)
    np.add.at(diff, (codes[ok], last[ok] + 1), -1)
    counts = np.cumsum(diff, axis=1)[:, :n_p]
    return counts[cells, _period_columns(periods, grid)]


def _unique_active(frame: pd.DataFrame, start_col: str, end_col: str, id_col: str,
                   periods: pd.DataFrame, by: list[str], grid: pd.DataFrame) -> np.ndarray:
    """Distinct ``id_col`` values among the rows active in each period, per group."""
    n_p = len(periods)
    if n_p == 0 or not len(frame):
        return np.zeros(len(grid), dtype=int)
    ids, uniques = pd.factorize(frame[id_col], sort=False)
    n_ids = max(len(uniques), 1)
    codes, cells, n_groups = _group_codes(frame, by, grid)
    start = frame[start_col].to_numpy(dtype="datetime64[ns]")
    stop = frame[end_col].to_numpy(dtype="datetime64[ns]")
    running = np.isnat(stop)
    counts = np.zeros((n_groups, n_p), dtype=np.int64)
    for j, p in enumerate(periods.itertuples(index=False)):
        mask = (start <= np.datetime64(p.end)) & (running | (stop >= np.datetime64(p.start)))
        mask &= (codes >= 0) & (ids >= 0)
        pairs = np.unique(codes[mask] * n_ids + ids[mask])
        counts[:, j] = np.bincount(pairs // n_ids, minlength=n_groups)
    return counts[cells, _period_columns(periods, grid)]


def unique_clients(cases: pd.DataFrame, *, freq: str = "year", by=("team",), start=None, end=None) -> pd.DataFrame:
    """Unique clients with a case active at any time in each period.

    A client with two cases in a year counts once. With ``by=("team",
    "wijk_code")`` a client counts in every wijk where they had a case.

    Returns
    -------
    DataFrame
        Columns ``period``, the ``by`` columns, ``clients``.
    """
    by = _by(by)
    periods = _default_periods([cases["registration_date"], cases["end_date"]], freq, start, end)
    grid = _grid(periods, cases, by)
    grid["clients"] = _unique_active(cases, "registration_date", "end_date", "client_id", periods, by, grid)
    return grid


def stock_at(cases: pd.DataFrame, date, *, by=("team",)) -> pd.DataFrame:
    """Running cases at the end of ``date``.

    A case is running if it was registered on or before ``date`` and had not
    ended on or before ``date``.

    Returns
    -------
    DataFrame
        Columns ``date``, the ``by`` columns, ``stock``.
    """
    by = _by(by)
    day = pd.Timestamp(date).normalize()
    cl = case_level(cases)
    running = (cl["registration_date"] <= day) & (cl["end_date"].isna() | (cl["end_date"] > day))
    grid = pd.DataFrame({"date": [day]})
    for col in by:
        grid = grid.merge(pd.DataFrame({col: sorted(cl[col].dropna().unique().tolist())}), how="cross")
    if by:
        counts = cl[running].groupby(by).size().rename("stock").reset_index()
        grid = grid.merge(counts, on=by, how="left")
    else:
        grid["stock"] = int(running.sum())
    grid["stock"] = grid["stock"].fillna(0).astype(int)
    return grid


def flows(cases: pd.DataFrame, *, freq: str = "month", by=("team",), start=None, end=None) -> pd.DataFrame:
    """Inflow, outflow and stock per period, with the stock-flow identity check.

    Parameters
    ----------
    cases : DataFrame
        The cases table.
    freq : {"year", "quarter", "month"}
    by : sequence of str
        Columns to split by.
    start, end : period string or date, optional
        First and last period; default the range of the data.

    Returns
    -------
    DataFrame
        Columns ``period``, the ``by`` columns, ``stock_begin`` (running at
        the end of the day before the period), ``inflow`` (registrations),
        ``outflow`` (closures), ``stock_end`` (running at the end of the
        period's last day) and ``difference`` = ``stock_end - (stock_begin +
        inflow - outflow)``, which is 0 for consistent data. Each stock is
        counted independently of the flows, so a non-zero difference points
        at records the flows do not see.
    """
    by = _by(by)
    cl = case_level(cases)
    periods = _default_periods([cl["registration_date"], cl["end_date"]], freq, start, end)
    grid = _grid(periods, cl, by)
    codes, cells, n_groups = _group_codes(cl, by, grid)
    reg = cl["registration_date"].to_numpy(dtype="datetime64[ns]")
    stop = cl["end_date"].to_numpy(dtype="datetime64[ns]")
    running = np.isnat(stop)
    valid = codes >= 0
    names = ("stock_begin", "inflow", "outflow", "stock_end")
    table = {name: np.zeros((n_groups, len(periods)), dtype=np.int64) for name in names}
    for j, p in enumerate(periods.itertuples(index=False)):
        first, last = np.datetime64(p.start), np.datetime64(p.end)
        before = first - np.timedelta64(1, "D")
        masks = {  # each counted on its own, so the identity is a real check
            "stock_begin": (reg <= before) & (running | (stop > before)),
            "inflow": (reg >= first) & (reg <= last),
            "outflow": (stop >= first) & (stop <= last),
            "stock_end": (reg <= last) & (running | (stop > last)),
        }
        for name, mask in masks.items():
            table[name][:, j] = np.bincount(codes[mask & valid], minlength=n_groups)
    columns = _period_columns(periods, grid)
    for name in names:
        grid[name] = table[name][cells, columns] if len(periods) else 0
    grid["difference"] = grid["stock_end"] - (grid["stock_begin"] + grid["inflow"] - grid["outflow"])
    return grid


def waiting_days(cases: pd.DataFrame) -> pd.Series:
    """Working days from registration to first conversation for each row (Int64, empty if none held)."""
    return working_days_between(cases["registration_date"], cases["first_conversation_date"])


def waiting_times(
    cases: pd.DataFrame,
    *,
    freq: str = "year",
    by=("team",),
    basis: str = "registration",
    norm: int = WAITING_NORM_DAYS,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Waiting time from registration to first conversation, in working days.

    Parameters
    ----------
    cases : DataFrame
        The cases table.
    freq : {"year", "quarter", "month"}
    by : sequence of str
        Split columns; add ``"urgent"`` to compare urgent with other cases.
    basis : {"registration", "conversation"}
        Count a case in the period of its registration (default) or of its
        first conversation.
    norm : int, default 5
        The norm in working days; ``within_norm_pct`` is the share of waits of
        at most this many working days.

    Returns
    -------
    DataFrame
        Columns ``period``, the ``by`` columns, ``n`` (cases with a first
        conversation), ``mean``, ``median``, ``p90``, ``within_norm_pct`` and
        ``no_conversation`` (cases registered in the period without a first
        conversation; only for ``basis="registration"``).
    """
    if basis not in ("registration", "conversation"):
        raise ValueError(f"basis must be 'registration' or 'conversation', not {basis!r}")
    by = _by(by)
    cl = case_level(cases)
    cl["waiting_days"] = waiting_days(cl).astype(float)
    date_col = "registration_date" if basis == "registration" else "first_conversation_date"
    periods = _default_periods([cl["registration_date"], cl["end_date"]], freq, start, end)
    cl["period"] = _label(cl[date_col], freq)
    held = cl[cl["waiting_days"].notna()]
    grouped = held.groupby(["period", *by])["waiting_days"]
    stats_ = pd.DataFrame({
        "n": grouped.size(),
        "mean": grouped.mean(),
        "median": grouped.median(),
        "p90": grouped.quantile(0.9),
        "within_norm_pct": grouped.apply(lambda s: 100.0 * (s <= norm).mean()),
    }).reset_index()
    out = _grid(periods, cl, by).merge(stats_, on=["period", *by], how="left")
    out["n"] = out["n"].fillna(0).astype(int)
    if basis == "registration":
        none = cl[cl["waiting_days"].isna()].groupby(["period", *by]).size().rename("no_conversation").reset_index()
        out = out.merge(none, on=["period", *by], how="left")
        out["no_conversation"] = out["no_conversation"].fillna(0).astype(int)
    return out


def _surveys_with_cases(surveys: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    cl = case_level(cases)
    keep = ["case_id"] + [c for c in cl.columns if c not in surveys.columns and c != "case_id"]
    return surveys.merge(cl[keep], on="case_id", how="left", validate="many_to_one")


def survey_marks(
    surveys: pd.DataFrame,
    cases: pd.DataFrame,
    *,
    freq: str = "year",
    by=("team",),
    measures: Sequence[str] = MARKS,
    confidence: float = 0.95,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Mean survey marks per period of the survey date, with t confidence intervals.

    Parameters
    ----------
    surveys, cases : DataFrame
        The survey and cases tables (the cases give team and wijk).
    measures : sequence of str
        Which marks: ``rapportcijfer``, ``toegankelijkheid``, ``kwaliteit``, ``effect``.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        Long format: ``period``, the ``by`` columns, ``measure``, ``n``,
        ``mean``, ``sd``, ``ci_low``, ``ci_high`` (NaN where n < 2).
    """
    by = _by(by)
    df = _surveys_with_cases(surveys, cases)
    periods = _default_periods([df["survey_date"]], freq, start, end)
    df["period"] = _label(df["survey_date"], freq)
    rows = []
    for measure in measures:
        values = df[[*by, "period", measure]].dropna(subset=[measure])
        for key, group in values.groupby(["period", *by]):
            key = key if isinstance(key, tuple) else (key,)
            mean, low, high = mean_ci(group[measure], confidence)
            x = group[measure].astype(float)
            rows.append({**dict(zip(["period", *by], key, strict=True)), "measure": measure,
                         "n": len(x), "mean": mean, "sd": float(x.std(ddof=1)) if len(x) > 1 else np.nan,
                         "ci_low": low, "ci_high": high})
    grid = _grid(periods, df, by).merge(pd.DataFrame({"measure": list(measures)}), how="cross")
    result = pd.DataFrame(rows, columns=["period", *by, "measure", "n", "mean", "sd", "ci_low", "ci_high"])
    out = grid.merge(result, on=["period", *by, "measure"], how="left")
    out["n"] = out["n"].fillna(0).astype(int)
    return out


def without_help_share(
    surveys: pd.DataFrame,
    cases: pd.DataFrame,
    *,
    freq: str = "year",
    by=("team",),
    confidence: float = 0.95,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Share of respondents who can continue without help, with a Wilson interval.

    Returns
    -------
    DataFrame
        ``period``, the ``by`` columns, ``n`` (answered), ``n_yes``, ``pct``,
        ``ci_low``, ``ci_high`` (percentages; NaN where n is 0).
    """
    by = _by(by)
    df = _surveys_with_cases(surveys, cases)
    periods = _default_periods([df["survey_date"]], freq, start, end)
    df["period"] = _label(df["survey_date"], freq)
    answered = df[df["verder_zonder_hulp"].notna()].copy()
    answered["yes"] = answered["verder_zonder_hulp"].astype(bool).astype(int)
    agg = answered.groupby(["period", *by])["yes"].agg(n="size", n_yes="sum").reset_index()
    out = _grid(periods, df, by).merge(agg, on=["period", *by], how="left")
    out[["n", "n_yes"]] = out[["n", "n_yes"]].fillna(0).astype(int)
    low, high = wilson_interval(out["n_yes"].to_numpy(), out["n"].to_numpy(), confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["pct"] = np.where(out["n"] > 0, 100.0 * out["n_yes"] / out["n"].where(out["n"] > 0, 1), np.nan)
    out["ci_low"] = 100.0 * np.asarray(low)
    out["ci_high"] = 100.0 * np.asarray(high)
    return out


def ended_as_planned(cases: pd.DataFrame, *, freq: str = "year", by=("team",), start=None, end=None) -> pd.DataFrame:
    """Share of closed cases that ended as planned (:data:`ENDED_AS_PLANNED`).

    Returns
    -------
    DataFrame
        ``period`` (of the end date), the ``by`` columns, ``ended``,
        ``as_planned`` and ``pct``.
    """
    by = _by(by)
    cl = case_level(cases)
    periods = _default_periods([cl["registration_date"], cl["end_date"]], freq, start, end)
    closed = cl[cl["end_date"].notna()].copy()
    closed["period"] = _label(closed["end_date"], freq)
    closed["planned"] = closed["end_reason"].isin(ENDED_AS_PLANNED).astype(int)
    agg = closed.groupby(["period", *by])["planned"].agg(ended="size", as_planned="sum").reset_index()
    out = _grid(periods, cl, by).merge(agg, on=["period", *by], how="left")
    out[["ended", "as_planned"]] = out[["ended", "as_planned"]].fillna(0).astype(int)
    out["pct"] = np.where(out["ended"] > 0, 100.0 * out["as_planned"] / out["ended"].clip(lower=1), np.nan)
    return out


def end_reasons(cases: pd.DataFrame, *, freq: str = "year", by=("team",), start=None, end=None) -> pd.DataFrame:
    """Closed cases per end reason and period of the end date.

    Returns
    -------
    DataFrame
        ``period``, the ``by`` columns, ``end_reason``, ``label`` (Dutch), ``cases``.
    """
    by = _by(by)
    cl = case_level(cases)
    periods = _default_periods([cl["registration_date"], cl["end_date"]], freq, start, end)
    closed = cl[cl["end_date"].notna()].copy()
    closed["period"] = _label(closed["end_date"], freq)
    agg = closed.groupby(["period", *by, "end_reason"]).size().rename("cases").reset_index()
    grid = _grid(periods, cl, by).merge(pd.DataFrame({"end_reason": list(END_REASONS)}), how="cross")
    out = grid.merge(agg, on=["period", *by, "end_reason"], how="left")
    out["cases"] = out["cases"].fillna(0).astype(int)
    out.insert(out.columns.get_loc("end_reason") + 1, "label", out["end_reason"].map(END_REASONS))
    return out


def average_monthly_active(cases: pd.DataFrame, *, by=("team",), start=None, end=None) -> pd.DataFrame:
    """Average over the months of a year of the cases active in the month.

    This is the published "gezinnen per maand" of the J&G teams.

    Returns
    -------
    DataFrame
        ``period`` (year), the ``by`` columns, ``months`` (months counted),
        ``average_active``.
    """
    by = _by(by)
    monthly = active_cases(cases, freq="month", by=by, start=start, end=end)
    monthly["year"] = monthly["period"].str[:4]
    out = monthly.groupby(["year", *by])["active_cases"].agg(months="size", average_active="mean").reset_index()
    return out.rename(columns={"year": "period"})


def clients_with_conversation(cases: pd.DataFrame, *, freq: str = "year", by=("team",), start=None, end=None) -> pd.DataFrame:
    """Unique clients whose case had its first conversation in the period.

    Returns
    -------
    DataFrame
        ``period``, the ``by`` columns, ``clients``.
    """
    by = _by(by)
    periods = _default_periods([cases["registration_date"], cases["end_date"]], freq, start, end)
    held = cases[cases["first_conversation_date"].notna()].copy()
    held["period"] = _label(held["first_conversation_date"], freq)
    agg = held.groupby(["period", *by])["client_id"].nunique().rename("clients").reset_index()
    out = _grid(periods, cases, by).merge(agg, on=["period", *by], how="left")
    out["clients"] = out["clients"].fillna(0).astype(int)
    return out


def care_clients(care: pd.DataFrame, *, freq: str = "year", by=("domain",), start=None, end=None) -> pd.DataFrame:
    """Clients and trajectories of aanvullende zorg per period.

    Returns
    -------
    DataFrame
        ``period``, the ``by`` columns, ``clients`` (unique clients with a
        trajectory active in the period), ``trajectories`` (active in the
        period), ``running_end`` (trajectories running at the end of the
        period's last day), ``started`` and ``referred`` (started trajectories
        referred by a buurtteam case).
    """
    by = _by(by)
    periods = _default_periods([care["start_date"], care["end_date"]], freq, start, end)
    grid = _grid(periods, care, by)
    grid["clients"] = _unique_active(care, "start_date", "end_date", "client_id", periods, by, grid)
    grid["trajectories"] = _active_counts(care, "start_date", "end_date", periods, by, grid)
    reg, stop = care["start_date"], care["end_date"]
    parts = []
    for p in periods.itertuples(index=False):
        started = (reg >= p.start) & (reg <= p.end)
        flags = pd.DataFrame({
            "running_end": ((reg <= p.end) & (stop.isna() | (stop > p.end))).astype(int),
            "started": started.astype(int),
            "referred": (started & care["referred_by_case_id"].notna()).astype(int),
        })
        if by:
            part = pd.concat([care[by], flags], axis=1).groupby(by)[list(flags)].sum().reset_index()
        else:
            part = flags.sum().to_frame().T
        part["period"] = p.period
        parts.append(part)
    cols = ["running_end", "started", "referred"]
    if parts:
        grid = grid.merge(pd.concat(parts, ignore_index=True)[["period", *by, *cols]], on=["period", *by], how="left")
    for col in cols:
        if col not in grid:
            grid[col] = 0
        grid[col] = grid[col].fillna(0).astype(int)
    return grid


def forward_share(cases: pd.DataFrame, care: pd.DataFrame, *, freq: str = "year", by=(), start=None, end=None) -> pd.DataFrame:
    """The "beweging naar voren": clients of the buurtteam versus clients of aanvullende zorg.

    For each domain the buurtteam clients (J&G for ``jeugd``, Sociaal for
    ``sociaal``) are compared with the clients of aanvullende zorg of that
    domain, both counted as unique clients active in the period.

    Parameters
    ----------
    by : sequence of str
        Extra split columns present in both tables, e.g. ``("wijk_code",)``.

    Returns
    -------
    DataFrame
        ``period``, ``domain``, the ``by`` columns, ``buurtteam_clients``,
        ``care_clients`` and ``buurtteam_pct`` = buurtteam / (buurtteam + care) x 100.
    """
    by = _by(by)
    dates = [cases["registration_date"], cases["end_date"]]
    if start is None or end is None:
        periods = _default_periods(dates, freq, start, end)
        start = periods["period"].iloc[0] if len(periods) and start is None else start
        end = periods["period"].iloc[-1] if len(periods) and end is None else end
    team = unique_clients(cases, freq=freq, by=["team", *by], start=start, end=end)
    team["domain"] = team["team"].map({v: k for k, v in TEAM_OF_DOMAIN.items()})
    team = team.drop(columns="team").rename(columns={"clients": "buurtteam_clients"})
    extra = care_clients(care, freq=freq, by=["domain", *by], start=start, end=end)
    extra = extra[["period", "domain", *by, "clients"]].rename(columns={"clients": "care_clients"})
    out = team.merge(extra, on=["period", "domain", *by], how="left")
    out["care_clients"] = out["care_clients"].fillna(0).astype(int)
    total = out["buurtteam_clients"] + out["care_clients"]
    out["buurtteam_pct"] = np.where(total > 0, 100.0 * out["buurtteam_clients"] / total.clip(lower=1), np.nan)
    return out[["period", "domain", *by, "buurtteam_clients", "care_clients", "buurtteam_pct"]]


# --------------------------------------------------------------------------------------
# To the observations table
# --------------------------------------------------------------------------------------

#: Team or care domain an indicator is about (used to pick rows of a frame with a
#: ``team`` or ``domain`` column).
INDICATOR_TEAM = {i: "sociaal" for i in INDICATORS if i.startswith("buurtteam_sociaal_")}
INDICATOR_TEAM.update({i: "jeugd_en_gezin" for i in INDICATORS if i.startswith("buurtteam_jg_")})
INDICATOR_DOMAIN = {i: "jeugd" for i in INDICATORS if i.startswith("aanvullende_zorg_jeugd_")}
INDICATOR_DOMAIN.update({i: "sociaal" for i in INDICATORS if i.startswith("aanvullende_zorg_")
                         and not i.startswith("aanvullende_zorg_jeugd_")})
INDICATOR_DOMAIN["buurtteam_aanvullende_zorg_verhouding"] = "sociaal"


def to_observations(
    df: pd.DataFrame,
    indicator: str,
    *,
    value: str | None = None,
    register: Register | None = None,
    municipality: str | None = None,
    source: str | None = None,
    published: str | None = None,
    note: str | None = None,
    status: str = "definitief",
    source_ref: str | None = None,
) -> pd.DataFrame:
    """Turn an aggregate into rows of the observations table.

    Parameters
    ----------
    df : DataFrame
        An aggregate with a ``period`` column, the value column and optionally
        ``team`` / ``domain`` (rows of the indicator's team or domain are
        kept) and ``wijk_code`` (then one row per wijk; otherwise the
        municipality).
    indicator : str
        An id from :mod:`analysis.indicators`.
    value : str, optional
        The column holding the value; default ``value`` if present.
    register : Register, optional
        Supplies ``source``, ``published``, ``note`` (see
        :meth:`Register.provenance`: for synthetic data source
        ``synthetisch register (analysis.synthetic, seed N)``, published
        ``synthetisch, gegenereerd v<version>``, note ``synthetisch``) and the
        municipality code.
    municipality : str, optional
        Region code of the whole register; default from ``register`` or
        ``GM0344``.
    source, published, note, status, source_ref : str, optional
        Override the provenance; ``source`` and ``published`` are required
        without a register.

    Returns
    -------
    DataFrame
        Validated observations (:func:`analysis.schema.validate_observations`).
        Missing values get status ``missing``.
    """
    from ..schema import validate_observations  # late import: schema imports the catalogue

    rows = _observation_rows(df, indicator, value=value, register=register, municipality=municipality,
                             source=source, published=published, note=note, status=status,
                             source_ref=source_ref)
    return validate_observations(rows)


def _observation_rows(df, indicator, *, value, register, municipality, source, published, note, status,
                      source_ref, resolver: RegionResolver | None = None) -> pd.DataFrame:
    """The rows of :func:`to_observations`, not yet validated."""
    if indicator not in INDICATORS:
        raise KeyError(f"unknown indicator {indicator!r}")
    provenance = register.provenance() if register is not None else {}
    source = source or provenance.get("source")
    published = published or provenance.get("published")
    note = note if note is not None else provenance.get("note")
    if not source or not published:
        raise ValueError("give a register or both source and published")
    if municipality is None:
        municipality = register.municipality if register is not None else "GM0344"
    if value is None:
        if "value" not in df.columns:
            numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
            raise ValueError(f"say which column holds the value (value=...); numeric columns: {', '.join(numeric)}")
        value = "value"
    if value not in df.columns:
        raise ValueError(f"no column {value!r} in the aggregate")
    frame = df
    if "team" in frame.columns:
        team = INDICATOR_TEAM.get(indicator)
        if team is not None:
            frame = frame[frame["team"] == team]
        elif frame["team"].nunique() > 1:
            raise ValueError(f"{indicator} is not about one team; filter the frame to one team first")
    if "domain" in frame.columns:
        domain = INDICATOR_DOMAIN.get(indicator)
        if domain is not None:
            frame = frame[frame["domain"] == domain]
        elif frame["domain"].nunique() > 1:
            raise ValueError(f"{indicator} is not about one domain; filter the frame to one domain first")
    extra_keys = [c for c in frame.columns if c in ("urgent", "measure", "end_reason", "care_type")]
    for key in extra_keys:
        if frame[key].nunique() > 1:
            raise ValueError(f"the aggregate is split by {key!r}; filter it to one value first")
    resolver = resolver or RegionResolver()
    if "wijk_code" in frame.columns:
        codes = frame["wijk_code"].astype(str)
    else:
        codes = pd.Series(municipality, index=frame.index)
    values = pd.to_numeric(frame[value], errors="coerce").astype(float)
    unit = INDICATORS[indicator].unit
    out = pd.DataFrame({
        "indicator": indicator,
        "region_code": codes.to_numpy(),
        "region_name": [resolver.name_of(c) or c for c in codes],
        "period": frame["period"].astype(str).to_numpy(),
        "period_type": [period_type_of(p) for p in frame["period"].astype(str)],
        "value": values.round(6).to_numpy(),
        "unit": unit,
        "status": np.where(values.isna().to_numpy(), "missing", status),
        "source": source,
        "source_ref": source_ref,
        "published": published,
        "note": note,
    })
    return out.reset_index(drop=True)


def register_observations(register: Register, *, by_wijk: bool = False, freq: str = "year") -> pd.DataFrame:
    """All indicators a register supports, as observations.

    Parameters
    ----------
    register : Register
    by_wijk : bool, default False
        Per wijk instead of for the whole municipality.
    freq : {"year", "quarter", "month"}

    Returns
    -------
    DataFrame
        Observations for the ``buurtteam_sociaal_*``, ``buurtteam_jg_*`` and
        (if the register has aanvullende zorg) ``aanvullende_zorg_*`` and
        ``buurtteam_aanvullende_zorg_verhouding`` indicators.
    """
    cases, surveys, care = register.cases, register.surveys, register.care
    by = ["team", "wijk_code"] if by_wijk else ["team"]
    end = register.snapshot_date
    start = cases["registration_date"].min()
    kw = {"freq": freq, "by": by, "start": start, "end": end}
    parts: list[tuple[str, pd.DataFrame, str]] = []
    new = new_cases(cases, **kw)
    active = active_cases(cases, **kw)
    clients = unique_clients(cases, **kw)
    waits = waiting_times(cases, **kw)
    planned = ended_as_planned(cases, **kw)
    for prefix in ("buurtteam_sociaal", "buurtteam_jg"):
        parts.append((f"{prefix}_nieuwe_casussen", new, "new_cases"))
        parts.append((f"{prefix}_clienten", clients, "clients"))
    parts.append(("buurtteam_sociaal_casussen", active, "active_cases"))
    parts.append(("buurtteam_jg_gezinnen", active, "active_cases"))
    parts.append(("buurtteam_jg_trajecten", active, "active_cases"))
    parts.append(("buurtteam_sociaal_wachttijd", waits, "mean"))
    parts.append(("buurtteam_jg_volgens_plan_pct", planned, "pct"))
    parts.append(("buurtteam_sociaal_clienten_gesprek", clients_with_conversation(cases, **kw), "clients"))
    if freq == "year":
        monthly = average_monthly_active(cases, by=by, start=start, end=end)
        parts.append(("buurtteam_jg_gezinnen_per_maand", monthly, "average_active"))
    if len(surveys):
        marks = survey_marks(surveys, cases, measures=("rapportcijfer",), **kw)
        share = without_help_share(surveys, cases, **kw)
        for prefix in ("buurtteam_sociaal", "buurtteam_jg"):
            parts.append((f"{prefix}_rapportcijfer", marks.drop(columns="measure"), "mean"))
            parts.append((f"{prefix}_zonder_hulp_pct", share, "pct"))
    if len(care):
        care_by = ["domain", "wijk_code"] if by_wijk else ["domain"]
        az = care_clients(care, freq=freq, by=care_by, start=start, end=end)
        parts.append(("aanvullende_zorg_jeugd_clienten", az, "clients"))
        parts.append(("aanvullende_zorg_jeugd_trajecten", az, "running_end"))
        fwd = forward_share(cases, care, freq=freq, by=["wijk_code"] if by_wijk else [], start=start, end=end)
        parts.append(("buurtteam_aanvullende_zorg_verhouding", fwd, "buurtteam_pct"))
    from ..schema import validate_observations

    resolver = RegionResolver()
    frames = [
        _observation_rows(frame, ind, value=col, register=register, municipality=None, source=None,
                          published=None, note=None, status="definitief",
                          source_ref=f"analysis.register: {col} ({freq})", resolver=resolver)
        for ind, frame, col in parts
    ]
    return validate_observations(pd.concat(frames, ignore_index=True))
