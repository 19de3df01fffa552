"""Tests for the embedded published figures (data/published) and their loader."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import config, published
from analysis.errors import InputError, ParameterError
from analysis.indicators import INDICATORS
from analysis.published import (
    latest_vintage,
    load_published,
    published_series,
    read_published_csv,
    vintage_year,
)
from analysis.schema import COLUMNS

SHARED = config.PROJECT_ROOT.parent / "shared"
DATA = config.PROJECT_ROOT / "data" / "published"
DOCS = config.PROJECT_ROOT / "docs" / "published-data.md"

# Which text each CSV was transcribed from: a seed document (found by a phrase it
# contains, since seed file names are opaque) or a section of the reference file.
SEED_MARKERS = {
    "persbericht_2016_eerste_jaar.csv": "Utrecht bouwt verder aan een vitale en sociale stad",
    "jaarstukken_2018.csv": "Jaarstukken 2018",
    "begroting_2020.csv": "Vanaf 2020 worden maatschappelijke ondersteuning",
    "begroting_2026.csv": "Doelstelling 1: Passende basiszorg",
}
# Files that add figures of a document another file was transcribed from (checked against that document).
SUPPLEMENTS = {"begroting_2020_aanvulling.csv": "begroting_2020.csv"}
NOTITIE_MARKER = "positionering van de aanvullende zorg die valt onder de Jeugdwet"
REFERENCE_SECTIONS = {
    "utrecht_monitor_jeugd_2019.csv": "A",
    "utrecht_monitor_jeugd_2020.csv": "B",
    "utrecht_monitor_jeugd_2025.csv": "C",
    "utrecht_monitor_volwassenen_2019.csv": "D",
    "utrecht_monitor_volwassenen_2020.csv": "E",
    "cbs_tabelpaginas.csv": "F",
}

# Numbers printed in a text that are not figures, or figures deliberately left out
# (docs/published-data.md, 'Not transcribed'). Years (1990-2035) never count.
NOT_FIGURES = {
    "persbericht_2016_eerste_jaar.csv": {
        1,
        14,
        30,
        3521,
        16200,
        3500,
    },  # 1 januari/1 jaar, phone 14 030, address
    "jaarstukken_2018.csv": {10000, 1000},  # unit 'per 10.000', 'x € 1.000'
    "begroting_2020.csv": {
        1,
        12,
        18,
        21,
        23,
        10000,
    },  # dates, age bounds, unit, '1 miljard' (spelled)
    "begroting_2026.csv": {1, 1000},  # Doelstelling 1, unit
    "notitie": {1, 2, 3},  # Spoor 1, 2, 3
    "A": {1, 10, 12, 31},  # 'last 12 months', 'mark 1-10', 'stand 31-12'
    "B": {12, 31, 84},  # node/84, 'stand per 31-12'
    "C": set(),
    "D": {1, 31},  # 'stand 1 January', 'stand 31 December'
    "E": {5, 12, 15, 31, 85, 13700},  # node/85, '31-12', ratio '85 : 15', 'rounded to 5', D's 13700
    "F": {82966, 82972, 85994},  # table ids
}
# A figure written as a word in its document.
SPELLED = {
    ("jaarstukken_2018.csv", "buurtteam_sociaal_wachttijd_norm", "2018"): "gemiddeld vijf dagen",
    (
        "begroting_2020_aanvulling.csv",
        "rijksmiddelen_jeugd_meicirculaire_2019",
        "2019",
    ): "1 miljard euro",
}
# Reference rows quoted from a page's running text rather than its 'year: value' list.
TEXT_ONLY = {
    ("utrecht_monitor_jeugd_2020.csv", "buurtteam_jg_gezinnen_pct", "2018"),
    ("utrecht_monitor_volwassenen_2020.csv", "buurtteam_aanvullende_zorg_verhouding", "2018"),
}

VALID_HEADER = ",".join(COLUMNS) + ",note"
VALID_ROW = (
    "buurtteam_sociaal_nieuwe_casussen,GM0344,Utrecht,2023,year,7068,aantal,definitief,"
    "Begroting 2026,Bereik,Begroting 2026 (2025),"
)


# --- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_published()


@pytest.fixture(scope="module")
def by_file() -> dict[str, pd.DataFrame]:
    return {p.name: read_published_csv(p) for p in sorted(DATA.glob("*.csv"))}


@pytest.fixture(scope="module")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"source documents not found at {SHARED} (a fresh clone has no ../shared)")
    return SHARED


@pytest.fixture(scope="module")
def seeds(shared_dir) -> list[str]:
    files = sorted((shared_dir / "seeds").glob("*.txt"))
    if not files:
        pytest.skip(f"no seed documents in {shared_dir / 'seeds'}")
    # the documents print amounts as '€\xa0218.486': compare with plain spaces
    return [f.read_text(encoding="utf-8").replace("\xa0", " ") for f in files]


@pytest.fixture(scope="module")
def reference(shared_dir) -> dict[str, str]:
    path = shared_dir / "reference" / "utrecht-published-figures.md"
    if not path.is_file():
        pytest.skip(f"reference file not found at {path}")
    parts = re.split(r"^## ([A-F])\. ", path.read_text(encoding="utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def seed_text(seeds: list[str], marker: str) -> str:
    found = [t for t in seeds if marker in t]
    assert len(found) == 1, f"expected one seed document containing {marker!r}, found {len(found)}"
    return found[0]


def source_text(name: str, seeds: list[str], reference: dict[str, str]) -> str:
    name = SUPPLEMENTS.get(name, name)
    if name in SEED_MARKERS:
        return seed_text(seeds, SEED_MARKERS[name])
    return reference[REFERENCE_SECTIONS[name]]


def printed_forms(value: float) -> set[str]:
    """How a value may be printed: 7068, 7.068, 7,9, 7.9, 19,0 ..."""
    forms = set()
    if value == int(value):
        forms |= {str(int(value)), f"{int(value):,}".replace(",", ".")}
    for decimals in (1, 2):
        text = f"{value:.{decimals}f}"
        forms |= {text, text.replace(".", ",")}
    return forms


def is_printed(value: float, text: str) -> bool:
    return any(
        re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d]|[.,]\d)", text) for f in printed_forms(value)
    )


def numbers_in(text: str) -> set[float]:
    """Every number printed in a text, Dutch notation (1.000 thousands, 7,5 decimal)."""
    out = set()
    for token in re.findall(r"(?<![\d\w.,])-?\d+(?:[.,]\d+)*", text):
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", token):
            out.add(float(token.replace(".", "")))
        else:
            out.add(float(token.replace(",", ".")))
    return out


def is_year(number: float) -> bool:
    return number == int(number) and 1990 <= number <= 2035


def row(
    df: pd.DataFrame,
    indicator: str,
    period: str,
    region: str = "GM0344",
    published_: str | None = None,
):
    sel = df[(df.indicator == indicator) & (df.period == period) & (df.region_code == region)]
    if published_ is not None:
        sel = sel[sel.published == published_]
    assert len(sel) == 1, (
        f"expected one row for {indicator} {region} {period} {published_}, got {len(sel)}"
    )
    return sel.iloc[0]


def write(tmp_path: Path, text: str | bytes, name: str = "figures.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def raises_at(path: Path, line: int | None, *words: str) -> str:
    with pytest.raises(InputError) as info:
        read_published_csv(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message, message
    if line is not None:
        assert f"line {line}" in message, message
    for word in words:
        assert word in message, message
    return message


# --- the embedded data ---------------------------------------------------------------------


def test_every_published_csv_loads_and_validates(by_file, table):
    assert set(by_file) == set(SEED_MARKERS) | set(REFERENCE_SECTIONS) | set(SUPPLEMENTS)
    assert all(len(df) > 0 for df in by_file.values())
    assert len(table) == sum(len(df) for df in by_file.values())
    assert list(table.columns) == COLUMNS + ["note"]


def test_every_row_cites_source_place_and_publication(table):
    for column in ("source", "source_ref", "published"):
        assert table[column].map(lambda v: isinstance(v, str) and v.strip() != "").all(), column


def test_one_publication_per_file(by_file):
    for name, df in by_file.items():
        if name == "cbs_tabelpaginas.csv":  # one publication per CBS table
            assert (df.groupby("source")["published"].nunique() == 1).all()
        else:
            assert df["published"].nunique() == 1, name


def test_units_are_the_catalogue_units(table):
    expected = table["indicator"].map(lambda i: INDICATORS[i].unit)
    assert (table["unit"] == expected).all(), table.loc[
        table["unit"] != expected, ["indicator", "unit"]
    ]


def test_regions_are_utrecht_g4_and_nederland(table):
    names = dict(zip(table.region_code, table.region_name, strict=True))
    assert names == {
        "GM0344": "Utrecht",
        "GM0363": "Amsterdam",
        "GM0599": "Rotterdam",
        "GM0518": "'s-Gravenhage",
        "NL01": "Nederland",
    }


def test_provisional_rows_are_exactly_the_provisional_figures(table):
    prov = table[table.status == "voorlopig"]
    assert sorted(zip(prov.indicator, prov.region_code, prov.period, strict=True)) == sorted(
        [
            ("buurtteam_jg_trajecten", "GM0344", "2024"),
            ("jeugdhulp_pct", "NL01", "2019"),
            ("jeugdhulp_verblijf_pct", "NL01", "2019"),
            ("jeugdbescherming_pct", "NL01", "2019"),
            ("jeugdbescherming_verblijf_pct", "NL01", "2019"),
            ("jeugdreclassering_pct", "NL01", "2019"),
        ]
    )
    assert set(table.status) == {"definitief", "voorlopig", "missing"}
    missing = table[table.status == "missing"]
    assert missing["value"].isna().all() and len(missing) == 6
    assert table.loc[table.status != "missing", "value"].notna().all()


def test_approximate_wording_is_noted(table):
    approx = {
        ("buurtteam_jg_nieuwe_casussen", "2015"): "bijna 6.000",
        ("buurtteam_jg_clienten", "2015"): "ruim 12.500",
        ("jongeren_onder_18", "2019"): "ongeveer 70.000",
    }
    for (indicator, period), words in approx.items():
        notes = table.note.fillna("")
        sel = table[
            (table.indicator == indicator)
            & (table.period == period)
            & notes.str.contains(words)
            & notes.str.contains("approximate wording")
        ]
        assert len(sel) == 1, (indicator, period)


KEY_FIGURES = [
    # file, indicator, region, period, value, as printed in the document
    (
        "begroting_2026.csv",
        "buurtteam_sociaal_nieuwe_casussen",
        "GM0344",
        "2023",
        7068,
        "van 7068 in 2023",
    ),
    (
        "begroting_2026.csv",
        "buurtteam_sociaal_nieuwe_casussen",
        "GM0344",
        "2024",
        7283,
        "naar 7283 in 2024",
    ),
    ("begroting_2026.csv", "buurtteam_sociaal_clienten", "GM0344", "2024", 9936, "in 2024 9936"),
    (
        "begroting_2026.csv",
        "buurtteam_sociaal_wachttijd",
        "GM0344",
        "2023",
        7.6,
        "7,6 werkdagen in 2023",
    ),
    (
        "begroting_2026.csv",
        "buurtteam_sociaal_wachttijd",
        "GM0344",
        "2024",
        7.9,
        "7,9 werkdagen in 2024",
    ),
    (
        "begroting_2026.csv",
        "lasten_gerealiseerd_passende_basiszorg",
        "GM0344",
        "2024",
        32012,
        "Lasten | 32.012 |",
    ),
    (
        "begroting_2026.csv",
        "lasten_begroot_passende_basiszorg",
        "GM0344",
        "2026",
        29644,
        "| 29.644 |",
    ),
    (
        "begroting_2026.csv",
        "baten_begroot_passende_basiszorg",
        "GM0344",
        "2025",
        2292,
        "Baten | 27 | 2.292 |",
    ),
    (
        "begroting_2026.csv",
        "lasten_beinvloedbaar_pct_passende_basiszorg",
        "GM0344",
        "2026",
        3,
        "2026 is 3 %",
    ),
    (
        "jaarstukken_2018.csv",
        "lasten_begroot_maatschappelijke_ondersteuning",
        "GM0344",
        "2018",
        218486,
        "Begroot € 218.486",
    ),
    (
        "jaarstukken_2018.csv",
        "lasten_gerealiseerd_maatschappelijke_ondersteuning",
        "GM0344",
        "2018",
        217319,
        "Gerealiseerd € 217.319",
    ),
    ("jaarstukken_2018.csv", "wmo_maatwerk_per_10000", "GM0344", "2016", 5.1, "5,1"),
    ("jaarstukken_2018.csv", "wmo_maatwerk_per_10000", "GM0344", "2018", 5.2, "5,2"),
    (
        "jaarstukken_2018.csv",
        "buurtteam_sociaal_wachttijd",
        "GM0344",
        "2018",
        4.3,
        "gemiddeld 4,3 dagen",
    ),
    (
        "jaarstukken_2018.csv",
        "vrijwilligers_rapportcijfer",
        "GM0344",
        "2018",
        7.8,
        "de 7.8 die als rapportcijfer",
    ),
    (
        "jaarstukken_2018.csv",
        "vrijwilligers_rapportcijfer",
        "GM0344",
        "2017",
        7.4,
        "een 7.4 vorig jaar",
    ),
    ("begroting_2020.csv", "wmo_maatwerk_per_10000", "GM0344", "2015", 550, "550"),
    ("begroting_2020.csv", "jeugdhulp_pct", "GM0344", "2015", 7.3, "7,3%"),
    ("begroting_2020.csv", "jeugdhulp_pct", "GM0344", "2016", 13.1, "13,1%*"),
    ("begroting_2020.csv", "jeugdbescherming_pct", "GM0344", "2018", 0.8, "0,8%"),
    ("begroting_2020.csv", "jeugdreclassering_pct", "GM0344", "2016", 0.6, "0,6%"),
    ("begroting_2020.csv", "jongeren_delict_pct", "GM0344", "2015", 2.05, "2,05%"),
    ("begroting_2020.csv", "kinderen_uitkeringsgezin_pct", "GM0344", "2015", 8.41, "8,41%"),
    (
        "begroting_2020.csv",
        "jongeren_onder_18",
        "GM0344",
        "2019",
        70000,
        "ongeveer 70.000 kinderen",
    ),
    (
        "begroting_2020.csv",
        "lasten_begroot_ondersteuning_op_maat",
        "GM0344",
        "2020",
        272234,
        "€ 272.234",
    ),
    (
        "begroting_2020.csv",
        "baten_begroot_ondersteuning_op_maat",
        "GM0344",
        "2020",
        5943,
        "€ 5.943",
    ),
    (
        "persbericht_2016_eerste_jaar.csv",
        "buurtteam_jg_nieuwe_casussen",
        "GM0344",
        "2015",
        6000,
        "bijna 6.000 gezinnen (cases)",
    ),
    (
        "persbericht_2016_eerste_jaar.csv",
        "buurtteam_jg_clienten",
        "GM0344",
        "2015",
        12500,
        "ruim 12.500",
    ),
    (
        "persbericht_2016_eerste_jaar.csv",
        "buurtteam_sociaal_clienten_gesprek",
        "GM0344",
        "2015",
        10000,
        "met 10.000 unieke cliënten",
    ),
    (
        "persbericht_2016_eerste_jaar.csv",
        "buurtteam_sociaal_clienten_traject",
        "GM0344",
        "2015",
        9500,
        "9.500 cliënten",
    ),
    (
        "persbericht_2016_eerste_jaar.csv",
        "buurtteam_jg_rapportcijfer",
        "GM0344",
        "2015",
        7.5,
        "7,5 (jeugd en gezin)",
    ),
    (
        "persbericht_2016_eerste_jaar.csv",
        "buurtteam_sociaal_zonder_hulp_pct",
        "GM0344",
        "2015",
        71,
        "bij Sociaal 71%",
    ),
    (
        "utrecht_monitor_jeugd_2019.csv",
        "buurtteam_jg_clienten",
        "GM0344",
        "2015",
        12163,
        "2015: 12163",
    ),
    (
        "utrecht_monitor_jeugd_2019.csv",
        "aanvullende_zorg_jeugd_trajecten",
        "GM0344",
        "2017-12-31",
        4700,
        "2017: 4700",
    ),
    (
        "utrecht_monitor_jeugd_2020.csv",
        "buurtteam_jg_clienten",
        "GM0344",
        "2016",
        12163,
        "~2016: 12163",
    ),
    (
        "utrecht_monitor_jeugd_2020.csv",
        "buurtteam_jg_gezinnen",
        "GM0344",
        "2018",
        8456,
        "8.456 gezinnen",
    ),
    (
        "utrecht_monitor_jeugd_2025.csv",
        "buurtteam_jg_trajecten",
        "GM0344",
        "2024",
        7850,
        "2024: 7850 (provisional",
    ),
    (
        "utrecht_monitor_volwassenen_2019.csv",
        "buurtteam_sociaal_clienten",
        "GM0344",
        "2016",
        13700,
        "2016: 13700",
    ),
    (
        "utrecht_monitor_volwassenen_2019.csv",
        "aanvullende_zorg_sociaal_trajecten",
        "GM0344",
        "2015-01-01",
        22030,
        "2015: 22030",
    ),
    (
        "utrecht_monitor_volwassenen_2020.csv",
        "buurtteam_sociaal_clienten",
        "GM0344",
        "2016",
        14340,
        "2016: 14340",
    ),
    (
        "utrecht_monitor_volwassenen_2020.csv",
        "buurtteam_sociaal_casussen",
        "GM0344",
        "2018",
        14846,
        "14.846 casussen",
    ),
    (
        "cbs_tabelpaginas.csv",
        "jeugdzorg_personen",
        "GM0344",
        "2017",
        11320,
        "total with youth care 11320",
    ),
    ("cbs_tabelpaginas.csv", "jeugdzorg_personen", "NL01", "2017", 412265, "Nederland 412265"),
    (
        "cbs_tabelpaginas.csv",
        "jeugdzorg_personen",
        "GM0518",
        "2017",
        16405,
        "'s-Gravenhage (gemeente) 16405",
    ),
    (
        "cbs_tabelpaginas.csv",
        "jeugdhulp_pct",
        "NL01",
        "2019",
        12.2,
        "Nederland 2019*: jeugdhulp 12,2 %",
    ),
    (
        "cbs_tabelpaginas.csv",
        "sociaal_domein_clienten",
        "GM0344",
        "2024",
        39860,
        "any social-domain provision 39860",
    ),
]


@pytest.mark.parametrize("name, indicator, region, period, value, printed", KEY_FIGURES)
def test_key_figure_is_in_the_table(by_file, name, indicator, region, period, value, printed):
    assert row(by_file[name], indicator, period, region)["value"] == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize("name, indicator, region, period, value, printed", KEY_FIGURES)
def test_key_figure_is_printed_in_the_document(
    seeds, reference, name, indicator, region, period, value, printed
):
    assert printed in source_text(name, seeds, reference)


@pytest.mark.parametrize(
    "name", sorted(SEED_MARKERS) + sorted(REFERENCE_SECTIONS) + sorted(SUPPLEMENTS)
)
def test_every_transcribed_value_is_printed_in_its_document(by_file, seeds, reference, name):
    text = source_text(name, seeds, reference)
    df = by_file[name].dropna(subset=["value"])
    absent = []
    for r in df.itertuples():
        spelled = SPELLED.get((name, r.indicator, r.period))
        if spelled is not None:
            ok = spelled in text
        elif (
            name in REFERENCE_SECTIONS
            and name != "cbs_tabelpaginas.csv"
            and (name, r.indicator, r.period) not in TEXT_ONLY
        ):
            # the reference lists figures as 'year: value' (optionally '~year: value')
            ok = any(
                re.search(rf"~?{r.period[:4]}: {re.escape(f)}(?![\d]|[.,]\d)", text)
                for f in printed_forms(r.value)
            )
        else:
            ok = is_printed(r.value, text)
        if not ok:
            absent.append((r.indicator, r.period, r.value))
    assert absent == []


@pytest.mark.parametrize("name", sorted(SEED_MARKERS) + sorted(REFERENCE_SECTIONS))
def test_every_number_in_the_document_is_transcribed_or_explained(by_file, seeds, reference, name):
    text = source_text(name, seeds, reference)
    values = set(by_file[name]["value"].dropna())
    values |= {
        v
        for extra, parent in SUPPLEMENTS.items()
        if parent == name
        for v in by_file[extra]["value"].dropna()
    }
    explained = NOT_FIGURES[name if name in SEED_MARKERS else REFERENCE_SECTIONS[name]]
    left = {
        n for n in numbers_in(text) if n not in values and n not in explained and not is_year(n)
    }
    assert left == set()


def test_the_aanvullende_zorg_notitie_holds_no_figures(seeds):
    text = seed_text(seeds, NOTITIE_MARKER)
    left = {n for n in numbers_in(text) if not is_year(n) and n not in NOT_FIGURES["notitie"]}
    assert left == set()


def test_every_seed_document_is_accounted_for(seeds):
    markers = list(SEED_MARKERS.values()) + [NOTITIE_MARKER]
    assert sorted(sum(m in t for m in markers) for t in seeds) == [1] * len(seeds)


def test_docs_name_every_file_and_seed(shared_dir):
    text = DOCS.read_text(encoding="utf-8")
    for name in list(SEED_MARKERS) + list(REFERENCE_SECTIONS) + list(SUPPLEMENTS):
        assert name in text
    for seed in sorted((shared_dir / "seeds").glob("*.txt")):
        assert seed.name in text


# --- conflicts and figures kept as published -------------------------------------------------

CONFLICTS = [
    # indicator, period, {published: value}
    (
        "buurtteam_jg_clienten",
        "2015",
        {
            "Persbericht gemeente Utrecht (2016)": 12500,
            "utrecht-monitor.nl voorzieningen-ondersteuning-jeugd, versie tot juli 2019": 12163,
        },
    ),
    (
        "buurtteam_jg_clienten",
        "2016",
        {
            "utrecht-monitor.nl voorzieningen-ondersteuning-jeugd, versie tot juli 2019": 19000,
            "utrecht-monitor.nl node/84, versie 2020": 12163,
        },
    ),
    (
        "buurtteam_jg_clienten",
        "2017",
        {
            "utrecht-monitor.nl voorzieningen-ondersteuning-jeugd, versie tot juli 2019": 20000,
            "utrecht-monitor.nl node/84, versie 2020": 19000,
        },
    ),
    (
        "buurtteam_jg_gezinnen",
        "2017",
        {
            "utrecht-monitor.nl voorzieningen-ondersteuning-jeugd, versie tot juli 2019": 8100,
            "utrecht-monitor.nl node/84, versie 2020": 8542,
        },
    ),
    (
        "buurtteam_sociaal_clienten",
        "2016",
        {
            "utrecht-monitor.nl voorzieningen-ondersteuning-volwassenen, versie tot juli 2019": 13700,
            "utrecht-monitor.nl node/85, versie 2020": 14340,
        },
    ),
    (
        "buurtteam_sociaal_zonder_hulp_pct",
        "2015",
        {
            "Persbericht gemeente Utrecht (2016)": 71,
            "utrecht-monitor.nl voorzieningen-ondersteuning-volwassenen, versie tot juli 2019": 80,
        },
    ),
    (
        "wmo_maatwerk_per_10000",
        "2016",
        {"Jaarstukken 2018 (2019)": 5.1, "Begroting 2020 (2019)": 510},
    ),
    (
        "wmo_maatwerk_per_10000",
        "2018",
        {"Jaarstukken 2018 (2019)": 5.2, "Begroting 2020 (2019)": 520},
    ),
    (
        "aanvullende_zorg_individuele_begeleiding",
        "2016-12-31",
        {
            "utrecht-monitor.nl voorzieningen-ondersteuning-volwassenen, versie tot juli 2019": 700,
            "utrecht-monitor.nl node/85, versie 2020": 555,
        },
    ),
]


@pytest.mark.parametrize("indicator, period, values", CONFLICTS)
def test_conflicting_publications_are_both_kept_with_a_note(table, indicator, period, values):
    sel = table[
        (table.indicator == indicator) & (table.period == period) & (table.region_code == "GM0344")
    ]
    assert dict(zip(sel.published, sel.value, strict=True)) == pytest.approx(values)
    assert sel["note"].map(lambda n: isinstance(n, str) and len(n) > 10).all()


def test_wmo_per_10000_keeps_both_scales_and_the_unit(table):
    sel = published_series("wmo_maatwerk_per_10000", df=table)
    assert set(sel.unit) == {"per 10000 inwoners"}
    small = sel[sel.published == "Jaarstukken 2018 (2019)"]
    assert list(small.value) == [5.1, 5.1, 5.2]
    assert small["note"].str.contains("kept as published").all()


def test_break_footnote_on_jeugdhulp_2016(table):
    r = row(table, "jeugdhulp_pct", "2016")
    assert r.status == "definitief"  # '*' is a footnote here, not CBS's provisional mark
    assert "bereik van de buurtteams jeugd" in r.note


def test_budget_afwijking_matches_its_parts(table):
    begroot = row(table, "lasten_begroot_maatschappelijke_ondersteuning", "2018").value
    gerealiseerd = row(table, "lasten_gerealiseerd_maatschappelijke_ondersteuning", "2018").value
    assert (
        begroot - gerealiseerd
        == row(table, "lasten_afwijking_maatschappelijke_ondersteuning", "2018").value
        == 1167
    )


def test_budget_afwijking_is_printed(seeds):
    assert "Afwijking € 1.167" in seed_text(seeds, SEED_MARKERS["jaarstukken_2018.csv"])


def test_negative_saldi_are_transcribed_as_printed(seeds, table):
    text = seed_text(seeds, SEED_MARKERS["begroting_2026.csv"])
    assert "Saldo Baten en Lasten | -31.985 |" in text
    assert row(table, "saldo_baten_lasten_gerealiseerd_passende_basiszorg", "2024").value == -31985
    negative = table[table["value"] < 0]
    assert (
        len(negative) == 12 and negative["indicator"].str.startswith("saldo_").all()
    )  # 6 years x 2 lines


@pytest.mark.parametrize(
    "kind, periods",
    [("gerealiseerd", ["2024"]), ("begroot", ["2025", "2026", "2027", "2028", "2029"])],
)
def test_saldo_rows_add_up_to_their_parts(table, kind, periods):
    for period in periods:

        def value(name, period=period):
            return row(table, f"{name}_{kind}_passende_basiszorg", period).value

        assert value("saldo_baten_lasten") == value("baten") - value("lasten")
        assert value("saldo_reserves") == value("reserves_onttrekking") - value(
            "reserves_toevoeging"
        )
        assert value("saldo_totaal") == value("saldo_baten_lasten") + value("saldo_reserves")


def test_a_negative_amount_is_refused_unless_the_indicator_is_a_saldo(tmp_path):
    lasten = (
        "lasten_begroot_passende_basiszorg,GM0344,Utrecht,2025,year,-5,euro x 1000,definitief,"
        "Begroting 2026,Financien,Begroting 2026 (2025),"
    )
    raises_at(write(tmp_path, f"{VALID_HEADER}\n{lasten}\n"), 2, "not negative")
    saldo = lasten.replace("lasten_begroot_", "saldo_baten_lasten_begroot_")
    assert read_published_csv(write(tmp_path, f"{VALID_HEADER}\n{saldo}\n")).value.tolist() == [-5]


def test_cbs_combinations_add_up(table):
    parts = [
        "jeugdzorg_alleen_jeugdhulp",
        "jeugdzorg_jeugdhulp_jeugdbescherming",
        "jeugdzorg_jeugdhulp_jeugdreclassering",
        "jeugdzorg_jeugdhulp_jeugdbescherming_jeugdreclassering",
    ]
    assert (
        sum(row(table, p, "2017").value for p in parts)
        == row(table, "jeugdhulp_personen", "2017").value
    )
    combos = [
        "sociaal_domein_alleen_jeugd",
        "sociaal_domein_alleen_participatiewet",
        "sociaal_domein_alleen_wmo",
        "sociaal_domein_jeugd_participatiewet",
        "sociaal_domein_jeugd_wmo",
        "sociaal_domein_participatiewet_wmo",
        "sociaal_domein_jeugd_participatiewet_wmo",
    ]
    assert (
        sum(row(table, c, "2024").value for c in combos)
        == row(table, "sociaal_domein_clienten", "2024").value
    )


# --- series and vintages -------------------------------------------------------------------


def test_published_series_returns_all_vintages_sorted(table):
    sel = published_series("buurtteam_jg_clienten", df=table)
    assert list(sel.period) == ["2015", "2015", "2016", "2016", "2017", "2017", "2018"]
    assert sel.index.equals(pd.RangeIndex(len(sel)))
    assert published_series("jeugdzorg_personen", "NL01", df=table).value.tolist() == [412265]


def test_published_series_filters_period_type(table):
    dates = published_series("aanvullende_zorg_jeugd_trajecten", period_type="date", df=table)
    assert list(dates.period) == ["2015-12-31", "2016-12-31", "2017-12-31"]
    assert published_series("aanvullende_zorg_jeugd_trajecten", period_type="year", df=table).empty


def test_published_series_loads_the_default_folder():
    assert published_series("buurtteam_sociaal_nieuwe_casussen").value.tolist() == [7068, 7283]


def test_published_series_rejects_unknown_parameters(table):
    with pytest.raises(ParameterError, match="indicator"):
        published_series("no_such_indicator", df=table)
    with pytest.raises(ParameterError, match="period_type"):
        published_series("jeugdhulp_pct", period_type="week", df=table)


@pytest.mark.parametrize(
    "label, year",
    [
        ("Begroting 2026 (2025)", 2025),
        ("utrecht-monitor.nl node/84, versie 2020", 2020),
        ("utrecht-monitor.nl voorzieningen-ondersteuning-jeugd, versie tot juli 2019", 2019),
        ("cbs.nl tabelpagina 82966NED", None),
    ],
)
def test_vintage_year(label, year):
    assert vintage_year(label) == year


def test_latest_vintage_keeps_the_newest_publication(table):
    latest = latest_vintage(published_series("buurtteam_jg_clienten", df=table))
    assert dict(zip(latest.period, latest.value, strict=True)) == {
        "2015": 12163,
        "2016": 12163,
        "2017": 19000,
        "2018": 19500,
    }
    # Jaarstukken 2018 and Begroting 2020 both appeared in 2019: a tie, both kept
    latest = latest_vintage(table)
    tied = latest[latest.duplicated(["indicator", "region_code", "period"], keep=False)]
    assert sorted(set(zip(tied.indicator, tied.period, strict=True))) == [
        ("wmo_maatwerk_per_10000", "2016"),
        ("wmo_maatwerk_per_10000", "2017"),
        ("wmo_maatwerk_per_10000", "2018"),
    ]
    assert set(tied.published) == {"Jaarstukken 2018 (2019)", "Begroting 2020 (2019)"}


# --- loader behaviour and bad input --------------------------------------------------------


def test_loading_does_not_modify_the_files():
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in DATA.glob("*.csv")}
    load_published()
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in DATA.glob("*.csv")}


def test_load_a_single_file_and_env_folder(tmp_path, monkeypatch):
    folder = tmp_path / "published"
    folder.mkdir()
    path = write(folder, f"{VALID_HEADER}\n{VALID_ROW}\n")
    assert load_published(path).value.tolist() == [7068]
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(tmp_path))
    assert load_published().value.tolist() == [7068]
    assert load_published().note.tolist() == [None]


def test_a_valid_file_reads_text_as_text(tmp_path):
    path = write(tmp_path, f"{VALID_HEADER}\n{VALID_ROW.replace(',Bereik,', ',007,')}\n")
    assert read_published_csv(path).source_ref.tolist() == ["007"]


@pytest.mark.parametrize(
    "change, words",
    [
        ((",7068,aantal,", ",-5,aantal,"), ["not negative"]),
        (("buurtteam_sociaal_nieuwe_casussen,", "buurtteam_onbekend,"), ["known indicator"]),
        (("GM0344,Utrecht", "Utrecht,Utrecht"), ["region code"]),
        (("GM0344,Utrecht", "gm0344,Utrecht"), ["region code"]),
        ((",7068,", ',"7,3",'), ["not a number", "decimal point"]),
        ((",2023,year,", ",2023,date,"), ["period"]),
        ((",definitief,", ",final,"), ["status"]),
        ((",aantal,", ",stuks,"), ["unit"]),
        ((",Bereik,", ",,"), ["source_ref", "citation"]),
        ((",Begroting 2026 (2025),", ",,"), ["published"]),
        (("GM0344,Utrecht", "GM0344,Amsterdam"), ["region name"]),
    ],
)
def test_bad_row_names_file_and_line(tmp_path, change, words):
    good = VALID_ROW.replace("2023,year", "2022,year")
    bad = VALID_ROW.replace(*change)
    path = write(tmp_path, f"{VALID_HEADER}\n{good}\n{bad}\n")
    raises_at(path, 3, *words)


def test_percentage_of_130_is_rejected(tmp_path):
    bad = "jeugdhulp_pct,GM0344,Utrecht,2016,year,130,procent,definitief,Begroting 2020,BBV,Begroting 2020 (2019),"
    raises_at(write(tmp_path, f"{VALID_HEADER}\n{bad}\n"), 2, "percentage", "130")


def test_mark_of_11_is_rejected(tmp_path):
    bad = "buurtteam_jg_rapportcijfer,GM0344,Utrecht,2016,year,11,rapportcijfer,definitief,s,r,p,"
    raises_at(write(tmp_path, f"{VALID_HEADER}\n{bad}\n"), 2, "mark")


def test_unquoted_decimal_comma_splits_the_row(tmp_path):
    path = write(tmp_path, f"{VALID_HEADER}\n{VALID_ROW}\n{VALID_ROW.replace(',7068,', ',7,3,')}\n")
    raises_at(path, 3, "13 fields, expected 12")


def test_line_numbers_count_blank_lines(tmp_path):
    bad = VALID_ROW.replace(",7068,", ",-1,").replace("2023", "2021")
    path = write(tmp_path, f"{VALID_HEADER}\n{VALID_ROW}\n\n{bad}\n")
    raises_at(path, 4, "not negative")


def test_conflicting_duplicates_in_one_file(tmp_path):
    path = write(
        tmp_path, f"{VALID_HEADER}\n{VALID_ROW}\n{VALID_ROW.replace(',7068,', ',7000,')}\n"
    )
    raises_at(path, 3, "conflicting")


def test_conflicting_duplicates_across_files(tmp_path):
    write(tmp_path, f"{VALID_HEADER}\n{VALID_ROW}\n", "a.csv")
    second = write(tmp_path, f"{VALID_HEADER}\n{VALID_ROW.replace(',7068,', ',7000,')}\n", "b.csv")
    with pytest.raises(InputError, match="conflicting") as info:
        load_published(tmp_path)
    assert f"{second}, line 2" in str(info.value) and "a.csv line 2" in str(info.value)


def test_semicolon_file_is_rejected_at_line_1(tmp_path):
    text = f"{VALID_HEADER}\n{VALID_ROW}\n".replace(",", ";")
    raises_at(write(tmp_path, text), 1, "';'", "comma")


def test_missing_column_is_named(tmp_path):
    header = VALID_HEADER.replace("status,", "")
    data = VALID_ROW.replace("definitief,", "")
    raises_at(write(tmp_path, f"{header}\n{data}\n"), 1, "missing column", "status")


def test_unexpected_column_is_named(tmp_path):
    raises_at(
        write(tmp_path, f"{VALID_HEADER},extra\n{VALID_ROW},x\n"), 1, "unexpected column", "extra"
    )


@pytest.mark.parametrize("content", ["", "\n\n", "   "])
def test_empty_file_is_rejected(tmp_path, content):
    raises_at(write(tmp_path, content), None, "empty file")


def test_header_only_is_rejected(tmp_path):
    raises_at(write(tmp_path, f"{VALID_HEADER}\n"), None, "no figures")


def test_binary_file_is_rejected_with_its_line(tmp_path):
    raises_at(write(tmp_path, f"{VALID_HEADER}\n".encode() + b"\x89PNG\x00\x01"), 2, "binary")


def test_non_utf8_file_is_rejected_with_its_line(tmp_path):
    text = f"{VALID_HEADER}\n{VALID_ROW}\n".replace("Bereik", "Caf\xe9").encode("latin-1")
    raises_at(write(tmp_path, text), 2, "UTF-8")


def test_utf8_bom_is_accepted(tmp_path):
    path = write(tmp_path, f"{VALID_HEADER}\n{VALID_ROW}\n".encode("utf-8-sig"))
    assert read_published_csv(path).indicator.tolist() == ["buurtteam_sociaal_nieuwe_casussen"]


def test_missing_or_empty_folder(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        load_published(tmp_path / "nowhere")
    with pytest.raises(InputError, match="no CSV file") as info:
        load_published(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_module_exports():
    assert published.OUTPUT_COLUMNS == COLUMNS + ["note"]


def test_a_unit_may_be_written_as_the_document_prints_it(tmp_path):
    row = (
        "saldo_baten_lasten_gerealiseerd_passende_basiszorg,GM0344,Utrecht,2024,year,-31985,x € 1.000,definitief,"
        "Begroting 2026,Financien,Begroting 2026 (2025),"
    )
    frame = read_published_csv(write(tmp_path, f"{VALID_HEADER}\n{row}\n"))
    assert frame["unit"].tolist() == ["euro x 1000"] and frame["value"].tolist() == [-31985]
    raises_at(
        write(tmp_path, f"{VALID_HEADER}\n{row.replace('x € 1.000', 'x € 1000 000')}\n"), 2, "unit"
    )


# --- periods without validating every figure (the runner's up-front check) -----------------


def test_published_periods_are_the_periods_of_the_loaded_figures():
    from analysis.published import published_periods

    assert published_periods() == set(load_published()["period"].astype(str))


def test_published_periods_refuse_a_malformed_file_naming_file_and_line(tmp_path):
    from analysis.published import published_periods

    folder = tmp_path / "published"
    folder.mkdir()
    write(folder, f"{VALID_HEADER}\n{VALID_ROW}\n", "a.csv")
    bad = write(folder, f"{VALID_HEADER}\n{VALID_ROW}\n{VALID_ROW},extra\n", "b.csv")
    with pytest.raises(InputError) as info:
        published_periods(folder)
    message = str(info.value)
    assert str(bad) in message and "line 3" in message and "\n" not in message
    (folder / "b.csv").unlink()
    other = VALID_ROW.replace(",2023,year,", ",2024H1,halfyear,")
    write(folder, f"{VALID_HEADER}\n{other}\n", "c.csv")
    assert published_periods(folder) == {"2023", "2024H1"}
    # a period the validator refuses must not widen the span the runner checks against
    wrong = VALID_ROW.replace(",2023,year,", ",2031,halfyear,")
    bad = write(folder, f"{VALID_HEADER}\n{VALID_ROW}\n{wrong}\n", "d.csv")
    with pytest.raises(InputError) as info:
        published_periods(folder)
    assert (
        str(bad) in str(info.value) and "line 3" in str(info.value) and "'2031'" in str(info.value)
    )
