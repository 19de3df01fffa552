"""The data cache: a file read once per version, fresh copies for every caller, bounded."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from analysis import config, datacache
from analysis.cbs import import_paths, load_indicator, read_cached, region_resolver
from analysis.cbs.cache import read_crosswalk
from analysis.cbs.load import _load_indicator
from analysis.cbs.parse import sha256_of
from analysis.published import load_published
from analysis.regions import RegionResolver
from analysis.register import load_register

FIXTURES = Path(__file__).parent / "fixtures" / "cbs"


@pytest.fixture(autouse=True)
def empty_cache():
    datacache.clear()
    yield
    datacache.clear()
    datacache.set_max_entries(datacache.DEFAULT_MAX_ENTRIES)


def counting_reader(path: Path):
    calls = []

    def read() -> pd.DataFrame:
        calls.append(1)
        return pd.DataFrame({"text": [path.read_text()]})

    return read, calls


def rewrite_keeping_mtime(path: Path, text: str) -> None:
    """New content of the same size, with the old modification time put back."""
    st = path.stat()
    assert len(text.encode()) == st.st_size
    path.write_text(text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_mtime_ns == st.st_mtime_ns


def test_a_file_is_read_once_per_version(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("one")
    read, calls = counting_reader(f)
    first = datacache.load("k", [f], read)
    second = datacache.load("k", [f], read)
    assert len(calls) == 1 and first["text"][0] == second["text"][0] == "one"
    assert datacache.info().hits == 1 and datacache.info().misses == 1


def test_same_size_new_mtime_is_read_again(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("one")
    read, calls = counting_reader(f)
    datacache.load("k", [f], read)
    f.write_text("two")
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert datacache.load("k", [f], read)["text"][0] == "two"
    assert len(calls) == 2


def test_same_mtime_new_content_is_read_again(tmp_path, monkeypatch):
    f = tmp_path / "a.txt"
    f.write_text("one")
    read, calls = counting_reader(f)
    datacache.load("k", [f], read)
    rewrite_keeping_mtime(f, "two")
    assert datacache.load("k", [f], read)["text"][0] == "two"
    # and also when the stat signature is trusted (no racy window): the checksum differs
    monkeypatch.setattr(datacache, "RACY_SECONDS", -1e12)
    rewrite_keeping_mtime(f, "six")
    assert datacache.load("k", [f], read)["text"][0] == "six"
    assert len(calls) == 3


def test_a_new_version_replaces_the_old_entry(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("one")
    read, _ = counting_reader(f)
    datacache.load("k", [f], read)
    f.write_text("three")
    datacache.load("k", [f], read)
    assert datacache.info().entries == 1


def test_callers_get_copies_and_cannot_change_what_others_see(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("one")
    value = ({"frame": pd.DataFrame({"x": [1, 2]})}, [pd.Series([1.0])])

    def read():
        return value

    got = datacache.load("k", [f], read)
    got[0]["frame"].loc[0, "x"] = 99
    got[0]["frame"]["y"] = 1
    got[0]["new"] = 1
    got[1][0].iloc[0] = -1.0
    again = datacache.load("k", [f], read)
    assert again[0]["frame"]["x"].tolist() == [1, 2]
    assert list(again[0]["frame"].columns) == ["x"]
    assert set(again[0]) == {"frame"}
    assert again[1][0].tolist() == [1.0]


def test_bounded_and_clearable(tmp_path):
    datacache.set_max_entries(2)
    files = []
    for name in "abc":
        f = tmp_path / name
        f.write_text(name)
        files.append(f)
        datacache.load(name, [f], counting_reader(f)[0])
    assert datacache.info().entries == 2
    read, calls = counting_reader(files[0])
    datacache.load("a", [files[0]], read)  # the least recently used was dropped
    assert len(calls) == 1
    datacache.clear()
    assert datacache.info().entries == 0
    datacache.load("a", [files[0]], read)
    assert len(calls) == 2
    with pytest.raises(ValueError):
        datacache.set_max_entries(0)


def test_results_of_deleted_files_are_forgotten(tmp_path):
    gone = tmp_path / "tmp-import" / "a.txt"
    gone.parent.mkdir()
    gone.write_text("x")
    datacache.load("old", [gone], counting_reader(gone)[0])
    shutil.rmtree(gone.parent)
    other = tmp_path / "b.txt"
    other.write_text("y")
    datacache.load("new", [other], counting_reader(other)[0])
    assert datacache.info().entries == 1


def test_errors_and_missing_files_are_not_cached(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("x")
    calls = []

    def failing():
        calls.append(1)
        raise RuntimeError("bad file")

    for _ in range(2):
        with pytest.raises(RuntimeError):
            datacache.load("k", [f], failing)
    assert len(calls) == 2
    read, calls = counting_reader(f)
    datacache.load("m", [f, tmp_path / "absent"], read)
    datacache.load("m", [f, tmp_path / "absent"], read)
    assert len(calls) == 2 and datacache.info().entries == 0


def test_switched_off_by_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_DATA_CACHE", "0")
    f = tmp_path / "a.txt"
    f.write_text("x")
    read, calls = counting_reader(f)
    datacache.load("k", [f], read)
    datacache.load("k", [f], read)
    assert len(calls) == 2 and not datacache.info().enabled


# --- the data layer's read functions ------------------------------------------------------


def test_published_figures_reread_when_a_file_changes_with_the_same_mtime(tmp_path):
    victim = tmp_path / "figures.csv"
    shutil.copy(config.published_dir() / "begroting_2020.csv", victim)
    before = load_published(victim)
    assert 70000.0 in before["value"].tolist()
    text = victim.read_text(encoding="utf-8")
    assert text.count(",70000,") == 1
    rewrite_keeping_mtime(victim, text.replace(",70000,", ",70001,"))
    after = load_published(victim)
    assert 70001.0 in after["value"].tolist() and 70000.0 not in after["value"].tolist()


def test_published_figures_mutation_does_not_leak():
    table = load_published()
    table.loc[0, "value"] = -12345.0
    table["extra"] = 1
    again = load_published()
    assert -12345.0 not in again["value"].tolist() and "extra" not in again.columns


def test_register_read_once_and_copied():
    first = load_register()
    hits = datacache.info().hits
    first.cases.loc[0, "client_id"] = "changed"
    first.metadata["seed"] = "changed"
    second = load_register()
    assert datacache.info().hits == hits + 1
    assert second.cases.loc[0, "client_id"] != "changed"
    assert second.metadata.get("seed") != "changed"


@pytest.fixture(scope="module")
def cbs_cache(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("datacache") / "cbs"
    import_paths(
        [FIXTURES / "82972NED.csv", FIXTURES / "85098NED.csv", FIXTURES / "85755NED.csv"],
        cache_dir=folder,
        vintage="fixture",
    )
    return folder


def test_cbs_tables_and_crosswalk_are_copies(cbs_cache):
    frame, meta = read_cached("82972NED", cbs_cache)
    frame.loc[frame.index[0], "value"] = -1.0
    meta["vintage"] = "changed"
    frame2, meta2 = read_cached("82972NED", cbs_cache)
    assert -1.0 not in frame2["value"].tolist() and meta2["vintage"] == "fixture"
    cw = read_crosswalk(cbs_cache)
    first = cw["region_code"].iloc[0]
    cw.loc[cw.index[0], "region_code"] = "XX9999"
    assert read_crosswalk(cbs_cache)["region_code"].iloc[0] == first != "XX9999"
    assert read_cached("00000NED", cbs_cache) is None


def test_an_indicator_slice_equals_the_uncached_load(cbs_cache):
    whole = load_indicator("jeugdhulp_pct", cache_dir=cbs_cache)
    regions = sorted(whole["region_code"].unique())[:3]
    for period_type in (None, "year"):
        got = load_indicator(
            "jeugdhulp_pct", regions=regions, period_type=period_type, cache_dir=cbs_cache
        )
        want = _load_indicator(
            "jeugdhulp_pct", regions, period_type, cache_dir=cbs_cache, resolver=None
        )
        pdt.assert_frame_equal(got, want)
    got.loc[0, "value"] = -5.0
    again = load_indicator(
        "jeugdhulp_pct", regions=regions, period_type="year", cache_dir=cbs_cache
    )
    assert -5.0 not in again["value"].tolist()


def test_a_reimported_cbs_table_is_read_again(tmp_path):
    folder = tmp_path / "cbs"
    import_paths(
        [FIXTURES / "82972NED.csv", FIXTURES / "85755NED.csv"], cache_dir=folder, vintage="one"
    )
    assert read_cached("82972NED", folder)[1]["vintage"] == "one"
    before = load_indicator("jeugdhulp_pct", cache_dir=folder)
    import_paths(
        [FIXTURES / "82972NED.csv", FIXTURES / "85098NED.csv", FIXTURES / "85755NED.csv"],
        cache_dir=folder,
        vintage="two",
    )
    assert read_cached("82972NED", folder)[1]["vintage"] == "two"
    after = load_indicator("jeugdhulp_pct", cache_dir=folder)
    assert set(after["source"]) == {"82972NED", "85098NED"} != set(before["source"])


def test_an_indicator_from_the_extract_is_read_once_per_version(tmp_path, monkeypatch):
    """The embedded extract (data/cbs) has no crosswalk file: its own files key the cache."""
    import analysis.cbs.load as cbs_load

    folder = tmp_path / "cbs"
    shutil.copytree(config.cbs_extract_dir(), folder)
    loads = []

    def counted(*args, **kwargs):
        loads.append(args[0])
        return _load_indicator(*args, **kwargs)

    monkeypatch.setattr(cbs_load, "_load_indicator", counted)
    first = load_indicator("jeugdhulp_pct", regions=["GM0344"], cache_dir=folder)
    second = load_indicator("jeugdhulp_pct", regions=["GM0344"], cache_dir=folder)
    assert loads == ["jeugdhulp_pct"]
    pdt.assert_frame_equal(first, second)
    pdt.assert_frame_equal(
        second, _load_indicator("jeugdhulp_pct", ["GM0344"], None, cache_dir=folder, resolver=None)
    )
    second.loc[0, "value"] = -5.0
    assert (
        -5.0
        not in load_indicator("jeugdhulp_pct", regions=["GM0344"], cache_dir=folder)[
            "value"
        ].tolist()
    )
    # a new version of the extract's observations is read again
    path = folder / "observations.csv.gz"
    obs = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = (obs["indicator"] == "jeugdhulp_pct") & (obs["region_code"] == "GM0344")
    assert rows.any()
    obs.loc[rows, "value"] = "99.9"
    obs.to_csv(path, index=False, compression="gzip")
    manifest = json.loads((folder / "tables.json").read_text())
    manifest["files"]["observations.csv.gz"] = sha256_of(path.read_bytes())
    (folder / "tables.json").write_text(json.dumps(manifest))
    after = load_indicator("jeugdhulp_pct", regions=["GM0344"], cache_dir=folder)
    assert set(after["value"]) == {99.9}
    assert loads == ["jeugdhulp_pct"] * 2


def test_the_region_resolver_is_built_once_per_crosswalk_version(tmp_path):
    """Shared between callers (it never changes), rebuilt when the cache's regions change."""
    folder = tmp_path / "cbs"
    import_paths([FIXTURES / "82972NED.csv"], cache_dir=folder, vintage="one")
    first = region_resolver(folder)
    assert region_resolver(folder) is first
    import_paths([FIXTURES / "85755NED.csv"], cache_dir=folder, vintage="two")
    second = region_resolver(folder)
    assert second is not first
    assert second.codes() == RegionResolver(read_crosswalk(folder)).codes()
    assert set(second.codes()) > set(first.codes())
