"""A synthetic case register of Utrecht's buurtteams, calibrated to published figures.

**Everything this module produces is invented.** It is a stand-in for the real
register of the buurtteams (Jeugd en Gezin and Sociaal) so the notebooks can
be developed and tested without personal data. Its yearly totals reproduce the
figures the municipality of Utrecht published (table :data:`TARGETS`, within
2 %, a few round or derived figures within 5-10 %); everything else (wijk distribution, ages, durations, end reasons,
survey details, the years between publications) is an assumption, listed in
:data:`ASSUMPTIONS` and in ``docs/synthetic-register.md``.

Usage::

    from analysis import synthetic
    register = synthetic.generate()          # Register(cases, surveys, care, synthetic=True, ...)
    synthetic.write("data/synthetic")         # the committed files
    python -m analysis.synthetic --out DIR   # same, from the command line

The same seed gives byte-identical files (gzip with ``mtime=0``).

How the calibration works
-------------------------
The generator builds a *plan* (:func:`build_plan`): for every team and year
the number of new cases, of cases active in the year, of unique clients and
the mean waiting time, survey marks and shares. Published values are used as
they are; years between publications are interpolated with a monotone cubic
(PCHIP) through the published years, years outside them keep the nearest
published value; quantities that were never published follow from the
assumptions (:func:`build_plan` documents each rule). The generator then
draws cases year by year and hits the plan exactly:

* new cases: exactly the planned number of registrations per year;
* active cases: a year's active cases are the cases still running on
  1 January (from the drawn durations) plus its new cases; where the plan
  fixes the active cases, the number of new cases is what is left over;
* unique clients: each new case gets a household (one client, a partner, a
  family with children and parents); returning clients re-use their earlier
  household; household sizes are adjusted so the year's unique clients match;
* waiting times: urgent cases (10 %) get 0-5 working days, the others a
  skewed (negative binomial) wait; then single non-urgent waits are moved by
  one working day until the year's mean equals the plan;
* marks and "verder zonder hulp": per survey year, marks are drawn from a
  discretised normal distribution whose mean is tuned and whose rounded
  counts are corrected to the planned mean; shares are exact quotas;
* aanvullende zorg: trajectories from buurtteam referrals plus trajectories
  from other routes (huisarts, gecertificeerde instelling) so that the clients
  per year match the plan.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import itertools
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from scipy.interpolate import PchipInterpolator

from . import config
from .regions import UTRECHT_WIJKEN
from .register import (
    AGE_BAND_BOUNDS,
    AGE_BANDS,
    CARE_COLUMNS,
    CASE_COLUMNS,
    METADATA_FILE,
    SURVEY_COLUMNS,
    SYNTHETIC_MUNICIPALITY,
    Register,
    active_cases,
    average_monthly_active,
    care_clients,
    clean_text,
    clients_with_conversation,
    ended_as_planned,
    forward_share,
    new_cases,
    survey_marks,
    unique_clients,
    waiting_times,
    without_help_share,
)
from .workdays import holiday_dates

DEFAULT_SEED = 20150101
#: Bump when the output of :func:`generate` changes for the same seed.
GENERATOR_VERSION = "1.0"
FIRST_YEAR, LAST_YEAR = 2015, 2024
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
SNAPSHOT = pd.Timestamp(f"{LAST_YEAR}-12-31")
MUNICIPALITY = SYNTHETIC_MUNICIPALITY
FILES = {"cases": "cases.csv.gz", "surveys": "surveys.csv.gz", "care": "aanvullende_zorg.csv.gz"}
README = "README.md"

# --------------------------------------------------------------------------------------
# Calibration targets: published figures, with their source
# --------------------------------------------------------------------------------------

BEGROTING_2026 = (
    "Gemeente Utrecht, Begroting 2026, programma Ondersteuning op maat, "
    "doelstelling 1 Passende basiszorg (2025)"
)
JAARSTUKKEN_2018 = (
    "Gemeente Utrecht, Jaarstukken 2018, programma Maatschappelijke Ondersteuning (2019)"
)
PERSBERICHT_2016 = (
    "Gemeente Utrecht, persbericht 'Utrecht bouwt verder aan een vitale en sociale stad "
    "voor iedereen' (2016)"
)
MONITOR_JEUGD_2019 = (
    "utrecht-monitor.nl, Voorzieningen en ondersteuning jeugd "
    "(sociale-leefomgeving/sociale-kracht/voorzieningen-ondersteuning-jeugd), versie tot juli 2019"
)
MONITOR_JEUGD_2020 = "utrecht-monitor.nl/node/84, Ondersteuning jeugd, versie 2020"
MONITOR_JEUGD_2025 = (
    "utrecht-monitor.nl, Ondersteuning jeugd "
    "(sociale-omgeving/zorg-ondersteuning/ondersteuning-jeugd), versie 2025"
)
MONITOR_VOLW_2019 = (
    "utrecht-monitor.nl, Voorzieningen en ondersteuning volwassenen "
    "(sociale-leefomgeving/sociale-kracht/voorzieningen-ondersteuning-volwassenen), versie tot juli 2019"
)
MONITOR_VOLW_2020 = "utrecht-monitor.nl/node/85, Ondersteuning volwassenen, versie 2020"


@dataclass(frozen=True)
class Target:
    """A published figure the synthetic register reproduces.

    Attributes
    ----------
    indicator : str
        Indicator id (:mod:`analysis.indicators`).
    year : int
    value : float
        The published value.
    document : str
        The publication (and version) the value is taken from.
    note : str
        Why this value where publications disagree, or how it is measured.
    tolerance : float
        Relative tolerance the tests allow (0.02 = 2 %).
    """

    indicator: str
    year: int
    value: float
    document: str
    note: str = ""
    tolerance: float = 0.02


def _t(indicator, year, value, document, note="", tolerance=0.02) -> Target:
    return Target(indicator, year, value, document, note, tolerance)


#: The published Utrecht figures the generator reproduces (region GM0344).
TARGETS: tuple[Target, ...] = (
    # --- Buurtteams Sociaal -------------------------------------------------------------
    _t("buurtteam_sociaal_nieuwe_casussen", 2023, 7068, BEGROTING_2026, "instroom nieuwe casussen"),
    _t("buurtteam_sociaal_nieuwe_casussen", 2024, 7283, BEGROTING_2026, "instroom nieuwe casussen"),
    _t(
        "buurtteam_sociaal_clienten",
        2015,
        10580,
        MONITOR_VOLW_2019,
        "2015 started from an incomplete opening stock; the register has none",
    ),
    _t(
        "buurtteam_sociaal_clienten",
        2016,
        14340,
        MONITOR_VOLW_2020,
        "versie tot juli 2019 gives 13700, which its text calls '13.700 casussen': used as cases",
    ),
    _t("buurtteam_sociaal_clienten", 2017, 15154, MONITOR_VOLW_2020),
    _t(
        "buurtteam_sociaal_clienten",
        2018,
        16083,
        MONITOR_VOLW_2020,
        "'basishulp geboden aan 16.083 klanten in 14.846 casussen'",
    ),
    _t(
        "buurtteam_sociaal_clienten",
        2024,
        9936,
        BEGROTING_2026,
        "'het aantal inwoners dat een beroep doet op het buurtteam'",
    ),
    _t(
        "buurtteam_sociaal_casussen", 2016, 13700, MONITOR_VOLW_2019, "page text: '13.700 casussen'"
    ),
    _t(
        "buurtteam_sociaal_casussen",
        2018,
        14846,
        MONITOR_VOLW_2020,
        "'16.083 klanten in 14.846 casussen'",
    ),
    _t("buurtteam_sociaal_wachttijd", 2016, 4.7, MONITOR_VOLW_2020),
    _t("buurtteam_sociaal_wachttijd", 2017, 5.5, MONITOR_VOLW_2020),
    _t("buurtteam_sociaal_wachttijd", 2018, 4.3, MONITOR_VOLW_2020, "also Jaarstukken 2018"),
    _t("buurtteam_sociaal_wachttijd", 2023, 7.6, BEGROTING_2026),
    _t("buurtteam_sociaal_wachttijd", 2024, 7.9, BEGROTING_2026),
    _t(
        "buurtteam_sociaal_rapportcijfer",
        2015,
        7.6,
        PERSBERICHT_2016,
        "also the monitor, versie tot juli 2019",
    ),
    _t("buurtteam_sociaal_rapportcijfer", 2016, 7.8, MONITOR_VOLW_2020),
    _t("buurtteam_sociaal_rapportcijfer", 2017, 7.7, MONITOR_VOLW_2020),
    _t("buurtteam_sociaal_rapportcijfer", 2018, 7.9, MONITOR_VOLW_2020),
    _t("buurtteam_sociaal_zonder_hulp_pct", 2016, 84, MONITOR_VOLW_2020),
    _t("buurtteam_sociaal_zonder_hulp_pct", 2017, 83, MONITOR_VOLW_2020),
    _t("buurtteam_sociaal_zonder_hulp_pct", 2018, 86, MONITOR_VOLW_2020),
    # --- Buurtteams Jeugd en Gezin ------------------------------------------------------
    _t(
        "buurtteam_jg_nieuwe_casussen",
        2015,
        6000,
        PERSBERICHT_2016,
        "'bijna 6.000 gezinnen (cases)' started; all cases were new in 2015",
    ),
    _t("buurtteam_jg_gezinnen", 2015, 6000, MONITOR_JEUGD_2019),
    _t(
        "buurtteam_jg_gezinnen",
        2016,
        8600,
        MONITOR_JEUGD_2019,
        "versie 2020 shows 6000 in its 2016 column: the 2015 value, shifted",
    ),
    _t(
        "buurtteam_jg_gezinnen",
        2017,
        8542,
        MONITOR_JEUGD_2020,
        "versie tot juli 2019 gives 8100; 8542 is the later, unrounded value and lies "
        "between 8600 (2016) and 8456 (2018) of the same series",
    ),
    _t(
        "buurtteam_jg_gezinnen",
        2018,
        8456,
        MONITOR_JEUGD_2020,
        "'In 2018 hebben de buurtteams jeugd & gezin 8.456 gezinnen ondersteund'",
    ),
    _t(
        "buurtteam_jg_clienten",
        2015,
        12163,
        MONITOR_JEUGD_2019,
        "versie 2020 puts 12163/19000/19500 one year later; the press release of 2016 gives "
        "'ruim 12.500' for 2015, so the years of versie tot juli 2019 are followed",
    ),
    _t("buurtteam_jg_clienten", 2016, 19000, MONITOR_JEUGD_2019),
    _t("buurtteam_jg_clienten", 2017, 20000, MONITOR_JEUGD_2019),
    _t(
        "buurtteam_jg_trajecten",
        2021,
        8740,
        MONITOR_JEUGD_2025,
        "counted as J&G cases active in the year",
    ),
    _t("buurtteam_jg_trajecten", 2022, 8700, MONITOR_JEUGD_2025),
    _t(
        "buurtteam_jg_trajecten",
        2023,
        8725,
        MONITOR_JEUGD_2025,
        "2024 (7850) is provisional and not used; 2024 keeps the 2023 level",
    ),
    _t(
        "buurtteam_jg_rapportcijfer",
        2015,
        7.5,
        MONITOR_JEUGD_2019,
        "also the press release of 2016",
    ),
    _t("buurtteam_jg_rapportcijfer", 2016, 7.9, MONITOR_JEUGD_2019),
    _t("buurtteam_jg_rapportcijfer", 2017, 8.1, MONITOR_JEUGD_2019),
    _t("buurtteam_jg_rapportcijfer", 2018, 8.3, MONITOR_JEUGD_2020),
    _t("buurtteam_jg_zonder_hulp_pct", 2015, 80, PERSBERICHT_2016),
    _t("buurtteam_jg_volgens_plan_pct", 2015, 76, MONITOR_JEUGD_2019),
    _t("buurtteam_jg_volgens_plan_pct", 2016, 76, MONITOR_JEUGD_2019),
    _t("buurtteam_jg_volgens_plan_pct", 2017, 76, MONITOR_JEUGD_2019),
    # --- Aanvullende zorg -----------------------------------------------------------------
    _t(
        "aanvullende_zorg_jeugd_clienten",
        2016,
        4146,
        MONITOR_JEUGD_2020,
        "counted as clients with a trajectory active in the year",
    ),
    _t("aanvullende_zorg_jeugd_clienten", 2017, 4604, MONITOR_JEUGD_2020),
    _t("aanvullende_zorg_jeugd_clienten", 2018, 4583, MONITOR_JEUGD_2020),
    _t("aanvullende_zorg_jeugd_clienten", 2021, 5070, MONITOR_JEUGD_2025),
    _t("aanvullende_zorg_jeugd_clienten", 2022, 5510, MONITOR_JEUGD_2025),
    _t("aanvullende_zorg_jeugd_clienten", 2023, 5510, MONITOR_JEUGD_2025),
    _t("aanvullende_zorg_jeugd_clienten", 2024, 5380, MONITOR_JEUGD_2025),
    _t(
        "buurtteam_aanvullende_zorg_verhouding",
        2018,
        85,
        MONITOR_VOLW_2020,
        "'verhouding cliënten buurtteam : aanvullende zorg ongeveer 85 : 15' (Sociaal)",
    ),
    # --- Looser: round or differently defined figures ---------------------------------------
    _t(
        "buurtteam_sociaal_clienten_gesprek",
        2015,
        10000,
        PERSBERICHT_2016,
        "'met 10.000 unieke cliënten een gesprek geweest': a round figure",
        tolerance=0.05,
    ),
    _t(
        "buurtteam_jg_gezinnen_per_maand",
        2016,
        3600,
        MONITOR_JEUGD_2019,
        "average of the monthly numbers of families; follows from the durations, not tuned",
        tolerance=0.10,
    ),
    _t(
        "buurtteam_jg_gezinnen_per_maand",
        2017,
        3900,
        MONITOR_JEUGD_2019,
        "average of the monthly numbers of families; follows from the durations, not tuned",
        tolerance=0.10,
    ),
)

#: Published figures deliberately NOT reproduced, and why.
NOT_USED = (
    (
        "buurtteam_sociaal_zonder_hulp_pct",
        2015,
        80,
        MONITOR_VOLW_2019,
        "the press release of 2016 gives 71 % for Sociaal (and 80 % for Jeugd); the generator uses 71",
    ),
    ("buurtteam_jg_gezinnen", 2017, 8100, MONITOR_JEUGD_2019, "8542 (versie 2020) used"),
    ("buurtteam_jg_clienten", 2015, 12500, PERSBERICHT_2016, "'ruim 12.500'; 12163 used"),
    (
        "buurtteam_jg_clienten",
        2018,
        19500,
        MONITOR_JEUGD_2020,
        "column position ambiguous on the page",
    ),
    (
        "buurtteam_jg_trajecten",
        2024,
        7850,
        MONITOR_JEUGD_2025,
        "provisional; 2024 keeps the 2023 level",
    ),
    ("buurtteam_sociaal_clienten", 2016, 13700, MONITOR_VOLW_2019, "used as cases (casussen) 2016"),
)


def targets() -> pd.DataFrame:
    """The calibration targets as a DataFrame (one row per :class:`Target`)."""
    return pd.DataFrame([vars(t) for t in TARGETS])


# --------------------------------------------------------------------------------------
# Assumptions (no publication behind them)
# --------------------------------------------------------------------------------------

#: Wijken: approximate population (thousands) in 2015 and 2024, and the relative
#: number of cases per inhabitant for each team. Illustrative round numbers, not CBS data:
#: Overvecht and Zuidwest have more requests per inhabitant, Leidsche Rijn and
#: Vleuten-De Meern many young families and few older people.
WIJKEN = pd.DataFrame(
    [
        # code,     name,               pop2015, pop2024, sociaal, jeugd
        ("WK034401", "West", 25.0, 27.0, 1.10, 0.90),
        ("WK034402", "Noordwest", 43.0, 46.0, 1.15, 1.10),
        ("WK034403", "Overvecht", 33.0, 36.0, 2.10, 1.90),
        ("WK034404", "Noordoost", 28.0, 29.0, 0.80, 0.80),
        ("WK034405", "Oost", 32.0, 34.0, 0.75, 0.60),
        ("WK034406", "Binnenstad", 18.0, 19.0, 0.90, 0.50),
        ("WK034407", "Zuid", 31.0, 33.0, 1.00, 0.90),
        ("WK034408", "Zuidwest", 35.0, 38.0, 1.60, 1.40),
        ("WK034409", "Leidsche Rijn", 44.0, 64.0, 0.70, 1.30),
        ("WK034410", "Vleuten-De Meern", 40.0, 44.0, 0.60, 1.10),
    ],
    columns=["wijk_code", "name", "pop2015", "pop2024", "sociaal", "jeugd_en_gezin"],
)
if tuple(WIJKEN["wijk_code"]) != UTRECHT_WIJKEN:  # pragma: no cover - a guard for edits
    raise RuntimeError("WIJKEN must list the wijken of analysis.regions.UTRECHT_WIJKEN in order")

#: Everything else the generator assumes.
ASSUMPTIONS: dict[str, dict] = {
    "urgent_share": {"sociaal": 0.10, "jeugd_en_gezin": 0.10},
    "no_conversation_share": {"sociaal": 0.04, "jeugd_en_gezin": 0.03},
    "returning_share": {"sociaal": 0.22, "jeugd_en_gezin": 0.10},  # new case of an earlier client
    "repeat_share": {"sociaal": 0.02, "jeugd_en_gezin": 0.01},  # second case in the same year
    "max_household": {"sociaal": 3, "jeugd_en_gezin": 7},
    "duration_days": {  # lognormal: median and sigma, from first conversation to end
        "sociaal": (60, 1.0),
        "jeugd_en_gezin": (150, 0.8),
    },
    "urgent_wait_probs": (0.25, 0.30, 0.20, 0.12, 0.08, 0.05),  # 0..5 working days
    "wait_dispersion": 1.6,  # negative binomial shape of non-urgent waits (smaller: more skewed)
    "max_wait": 60,
    "wait_jeugd_en_gezin": 6.0,  # J&G mean waiting time (nothing published)
    "as_planned_sociaal": 78.0,  # % of closed Sociaal cases ended as planned (nothing published)
    "referred_share_of_planned": {"sociaal": 0.12, "jeugd_en_gezin": 0.22},
    "other_end_reasons": {  # shares among the cases not ended as planned
        "sociaal": {
            "verhuisd": 0.25,
            "overleden": 0.15,
            "voortijdig_gestopt": 0.30,
            "anders": 0.15,
            "administratief_afgesloten": 0.15,
        },
        "jeugd_en_gezin": {
            "verhuisd": 0.35,
            "overleden": 0.0,
            "voortijdig_gestopt": 0.40,
            "anders": 0.15,
            "administratief_afgesloten": 0.10,
        },
    },
    "survey_response": {"sociaal": 0.18, "jeugd_en_gezin": 0.15},
    "mark_sd": 1.1,
    "care_share_sociaal": 15.0,  # aanvullende zorg in 'buurtteam : aanvullende zorg', all years
    "care_opening_share": {
        "jeugd": 0.55,
        "sociaal": 0.55,
    },  # of the 2015 care clients already in care
    "care_types": {
        "jeugd": {
            "ambulante_jeugdhulp": 0.80,
            "jeugdhulp_verblijf": 0.12,
            "jeugdbescherming": 0.08,
        },
        "sociaal": {
            "individuele_begeleiding": 0.45,
            "dagbegeleiding": 0.15,
            "arbeidsmatige_activering": 0.15,
            "beschermd_wonen": 0.15,
            "maatschappelijke_opvang": 0.10,
        },
    },
    "care_duration_days": {
        "ambulante_jeugdhulp": (240, 0.8),
        "jeugdhulp_verblijf": (420, 0.8),
        "jeugdbescherming": (360, 0.6),
        "individuele_begeleiding": (300, 0.9),
        "dagbegeleiding": (420, 0.8),
        "arbeidsmatige_activering": (300, 0.8),
        "beschermd_wonen": (800, 0.7),
        "maatschappelijke_opvang": (120, 0.8),
    },
    "age_bands": {  # band shares of the first client of a new case
        "sociaal": {"18-22": 0.06, "23-44": 0.33, "45-64": 0.34, "65-74": 0.12, "75+": 0.15},
        "jeugd_en_gezin": {"0-3": 0.18, "4-11": 0.40, "12-17": 0.34, "18-22": 0.08},
        "jeugd_en_gezin_young_wijken": {"0-3": 0.25, "4-11": 0.45, "12-17": 0.25, "18-22": 0.05},
    },
    "season": (
        1.05,
        1.0,
        1.05,
        1.0,
        0.95,
        1.0,
        0.8,
        0.75,
        1.1,
        1.1,
        1.05,
        0.85,
    ),  # registrations by month
    "weekend_weight": 0.05,  # registrations on a weekend day or holiday, relative to a working day
    # Begroting 2026: in 2024 "een lichte daling door administratieve afsluitingen van niet meer actieve
    # dossiers" and, with the higher instroom, "de uitstroom nam ook toe". Every Sociaal case registered
    # before this date and still open at the end of LAST_YEAR is closed administratively in the last
    # quarter of LAST_YEAR (its clients stay counted in that year: the case ran in it).
    "administrative_closing": {
        "team": "sociaal",
        "registered_before": f"{LAST_YEAR}-01-01",
        "between": (f"{LAST_YEAR}-10-01", f"{LAST_YEAR}-12-31"),
    },
}
_YOUNG_WIJKEN = ("WK034409", "WK034410")

# --------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------


def _curve(anchors: Mapping[int, float], years=YEARS) -> dict[int, float]:
    """PCHIP through the anchor years; the nearest anchor's value outside them."""
    xs = sorted(anchors)
    ys = [float(anchors[x]) for x in xs]
    if len(xs) == 1:
        return {y: ys[0] for y in years}
    f = PchipInterpolator(xs, ys, extrapolate=False)
    return {y: ys[0] if y < xs[0] else ys[-1] if y > xs[-1] else float(f(y)) for y in years}


