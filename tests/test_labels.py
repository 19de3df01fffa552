"""The label catalogue: texts, period names and number formats in Dutch and English."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from analysis.indicators import INDICATORS, UNITS
from analysis.labels import (
    LABELS,
    MISSING,
    format_change,
    format_number,
    format_value,
    indicator_label,
    label,
    period_label,
    unit_axis_label,
    unit_label,
)

# --- format_number -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "nl", "en"),
    [
        (12163, 0, "12.163", "12,163"),
        (7.6, 1, "7,6", "7.6"),
        (13.06, 1, "13,1", "13.1"),
        (0, 0, "0", "0"),
        (0.5, 1, "0,5", "0.5"),
        (999, 0, "999", "999"),
        (1000, 0, "1.000", "1,000"),
        (999.5, 0, "1.000", "1,000"),
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (1_000_000_000, 0, "1.000.000.000", "1,000,000,000"),
        (-1234.5, 1, "-1.234,5", "-1,234.5"),
        (-12163, 0, "-12.163", "-12,163"),
        (-0.75, 2, "-0,75", "-0.75"),
        (12163, 2, "12.163,00", "12,163.00"),
        (np.int64(19190), 0, "19.190", "19,190"),
        (np.float64(7.5), 1, "7,5", "7.5"),
        (Decimal("8.456"), 1, "8,5", "8.5"),
    ],
)
def test_format_number_dutch_and_english(value, decimals, nl, en):
    assert format_number(value, decimals) == nl
    assert format_number(value, decimals, "en") == en


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (2.5, 0, "3"),  # halves away from zero, not to even
        (3.5, 0, "4"),
        (-2.5, 0, "-3"),
        (0.125, 2, "0,13"),
        (2.675, 2, "2,68"),  # as written, despite binary floating point
        (1.45, 1, "1,5"),
        (7.549, 1, "7,5"),
    ],
)
def test_format_number_rounds_halves_away_from_zero(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_number_never_writes_negative_zero():
    assert format_number(-0.04, 1) == "0,0"
    assert format_number(-0.4, 0) == "0"
    assert format_number(-0.4, 0, signed=True) == "0"


@pytest.mark.parametrize("value", [None, float("nan"), np.nan, pd.NA, np.float64("nan")])
def test_missing_values_are_written_as_a_dash(value):
    assert MISSING == "\u2013"
    assert format_number(value) == "\u2013"
    assert format_number(value, 1, "en") == "\u2013"
    assert format_number(value, missing="") == ""


def test_signed_numbers_for_changes():
    assert format_number(123, signed=True) == "+123"
    assert format_number(-1234, signed=True) == "-1.234"
    assert format_number(1.25, 1, "en", signed=True) == "+1.3"


def test_infinity_is_written_as_a_symbol():
    assert format_number(float("inf")) == "\u221e"
    assert format_number(float("-inf")) == "-\u221e"


@pytest.mark.parametrize("decimals", [-1, 1.5, "1", True])
def test_bad_decimals_are_refused(decimals):
    with pytest.raises(ValueError, match="decimals"):
        format_number(1.0, decimals)


@pytest.mark.parametrize("value", ["12", [1], True])
def test_non_numbers_are_refused(value):
    with pytest.raises(TypeError):
        format_number(value)


# --- format_value and format_change -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "nl", "en"),
    [
        (7.6, "procent", "7,6%", "7.6%"),
        (12163, "aantal", "12.163", "12,163"),
        (13.06, "per 1000 inwoners", "13,1 per 1.000 inwoners", "13.1 per 1,000 inhabitants"),
        (1025, "per 10000 inwoners", "1.025 per 10.000 inwoners", "1,025 per 10,000 inhabitants"),
        (12, "werkdagen", "12,0 werkdagen", "12.0 working days"),  # a mean of days: 5,4 is not 5
        (5.44, "werkdagen", "5,4 werkdagen", "5.4 working days"),
        (7.5, "rapportcijfer", "7,5", "7.5"),
        (2345, "euro x 1000", "2.345 x € 1.000", "2,345 x € 1,000"),
    ],
)
def test_format_value_adds_the_unit(value, unit, nl, en):
    assert format_value(value, unit) == nl
    assert format_value(value, unit, "en") == en


def test_format_value_every_catalogue_unit_is_known():
    for unit in UNITS:
        assert format_value(1, unit)  # no KeyError


def test_format_value_missing_gets_no_unit_and_decimals_can_be_set():
    assert format_value(np.nan, "procent") == MISSING
    assert format_value(7.62, "procent", decimals=2) == "7,62%"
    assert format_value(3600.4, "aantal", decimals=1) == "3.600,4"


def test_format_value_unknown_unit():
    with pytest.raises(KeyError, match="unknown unit 'percent'"):
        format_value(1, "percent")


def test_format_change_writes_percentage_points():
    assert format_change(-1.24, "procent") == "-1,2 %-punt"
    assert format_change(1.25, "procent", "en") == "+1.3 pp"
    assert format_change(123, "aantal") == "+123"
    assert format_change(-1500, "aantal", "en") == "-1,500"
    assert format_change(np.nan, "procent") == MISSING


# --- periods -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "nl", "en"),
    [
        ("2024", "2024", "2024"),
        ("2024H1", "1e halfjaar 2024", "H1 2024"),
        ("2023H2", "2e halfjaar 2023", "H2 2023"),
        ("2023Q1", "1e kwartaal 2023", "Q1 2023"),
        ("2023Q4", "4e kwartaal 2023", "Q4 2023"),
        ("2023-03", "maart 2023", "March 2023"),
        ("2023-06-30", "30 juni 2023", "30 June 2023"),
        ("2015-01-01", "1 januari 2015", "1 January 2015"),
    ],
)
def test_period_label(period, nl, en):
    assert period_label(period) == nl
    assert period_label(period, "en") == en


@pytest.mark.parametrize(
    ("period", "style", "language", "expected"),
    [
        ("2024H1", "short", "nl", "1e hj 2024"),
        ("2023Q2", "short", "nl", "2e kw 2023"),
        ("2023-03", "short", "nl", "mrt 2023"),
        ("2023-06-30", "short", "en", "30 Jun 2023"),
        ("2024H1", "long", "en", "1st half 2024"),
        ("2024H2", "long", "en", "2nd half 2024"),
        ("2023Q3", "long", "en", "3rd quarter 2023"),
        ("2024H1", "long", "nl", "1e halfjaar 2024"),
    ],
)
def test_period_label_styles(period, style, language, expected):
    assert period_label(period, language, style=style) == expected


@pytest.mark.parametrize("period", ["2024-H1", "1e halfjaar 2024", "2023-02-30", "24", ""])
def test_period_label_refuses_other_notations(period):
    with pytest.raises(ValueError):
        period_label(period)


def test_period_label_unknown_style():
    with pytest.raises(ValueError, match="style"):
        period_label("2024", style="tiny")


# --- label catalogue ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "nl", "en"),
    [
        ("period", "Periode", "Period"),
        ("count", "Aantal", "Number"),
        ("source", "Bron", "Source"),
        ("synthetic", "synthetisch", "synthetic"),
        ("voorlopig", "voorlopig", "provisional"),
        ("nader_voorlopig", "nader voorlopig", "revised provisional"),
        ("series_break", "trendbreuk", "series break"),
        ("norm", "streefwaarde", "target"),
        ("forecast", "prognose", "forecast"),
        ("interval_80", "80%-interval", "80% interval"),
        ("nederland", "Nederland", "Netherlands"),
        ("g4", "G4", "G4"),
        ("buurtteam", "buurtteam", "neighbourhood team"),
        ("aanvullende_zorg", "aanvullende zorg", "additional care"),
        ("jeugd_en_gezin", "Jeugd en Gezin", "Youth and Family"),
        ("sociaal", "Sociaal", "Social"),
        ("bereik", "Bereik", "Reach"),
        ("beschikbaarheid", "Beschikbaarheid", "Availability"),
        ("kwaliteit", "Kwaliteit", "Quality"),
    ],
)
def test_label(key, nl, en):
    assert label(key) == nl
    assert label(key, "nl") == nl
    assert label(key, "en") == en


def test_label_forgives_case_spaces_and_hyphens():
    assert label("nader voorlopig", "en") == "revised provisional"
    assert label("Jeugd en Gezin") == "Jeugd en Gezin"
    assert label("Aanvullende-Zorg", "en") == "additional care"


def test_every_label_has_both_languages():
    for key, (nl, en) in LABELS.items():
        assert nl.strip() and en.strip(), key
        assert key == key.lower() and " " not in key, key


def test_unknown_key_lists_close_matches():
    with pytest.raises(KeyError, match="did you mean 'period'") as err:
        label("perod")
    assert "perod" in str(err.value)
    with pytest.raises(KeyError, match="no close match"):
        label("xyzzy")


@pytest.mark.parametrize(
    "call",
    [
        lambda lang: label("period", lang),
        lambda lang: period_label("2024H1", lang),
        lambda lang: format_number(1, 0, lang),
        lambda lang: format_value(1, "procent", lang),
        lambda lang: indicator_label("jeugdhulp_pct", lang),
        lambda lang: unit_label("aantal", lang),
    ],
)
@pytest.mark.parametrize("language", ["de", "NL", ""])
def test_unknown_language_names_the_parameter(call, language):
    with pytest.raises(ValueError, match="parameter 'language'"):
        call(language)


@pytest.mark.parametrize(
    ("call", "nl", "en"),
    [
        (lambda: label("period"), "Periode", "Period"),
        (lambda: period_label("2024H1"), "1e halfjaar 2024", "H1 2024"),
        (lambda: format_number(1234.5, 1), "1.234,5", "1,234.5"),
        (
            lambda: format_value(7.6, "per 1000 inwoners"),
            "7,6 per 1.000 inwoners",
            "7.6 per 1,000 inhabitants",
        ),
        (lambda: format_change(-1.2, "procent"), "-1,2 %-punt", "-1.2 pp"),
        (
            lambda: indicator_label("wmo_stand"),
            INDICATORS["wmo_stand"].label_nl,
            INDICATORS["wmo_stand"].label_en,
        ),
        (lambda: unit_axis_label("aantal"), "Aantal", "Number"),
    ],
)
def test_without_a_language_the_session_language_is_used(call, nl, en):
    from analysis.labels import set_language

    set_language("en")
    assert call() == en
    set_language("nl")
    assert call() == nl


def test_indicator_label_delegates_to_the_catalogue():
    ind = INDICATORS["buurtteam_jg_clienten"]
    assert indicator_label("buurtteam_jg_clienten") == ind.label_nl
    assert indicator_label("buurtteam_jg_clienten", "en") == ind.label_en
    with pytest.raises(KeyError, match="unknown indicator"):
        indicator_label("no_such_indicator")


def test_unit_texts_cover_every_unit():
    for unit in UNITS:
        assert unit_axis_label(unit) and unit_axis_label(unit, "en")
    assert unit_label("per 1000 inwoners") == "per 1.000 inwoners"
    assert unit_axis_label("procent") == "Percentage (%)"
    with pytest.raises(KeyError):
        unit_axis_label("kg")


@pytest.mark.parametrize(
    ("vintage", "nl", "en"),
    [
        (
            "CBS StatLine, opgehaald 2025-04-22",
            "CBS StatLine, opgehaald 2025-04-22",
            "CBS StatLine, retrieved 2025-04-22",
        ),
        (
            "synthetisch, gegenereerd v1.0",
            "synthetisch, gegenereerd v1.0",
            "synthetic, generated v1.0",
        ),
        (None, "", ""),
    ],
)
def test_vintages_are_written_in_the_readers_language(vintage, nl, en):
    from analysis.labels import vintage_text

    assert vintage_text(vintage, "nl") == nl
    assert vintage_text(vintage, "en") == en


def test_youth_care_percentages_name_the_age_group_cbs_divides_by():
    """The age group in the label of a CBS youth-care percentage fits the population the
    extract's own counts imply: count / percentage, for Nederland, against the number of
    one-year cohorts the label names (cohorts are of about equal size at these ages)."""
    import re

    import pandas as pd

    from analysis.cbs import extract_dir
    from analysis.labels import indicator_label

    obs = pd.read_csv(extract_dir() / "observations.csv.gz", low_memory=False)
    nl = obs[(obs["region_code"] == "NL01") & (obs["period_type"] == "year")]
    values = nl.pivot_table(index="period", columns="indicator", values="value", aggfunc="first")
    pairs = {
        "jeugdhulp_pct": "jeugdhulp_personen",
        "jeugdbescherming_pct": "jeugdbescherming_personen",
        "jeugdreclassering_pct": "jeugdreclassering_personen",
        "jeugdzorg_pct": "jeugdzorg_personen",
    }

    def cohorts(indicator: str) -> int:
        text = indicator_label(indicator, "nl")
        m = re.search(r"% van jongeren (?:van (\d+) )?tot (\d+) jaar\)$", text)
        assert m, f"{indicator}: no age group in {text!r}"
        return int(m.group(2)) - int(m.group(1) or 0)

    population = {}
    for pct, count in pairs.items():
        both = values[[pct, count]].dropna()
        assert len(both) >= 2, pct
        population[pct] = (both[count] / both[pct] * 100).median()
    per_cohort = population["jeugdhulp_pct"] / cohorts("jeugdhulp_pct")
    for pct, people in population.items():
        # within 15 %: percentages of 0,4 or 0,5 % are rounded to one decimal
        assert people / cohorts(pct) == pytest.approx(per_cohort, rel=0.15), pct
    english = indicator_label("jeugdzorg_pct", "en")
    assert english.endswith(f"(% of youths under {cohorts('jeugdzorg_pct')})")
