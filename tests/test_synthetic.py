"""The synthetic register: determinism, labelling and calibration to published figures.

The calibration targets come from the published figures in ``data/published``
(:func:`analysis.published.load_published`) when that module is available; the
documented table :data:`analysis.synthetic.TARGETS` says which indicator and
year is reproduced and, where publications disagree, which of the published
values. Without the published module the values of that table are used.
"""

from __future__ import annotations

import gzip
import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from analysis import config, synthetic
from analysis.regions import UTRECHT_WIJKEN
from analysis.register import (
    ENDED_AS_PLANNED,
    case_level,
    flows,
    load_register,
    new_cases,
    to_observations,
    waiting_days,
)

COMMITTED = config.PROJECT_ROOT / "data" / "synthetic"
DATA_FILES = [*synthetic.FILES.values(), "register.json", "README.md"]


@pytest.fixture(scope="module")
def generated():
    return synthetic.generate()


@pytest.fixture(scope="module")
def written(generated, tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    synthetic.write(out, register=generated)
    return out


@pytest.fixture(scope="module")
def committed():
    return load_register(COMMITTED)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("name", DATA_FILES)
def test_regenerating_gives_the_committed_files(written, name):
    new, old = (written / name).read_bytes(), (COMMITTED / name).read_bytes()
    if name.endswith(".gz"):
        assert _sha(gzip.decompress(new)) == _sha(gzip.decompress(old)), (
            f"{name}: regenerated content differs from data/synthetic; if the generator changed on "
            "purpose, bump GENERATOR_VERSION and run python -m analysis.synthetic"
        )
    assert _sha(new) == _sha(old), (
        f"{name}: regenerated file is not byte-identical to data/synthetic"
    )


def test_committed_files_match_their_checksums():
    meta = json.loads((COMMITTED / "register.json").read_text(encoding="utf-8"))
    for name, info in meta["files"].items():
        raw = gzip.decompress((COMMITTED / name).read_bytes())
        assert _sha(raw) == info["sha256_uncompressed"], name
        assert raw.count(b"\n") == info["rows"] + 1, name


def test_loaded_register_equals_the_generated_one(committed, generated):
    for table in ("cases", "surveys", "care"):
        pd.testing.assert_frame_equal(getattr(committed, table), getattr(generated, table))


def test_size_limit():
    total = sum(p.stat().st_size for p in COMMITTED.iterdir() if p.is_file())
    assert total < 25 * 1024 * 1024


# --------------------------------------------------------------------------- labelling


def test_everything_is_labelled_synthetic(committed):
    assert committed.synthetic is True
    assert "GEEN echte gegevens" in committed.source
    for table in (committed.cases, committed.surveys, committed.care):
        assert table["synthetic"].all()
    meta = json.loads((COMMITTED / "register.json").read_text(encoding="utf-8"))
    assert meta["synthetic"] is True and meta["seed"] == synthetic.DEFAULT_SEED
    assert "SYNTHETISCH" in (COMMITTED / "README.md").read_text(encoding="utf-8")
    prov = committed.provenance()
    assert (
        prov["source"]
        == f"synthetisch register (analysis.synthetic, seed {synthetic.DEFAULT_SEED})"
    )
    assert prov["published"] == f"synthetisch, gegenereerd v{synthetic.GENERATOR_VERSION}"
    assert prov["note"] == "synthetisch"


def test_observations_say_synthetic(committed):
    new = new_cases(committed.cases, by=("team", "wijk_code"))
    obs = to_observations(
        new, "buurtteam_sociaal_nieuwe_casussen", value="new_cases", register=committed
    )
    assert len(obs) == 10 * len(UTRECHT_WIJKEN)
    obs = to_observations(
        new_cases(committed.cases),
        "buurtteam_sociaal_nieuwe_casussen",
        value="new_cases",
        register=committed,
    )
    assert set(obs["note"]) == {"synthetisch"}
    assert obs["source"].str.startswith("synthetisch register").all()
    assert obs["published"].str.startswith("synthetisch").all()
    assert set(obs["region_code"]) == {"GM0344"}


# ------------------------------------------------------------------------- calibration


@pytest.fixture(scope="module")
def published():
    """data/published as one table, or None where analysis.published does not exist."""
    try:
        from analysis.published import load_published
    except ImportError:
        return None
    return load_published()


def target_table(published: pd.DataFrame | None) -> pd.DataFrame:
    """The targets, with values from data/published where it has them.

    Where a publication holds the figure, the published value is the target;
    where several publications disagree, the one chosen in synthetic.TARGETS
    (which must be among them). ``origin`` says where each value comes from.
    """
    table = synthetic.targets()[["indicator", "year", "value", "tolerance", "document"]].copy()
    table["origin"] = "synthetic.TARGETS"
    if published is None:
        return table
    for i, row in table.iterrows():
        sub = published[
            (published["indicator"] == row["indicator"])
            & (published["region_code"] == "GM0344")
            & (published["period"] == str(row["year"]))
        ]
        values = sub["value"].dropna().unique()
        if values.size == 0:
            continue
        chosen = values[np.isclose(values, row["value"], rtol=1e-9, atol=0)]
        assert chosen.size, (
            f"{row['indicator']} {row['year']}: synthetic.TARGETS has {row['value']}, "
            f"data/published has {sorted(values)}"
        )
        table.loc[i, "value"] = float(chosen[0])
        table.loc[i, "origin"] = "data/published"
    return table


def test_targets_are_published_figures(published):
    if published is None:
        pytest.skip("analysis.published not available; targets come from synthetic.TARGETS")
    table = target_table(published)
    # every target must be a figure some publication in data/published holds
    missing = table[table["origin"] != "data/published"]
    assert missing.empty, missing[["indicator", "year", "value"]].to_string()


def test_calibration_to_published_figures(committed, published):
    result = synthetic.calibration(committed, target_table(published))
    misses = result[~result["ok"]]
    assert misses.empty, (
        "\n" + misses[["indicator", "year", "value", "achieved", "relative_error"]].to_string()
    )
    assert (result["tolerance"] <= 0.10).all()
    assert (result.loc[result["tolerance"] == 0.02, "indicator"].nunique()) >= 15


def test_sociaal_outflow_rises_in_2024_as_begroting_2026_says(committed):
    # Begroting 2026: instroom 7068 -> 7283 "maar de uitstroom nam ook toe", with "administratieve
    # afsluitingen van niet meer actieve dossiers"
    f = flows(committed.cases, freq="year")
    so = f[f["team"] == "sociaal"].set_index("period")
    assert so.loc["2024", "outflow"] > so.loc["2023", "outflow"]
    assert so.loc["2024", "inflow"] > so.loc["2023", "inflow"]
    cl = case_level(committed.cases)
    stale = cl[(cl["team"] == "sociaal") & (cl["registration_date"] < "2024-01-01")]
    assert (
        stale["end_date"].notna().all()
    )  # no Sociaal case of before 2024 is still open at the end of 2024
    closed = stale[stale["end_date"] >= "2024-10-01"]
    assert (closed["end_reason"] == "administratief_afgesloten").mean() > 0.5
    assert (closed["end_date"] > closed["first_conversation_date"]).all()


def test_plan_uses_the_targets():
    plan = synthetic.build_plan().set_index(["team", "year"])
    for t in synthetic.TARGETS:
        if t.indicator == "buurtteam_sociaal_casussen":
            assert plan.loc[("sociaal", t.year), "active_cases"] == t.value
        if t.indicator in ("buurtteam_jg_gezinnen", "buurtteam_jg_trajecten"):
            assert plan.loc[("jeugd_en_gezin", t.year), "active_cases"] == t.value
        if t.indicator == "buurtteam_sociaal_wachttijd":
            assert plan.loc[("sociaal", t.year), "wait_mean"] == pytest.approx(t.value)
    # years without a publication lie between their neighbours (monotone interpolation)
    a = plan.xs("jeugd_en_gezin")["active_cases"]
    assert min(a[2018], a[2021]) <= a[2019] <= max(a[2018], a[2021])
    assert a[2024] == a[2023]


# --------------------------------------------------------------------------- structure


def test_structure_of_the_register(committed):
    cases, care = committed.cases, committed.care
    cl = case_level(cases)
    assert set(cl["wijk_code"]) == set(UTRECHT_WIJKEN)
    assert cl["registration_date"].min() >= pd.Timestamp("2015-01-01")
    assert cl["registration_date"].max() <= pd.Timestamp("2024-12-31")
    assert cl["end_date"].max() <= pd.Timestamp("2024-12-31")
    # urgent cases: about 10 %, seen within 5 working days
    assert 0.08 < cl["urgent"].mean() < 0.12
    waits = waiting_days(cl).astype(float)
    assert waits[cl["urgent"]].max() <= 5
    assert waits[~cl["urgent"]].mean() > waits[cl["urgent"]].mean()
    # Sociaal clients return over the years; J&G cases are families
    so = cases[cases["team"] == "sociaal"]
    per_client = so.groupby("client_id")["case_id"].nunique()
    assert (per_client > 1).mean() > 0.10
    assert cl.loc[cl["team"] == "jeugd_en_gezin", "n_clients"].mean() > 1.8
    # busier per inhabitant in Overvecht than in Oost
    counts = cl[cl["team"] == "sociaal"]["wijk_code"].value_counts()
    pop = synthetic.WIJKEN.set_index("wijk_code")["pop2024"]
    rate = counts / pop
    assert rate["WK034403"] > 1.8 * rate["WK034405"]
    # stock and flows are consistent month by month
    assert (flows(cases, freq="month")["difference"] == 0).all()
    # end reasons and referrals to aanvullende zorg
    assert cl["end_reason"].isin(ENDED_AS_PLANNED).mean() > 0.5
    referred = set(care["referred_by_case_id"].dropna())
    sent = set(cl.loc[cl["end_reason"] == "doorverwezen_aanvullende_zorg", "case_id"])
    assert referred <= sent and len(referred) > 0.95 * len(sent)
    marks = committed.surveys[["toegankelijkheid", "kwaliteit", "effect", "rapportcijfer"]]
    assert marks.min().min() >= 1 and marks.max().max() <= 10