def _target(indicator: str) -> dict[int, float]:
    return {t.year: t.value for t in TARGETS if t.indicator == indicator}


def build_plan() -> pd.DataFrame:
    """Yearly plan the generator hits, per team.

    A year's *active cases* (``A``) are the cases still running on 1 January
    (the *carry-over*, which follows from the drawn durations) plus the year's
    *new cases* (``N``). The plan fixes one of the two; the generator derives
    the other from the carry-over it finds, so no case is closed or extended
    artificially. Empty cells are decided while generating.

    Sociaal
        ``A`` 2016 and 2018 as published; 2015 and 2017 = published clients /
        clients-per-case ``r`` (PCHIP through 2016 = 14340/13700 and 2018 =
        16083/14846, flat outside). ``N`` 2023 and 2024 as published; 2019-2022
        by PCHIP through the realised 2015-2018 and the published 2023-2024.
        Clients as published (2015-2018, 2024), otherwise ``round(r * A)``.
    Jeugd en Gezin
        ``A`` (families supported, later "trajecten"): PCHIP through the
        published years 2015-2018 and 2021-2023; 2024 = 2023. ``N`` 2015 =
        6000 (all cases new). Clients per family ``r``: PCHIP through
        2015-2017, flat after; clients as published (2015-2017), otherwise
        ``round(r * A)``.
    Both
        Waiting time, marks, "zonder hulp" and "volgens plan": PCHIP through
        the published years, flat outside; where nothing is published the
        assumption (:data:`ASSUMPTIONS`). Aanvullende zorg jeugd: PCHIP through
        the published clients; Sociaal: care clients such that the buurtteam
        has 85 % of buurtteam + care clients.

    Returns
    -------
    DataFrame
        One row per team and year: ``new_cases``, ``active_cases``,
        ``clients`` (Int64, empty = decided while generating),
        ``clients_per_case``, ``wait_mean``, ``mark_mean``,
        ``without_help_pct``, ``as_planned_pct``, ``care_domain``,
        ``care_share`` (Sociaal: % care of buurtteam + care) and
        ``care_clients`` (Jeugd).
    """
    rows = []
    # Sociaal
    cl = _target("buurtteam_sociaal_clienten")
    ac = _target("buurtteam_sociaal_casussen")
    nc = _target("buurtteam_sociaal_nieuwe_casussen")
    r = _curve({y: cl[y] / ac[y] for y in ac})
    wait = _curve(_target("buurtteam_sociaal_wachttijd"))
    mark = _curve(_target("buurtteam_sociaal_rapportcijfer"))
    help_ = _curve({2015: 71.0, **_target("buurtteam_sociaal_zonder_hulp_pct")})
    share = 100 - _curve(_target("buurtteam_aanvullende_zorg_verhouding"))[FIRST_YEAR]
    for y in YEARS:
        active = ac.get(y, round(cl[y] / r[y]) if y in cl and y <= 2018 else None)
        rows.append(
            dict(
                team="sociaal",
                year=y,
                new_cases=nc.get(y),
                active_cases=active,
                clients=cl.get(y),
                clients_per_case=r[y],
                wait_mean=wait[y],
                mark_mean=mark[y],
                without_help_pct=help_[y],
                as_planned_pct=ASSUMPTIONS["as_planned_sociaal"],
                care_domain="sociaal",
                care_share=share,
                care_clients=None,
            )
        )
    # Jeugd en Gezin
    fam = {**_target("buurtteam_jg_gezinnen"), **_target("buurtteam_jg_trajecten")}
    a_curve = _curve(fam)
    jcl = _target("buurtteam_jg_clienten")
    rj = _curve({y: jcl[y] / fam[y] for y in jcl})
    jnc = _target("buurtteam_jg_nieuwe_casussen")
    mark = _curve(_target("buurtteam_jg_rapportcijfer"))
    help_ = _curve(_target("buurtteam_jg_zonder_hulp_pct"))
    planned = _curve(_target("buurtteam_jg_volgens_plan_pct"))
    care = _curve(_target("aanvullende_zorg_jeugd_clienten"))
    for y in YEARS:
        rows.append(
            dict(
                team="jeugd_en_gezin",
                year=y,
                new_cases=jnc.get(y),
                active_cases=round(a_curve[y]),
                clients=jcl.get(y),
                clients_per_case=rj[y],
                wait_mean=ASSUMPTIONS["wait_jeugd_en_gezin"],
                mark_mean=mark[y],
                without_help_pct=help_[y],
                as_planned_pct=planned[y],
                care_domain="jeugd",
                care_share=None,
                care_clients=round(care[y]),
            )
        )
    out = pd.DataFrame(rows)
    for col in ("new_cases", "active_cases", "clients", "care_clients"):
        out[col] = pd.array(out[col].astype(float).round(), dtype="Int64")
    out["care_share"] = out["care_share"].astype(float)
    return out


