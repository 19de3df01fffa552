"""The case register's data model: vocabulary, table columns, pandera schemas and :class:`Register`.

The tables and their columns are described in :mod:`analysis.register` and
``docs/synthetic-register.md``; :mod:`analysis.register.loading` parses files into
frames that these schemas accept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

__all__ = [
    "AGE_BANDS",
    "AGE_BAND_BOUNDS",
    "BOOL_COLUMNS",
    "CARE_COLUMNS",
    "CARE_DOMAINS",
    "CARE_SCHEMA",
    "CARE_TYPES",
    "CASES_SCHEMA",
    "CASE_COLUMNS",
    "CASE_LEVEL_COLUMNS",
    "DATE_COLUMNS",
    "ENDED_AS_PLANNED",
    "END_REASONS",
    "INT_COLUMNS",
    "MARKS",
    "METADATA_FILE",
    "OPTIONAL_COLUMNS",
    "REQUIRED_VALUES",
    "Register",
    "SCHEMAS",
    "SURVEYS_SCHEMA",
    "SURVEY_COLUMNS",
    "TABLE_COLUMNS",
    "TABLE_FILES",
    "TEAMS",
    "TEAM_LABELS",
    "TEAM_OF_DOMAIN",
    "TEXT",
    "WAITING_NORM_DAYS",
    "WIDE_RULES",
    "WIJK_PATTERN",
    "empty_table",
]

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

TEAMS: tuple[str, ...] = ("jeugd_en_gezin", "sociaal")
TEAM_LABELS = {"jeugd_en_gezin": "Buurtteam Jeugd en Gezin", "sociaal": "Buurtteam Sociaal"}

#: Age at registration. The youth bands are those of the CBS youth-care tables
#: (0 tot 4, 4 tot 12, 12 tot 18, 18 tot 23 jaar); the adult bands join them without
#: overlap and end with the 65-74 and 75+ bands of the CBS Wmo tables.
AGE_BANDS: tuple[str, ...] = ("0-3", "4-11", "12-17", "18-22", "23-44", "45-64", "65-74", "75+")
AGE_BAND_BOUNDS = {
    "0-3": (0, 3),
    "4-11": (4, 11),
    "12-17": (12, 17),
    "18-22": (18, 22),
    "23-44": (23, 44),
    "45-64": (45, 64),
    "65-74": (65, 74),
    "75+": (75, 120),
}

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

CASE_COLUMNS = [
    "case_id",
    "client_id",
    "team",
    "wijk_code",
    "registration_date",
    "first_conversation_date",
    "end_date",
    "urgent",
    "age_band",
    "end_reason",
]
SURVEY_COLUMNS = [
    "case_id",
    "survey_date",
    "toegankelijkheid",
    "kwaliteit",
    "effect",
    "rapportcijfer",
    "verder_zonder_hulp",
]
CARE_COLUMNS = [
    "trajectory_id",
    "client_id",
    "domain",
    "wijk_code",
    "care_type",
    "start_date",
    "end_date",
    "referred_by_case_id",
]
OPTIONAL_COLUMNS = ["synthetic"]
#: Columns that must have the same value on every row of a case.
CASE_LEVEL_COLUMNS = [
    "team",
    "wijk_code",
    "registration_date",
    "first_conversation_date",
    "end_date",
    "urgent",
    "end_reason",
]

TABLE_FILES = {"cases": "cases", "surveys": "surveys", "care": "aanvullende_zorg"}
METADATA_FILE = "register.json"

# --------------------------------------------------------------------------------------
# Pandera schemas (applied after parsing; the index holds the file's line numbers)
# --------------------------------------------------------------------------------------

#: Text columns are object columns of stripped ``str`` or None: the parser guarantees
#: the type, so the schema checks the dtype only (an element-wise ``str`` check costs
#: seconds on a full register).
TEXT = object


def _conv_after_reg(df: pd.DataFrame) -> pd.Series:
    return df["first_conversation_date"].isna() | (
        df["first_conversation_date"] >= df["registration_date"]
    )


def _end_after_reg(df: pd.DataFrame) -> pd.Series:
    return df["end_date"].isna() | (df["end_date"] >= df["registration_date"])


def _end_after_conv(df: pd.DataFrame) -> pd.Series:
    return (
        df["end_date"].isna()
        | df["first_conversation_date"].isna()
        | (df["end_date"] >= df["first_conversation_date"])
    )


def _reason_iff_ended(df: pd.DataFrame) -> pd.Series:
    return df["end_date"].notna() == df["end_reason"].notna()


def _care_end_after_start(df: pd.DataFrame) -> pd.Series:
    return df["end_date"].isna() | (df["end_date"] >= df["start_date"])


def _care_type_fits_domain(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(False, index=df.index)
    for domain, types in CARE_TYPES.items():
        ok |= (df["domain"] == domain) & df["care_type"].isin(list(types))
    return ok | ~df["domain"].isin(CARE_DOMAINS)


#: Row rules: rule text -> (column an error names, columns whose values it shows).
WIDE_RULES = {
    "first conversation before registration date": (
        "first_conversation_date",
        ["first_conversation_date", "registration_date"],
    ),
    "end date before registration date": ("end_date", ["end_date", "registration_date"]),
    "end date before first conversation date": (
        "end_date",
        ["end_date", "first_conversation_date"],
    ),
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
        "team": pa.Column(
            TEXT, pa.Check.isin(list(TEAMS), error=f"unknown team (expected {' or '.join(TEAMS)})")
        ),
        "wijk_code": pa.Column(
            TEXT, pa.Check.str_matches(WIJK_PATTERN, error="wijk code must look like WK034401")
        ),
        "registration_date": pa.Column("datetime64[ns]"),
        "first_conversation_date": pa.Column("datetime64[ns]", nullable=True),
        "end_date": pa.Column("datetime64[ns]", nullable=True),
        "urgent": pa.Column(bool),
        "age_band": pa.Column(
            TEXT,
            pa.Check.isin(
                list(AGE_BANDS), error=f"unknown age band (expected one of {', '.join(AGE_BANDS)})"
            ),
        ),
        "end_reason": pa.Column(
            TEXT,
            pa.Check.isin(
                list(END_REASONS),
                error=f"unknown end reason (expected one of {', '.join(END_REASONS)})",
            ),
            nullable=True,
        ),
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
        "domain": pa.Column(
            TEXT,
            pa.Check.isin(list(CARE_DOMAINS), error="unknown domain (expected jeugd or sociaal)"),
        ),
        "wijk_code": pa.Column(
            TEXT, pa.Check.str_matches(WIJK_PATTERN, error="wijk code must look like WK034401")
        ),
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

SCHEMAS = {"cases": CASES_SCHEMA, "surveys": SURVEYS_SCHEMA, "care": CARE_SCHEMA}
TABLE_COLUMNS = {"cases": CASE_COLUMNS, "surveys": SURVEY_COLUMNS, "care": CARE_COLUMNS}
DATE_COLUMNS = {
    "cases": ["registration_date", "first_conversation_date", "end_date"],
    "surveys": ["survey_date"],
    "care": ["start_date", "end_date"],
}
REQUIRED_VALUES = {
    "cases": [
        "case_id",
        "client_id",
        "team",
        "wijk_code",
        "registration_date",
        "urgent",
        "age_band",
    ],
    "surveys": ["case_id", "survey_date"],
    "care": ["trajectory_id", "client_id", "domain", "wijk_code", "care_type", "start_date"],
}
BOOL_COLUMNS = {
    "cases": ["urgent", "synthetic"],
    "surveys": ["verder_zonder_hulp", "synthetic"],
    "care": ["synthetic"],
}
INT_COLUMNS = {"cases": [], "surveys": list(MARKS), "care": []}


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
    version : RegisterVersion or None
        Which files (and reading options) the tables were read from, set by
        :func:`analysis.register.load_register` and kept by
        :meth:`of_municipality`; None for a register built otherwise, also by
        :func:`dataclasses.replace` (it is not an ``__init__`` argument, so a
        register with other tables never carries the version of the files).
        Tables derived from a register with a version are computed once per
        version (:mod:`analysis.register.memo`).
    """

    cases: pd.DataFrame
    surveys: pd.DataFrame
    care: pd.DataFrame
    synthetic: bool
    source: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    version: Any = field(default=None, init=False, repr=False, compare=False)

    def __repr__(self) -> str:
        kind = "SYNTHETIC" if self.synthetic else "real"
        return (
            f"Register({kind}, cases={len(self.cases)} rows, surveys={len(self.surveys)} rows, "
            f"care={len(self.care)} rows, source={self.source!r})"
        )

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
            raise ValueError(
                f"the register covers several municipalities ({', '.join(codes)}); "
                "pass municipality= explicitly"
            )
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
        cases = self.cases[self.cases["wijk_code"].astype(str).str.startswith(prefix)].reset_index(
            drop=True
        )
        surveys = self.surveys[self.surveys["case_id"].isin(set(cases["case_id"]))].reset_index(
            drop=True
        )
        care = self.care[self.care["wijk_code"].astype(str).str.startswith(prefix)].reset_index(
            drop=True
        )
        part = replace(self, cases=cases, surveys=surveys, care=care, metadata=meta)
        if self.version is not None:
            object.__setattr__(part, "version", self.version._replace(municipality=str(code)))
        return part

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
    dtypes = {c: object for c in TABLE_COLUMNS[table]}
    for c in DATE_COLUMNS[table]:
        dtypes[c] = "datetime64[ns]"
    for c in INT_COLUMNS[table]:
        dtypes[c] = "Int64"
    if table == "cases":
        dtypes["urgent"] = bool
    if table == "surveys":
        dtypes["verder_zonder_hulp"] = "boolean"
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})
