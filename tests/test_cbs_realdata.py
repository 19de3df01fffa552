"""Integration: the real CBS files in ../shared/realdata (skipped with a reason where absent).

The whole folder is imported once per module into a temporary cache; every
call passes that cache explicitly. The expected figures are published ones
(see each folder's SOURCE.txt; Utrecht's Begroting 2020 quotes 7.3 % for 2015).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.cbs import (
    cached_municipalities,
    import_paths,
    load_indicator,
    read_cached,
    region_resolver,
    seams,
)
from analysis.regions import UTRECHT_WIJKEN
from analysis.schema import COLUMNS, validate_observations

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def real(realdata_dir) -> Path:
    """../shared/realdata, or skip (the session's realdata_dir)."""
    return realdata_dir


@pytest.fixture(scope="module")
def imported(real, tmp_path_factory):
    cache = tmp_path_factory.mktemp("realdata") / "cbs"
    result = import_paths([real], cache_dir=cache, vintage="CBS StatLine, opgehaald 2025-04-22")
    return cache, result


@pytest.fixture(scope="module")
def cache(imported) -> Path:
    return imported[0]


@pytest.fixture(scope="module")
def jeugdhulp(cache) -> pd.DataFrame:
    return load_indicator("jeugdhulp_pct", cache_dir=cache)


def value_of(obs: pd.DataFrame, region: str, period: str) -> float:
    sel = obs[(obs["region_code"] == region) & (obs["period"] == period)]
    assert len(sel) == 1, f"{region} {period}: {len(sel)} rows"
    return float(sel["value"].iloc[0])


def test_whole_folder_imports(realdata_dir, imported):
    cache, result = imported
    written = {m["table"] for m in result.written}
    assert {
        "82972NED",
        "85098NED",
        "84134NED",
        "85099NED",
        "82968NED",
        "85094NED",
        "83262NED",
        "86050NED",
        "83268NED",
        "86051NED",
        "84929NED",
        "85755NED",
        "83267NED",
        "85995NED",
        "83454NED",
    } <= written
    assert (
        len(written) == 24
    )  # 82966NED too: the 2017 publications cite it; 83454NED: the costs (notebook 07)
    skipped = sorted(Path(p).name for p, _ in result.skipped)
    assert skipped == ["82977NED.csv"]  # not in the catalogue
    for meta in result.written:
        assert meta["source_checksum"] and meta["rows"] > 0
        assert meta["vintage"] == "CBS StatLine, opgehaald 2025-04-22"


def test_utrecht_jeugdhulp_published_figures(realdata_dir, jeugdhulp):
    assert value_of(jeugdhulp, "GM0344", "2015") == pytest.approx(7.3)
    assert value_of(jeugdhulp, "GM0344", "2016") == pytest.approx(13.1)  # after the 2015/2016 break
    assert value_of(jeugdhulp, "GM0344", "2023") == pytest.approx(15.0)
    assert value_of(jeugdhulp, "GM0344", "2024H1") == pytest.approx(11.7)
    utrecht = jeugdhulp[jeugdhulp["region_code"] == "GM0344"]
    assert set(utrecht["region_name"]) == {"Utrecht"}
    assert set(utrecht.loc[utrecht["period"] <= "2020", "source"]) == {"82972NED"}
    assert set(utrecht.loc[utrecht["period"].isin(["2021", "2023", "2024H1"]), "source"]) == {
        "85098NED"
    }


def test_all_342_municipalities_of_2024(realdata_dir, cache, jeugdhulp):
    municipalities = cached_municipalities("jeugdhulp_pct", cache_dir=cache)
    assert len(municipalities) == 342
    division, _ = read_cached("85755NED", cache)
    gm_2024 = set(division.loc[division["region_code"].str.startswith("GM"), "region_code"])
    assert len(gm_2024) == 342
    assert set(municipalities) == gm_2024
    # every one of them has a 2024H1 row from 85098NED (a few with the value left empty by CBS)
    h1 = jeugdhulp[(jeugdhulp["period"] == "2024H1") & jeugdhulp["region_code"].isin(gm_2024)]
    assert set(h1["region_code"]) == gm_2024
    assert set(h1["source"]) == {"85098NED"}
    assert set(h1.loc[h1["value"].isna(), "status"]) <= {"missing"}
    assert h1["value"].notna().sum() > 330


def test_no_gap_at_the_2020_2021_seam(realdata_dir, cache, jeugdhulp):
    utrecht = jeugdhulp[jeugdhulp["region_code"] == "GM0344"]
    halves = utrecht.loc[utrecht["period_type"] == "halfyear", "period"].tolist()
    assert halves == [f"{y}H{h}" for y in range(2015, 2024) for h in (1, 2)] + ["2024H1"]
    assert utrecht.loc[utrecht["period_type"] == "year", "period"].tolist() == [
        str(y) for y in range(2015, 2024)
    ]
    s = seams(utrecht)
    assert s[
        ["period_type", "last_period", "source_before", "first_period", "source_after"]
    ].values.tolist() == [
        ["year", "2020", "82972NED", "2021", "85098NED"],
        ["halfyear", "2020H2", "82972NED", "2021H1", "85098NED"],
    ]


def test_no_wijk_codes_in_municipal_series(realdata_dir, jeugdhulp):
    # former municipalities such as Haren are wijken of other municipalities today
    assert not jeugdhulp["region_code"].str.startswith(("WK", "BU")).any()
    haren = jeugdhulp[jeugdhulp["region_name"] == "Haren"]
    assert set(haren["region_code"]) <= {"GM0017"}


def test_utrecht_jeugdzorg_personen(realdata_dir, cache):
    obs = load_indicator("jeugdzorg_personen", "GM0344", cache_dir=cache)
    assert value_of(obs, "GM0344", "2020") == 13090
    assert value_of(obs, "GM0344", "2023") == 11780
    pct = load_indicator("jeugdzorg_pct", "GM0344", cache_dir=cache)
    assert value_of(pct, "GM0344", "2020") == pytest.approx(13.5)
    assert value_of(pct, "GM0344", "2023") == pytest.approx(11.9)


def test_utrecht_buurtteam_trajectories(realdata_dir, cache):
    obs = load_indicator("jeugdhulptrajecten_buurtteam", "GM0344", cache_dir=cache)
    assert set(obs["period_type"]) == {"date"}
    assert value_of(obs, "GM0344", "2019-12-31") == 5305
    assert value_of(obs, "GM0344", "2024-06-30") == 3940
    # SOURCE.txt's 9140 is all youth-care trajectories (TotaalJeugdzorgtrajectenInNatura); the
    # catalogue's jeugdhulptrajecten is the youth-support part of them, so it is smaller
    total = load_indicator("jeugdhulptrajecten", "GM0344", cache_dir=cache)
    assert 3940 < value_of(total, "GM0344", "2024-06-30") < 9140


def test_utrecht_wmo_clients(realdata_dir, cache):
    obs = load_indicator("wmo_clienten", ["GM0344", *UTRECHT_WIJKEN], cache_dir=cache)
    assert value_of(obs, "GM0344", "2015") == 19190
    assert (
        obs.loc[(obs["region_code"] == "GM0344") & (obs["period"] == "2015"), "source"].item()
        == "83262NED"
    )
    assert value_of(obs, "GM0344", "2023") == 19810
    assert (
        obs.loc[(obs["region_code"] == "GM0344") & (obs["period"] == "2023"), "source"].item()
        == "86050NED"
    )
    wijken = obs[(obs["period"] == "2023") & obs["region_code"].str.startswith("WK0344")]
    assert sorted(wijken["region_code"]) == sorted(UTRECHT_WIJKEN)
    assert len(UTRECHT_WIJKEN) == 10
    assert set(wijken["source"]) == {"85638NED"}
    assert value_of(obs, "WK034403", "2023") == 3450  # Overvecht
    assert value_of(obs, "WK034409", "2023") == 1760  # Leidsche Rijn
    # the 2015 wijk table agrees with the municipal table (SOURCE.txt)
    wijk2015, _ = read_cached("83267NED", cache)
    utrecht = wijk2015[
        (wijk2015["region_code"] == "GM0344")
        & (wijk2015["period"] == "2015")
        & (wijk2015["indicator"] == "wmo_clienten")
    ]
    assert utrecht["value"].tolist() == [19190.0]


def test_utrecht_wmo_stand(realdata_dir, cache):
    # 83268NED (maatwerkarrangementen, 2015-2020) publishes 26075 for Utrecht 2019 ...
    old, _ = read_cached("83268NED", cache)
    sel = old[
        (old["indicator"] == "wmo_stand")
        & (old["region_label"] == "Utrecht (gemeente)")
        & (old["period"] == "2019")
    ]
    assert sel["value"].tolist() == [26075.0]
    # ... and 86051NED (maatwerkvoorzieningen, from 2017) overlaps it; the stitched series takes the
    # later table, CBS's current definition (docs/cbs.md)
    new, _ = read_cached("86051NED", cache)
    newer = new[
        (new["indicator"] == "wmo_stand")
        & (new["region_label"] == "Utrecht (gemeente)")
        & (new["period"] == "2019")
    ]["value"].item()
    obs = load_indicator("wmo_stand", "GM0344", cache_dir=cache)
    assert value_of(obs, "GM0344", "2019") == newer
    assert (
        value_of(obs, "GM0344", "2015")
        == old[
            (old["indicator"] == "wmo_stand")
            & (old["region_label"] == "Utrecht (gemeente)")
            & (old["period"] == "2015")
        ]["value"].item()
    )
    s = seams(obs)
    assert s.loc[s["period_type"] == "year", ["last_period", "first_period"]].values.tolist() == [
        ["2016", "2017"]
    ]


def test_alphen_chaam_above_100_kept_with_note(realdata_dir, cache):
    assert region_resolver(cache).code_for("Alphen-Chaam") == "GM1723"
    obs = load_indicator("jeugdbescherming_verblijf_pct", "GM1723", cache_dir=cache)
    sel = obs[obs["period"] == "2016"]
    assert sel["value"].tolist() == [107.0]
    assert sel["note"].str.startswith("boven 100%").all()
    assert obs.loc[obs["value"] <= 100, "note"].isna().all()
    validate_observations(obs)
    # in the whole table: a note on exactly the values above 100, and only on the two marked measures
    raw, meta = read_cached("82972NED", cache)
    above = raw[raw["value"] > 100]
    assert len(above) > 0
    assert above["note"].notna().all()
    assert raw.loc[raw["note"].notna(), "value"].gt(100).all()
    assert set(above["indicator"]) <= {"jeugdhulp_verblijf_pct", "jeugdbescherming_verblijf_pct"}
    assert f"{len(above)} percentage(s) above 100 kept as published, with a note" in meta["notes"]


def test_cli_end_to_end(realdata_dir, tmp_path):
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(tmp_path), "PYTHONIOENCODING": "utf-8"}

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "analysis", *args],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )

    imported = run(
        "cbs",
        "import",
        str(realdata_dir / "cbs-jeugdzorg"),
        "--vintage",
        "CBS StatLine, opgehaald 2025-04-22",
    )
    assert imported.returncode == 0, imported.stderr
    assert "82972NED: " in imported.stdout and "85098NED: " in imported.stdout
    assert "skipped" in imported.stdout and "82977NED.csv" in imported.stdout
    shown = run("cbs", "show", "jeugdhulp_pct", "--region", "GM0344", "--format", "csv")
    assert shown.returncode == 0, shown.stderr
    assert "Traceback" not in shown.stderr
    obs = pd.read_csv(io.StringIO(shown.stdout), dtype={"period": str})
    assert list(obs.columns) == COLUMNS
    years = obs[obs["period_type"] == "year"]
    assert years["period"].tolist() == [str(y) for y in range(2015, 2024)]
    halves = obs[obs["period_type"] == "halfyear"]
    assert halves["period"].iloc[0] == "2015H1" and halves["period"].iloc[-1] == "2024H1"
    got = dict(zip(obs["period"], obs["value"], strict=False))
    assert got["2015"] == pytest.approx(7.3)
    assert got["2023"] == pytest.approx(15.0)
    assert got["2024H1"] == pytest.approx(11.7)
    # the files carry no provisional marks: the vintage rule (2025-04-22) makes 2024H1 voorlopig
    status = dict(zip(obs["period"], obs["status"], strict=False))
    assert status["2024H1"] == "voorlopig"
    assert status["2023"] == status["2023H2"] == "definitief"
    assert set(obs["source"]) == {"82972NED", "85098NED"}
    assert obs["published"].str.startswith("CBS StatLine ").all()


def test_import_realdata_says_each_thing_once_and_only_what_is_true(realdata_dir, tmp_path):
    """make import-realdata: one line per table, one line about unresolved labels, no request to import 85755NED."""
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(tmp_path), "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "cbs",
            "import",
            str(realdata_dir),
            "--vintage",
            "CBS StatLine, opgehaald 2025-04-22",
        ],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    tables = [line.split(":")[0] for line in lines if line[:8].isalnum() and line[8:9] == ":"]
    assert len(tables) == len(set(tables)) == 24
    assert [line for line in lines if "85755NED" in line] == [
        next(x for x in lines if x.startswith("85755NED:"))
    ]
    labels = [line for line in lines if "region labels" in line]
    assert len(labels) == 1 and "match no code in the cached region tables" in labels[0]
    assert "import or fetch" not in run.stdout
    provisional = [line for line in lines if "voorlopig by the vintage rule" in line]
    assert {line[:8] for line in provisional} == {
        "85094NED",
        "85098NED",
        "85099NED",
        "85995NED",
        "86050NED",
        "86051NED",
    }