# --------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------

_EPOCH = np.datetime64("1970-01-01", "D")
_NONE = np.iinfo(np.int64).min // 4  # "no date" in the day-number arrays


def _day(y: int, m: int, d: int) -> int:
    return int((np.datetime64(f"{y:04d}-{m:02d}-{d:02d}", "D") - _EPOCH).astype(int))


class _Calendar:
    """Working-day arithmetic on integer day numbers."""

    def __init__(self) -> None:
        self.holidays = holiday_dates(FIRST_YEAR - 3, LAST_YEAR + 4)

    def dates(self, days: np.ndarray) -> np.ndarray:
        return _EPOCH + days.astype("timedelta64[D]")

    def is_working(self, days: np.ndarray) -> np.ndarray:
        return np.is_busday(self.dates(days), holidays=self.holidays)

    def add(self, days: np.ndarray, n: np.ndarray) -> np.ndarray:
        """n-th working day after each day (n = 0: the day itself); see workdays.add_working_days."""
        moved = np.busday_offset(self.dates(days), n, roll="backward", holidays=self.holidays)
        out = (moved - _EPOCH).astype(int)
        return np.where(n == 0, days, out)

    def roll_forward(self, days: np.ndarray) -> np.ndarray:
        moved = np.busday_offset(self.dates(days), 0, roll="forward", holidays=self.holidays)
        return (moved - _EPOCH).astype(int)


