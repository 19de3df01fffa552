"""The embedded CBS extract (data/cbs): building, reading, the vintage status rule."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.cbs import (
    SERIES,
    TABLES,
    cached_metadata,
    import_paths,
    load_indicator,
    read_cached,
    status_by_vintage,
)
from analysis.cbs.cache import read_crosswalk
from analysis.cbs.extract import (
    MANIFEST,
    OBSERVATION_COLUMNS,
    OBSERVATIONS,
    README,
    REALDATA_VINTAGE,
    REGIONS,
    build_extract,
    extract_dir,
    extract_files,
    is_extract,
    write_extract,
)
from analysis.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "cbs"
FIXTURE_TABLES = ["82972NED", "85098NED", "85755NED"]
VINTAGE = "CBS StatLine, opgehaald 2021-09-30"


@pytest.fixture
def cache(tmp_path) -> Path:
    folder = tmp_path / "cache"
    import_paths(
        [FIXTURES / f"{t}.csv" for t in ("82972NED", "85098NED", "85755NED")],
        cache_dir=folder,
        vintage=VINTAGE,
    )
    return folder


@pytest.fixture
def extract(cache, tmp_path) -> Path:
    return write_extract(extract_files(cache, FIXTURE_TABLES), tmp_path / "extract")


# --- the vintage rule -------------------------------------------------------------------------


def frame(periods, statuses=None):
    statuses = statuses or ["definitief"] * len(periods)
    return pd.DataFrame({"period": periods, "status": statuses, "value": 1.0})


def test_vintage_rule_marks_periods_ending_within_a_year():
    out, n = status_by_vintage(
        frame(["2023", "2023H2", "2024H1", "2024-06-30", "2023-12-31"]),
        "85098NED",
        REALDATA_VINTAGE,
    )
    assert out["status"].tolist() == [
        "definitief",
        "definitief",
        "voorlopig",
        "voorlopig",
        "definitief",
    ]
    assert n == 2


def test_marks_in_a_file_take_precedence():
    marked = frame(["2023", "2024H1"], ["voorlopig", "definitief"])
    out, n = status_by_vintage(marked, "85098NED", REALDATA_VINTAGE)
    assert n == 0 and out["status"].tolist() == ["voorlopig", "definitief"]


def test_vintage_rule_keeps_missing_and_suppressed_and_needs_a_date():
    out, n = status_by_vintage(
        frame(["2024H1", "2024H1"], ["missing", "suppressed"]), "85098NED", REALDATA_VINTAGE
    )
    assert out["status"].tolist() == ["missing", "suppressed"] and n == 0
    out, n = status_by_vintage(frame(["2024H1"]), "85098NED", "CBS StatLine")
    assert out["status"].tolist() == ["definitief"] and n == 0


def test_import_applies_the_vintage_rule_to_odata_files(cache):
    obs = load_indicator("jeugdhulp_pct", "GM0344", cache_dir=cache)
    status = dict(zip(obs["period"], obs["status"], strict=True))
    assert status["2021"] == "voorlopig"  # ended after the vintage date (2021-09-30)
    assert status["2020"] == "voorlopig"  # ended 2020-12-31, 9 months before the vintage
    assert status["2016"] == "definitief"
    meta = {m["table"]: m for m in cached_metadata(cache)}
    assert any("vintage rule" in n for n in meta["85098NED"]["notes"])


def test_import_keeps_the_marks_of_a_statline_download(tmp_path):
    path = tmp_path / "85098NED.csv"
    path.write_text(
        '"ID";"RegioS";"Perioden";"JongerenMetJeugdhulpInNatura_1"\n'
        '0;"Nederland";"2021";"12.0"\n1;"Nederland";"2022*";"12.5"\n',
        encoding="utf-8",
    )
    import_paths([path], cache_dir=tmp_path / "c", vintage="CBS StatLine, opgehaald 2024-01-05")
    obs = load_indicator("jeugdhulp_pct", "NL01", cache_dir=tmp_path / "c")
    assert dict(zip(obs["period"], obs["status"], strict=True)) == {
        "2021": "definitief",
        "2022": "voorlopig",
    }


# --- building -------------------------------------------------------------------------------------


def test_extract_is_deterministic(cache, tmp_path):
    first = extract_files(cache, FIXTURE_TABLES)
    second = extract_files(cache, FIXTURE_TABLES)
    assert first == second
    assert set(first) == {MANIFEST, OBSERVATIONS, REGIONS, README}
    for name in (OBSERVATIONS, REGIONS):
        assert first[name][4:8] == b"\x00\x00\x00\x00"  # gzip mtime 0


def test_extract_rows_are_tidy_and_traceable(cache):
    files = extract_files(cache, FIXTURE_TABLES)
    obs = pd.read_csv(
        gzip.open(__import__("io").BytesIO(files[OBSERVATIONS])), dtype=str, keep_default_na=False
    )
    assert list(obs.columns) == OBSERVATION_COLUMNS
    assert (obs["vintage"] == VINTAGE).all()
    assert obs["source_ref"].str.startswith("opendata.cbs.nl/#/CBS/nl/dataset/").all()
    assert set(obs["status"]) <= {
        "definitief",
        "voorlopig",
        "missing",
        "suppressed",
        "nader voorlopig",
    }
    # codes resolved; the fictional municipality merged away (no code) is not kept
    assert obs["region_code"].str.match(r"^(NL|PV|LD|GM)").all()
    assert "Oud-Elzenburg" not in set(obs["region_label"])
    manifest = json.loads(files[MANIFEST])
    assert [t["table"] for t in manifest["tables"]] == FIXTURE_TABLES
    assert manifest["vintages"] == [VINTAGE]
    assert "CC BY 4.0" in files[README].decode()


def test_extract_needs_every_catalogue_table(cache):
    with pytest.raises(InputError, match="lacks catalogue table"):
        extract_files(cache)


def test_extract_reads_like_the_cache(cache, extract):
    assert is_extract(extract) and not is_extract(cache)
    for indicator in ("jeugdhulp_pct", "jeugdbescherming_pct"):
        a = load_indicator(indicator, cache_dir=cache)
        b = load_indicator(indicator, cache_dir=extract)
        keep = a["region_code"].str.match(r"^(NL|PV|LD|GM)")
        pd.testing.assert_frame_equal(a[keep].reset_index(drop=True), b.reset_index(drop=True))
    assert [m["table"] for m in cached_metadata(extract)] == FIXTURE_TABLES
    frame, meta = read_cached("85755NED", extract)
    assert meta["kind"] == "regions" and "GM0344" in set(frame["region_code"])
    assert read_cached("84134NED", extract) is None
    assert "Utrecht (gemeente)" in set(read_crosswalk(extract)["label"])


def test_a_changed_extract_file_is_refused(extract, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(extract, copy)
    data = bytearray((copy / OBSERVATIONS).read_bytes())
    data[-1] ^= 1
    (copy / OBSERVATIONS).write_bytes(bytes(data))
    with pytest.raises(InputError, match="does not match its checksum"):
        load_indicator("jeugdhulp_pct", cache_dir=copy)


# --- the committed extract ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded() -> Path:
    return extract_dir()


def test_committed_extract_is_small_and_attributed(embedded):
    assert embedded == config.data_dir() / "cbs"
    size = sum(f.stat().st_size for f in embedded.iterdir())
    assert size < 5_000_000
    readme = (embedded / README).read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and "Bron: CBS" in readme and REALDATA_VINTAGE in readme
    assert "make cbs-extract" in readme
    manifest = json.loads((embedded / MANIFEST).read_text(encoding="utf-8"))
    assert {t["table"] for t in manifest["tables"]} == set(TABLES)
    periods = {t["table"]: t.get("periods") for t in manifest["tables"]}
    assert (periods["82966NED"][0], periods["82966NED"][-1]) == ("2015Q1", "2017")  # in time order


def test_committed_extract_serves_every_catalogue_indicator(embedded):
    for indicator in SERIES:
        # an indicator only the wijk tables hold (the wijk's Indelingswijziging): a wijk of Utrecht
        wijk_only = all(TABLES[t].only_levels == ("wijk",) for t in SERIES[indicator])
        obs = load_indicator(indicator, "WK034403" if wijk_only else "GM0344", cache_dir=embedded)
        assert obs["value"].notna().any(), indicator


def test_the_committed_extract_reads_as_pandas_c_reader_reads_it(embedded):
    # the loader uses pyarrow's CSV reader for speed: every table it serves is what the C reader gives
    from analysis.cbs.extract import OBSERVATIONS, read_extract_table

    with gzip.open(embedded / OBSERVATIONS, "rb") as handle:
        plain = pd.read_csv(handle, dtype=str, keep_default_na=False)
    plain["value"] = pd.to_numeric(plain["value"].replace("", None), errors="raise").astype(float)
    for col in ("note", "region_code"):
        plain[col] = plain[col].replace("", None)
    plain = plain.rename(columns={"source_table": "table_id"})
    assert plain["table_id"].nunique() > 5
    for table_id, part in plain.groupby("table_id"):
        table, _ = read_extract_table(table_id, embedded)
        pd.testing.assert_frame_equal(table, part[table.columns].reset_index(drop=True))


def test_committed_extract_figures(embedded):
    obs = load_indicator(
        "jeugdhulp_pct", ["GM0344", "NL01", "GM0363", "GM0599", "GM0518"], cache_dir=embedded
    )
    utrecht = obs[obs["region_code"] == "GM0344"].set_index("period")
    assert utrecht.loc["2023", "value"] == pytest.approx(15.0)
    assert utrecht.loc["2023", "status"] == "definitief"
    assert utrecht.loc["2018H2", "value"] == pytest.approx(12.8)
    assert utrecht.loc["2024H1", "status"] == "voorlopig"
    assert set(obs["region_code"]) == {"GM0344", "NL01", "GM0363", "GM0599", "GM0518"}
    assert (obs["published"] == "CBS StatLine " + obs["source"] + f" ({REALDATA_VINTAGE})").all()
    wijk = load_indicator(
        "wmo_clienten_per_1000", "WK034403", period_type="year", cache_dir=embedded
    )
    assert wijk["period"].tolist() == [str(y) for y in range(2015, 2024)]


@pytest.mark.realdata
def test_cbs_extract_rebuilds_the_committed_extract_byte_for_byte(realdata_dir, tmp_path):
    out = tmp_path / "cbs"
    build_extract([realdata_dir], vintage=REALDATA_VINTAGE, out_dir=out)
    committed = extract_dir()
    names = sorted(p.name for p in committed.iterdir())
    assert names == sorted(p.name for p in out.iterdir())
    for name in names:
        assert (out / name).read_bytes() == (committed / name).read_bytes(), name


def test_cli_extract_from_an_empty_cache_is_one_line(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(tmp_path / "empty"), "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "cbs",
            "extract",
            "--from-cache",
            "--out",
            str(tmp_path / "out"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert "lacks catalogue table(s)" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_metadata_of_a_changed_extract_is_refused_too(extract, tmp_path):
    # the metadata (the runner's up-front period check) read the manifest without parsing the
    # rows; the files must still match their checksums
    copy = tmp_path / "copy"
    shutil.copytree(extract, copy)
    assert [m["table"] for m in cached_metadata(copy)] == FIXTURE_TABLES
    data = bytearray((copy / OBSERVATIONS).read_bytes())
    data[-1] ^= 1
    (copy / OBSERVATIONS).write_bytes(bytes(data))
    with pytest.raises(InputError, match="does not match its checksum"):
        cached_metadata(copy)
