"""Doelgroepen from the register: age groups and care groups, with disclosure control."""

from __future__ import annotations

import pytest

from analysis import doelgroepen
from analysis.register import AGE_BANDS, load_register, unique_clients


@pytest.fixture(scope="module")
def register():
    return load_register()


def test_every_age_band_has_one_group():
    groups = [doelgroepen.group_of_band(b) for b in AGE_BANDS]
    assert None not in groups
    assert doelgroepen.group_of_band("18-22") == "jongvolwassenen_18_22"
    assert doelgroepen.group_of_band("110+") is None
    assert sum(len(b) for b in doelgroepen.AGE_GROUPS.values()) == len(AGE_BANDS)


def test_city_counts_add_up_to_the_clients_of_each_team(register):
    counts = doelgroepen.doelgroep_counts(register)
    so = counts[(counts["team"] == "sociaal") & (counts["period"] == "2024")]
    clients = unique_clients(register.cases, by=["team"])
    total = clients[(clients["team"] == "sociaal") & (clients["period"] == "2024")]["clients"].iloc[
        0
    ]
    # a client counts once per group; only a birthday between two cases puts one in two groups
    shown = so["value"].sum()
    assert total * 0.98 <= shown <= total * 1.02
    assert set(counts["group"]) >= {"jongvolwassenen_18_22", "ouderen_75_plus", "beschermd_wonen"}
    assert counts["source"].str.contains("synthetisch").all()


def test_small_counts_are_withheld_also_at_city_level(register):
    for by_wijk in (False, True):
        counts = doelgroepen.doelgroep_counts(register, by_wijk=by_wijk)
        shown = counts[counts["value"].notna()]
        assert (shown["value"] >= 10).all()
        withheld = counts[counts["value"].isna()]
        assert len(withheld) and withheld["display"].isin(["<10", "x"]).all()
    wijk = doelgroepen.doelgroep_counts(register, by_wijk=True)
    table = doelgroepen.doelgroep_table(wijk, "WK034406", "en")
    assert list(table.columns[:2]) == ["team", "target group"]
    assert (table == "<10").any().any()
    assert doelgroepen.doelgroep_table(wijk, "WK999999", "en").empty


def test_styled_table_has_the_source_as_caption_and_escapes(register):
    counts = doelgroepen.doelgroep_counts(register)
    html = doelgroepen.styled(counts, "GM0344", language="nl").to_html()
    assert "synthetisch" in html and "jongvolwassenen (18 tot 23 jaar)" in html
    assert "<10" not in html.replace("&lt;10", "")  # withheld counts escaped, not raw markup
    empty = doelgroepen.styled(counts, "WK999999", language="nl")
    assert "geen gegevens" in empty.data.lower()