@dataclass
class _Team:
    """Case-level arrays (day numbers, flags) and households of one team while generating."""

    reg: np.ndarray
    conv: np.ndarray
    end: np.ndarray
    urgent: np.ndarray
    noconv: np.ndarray
    wijk: np.ndarray
    year: np.ndarray
    households: list  # list of lists of client numbers, one per case
    clients: dict  # year -> unique clients reached

    @classmethod
    def empty(cls) -> _Team:
        ints = [np.zeros(0, dtype=np.int64) for _ in range(3)]
        flags = [np.zeros(0, dtype=bool) for _ in range(2)]
        return cls(*ints, *flags, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), [], {})

    def append(self, **columns) -> None:
        for name, values in columns.items():
            setattr(self, name, np.concatenate([getattr(self, name), values]))


class _Clients:
    """Client numbers with their wijk and birth day."""

    def __init__(self) -> None:
        self.wijk: list[int] = []
        self.birth: list[int] = []

    def new(self, wijk: np.ndarray, birth: np.ndarray) -> np.ndarray:
        start = len(self.wijk)
        self.wijk.extend(int(w) for w in wijk)
        self.birth.extend(int(b) for b in birth)
        return np.arange(start, start + len(wijk))


def _wijk_weights(team: str, year: int) -> np.ndarray:
    frac = (year - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR)
    pop = WIJKEN["pop2015"] + frac * (WIJKEN["pop2024"] - WIJKEN["pop2015"])
    w = (pop * WIJKEN[team]).to_numpy(dtype=float)
    return w / w.sum()


def _birth_days(rng, bands: np.ndarray, ref_days: np.ndarray) -> np.ndarray:
    lo = np.array([AGE_BAND_BOUNDS[b][0] for b in bands], dtype=float)
    hi = np.array([min(AGE_BAND_BOUNDS[b][1], 94) + 1 for b in bands], dtype=float)
    age_years = lo + rng.random(len(bands)) * (hi - lo)
    return (ref_days - np.floor(age_years * 365.25)).astype(np.int64)


def _band_of(age_days: np.ndarray) -> np.ndarray:
    years = np.floor(age_days / 365.25).astype(int)
    edges = np.array([AGE_BAND_BOUNDS[b][0] for b in AGE_BANDS[1:]])
    return np.array(AGE_BANDS, dtype=object)[np.searchsorted(edges, years, side="right")]


def _draw_bands(rng, shares: Mapping[str, float], n: int) -> np.ndarray:
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _registration_days(rng, year: int, n: int, cal: _Calendar) -> np.ndarray:
    days = np.arange(_day(year, 1, 1), _day(year, 12, 31) + 1)
    months = cal.dates(days).astype("datetime64[M]").astype(int) % 12
    w = np.array(ASSUMPTIONS["season"])[months]
    w = np.where(cal.is_working(days), w, w * ASSUMPTIONS["weekend_weight"])
    return np.sort(rng.choice(days, size=n, p=w / w.sum()))


def _hit_mean(
    values: np.ndarray,
    target: float,
    counted: np.ndarray,
    eligible: np.ndarray,
    rng,
    minimum: int,
    maximum: int,
) -> np.ndarray:
    """Move eligible integer values by one until the mean over ``counted`` is ``target``."""
    values = values.copy()
    n = int(counted.sum())
    if n == 0:
        return values
    delta = int(round(target * n)) - int(values[counted].sum())
    idx = np.flatnonzero(eligible & counted)
    for _ in range(10_000):
        if delta == 0 or idx.size == 0:
            break
        step = 1 if delta > 0 else -1
        ok = idx[(values[idx] + step >= minimum) & (values[idx] + step <= maximum)]
        if ok.size == 0:
            break
        pick = rng.choice(ok, size=min(abs(delta), ok.size), replace=False)
        values[pick] += step
        delta -= step * pick.size
    return values


