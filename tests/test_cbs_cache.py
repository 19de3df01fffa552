"""The CBS cache: parquet + JSON sidecar, checksums, all-or-nothing imports, crosswalk."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import __version__
from analysis.cbs import (
    cached_metadata,
    cbs_cache_dir,
    import_paths,
    load_indicator,
    read_cached,
    region_resolver,
)
from analysis.cbs.cache import CROSSWALK, read_crosswalk
from analysis.errors import InputError
from analysis.parquet import read_parquet, write_parquet

FIXTURES = Path(__file__).parent / "fixtures" / "cbs"

JEUGD_HEADER = (
    "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1;JongerenMetJeugdhMetVerblInNat_2;"
    "JongerenMetJeugdbescherming_3;JeugdbeschEnJeugdhMetVerblInNat_4;JongerenMetJeugdreclassering_5"
)


def write(folder: Path, name: str, *rows: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(("\ufeff" + "\n".join(rows) + "\n").encode())
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too) with its bytes."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def good_85098(folder: Path, utrecht_2021: str = "16.6") -> Path:
    return write(
        folder,
        "85098NED.csv",
        JEUGD_HEADER,
        f"0;Utrecht (gemeente);2021;{utrecht_2021};4.0;0.8;40.0;0.4",
        "1;Nederland;2021;13.2;9.4;1.2;47.8;0.3",
    )


def bad_82972(folder: Path) -> Path:
    return write(
        folder,
        "82972NED.csv",
        JEUGD_HEADER,
        "0;Utrecht (gemeente);2015;7.3;11.0;1.1;40.1;0.5",
        "1;Utrecht (gemeente);2016;113.1;10.0;1.0;41.0;0.5",
    )


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache" / "cbs"


# --------------------------------------------------------------------------------------
# What an import writes
# --------------------------------------------------------------------------------------


def test_import_writes_parquet_and_sidecar(tmp_path, cache):
    src = good_85098(tmp_path / "in")
    result = import_paths([src], cache_dir=cache, vintage="CBS StatLine, 2024-06-28")
    assert [m["table"] for m in result.written] == ["85098NED"]
    assert result.skipped == []
    parquet, sidecar = cache / "85098NED.parquet", cache / "85098NED.json"
    assert parquet.is_file() and sidecar.is_file()
    meta = json.loads(sidecar.read_text())
    assert meta == result.written[0]
    assert meta["table"] == "85098NED"
    assert meta["title"] == "Jongeren met jeugdzorg in natura in % van alle jongeren; regio"
    assert meta["kind"] == "data"
    assert meta["source"] == "file"
    assert meta["origin"] == str(src)
    assert meta["format"] == "odata-csv"
    assert meta["vintage"] == "CBS StatLine, 2024-06-28"
    assert meta["source_checksum"] == sha256(src)
    assert meta["cache_checksum"] == sha256(parquet)
    assert meta["rows"] == 10  # 2 regions x 5 measures
    assert meta["indicators"] == sorted(
        [
            "jeugdhulp_pct",
            "jeugdhulp_verblijf_pct",
            "jeugdbescherming_pct",
            "jeugdbescherming_verblijf_pct",
            "jeugdreclassering_pct",
        ]
    )
    assert meta["periods"] == ["2021"]
    assert meta["package_version"] == __version__
    assert meta["retrieved_at"][:2] == "20"
    frame = read_parquet(parquet)
    assert len(frame) == meta["rows"]
    assert "line" not in frame.columns
    got = frame[
        (frame["indicator"] == "jeugdhulp_pct") & (frame["region_label"] == "Utrecht (gemeente)")
    ]
    assert got["value"].tolist() == [16.6]


def test_default_vintage_is_the_file_date(tmp_path, cache):
    import os

    src = good_85098(tmp_path / "in")
    stamp = 1_719_532_800  # 2024-06-28 00:00 UTC
    os.utime(src, (stamp, stamp))
    meta = import_paths([src], cache_dir=cache).written[0]
    assert meta["vintage"] == "bestand van 2024-06-28"


def test_read_cached_round_trip_and_missing_table(tmp_path, cache):
    import_paths([good_85098(tmp_path / "in")], cache_dir=cache)
    frame, meta = read_cached("85098NED", cache)
    assert meta["table"] == "85098NED"
    assert len(frame) == 10
    assert read_cached("82972NED", cache) is None


def test_default_cache_dir_follows_environment(tmp_cache, tmp_path):
    assert cbs_cache_dir() == tmp_cache.resolve() / "cbs"
    import_paths([good_85098(tmp_path / "in")])
    assert (tmp_cache / "cbs" / "85098NED.parquet").is_file()
    assert [m["table"] for m in cached_metadata()] == ["85098NED"]


def test_folder_import_is_recursive_and_skips_foreign_tables(tmp_path, cache):
    good_85098(tmp_path / "in" / "jeugd")
    write(
        tmp_path / "in" / "overig", "82977NED.csv", "ID;RegioS;Perioden;X_1", "0;Nederland;2015;1"
    )
    (tmp_path / "in" / "notes.txt").write_text("not a csv")
    result = import_paths([tmp_path / "in"], cache_dir=cache)
    assert [m["table"] for m in result.written] == ["85098NED"]
    assert [Path(p).name for p, _ in result.skipped] == ["82977NED.csv"]
    assert "not used" in result.skipped[0][1]
    assert not (cache / "82977NED.parquet").exists()


def test_import_of_nothing(tmp_path, cache):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no CSV files"):
        import_paths([tmp_path / "empty"], cache_dir=cache)
    with pytest.raises(InputError, match="no such file"):
        import_paths([tmp_path / "nope.csv"], cache_dir=cache)
    assert not cache.exists()


# --------------------------------------------------------------------------------------
# Checksums
# --------------------------------------------------------------------------------------


def test_tampered_parquet_is_refused(tmp_path, cache):
    import_paths([good_85098(tmp_path / "in")], cache_dir=cache)
    parquet = cache / "85098NED.parquet"
    frame = read_parquet(parquet)
    frame.loc[frame["indicator"] == "jeugdhulp_pct", "value"] = 99.9
    write_parquet(frame, parquet)  # a valid parquet file, but not the one cached
    with pytest.raises(InputError) as info:
        read_cached("85098NED", cache)
    assert "checksum" in str(info.value)
    assert str(parquet) in str(info.value)
    with pytest.raises(InputError, match="checksum"):
        load_indicator("jeugdhulp_pct", cache_dir=cache)


def test_truncated_parquet_is_refused(tmp_path, cache):
    import_paths([good_85098(tmp_path / "in")], cache_dir=cache)
    parquet = cache / "85098NED.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-10])
    with pytest.raises(InputError, match="checksum"):
        read_cached("85098NED", cache)


def test_unreadable_sidecar_is_an_input_error(tmp_path, cache):
    import_paths([good_85098(tmp_path / "in")], cache_dir=cache)
    (cache / "85098NED.json").write_text('{"table": "85098NED", ')
    with pytest.raises(InputError, match="85098NED.json"):
        read_cached("85098NED", cache)
    with pytest.raises(InputError, match="85098NED.json"):
        cached_metadata(cache)
    with pytest.raises(InputError, match="85098NED.json"):
        load_indicator("jeugdhulp_pct", cache_dir=cache)


# --------------------------------------------------------------------------------------
# All or nothing
# --------------------------------------------------------------------------------------


def test_bad_file_in_batch_writes_nothing_into_empty_cache(tmp_path, cache):
    good_85098(tmp_path / "in")
    bad = bad_82972(tmp_path / "in")
    with pytest.raises(InputError) as info:
        import_paths([tmp_path / "in"], cache_dir=cache)
    assert str(bad) in str(info.value) and "line 3" in str(info.value)
    assert snapshot(cache) == {}


def test_bad_file_in_batch_leaves_existing_cache_unchanged(tmp_path, cache):
    import_paths([FIXTURES / "85755NED.csv", FIXTURES / "82972NED.csv"], cache_dir=cache)
    before = snapshot(cache)
    assert set(before) == {
        "85755NED.parquet",
        "85755NED.json",
        "82972NED.parquet",
        "82972NED.json",
        CROSSWALK,
    }
    good = good_85098(tmp_path / "in", utrecht_2021="1.0")
    bad = bad_82972(tmp_path / "in")
    with pytest.raises(InputError):
        import_paths([good, bad], cache_dir=cache)
    assert snapshot(cache) == before  # no new table, no replaced table, no temp files
    assert not list(cache.glob(".*"))


def test_same_table_twice_in_one_import(tmp_path, cache):
    a = good_85098(tmp_path / "a")
    b = good_85098(tmp_path / "b", utrecht_2021="16.7")
    with pytest.raises(InputError) as info:
        import_paths([a, b], cache_dir=cache)
    msg = str(info.value)
    assert "85098NED" in msg and "twice" in msg
    assert str(a) in msg and str(b) in msg
    assert "\n" not in msg
    assert snapshot(cache) == {}


def test_failed_write_leaves_no_temp_files(tmp_path, cache, monkeypatch):
    import_paths([good_85098(tmp_path / "in")], cache_dir=cache)
    before = snapshot(cache)

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("analysis.cbs.cache.os.replace", refuse)
    with pytest.raises(InputError) as info:  # one line, exit 2: not a traceback
        import_paths([good_85098(tmp_path / "in2", utrecht_2021="1.5")], cache_dir=cache)
    assert "No space left on device" in str(info.value) and "unchanged" in str(info.value)
    assert snapshot(cache) == before  # the old table is intact and no temp file is left


def test_header_only_file_leaves_the_cached_table_unchanged(tmp_path, cache):
    # issue 13: importing just the header of 85098NED replaced the cached table with 0 rows
    import_paths([FIXTURES / "85098NED.csv"], cache_dir=cache)
    before = snapshot(cache)
    header_only = write(tmp_path / "in", "85098NED.csv", JEUGD_HEADER)
    with pytest.raises(InputError) as info:
        import_paths([header_only], cache_dir=cache)
    assert "no data rows" in str(info.value)
    assert snapshot(cache) == before


@pytest.mark.parametrize(
    "body",
    [
        ["0;Utrecht (gemeente);2021;;;;;", "1;Nederland;2021;;;;;"],  # all empty
        ["0;Utrecht (gemeente);2021;.;.;.;.;.", "1;Nederland;2021;x;x;x;x;x"],  # only symbols
    ],
)
def test_table_without_figures_leaves_the_cached_table_unchanged(tmp_path, cache, body):
    import_paths([FIXTURES / "85098NED.csv"], cache_dir=cache)
    before = snapshot(cache)
    with pytest.raises(InputError, match="no figures"):
        import_paths([write(tmp_path / "in", "85098NED.csv", JEUGD_HEADER, *body)], cache_dir=cache)
    assert snapshot(cache) == before


def test_write_tables_refuses_a_table_without_rows(cache):
    # a safety net for every way in (a fetch that returned nothing, too)
    from analysis.cbs.cache import write_tables
    from analysis.cbs.parse import RAW_COLUMNS, ParsedTable

    empty = ParsedTable(
        "85098NED",
        "t",
        "data",
        pd.DataFrame(columns=RAW_COLUMNS),
        "cbsodata: x",
        "0" * 64,
        "odata-json",
    )
    with pytest.raises(InputError, match="no rows"):
        write_tables([empty], source="cbsodata", cache_dir=cache)
    assert snapshot(cache) == {}


def test_failure_half_way_through_a_batch_puts_every_table_back(tmp_path, cache, monkeypatch):
    import_paths([FIXTURES / "82972NED.csv", FIXTURES / "85098NED.csv"], cache_dir=cache)
    before = snapshot(cache)
    new_a = write(
        tmp_path / "in",
        "82972NED.csv",
        JEUGD_HEADER,
        "0;Utrecht (gemeente);2015;1.5;11.0;1.1;40.1;0.5",
    )
    new_b = good_85098(tmp_path / "in", utrecht_2021="2.5")
    real_replace = os.replace
    calls = []

    def replace_then_fail(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # 82972NED.parquet and .json are in place, 85098NED.parquet fails
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr("analysis.cbs.cache.os.replace", replace_then_fail)
    with pytest.raises(InputError, match="No space left on device"):
        import_paths([new_a, new_b], cache_dir=cache)
    assert snapshot(cache) == before


def test_damaged_table_met_while_rebuilding_the_crosswalk_undoes_the_import(tmp_path, cache):
    import_paths([FIXTURES / "82972NED.csv", FIXTURES / "85755NED.csv"], cache_dir=cache)
    damaged = cache / "82972NED.parquet"
    damaged.write_bytes(damaged.read_bytes()[:-10] + b"0123456789")
    before = snapshot(cache)
    with pytest.raises(InputError, match="checksum"):
        import_paths([good_85098(tmp_path / "in")], cache_dir=cache)
    assert (
        snapshot(cache) == before
    )  # 85098NED is not left in the cache as if the import had worked


# --------------------------------------------------------------------------------------
# Re-import
# --------------------------------------------------------------------------------------


def test_reimport_replaces_table(tmp_path, cache):
    import_paths([good_85098(tmp_path / "v1")], cache_dir=cache, vintage="v1")
    old_meta = json.loads((cache / "85098NED.json").read_text())
    import_paths([good_85098(tmp_path / "v2", utrecht_2021="17.0")], cache_dir=cache, vintage="v2")
    frame, meta = read_cached("85098NED", cache)
    assert meta["vintage"] == "v2"
    assert meta["origin"] == str(tmp_path / "v2" / "85098NED.csv")
    assert meta["cache_checksum"] != old_meta["cache_checksum"]
    utrecht = frame[
        (frame["indicator"] == "jeugdhulp_pct") & (frame["region_label"] == "Utrecht (gemeente)")
    ]
    assert utrecht["value"].tolist() == [17.0]
    obs = load_indicator("jeugdhulp_pct", "GM0344", cache_dir=cache)
    assert obs["value"].tolist() == [17.0]
    assert obs["published"].tolist() == ["CBS StatLine 85098NED (v2)"]
    files = sorted(p.name for p in cache.iterdir())
    assert files == ["85098NED.json", "85098NED.parquet", CROSSWALK]


# --------------------------------------------------------------------------------------
# Crosswalk and region resolution
# --------------------------------------------------------------------------------------


def test_crosswalk_rebuilt_from_regions_table(tmp_path, cache):
    import_paths([FIXTURES / "85755NED.csv"], cache_dir=cache)
    cw = read_crosswalk(cache)
    pairs = set(zip(cw["label"], cw["region_code"], strict=True))
    assert {
        ("Elzenburg", "GM9901"),
        ("Hoogveld", "GM9902"),
        ("Utrecht (PV)", "PV26"),
        ("Utrecht Stad (JZ)", "JZ22"),
    } <= pairs
    resolver = region_resolver(cache)
    assert resolver.code_for("Elzenburg") == "GM9901"
    assert resolver.name_of("GM9901") == "Elzenburg"
    # re-import a regions table without Hoogveld: the crosswalk follows
    text = (FIXTURES / "85755NED.csv").read_text(encoding="utf-8-sig").splitlines()
    reduced = write(
        tmp_path / "r", "85755NED.csv", *[line for line in text if "Hoogveld" not in line]
    )
    import_paths([reduced], cache_dir=cache)
    cw = read_crosswalk(cache)
    assert "GM9902" not in set(cw["region_code"])
    assert "GM9901" in set(cw["region_code"])


def test_crosswalk_includes_codes_from_coded_data_tables(tmp_path, cache):
    wijk = write(
        tmp_path,
        "85638NED.csv",
        "ID;Financieringsvorm;Wijken;Perioden;Gemeentenaam_1;SoortRegio_2;Codering_3;"
        "IndelingswijzigingWijken_4;WmoClienten_5;WmoClientenPer1000Inwoners_6",
        "0;Totaal;Hoogveld;2023;Hoogveld ;Gemeente ;GM9902  ;1.0;300.0;25.0",
        "1;Totaal;Wijk 01 Dorp;2023;Hoogveld ;Wijk     ;WK990201;1.0;200.0;30.0",
    )
    import_paths([wijk], cache_dir=cache)
    resolver = region_resolver(cache)
    assert resolver.code_for("Hoogveld") == "GM9902"
    assert resolver.name_of("WK990201") == "Dorp"  # 'Wijk 01 ' taken off the label


def test_region_labels_resolved_at_load_time_whatever_the_import_order(tmp_path, cache):
    import_paths([FIXTURES / "82972NED.csv"], cache_dir=cache)
    before = load_indicator("jeugdhulp_pct", cache_dir=cache)
    assert "GM9901" not in set(before["region_code"])  # 'Elzenburg' has no code yet
    assert "GM0344" in set(before["region_code"])  # built-in label
    import_paths([FIXTURES / "85755NED.csv"], cache_dir=cache)
    after = load_indicator("jeugdhulp_pct", cache_dir=cache)
    elz = after[after["region_code"] == "GM9901"]
    assert dict(zip(elz["period"], elz["value"], strict=True)) == {"2016": 9.0, "2020": 9.5}
    assert set(elz["region_name"]) == {"Elzenburg"}
    # the other order gives the same observations
    other = tmp_path / "other"
    import_paths([FIXTURES / "85755NED.csv"], cache_dir=other)
    import_paths([FIXTURES / "82972NED.csv"], cache_dir=other)
    reverse = load_indicator("jeugdhulp_pct", cache_dir=other)
    cols = [c for c in after.columns if c != "published"]
    pd.testing.assert_frame_equal(after[cols], reverse[cols])


def test_cache_copied_elsewhere_still_reads(tmp_path, cache):
    import_paths([FIXTURES / "82972NED.csv", FIXTURES / "85755NED.csv"], cache_dir=cache)
    copy = tmp_path / "copy"
    shutil.copytree(cache, copy)
    a = load_indicator("jeugdhulp_pct", cache_dir=cache)
    b = load_indicator("jeugdhulp_pct", cache_dir=copy)
    pd.testing.assert_frame_equal(a, b)


def test_damaged_crosswalk_is_an_input_error_and_rebuilt_by_next_import(tmp_path, cache):
    import_paths([FIXTURES / "85755NED.csv"], cache_dir=cache)
    (cache / CROSSWALK).write_bytes(b"PAR1 damaged")
    with pytest.raises(InputError, match="crosswalk"):
        region_resolver(cache)
    import_paths([FIXTURES / "82972NED.csv"], cache_dir=cache)
    assert region_resolver(cache).code_for("Elzenburg") == "GM9901"