def _generate_team(team: str, plan: pd.DataFrame, rng, cal: _Calendar, clients: _Clients) -> _Team:
    t = _Team.empty()
    p = plan[plan["team"] == team].set_index("year")
    a = ASSUMPTIONS
    med, sigma = a["duration_days"][team]
    wijk_codes = WIJKEN["wijk_code"].tolist()
    cap = a["max_household"][team]
    realised: dict[int, int] = {}

    for y in YEARS:
        jan1 = _day(y, 1, 1)
        # -- 1. carry-over, and the year's new cases and clients -----------------------------
        carry_idx = np.flatnonzero((t.reg < jan1) & (t.end >= jan1))
        known: set[int] = set()
        for i in carry_idx:
            known.update(t.households[i])
        planned_new, planned_active = p.loc[y, "new_cases"], p.loc[y, "active_cases"]
        if not pd.isna(planned_new) and not pd.isna(planned_active):
            if int(planned_active) - int(planned_new) != carry_idx.size:
                raise RuntimeError(
                    f"{team} {y}: plan fixes both new and active cases, but "
                    f"{carry_idx.size} cases carry over"
                )
            n = int(planned_new)
        elif not pd.isna(planned_active):
            n = int(planned_active) - carry_idx.size
        elif not pd.isna(planned_new):
            n = int(planned_new)
        else:  # interpolate through the realised and the planned new cases
            anchors = dict(realised)
            anchors.update({int(k): int(v) for k, v in p["new_cases"].dropna().items() if k > y})
            n = round(_curve(anchors, [y])[y])
        if n <= 0:
            raise RuntimeError(f"{team} {y}: {carry_idx.size} cases carry over, more than planned")
        realised[y] = n
        active = n + carry_idx.size
        clients_planned = p.loc[y, "clients"]
        n_clients = (
            int(clients_planned)
            if not pd.isna(clients_planned)
            else round(float(p.loc[y, "clients_per_case"]) * active)
        )
        # -- 2. new cases --------------------------------------------------------------------
        reg = _registration_days(rng, y, n, cal)
        need = n_clients - len(known)  # new unique clients this year
        kind = rng.choice(
            3,
            size=n,
            p=[
                a["repeat_share"][team],
                a["returning_share"][team],
                1 - a["repeat_share"][team] - a["returning_share"][team],
            ],
        )
        # returning households: earlier cases whose clients are not active this year
        past = np.flatnonzero(t.end < jan1)
        households: list[list[int] | None] = [None] * n
        seen = set(known)
        returning = np.flatnonzero(kind == 1)
        if past.size and returning.size:
            order = rng.permutation(len(past))
            j = 0
            for case in returning:
                while j < order.size and any(c in seen for c in t.households[past[order[j]]]):
                    j += 1
                if j >= order.size:
                    kind[case] = 2
                    continue
                hh = list(t.households[past[order[j]]])
                j += 1
                households[case] = hh
                seen.update(hh)
        else:
            kind[kind == 1] = 2
        adds_returning = len(seen) - len(known)
        remaining = need - adds_returning
        n_new = int((kind == 2).sum())
        n_free = n - int((kind == 1).sum())  # new or repeat
        # choose the number of brand-new households so that  n_new <= remaining <= n_new * cap
        lo_n, hi_n = int(np.ceil(max(remaining, 0) / cap)), min(max(remaining, 0), n_free)
        if lo_n > hi_n:
            raise RuntimeError(f"{team} {y}: cannot reach {need} new clients")
        n_new = min(max(n_new, lo_n), hi_n)
        free = np.flatnonzero(kind != 1)
        chosen = rng.permutation(free)
        kind[chosen[:n_new]] = 2
        kind[chosen[n_new:]] = 0
        new_idx = np.flatnonzero(kind == 2)
        sizes = np.ones(new_idx.size, dtype=int)
        extra = remaining - new_idx.size
        while extra > 0:
            room = np.flatnonzero(sizes < cap)
            pick = rng.choice(room, size=min(extra, room.size), replace=False)
            sizes[pick] += 1
            extra -= pick.size
        # wijk and ages of the new households
        wijk_p = _wijk_weights(team, y)
        hh_wijk = rng.choice(len(wijk_codes), size=new_idx.size, p=wijk_p)
        hh_reg = reg[new_idx]
        if team == "sociaal":
            first = _draw_bands(rng, a["age_bands"]["sociaal"], new_idx.size)
        else:
            young = np.isin(np.array(wijk_codes)[hh_wijk], _YOUNG_WIJKEN)
            first = np.where(
                young,
                _draw_bands(rng, a["age_bands"]["jeugd_en_gezin_young_wijken"], new_idx.size),
                _draw_bands(rng, a["age_bands"]["jeugd_en_gezin"], new_idx.size),
            )
        first_ids = clients.new(hh_wijk, _birth_days(rng, first, hh_reg))
        n_more = int((sizes - 1).sum())
        owner = np.repeat(np.arange(new_idx.size), sizes - 1)
        if team == "sociaal":  # partner or adult child: an adult band near the first client's
            more_bands = np.where(
                rng.random(n_more) < 0.8,
                first[owner],
                _draw_bands(rng, a["age_bands"]["sociaal"], n_more),
            )
        else:  # siblings and parents
            child = rng.random(n_more) < 0.55
            more_bands = np.where(
                child,
                _draw_bands(rng, a["age_bands"]["jeugd_en_gezin"], n_more),
                _draw_bands(rng, {"23-44": 0.8, "45-64": 0.2}, n_more),
            )
        more_ids = clients.new(hh_wijk[owner], _birth_days(rng, more_bands, hh_reg[owner]))
        pos = 0
        for k, case in enumerate(new_idx):
            hh = [int(first_ids[k])] + [int(c) for c in more_ids[pos : pos + sizes[k] - 1]]
            pos += sizes[k] - 1
            households[case] = hh
            seen.update(hh)
        # repeat cases: households already active this year (carry or this year's new ones)
        pool = [t.households[i] for i in carry_idx] + [households[i] for i in new_idx]
        for case in np.flatnonzero(kind == 0):
            if not pool:
                raise RuntimeError(f"{team} {y}: no household for a repeat case")
            households[case] = list(pool[int(rng.integers(len(pool)))])
        if len(seen) != n_clients:
            raise RuntimeError(f"{team} {y}: {len(seen)} clients instead of {n_clients}")
        t.clients[y] = n_clients
        wijk = np.array([clients.wijk[h[0]] for h in households])
        # -- 3. urgency, waiting time, duration ----------------------------------------
        urgent = rng.random(n) < a["urgent_share"][team]
        noconv = (~urgent) & (rng.random(n) < a["no_conversation_share"][team])
        working = cal.is_working(reg)
        urgent_wait = rng.choice(6, size=n, p=np.array(a["urgent_wait_probs"]))
        urgent_wait = np.where((urgent_wait == 0) & ~working, 1, urgent_wait)
        target = float(p.loc[y, "wait_mean"])
        urgent_mean = float(np.dot(np.arange(6), a["urgent_wait_probs"]))
        share_urgent = a["urgent_share"][team]
        mean_other = max((target - share_urgent * urgent_mean) / (1 - share_urgent), 1.5)
        k_shape = a["wait_dispersion"]
        lam = rng.gamma(k_shape, (mean_other - 1) / k_shape, size=n)
        other_wait = 1 + rng.poisson(lam)
        wait = np.minimum(np.where(urgent, urgent_wait, other_wait), a["max_wait"])
        has_conv = ~noconv
        counted = has_conv & (cal.add(reg, wait) <= _day(LAST_YEAR, 12, 31))
        eligible = has_conv & ~urgent & (reg <= _day(y, 9, 30))
        wait = _hit_mean(wait, target, counted, eligible, rng, minimum=1, maximum=a["max_wait"])
        conv = np.where(has_conv, cal.add(reg, wait), _NONE)
        dur = np.maximum(1, np.round(np.exp(np.log(med) + sigma * rng.standard_normal(n)))).astype(
            np.int64
        )
        end = np.where(has_conv, conv + dur, reg + rng.integers(5, 60, size=n))
        end = cal.roll_forward(end)
        # keep registration order; case numbers follow it
        t.append(
            reg=reg,
            conv=conv,
            end=end,
            urgent=urgent,
            noconv=noconv,
            wijk=wijk,
            year=np.full(n, y, dtype=np.int64),
        )
        t.households.extend(households)
    return t


def _largest_remainder(total: int, shares: Mapping[str, float]) -> dict[str, int]:
    keys = list(shares)
    w = np.array([shares[k] for k in keys], dtype=float)
    if total <= 0 or w.sum() == 0:
        return dict.fromkeys(keys, 0)
    exact = total * w / w.sum()
    base = np.floor(exact).astype(int)
    rest = total - base.sum()
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:rest]] += 1
    return {k: int(v) for k, v in zip(keys, base, strict=True)}


def _end_reasons(
    team: str, t: _Team, plan: pd.DataFrame, rng, first_band: np.ndarray
) -> np.ndarray:
    a = ASSUMPTIONS
    end = np.asarray(t.end)
    ended = end <= _day(LAST_YEAR, 12, 31)
    reasons = np.full(end.size, None, dtype=object)
    noconv = np.asarray(t.noconv)
    reasons[ended & noconv] = "voortijdig_gestopt"
    end_year = (_EPOCH + end.astype("timedelta64[D]")).astype("datetime64[Y]").astype(int) + 1970
    p = plan[plan["team"] == team].set_index("year")
    death_weight = {"75+": 10.0, "65-74": 4.0}
    for y in YEARS:
        in_year = ended & (end_year == y)
        free = np.flatnonzero(in_year & (reasons == None))  # noqa: E711 - object array
        n_planned = min(
            int(round(p.loc[y, "as_planned_pct"] / 100 * int(in_year.sum()))), free.size
        )
        order = rng.permutation(free)
        planned, other = order[:n_planned], order[n_planned:]
        n_ref = int(round(a["referred_share_of_planned"][team] * planned.size))
        reasons[planned[:n_ref]] = "doorverwezen_aanvullende_zorg"
        reasons[planned[n_ref:]] = "zelfstandig_verder"
        quota = _largest_remainder(other.size, a["other_end_reasons"][team])
        if quota.get("overleden", 0):
            w = np.array([death_weight.get(b, 0.2) for b in first_band[other]])
            dead = rng.choice(other, size=quota["overleden"], replace=False, p=w / w.sum())
            reasons[dead] = "overleden"
            other = other[~np.isin(other, dead)]
        pos = 0
        for reason, count in quota.items():
            if reason == "overleden":
                continue
            reasons[other[pos : pos + count]] = reason
            pos += count
    return reasons


def _close_administratively(team: str, t: _Team, reasons: np.ndarray, rng, cal: _Calendar) -> int:
    """Close the stale cases of :data:`ASSUMPTIONS` ``administrative_closing`` (in place); the number closed."""
    rule = ASSUMPTIONS["administrative_closing"]
    if team != rule["team"]:
        return 0
    before = pd.Timestamp(rule["registered_before"])
    first, last = (pd.Timestamp(d) for d in rule["between"])
    day = lambda ts: _day(ts.year, ts.month, ts.day)  # noqa: E731
    end = np.asarray(t.end)
    stale = np.flatnonzero((np.asarray(t.reg) < day(before)) & (end > _day(LAST_YEAR, 12, 31)))
    if not stale.size:
        return 0
    days = rng.integers(day(first), day(last) + 1, size=stale.size)
    days = np.maximum(days, np.asarray(t.conv)[stale] + 1)  # after the first conversation
    closed = np.minimum(cal.roll_forward(days), day(last))
    t.end = end.copy()
    t.end[stale] = closed
    reasons[stale] = "administratief_afgesloten"
    return int(stale.size)


def _marks(rng, n: int, target: float) -> np.ndarray:
    """n whole marks 1-10 with mean ``target`` (to within 0.5/n), from a discretised normal."""
    if n == 0:
        return np.array([], dtype=int)
    grid = np.arange(1, 11)
    sd = ASSUMPTIONS["mark_sd"]

    def probs(mu):
        edges = stats.norm.cdf(np.arange(0.5, 11.5), mu, sd)
        p = np.diff(edges)
        return p / p.sum()

    lo, hi = 1.0, 12.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if float(np.dot(grid, probs(mid))) < target:
            lo = mid
        else:
            hi = mid
    counts = _largest_remainder(n, dict(zip(map(str, grid), probs((lo + hi) / 2), strict=True)))
    marks = np.repeat(grid, [counts[str(g)] for g in grid])
    delta = int(round(target * n)) - int(marks.sum())
    while delta != 0:  # move single marks towards the target (rounding of the counts)
        step = 1 if delta > 0 else -1
        movable = np.flatnonzero((marks + step >= 1) & (marks + step <= 10))
        # move the mark nearest the mean, which keeps the distribution's shape
        i = movable[np.argmin(np.abs(marks[movable] - target))]
        marks[i] += step
        delta -= step
    return np.sort(marks)


def _surveys(team: str, t: _Team, reasons: np.ndarray, plan: pd.DataFrame, rng) -> pd.DataFrame:
    a = ASSUMPTIONS
    end = np.asarray(t.end)
    conv = np.asarray(t.conv)
    snapshot = _day(LAST_YEAR, 12, 31)
    eligible = (
        (end <= snapshot)
        & (conv != _NONE)
        & ~np.isin(reasons, ["overleden", "administratief_afgesloten"])
    )
    idx = np.flatnonzero(eligible)
    respond = idx[rng.random(idx.size) < a["survey_response"][team]]
    day = end[respond] + rng.integers(7, 43, size=respond.size)
    keep = day <= snapshot
    respond, day = respond[keep], day[keep]
    year = (_EPOCH + day.astype("timedelta64[D]")).astype("datetime64[Y]").astype(int) + 1970
    p = plan[plan["team"] == team].set_index("year")
    n = respond.size
    mark = np.zeros(n, dtype=int)
    helped = np.zeros(n, dtype=object)
    for y in YEARS:
        sel = np.flatnonzero(year == y)
        if sel.size == 0:
            continue
        answered = sel[rng.random(sel.size) >= 0.02]  # 2 % leave "verder zonder hulp" empty
        helped[sel] = None
        self_reliant = reasons[respond[answered]] == "zelfstandig_verder"
        key = self_reliant * 1.5 + rng.standard_normal(answered.size)
        n_yes = int(round(p.loc[y, "without_help_pct"] / 100 * answered.size))
        order = answered[np.argsort(-key, kind="stable")]
        helped[order[:n_yes]] = True
        helped[order[n_yes:]] = False
        # marks: better for those who can continue without help
        latent = np.array([1.0 if helped[i] is True else 0.0 for i in sel]) + rng.standard_normal(
            sel.size
        )
        mark[sel[np.argsort(latent, kind="stable")]] = _marks(
            rng, sel.size, float(p.loc[y, "mark_mean"])
        )
    noise = rng.integers(-1, 2, size=(3, n))
    bonus = np.array([1 if h is True else -1 if h is False else 0 for h in helped])
    sub = {
        "toegankelijkheid": np.clip(mark + noise[0] + (rng.random(n) < 0.2), 1, 10),
        "kwaliteit": np.clip(mark + noise[1], 1, 10),
        "effect": np.clip(mark + noise[2] + np.where(rng.random(n) < 0.4, bonus, 0), 1, 10),
    }
    out = pd.DataFrame({"case": respond, "survey_day": day, "rapportcijfer": mark})
    for col, values in sub.items():
        blank = rng.random(n) < 0.03
        out[col] = pd.array(np.where(blank, 0, values), dtype="Int64")
        out.loc[blank, col] = pd.NA
    out["verder_zonder_hulp"] = pd.array(
        [None if h is None else bool(h) for h in helped], dtype="boolean"
    )
    return out


def _pseudonym(numbers: np.ndarray, prefix: str) -> np.ndarray:
    """Unique, non-sequential pseudonymous ids: an affine permutation modulo a prime."""
    prime, a, b = 9_999_991, 7_654_321, 1_234_567
    mixed = ((numbers.astype(np.int64) + 7919) * a + b) % prime
    return np.array([f"{prefix}{m:07d}" for m in mixed], dtype=object)


def _care(
    plan: pd.DataFrame,
    teams: dict[str, tuple[_Team, np.ndarray]],
    clients: _Clients,
    rng,
    cal: _Calendar,
) -> pd.DataFrame:
    """Trajectories of aanvullende zorg: referrals from the buurtteams plus other routes."""
    a = ASSUMPTIONS
    snapshot = _day(LAST_YEAR, 12, 31)
    rows = []
    for team, domain in (("jeugd_en_gezin", "jeugd"), ("sociaal", "sociaal")):
        t, reasons = teams[team]
        p = plan[plan["team"] == team].set_index("year")
        if domain == "sociaal":  # care clients such that the buurtteam has the planned share
            planned_care = {
                y: round(t.clients[y] * p.loc[y, "care_share"] / (100 - p.loc[y, "care_share"]))
                for y in YEARS
            }
        else:
            planned_care = {y: int(p.loc[y, "care_clients"]) for y in YEARS}
        types = a["care_types"][domain]
        type_names = list(types)
        type_p = np.array([types[k] for k in type_names])
        type_p = type_p / type_p.sum()

        def durations(kinds):
            med = np.array([a["care_duration_days"][k][0] for k in kinds], dtype=float)
            sig = np.array([a["care_duration_days"][k][1] for k in kinds], dtype=float)
            return np.maximum(
                14, np.round(np.exp(np.log(med) + sig * rng.standard_normal(len(kinds))))
            ).astype(np.int64)

        # referrals by the buurtteam: one client per referred case (J&G: the youngest child)
        ref_cases = np.flatnonzero(reasons == "doorverwezen_aanvullende_zorg")
        ref_client = []
        for i in ref_cases:
            hh = t.households[i]
            ages = [t.end[i] - clients.birth[c] for c in hh]
            minors = [(age, c) for c, age in zip(hh, ages, strict=True) if age < 18 * 365.25]
            ref_client.append(min(minors)[1] if minors and domain == "jeugd" else hh[0])
        ref_start = cal.roll_forward(
            np.asarray([t.end[i] for i in ref_cases], dtype=np.int64)
            + rng.integers(0, 22, size=ref_cases.size)
        )
        ref_kind = np.array(type_names, dtype=object)[
            rng.choice(len(type_names), size=ref_cases.size, p=type_p)
        ]
        traj = pd.DataFrame(
            {
                "client": np.asarray(ref_client, dtype=np.int64),
                "start": ref_start,
                "kind": ref_kind,
                "case": ref_cases,
                "wijk": [t.wijk[i] for i in ref_cases],
            }
        )
        traj["end"] = traj["start"] + durations(traj["kind"])
        traj = traj[traj["start"] <= snapshot]
        # opening stock: clients already in care on 1 January 2015
        n_open = round(a["care_opening_share"][domain] * planned_care[FIRST_YEAR])
        kinds = np.array(type_names, dtype=object)[
            rng.choice(len(type_names), size=n_open, p=type_p)
        ]
        wijk = rng.choice(len(WIJKEN), size=n_open, p=_wijk_weights(team, FIRST_YEAR))
        start0 = _day(FIRST_YEAR, 1, 1) - rng.integers(1, 3 * 365, size=n_open)
        bands = _draw_bands(rng, a["age_bands"][team], n_open)
        ids = clients.new(wijk, _birth_days(rng, bands, np.full(n_open, _day(FIRST_YEAR, 1, 1))))
        opening = pd.DataFrame(
            {"client": ids, "start": start0, "kind": kinds, "case": -1, "wijk": wijk}
        )
        opening["end"] = _day(FIRST_YEAR, 1, 1) + durations(kinds)
        traj = pd.concat([traj, opening], ignore_index=True)
        # other routes, year by year, to reach the planned clients
        for y in YEARS:
            jan1, dec31 = _day(y, 1, 1), _day(y, 12, 31)
            active = traj[(traj["start"] <= dec31) & (traj["end"] >= jan1)]
            have = active["client"].nunique()
            need = planned_care[y] - have
            if need <= 0:
                continue
            kinds = np.array(type_names, dtype=object)[
                rng.choice(len(type_names), size=need, p=type_p)
            ]
            wijk = rng.choice(len(WIJKEN), size=need, p=_wijk_weights(team, y))
            start = cal.roll_forward(rng.integers(jan1, dec31 + 1, size=need))
            start = np.minimum(start, dec31)
            bands = _draw_bands(rng, a["age_bands"][team], need)
            ids = clients.new(wijk, _birth_days(rng, bands, start))
            more = pd.DataFrame(
                {"client": ids, "start": start, "kind": kinds, "case": -1, "wijk": wijk}
            )
            more["end"] = more["start"] + durations(kinds)
            traj = pd.concat([traj, more], ignore_index=True)
        traj["domain"] = domain
        traj["team"] = team
        rows.append(traj)
    return pd.concat(rows, ignore_index=True)


def generate(seed: int = DEFAULT_SEED) -> Register:
    """Generate the synthetic register.

    Parameters
    ----------
    seed : int, default 20150101
        Seed of the random generator; the same seed gives the same register.

    Returns
    -------
    Register
        ``synthetic=True``; tables as :func:`analysis.register.load_register`
        returns them (each with a ``synthetic`` column that is true), covering
        2015-01-01 to 2024-12-31 as known on 2024-12-31.
    """
    streams = np.random.SeedSequence(seed).spawn(6)
    rngs = [np.random.default_rng(s) for s in streams]
    plan = build_plan()
    cal = _Calendar()
    clients = _Clients()
    teams: dict[str, tuple[_Team, np.ndarray]] = {}
    for k, team in enumerate(("jeugd_en_gezin", "sociaal")):
        t = _generate_team(team, plan, rngs[k], cal, clients)
        births = np.asarray(clients.birth)
        first = np.array([h[0] for h in t.households])
        first_band = _band_of(np.asarray(t.reg) - births[first])
        reasons = _end_reasons(team, t, plan, rngs[2 + k], first_band)
        # its own stream, so the closing leaves every other draw as it was
        _close_administratively(team, t, reasons, np.random.default_rng([seed, LAST_YEAR]), cal)
        teams[team] = (t, reasons)
    care = _care(plan, teams, clients, rngs[4], cal)
    survey_parts = [
        (_surveys(team, t, reasons, plan, rngs[5]), team) for team, (t, reasons) in teams.items()
    ]
    return _assemble(teams, clients, survey_parts, care, seed)


def _dates(days: np.ndarray) -> pd.Series:
    days = np.asarray(days, dtype=np.int64)
    snapshot = _day(LAST_YEAR, 12, 31)
    missing = (days == _NONE) | (days > snapshot)
    values = (_EPOCH + np.where(missing, 0, days).astype("timedelta64[D]")).astype("datetime64[ns]")
    out = pd.Series(values)
    out[missing] = pd.NaT
    return out


def _assemble(teams, clients: _Clients, survey_parts, care: pd.DataFrame, seed: int) -> Register:
    births = np.asarray(clients.birth, dtype=np.int64)
    wijk_codes = np.array(WIJKEN["wijk_code"].tolist(), dtype=object)
    case_frames, case_ids = [], {}
    for team, (t, reasons) in teams.items():
        prefix = "JG" if team == "jeugd_en_gezin" else "SO"
        n = len(t.reg)
        years = np.asarray(t.year)
        seq = np.zeros(n, dtype=int)
        for y in YEARS:
            sel = np.flatnonzero(years == y)
            seq[sel] = np.arange(1, sel.size + 1)
        ids = np.array(
            [f"{prefix}-{y}-{s:05d}" for y, s in zip(years, seq, strict=True)], dtype=object
        )
        case_ids[team] = ids
        sizes = np.array([len(h) for h in t.households])
        case_of = np.repeat(np.arange(n), sizes)
        member = np.fromiter(
            itertools.chain.from_iterable(t.households), dtype=np.int64, count=int(sizes.sum())
        )
        order_in_case = np.arange(member.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        reg = np.asarray(t.reg, dtype=np.int64)
        ended = np.asarray(t.end, dtype=np.int64) <= _day(LAST_YEAR, 12, 31)
        frame = pd.DataFrame(
            {
                "case_id": ids[case_of],
                "client_id": _pseudonym(member, "P"),
                "team": team,
                "wijk_code": wijk_codes[np.asarray(t.wijk)[case_of]],
                "registration_date": _dates(reg[case_of]),
                "first_conversation_date": _dates(np.asarray(t.conv, dtype=np.int64)[case_of]),
                "end_date": _dates(np.asarray(t.end, dtype=np.int64)[case_of]),
                "urgent": np.asarray(t.urgent, dtype=bool)[case_of],
                "age_band": _band_of(reg[case_of] - births[member]),
                "end_reason": np.where(ended, reasons, None)[case_of],
                "_order": order_in_case,
            }
        )
        case_frames.append(frame)
    cases = pd.concat(case_frames, ignore_index=True)
    cases = cases.sort_values(["registration_date", "case_id", "_order"], kind="stable").drop(
        columns="_order"
    )
    cases["end_reason"] = (
        cases["end_reason"].astype(object).where(cases["end_reason"].notna(), None)
    )
    cases["synthetic"] = True
    cases = cases[CASE_COLUMNS + ["synthetic"]].reset_index(drop=True)

    survey_frames = []
    for part, team in survey_parts:
        survey_frames.append(
            pd.DataFrame(
                {
                    "case_id": case_ids[team][part["case"].to_numpy()],
                    "survey_date": _dates(part["survey_day"].to_numpy()),
                    "toegankelijkheid": part["toegankelijkheid"].astype("Int64"),
                    "kwaliteit": part["kwaliteit"].astype("Int64"),
                    "effect": part["effect"].astype("Int64"),
                    "rapportcijfer": pd.array(part["rapportcijfer"].to_numpy(), dtype="Int64"),
                    "verder_zonder_hulp": part["verder_zonder_hulp"].astype("boolean"),
                }
            )
        )
    surveys = pd.concat(survey_frames, ignore_index=True)
    surveys = surveys.sort_values(["survey_date", "case_id"], kind="stable").reset_index(drop=True)
    surveys["synthetic"] = True
    surveys = surveys[SURVEY_COLUMNS + ["synthetic"]]

    care = care.sort_values(["start", "domain", "client"], kind="stable").reset_index(drop=True)
    referred = np.full(len(care), None, dtype=object)
    for team, ids in case_ids.items():
        sel = ((care["team"] == team) & (care["case"] >= 0)).to_numpy()
        referred[sel] = ids[care.loc[sel, "case"].to_numpy()]
    start = _dates(care["start"].to_numpy())  # every start lies on or before the snapshot
    prefix = np.where(care["domain"] == "jeugd", "AZJ-", "AZS-")
    care_out = pd.DataFrame(
        {
            "trajectory_id": [
                f"{p}{i:06d}" for p, i in zip(prefix, np.arange(1, len(care) + 1), strict=True)
            ],
            "client_id": _pseudonym(care["client"].to_numpy(), "P"),
            "domain": care["domain"].to_numpy(),
            "wijk_code": wijk_codes[care["wijk"].to_numpy().astype(int)],
            "care_type": care["kind"].to_numpy(),
            "start_date": start,
            "end_date": _dates(care["end"].to_numpy()),
            "referred_by_case_id": referred,
            "synthetic": True,
        }
    )[CARE_COLUMNS + ["synthetic"]]
    metadata = {
        "synthetic": True,
        "description": "SYNTHETISCHE gegevens: verzonnen casusregister van de buurtteams Utrecht, "
        "gekalibreerd op gepubliceerde jaarcijfers. Geen echte personen.",
        "generator": "analysis.synthetic",
        "generator_version": GENERATOR_VERSION,
        "seed": int(seed),
        "period": [f"{FIRST_YEAR}-01-01", f"{LAST_YEAR}-12-31"],
        "snapshot_date": f"{LAST_YEAR}-12-31",
        "municipality": MUNICIPALITY,
    }
    source = f"synthetisch register (analysis.synthetic, seed {seed}); GEEN echte gegevens"
    cases, surveys, care_out = (_text_as_object(df) for df in (cases, surveys, care_out))
    return Register(cases, surveys, care_out, True, source, metadata)


def _text_as_object(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns as the register loader gives them (:func:`analysis.register.clean_text`).

    pandas 3 infers its ``str`` dtype for text; the register model keeps object dtype on
    every pandas version, so a generated register equals a loaded one.
    """
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_string_dtype(out[col]) and not pd.api.types.is_datetime64_any_dtype(
            out[col]
        ):
            out[col] = clean_text(out[col])
    return out


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def _csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV with ISO dates, true/false and empty cells for missing values; stable bytes.

    Written by hand rather than with ``DataFrame.to_csv`` so the bytes do not depend
    on the pandas version; no value the generator writes needs quoting (checked).
    """
    columns = []
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            text = np.datetime_as_string(s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]"))
            text = np.where(s.isna().to_numpy(), "", text)
        elif pd.api.types.is_bool_dtype(s) or str(s.dtype) == "boolean":
            flags = s.astype("boolean")
            text = np.where(flags.isna(), "", np.where(flags.fillna(False), "true", "false"))
        elif pd.api.types.is_integer_dtype(s):
            values = s.astype("Int64")
            text = np.where(values.isna(), "", values.fillna(0).astype(np.int64).astype(str))
        else:
            text = s.fillna("").astype(str).to_numpy()
        text = text.astype(str).tolist()
        if any(("," in v) or ('"' in v) or ("\n" in v) for v in set(text)):
            raise ValueError(f"column {col} holds a value that would need quoting")
        columns.append(text)
    lines = [",".join(df.columns)]
    lines.extend(map(",".join, zip(*columns, strict=True)))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _gzip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=6) as handle:
        handle.write(data)
    return buffer.getvalue()


def write(
    out_dir: str | Path | None = None, *, seed: int = DEFAULT_SEED, register: Register | None = None
) -> list[Path]:
    """Generate (or take) the register and write it to ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path, optional
        Target folder, created if needed; default :func:`analysis.config.synthetic_dir`.
    seed : int, default 20150101
        Used when ``register`` is not given.
    register : Register, optional
        A register from :func:`generate` to write instead of generating one.

    Returns
    -------
    list of Path
        The files written: ``cases.csv.gz``, ``surveys.csv.gz``,
        ``aanvullende_zorg.csv.gz``, ``register.json`` and ``README.md``.
        Writing the same register twice gives byte-identical files.
    """
    out = Path(out_dir) if out_dir is not None else config.synthetic_dir()
    out.mkdir(parents=True, exist_ok=True)
    if register is None:
        register = generate(seed)
    if not register.synthetic:
        raise ValueError("write() only writes synthetic registers")
    written, files_meta = [], {}
    for table, name in FILES.items():
        raw = _csv_bytes(getattr(register, table))
        (out / name).write_bytes(_gzip(raw))
        files_meta[name] = {
            "rows": int(len(getattr(register, table))),
            "sha256_uncompressed": hashlib.sha256(raw).hexdigest(),
        }
        written.append(out / name)
    metadata = dict(register.metadata)
    metadata["files"] = files_meta
    (out / METADATA_FILE).write_text(
        json.dumps(metadata, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    written.append(out / METADATA_FILE)
    (out / README).write_text(_readme(metadata), encoding="utf-8")
    written.append(out / README)
    return written


def _readme(metadata: Mapping) -> str:
    lines = [
        "# SYNTHETISCH casusregister buurtteams Utrecht — geen echte gegevens",
        "",
        "**Every row in this folder is invented.** The files are generated by `analysis.synthetic`",
        f"(generator version {metadata['generator_version']}, seed {metadata['seed']}) and describe no real",
        "person, family or case. Their yearly totals are calibrated to figures the municipality of",
        "Utrecht published (see `docs/synthetic-register.md` for the table of targets and sources);",
        "everything below the yearly totals (wijken, ages, durations, reasons, survey answers) is an",
        "assumption.",
        "",
        "Regenerate (byte-identical):",
        "",
        "    python -m analysis.synthetic --out data/synthetic",
        "",
        "| file | rows | content |",
        "|---|---|---|",
    ]
    content = {
        "cases.csv.gz": "one row per client in a case (J&G: per family member)",
        "surveys.csv.gz": "client-experience survey responses",
        "aanvullende_zorg.csv.gz": "trajectories of additional care (referred by a buurtteam or not)",
    }
    for name, meta in metadata["files"].items():
        lines.append(f"| `{name}` | {meta['rows']} | {content[name]} |")
    lines += [
        f'| `{METADATA_FILE}` | | metadata: `"synthetic": true`, seed, generator, checksums |',
        "",
        "Every table also has a column `synthetic` that is `true` on every row; `analysis.register.load_register`",
        "reports such a register as synthetic and observations made from it carry the note `synthetisch`.",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Calibration check
# --------------------------------------------------------------------------------------


def achieved(register: Register) -> pd.DataFrame:
    """The register's values for every indicator in :data:`TARGETS`.

    Returns
    -------
    DataFrame
        ``indicator``, ``year`` (int), ``value`` (float), for all years.
    """
    cases, surveys, care = register.cases, register.surveys, register.care
    kw = {"freq": "year", "by": ("team",), "start": f"{FIRST_YEAR}", "end": f"{LAST_YEAR}"}
    out = []

    def add(indicator, frame, column, team=None, domain=None):
        sub = frame
        if team is not None:
            sub = sub[sub["team"] == team]
        if domain is not None:
            sub = sub[sub["domain"] == domain]
        out.append(
            pd.DataFrame(
                {
                    "indicator": indicator,
                    "year": sub["period"].astype(int),
                    "value": sub[column].astype(float),
                }
            )
        )

    new, act, cli = new_cases(cases, **kw), active_cases(cases, **kw), unique_clients(cases, **kw)
    waits = waiting_times(cases, **kw)
    marks = survey_marks(surveys, cases, measures=("rapportcijfer",), **kw)
    share = without_help_share(surveys, cases, **kw)
    for team, prefix in (("sociaal", "buurtteam_sociaal"), ("jeugd_en_gezin", "buurtteam_jg")):
        add(f"{prefix}_nieuwe_casussen", new, "new_cases", team)
        add(f"{prefix}_clienten", cli, "clients", team)
        add(f"{prefix}_rapportcijfer", marks, "mean", team)
        add(f"{prefix}_zonder_hulp_pct", share, "pct", team)
    add("buurtteam_sociaal_casussen", act, "active_cases", "sociaal")
    add("buurtteam_jg_gezinnen", act, "active_cases", "jeugd_en_gezin")
    add("buurtteam_jg_trajecten", act, "active_cases", "jeugd_en_gezin")
    add("buurtteam_sociaal_wachttijd", waits, "mean", "sociaal")
    add("buurtteam_jg_volgens_plan_pct", ended_as_planned(cases, **kw), "pct", "jeugd_en_gezin")
    add(
        "buurtteam_sociaal_clienten_gesprek",
        clients_with_conversation(cases, **kw),
        "clients",
        "sociaal",
    )
    add(
        "buurtteam_jg_gezinnen_per_maand",
        average_monthly_active(cases, by=("team",), start=kw["start"], end=kw["end"]),
        "average_active",
        "jeugd_en_gezin",
    )
    az = care_clients(care, freq="year", by=("domain",), start=kw["start"], end=kw["end"])
    add("aanvullende_zorg_jeugd_clienten", az, "clients", domain="jeugd")
    fwd = forward_share(cases, care, freq="year", start=kw["start"], end=kw["end"])
    add("buurtteam_aanvullende_zorg_verhouding", fwd, "buurtteam_pct", domain="sociaal")
    return pd.concat(out, ignore_index=True)


def calibration(register: Register, target_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compare the register with the calibration targets.

    Parameters
    ----------
    register : Register
    target_table : DataFrame, optional
        Columns ``indicator``, ``year``, ``value`` and optionally
        ``tolerance``; default :func:`targets`.

    Returns
    -------
    DataFrame
        The target table with ``achieved``, ``relative_error`` and ``ok``
        (``|relative_error| <= tolerance``).
    """
    table = targets() if target_table is None else target_table.copy()
    if "tolerance" not in table:
        table["tolerance"] = 0.02
    got = achieved(register).rename(columns={"value": "achieved"})
    out = table.merge(got, on=["indicator", "year"], how="left")
    out["relative_error"] = (out["achieved"] - out["value"]) / out["value"]
    out["ok"] = out["relative_error"].abs() <= out["tolerance"]
    return out


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.synthetic [--out DIR] [--seed N] [--check]``."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.synthetic",
        description="Write the synthetic buurtteam register (invented data).",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help=f"folder (default {config.synthetic_dir()})"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument("--check", action="store_true", help="print the calibration table")
    args = parser.parse_args(argv)
    register = generate(args.seed)
    for path in write(args.out, register=register):
        print(f"{path}  {path.stat().st_size:>10,d} bytes")
    if args.check:
        table = calibration(register)
        with pd.option_context("display.width", 160, "display.max_rows", 200):
            print(
                table[["indicator", "year", "value", "achieved", "relative_error", "ok"]].to_string(
                    index=False
                )
            )
        return 0 if table["ok"].all() else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
