import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.sources import describe_sources, load_observations, resolve_source


def _odata_csv(path, value="7.3"):
    path.write_text(
        "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1;JongerenMetJeugdhMetVerblInNat_2;"
        "JongerenMetJeugdbescherming_3;JeugdbeschEnJeugdhMetVerblInNat_4;JongerenMetJeugdreclassering_5\n"
        f"0;Utrecht (gemeente);2015;{value};11.0;1.1;40.1;0.5\n"
        "1;Nederland;2015;8.0;10.0;1.0;45.0;0.4\n",
        encoding="utf-8",
    )
    return path


VINTAGE = "CBS StatLine, opgehaald 2025-04-22"


def test_auto_without_cache_reads_the_cbs_extract(tmp_cache):
    src = resolve_source("auto")
    obs = load_observations("jeugdhulp_pct", src, regions=["GM0344"], period_type="year")
    got = dict(zip(obs["period"], obs["value"], strict=True))
    assert got["2015"] == pytest.approx(7.3) and got["2023"] == pytest.approx(15.0)
    assert set(obs["source"]) == {"82972NED", "85098NED"}
    assert src.used["jeugdhulp_pct"] == f"CBS-extract data/cbs ({VINTAGE})"
    assert f"- jeugdhulp_pct: CBS-extract data/cbs ({VINTAGE})" in describe_sources(src)


def test_embedded_reads_the_cbs_extract_with_its_vintage(tmp_cache):
    src = resolve_source("embedded")
    obs = load_observations("wmo_clienten_per_1000", src, regions=["GM0344"], period_type="year")
    assert not obs.empty and obs["source"].str.match(r"^\d{5}NED$").all()
    assert f"CBS extract data/cbs ({VINTAGE})" in describe_sources(src, "en")
    from analysis.sources import provenance_records

    records = provenance_records(src)
    assert {r["vintage"] for r in records} == {VINTAGE}
    assert all(r["path"].endswith("data/cbs/observations.csv.gz") for r in records)
    assert all(r["checksum"].startswith("sha256:") for r in records)


def test_a_publication_is_never_drawn_as_a_cbs_series(tmp_cache, tmp_path, monkeypatch):
    # Begroting 2020 printed CBS's half-year figure 12,8 as the 2018 year figure; CBS's year figure is 15,0
    src = resolve_source("embedded")
    obs = load_observations("jeugdhulp_pct", src, regions=["GM0344"], period_type="year")
    assert obs["source"].isin(["82972NED", "85098NED"]).all()
    assert obs.loc[obs["period"] == "2018", "value"].tolist() != [12.8]
    assert not src.published
    # without any CBS table, a CBS indicator has no data: the publication is not drawn in its place
    from analysis import config

    monkeypatch.setattr(config, "cbs_extract_dir", lambda: tmp_path / "none")
    src = resolve_source("embedded")
    assert load_observations("jeugdhulp_pct", src, regions=["GM0344"]).empty
    assert "- jeugdhulp_pct: geen CBS-gegevens" in describe_sources(src)
    assert "no CBS data" in describe_sources(src, "en")


def test_cbs_cache_mode_requires_the_cache(tmp_cache):
    with pytest.raises(InputError, match="no CBS table"):
        load_observations("jeugdhulp_pct", resolve_source("cbs-cache"))


def test_path_source_reads_cbs_files_into_a_temporary_cache(tmp_path, tmp_cache):
    folder = tmp_path / "files"
    folder.mkdir()
    _odata_csv(folder / "82972NED.csv", value="7.7")
    src = resolve_source(str(folder))
    obs = load_observations("jeugdhulp_pct", src, regions=["GM0344"])
    assert obs["value"].tolist() == [7.7] and obs["source"].tolist() == ["82972NED"]
    assert not tmp_cache.exists()  # the project's cache is untouched
    assert f"- jeugdhulp_pct: CBS-bestanden {folder}" in describe_sources(src)
    assert f"- jeugdhulp_pct: CBS files {folder}" in describe_sources(src, "en")


def test_auto_prefers_the_cache(tmp_path, tmp_cache):
    from analysis.cbs import import_paths

    import_paths([_odata_csv(tmp_path / "82972NED.csv", value="7.9")])
    src = resolve_source("auto")
    obs = load_observations("jeugdhulp_pct", src, regions=["GM0344"])
    assert obs["value"].tolist() == [7.9]
    assert src.used["jeugdhulp_pct"].startswith(f"CBS-cache {tmp_cache / 'cbs'} (")
    assert isinstance(obs, pd.DataFrame)
    # what the cache does not hold comes from the extract
    wmo = load_observations("wmo_clienten_per_1000", src, regions=["GM0344"])
    assert not wmo.empty and src.used["wmo_clienten_per_1000"] == f"CBS-extract data/cbs ({VINTAGE})"


def test_embedded_never_reads_the_cache(tmp_path, tmp_cache):
    from analysis.cbs import import_paths

    import_paths([_odata_csv(tmp_path / "82972NED.csv", value="7.9")])
    obs = load_observations("jeugdhulp_pct", resolve_source("embedded"), regions=["GM0344"], period_type="year")
    assert 7.9 not in obs["value"].tolist()
    assert 7.3 in obs["value"].tolist()


def test_an_indicator_no_source_holds_is_declared_as_missing():
    from analysis.sources import describe_sources, load_observations, resolve_source

    src = resolve_source("embedded")
    assert load_observations("buurtteam_sociaal_clienten", src, regions=["GM0363"]).empty
    text = describe_sources(src)
    assert "- buurtteam_sociaal_clienten: geen gegevens: niet in de CBS-cache en niet in data/published" in text
    assert "no data" in describe_sources(src, "en")
    load_observations("buurtteam_sociaal_clienten", src, regions=["GM0344"])
    assert "- buurtteam_sociaal_clienten: ingebedde gepubliceerde cijfers (data/published)" in describe_sources(src)


def test_sources_are_declared_in_english_on_request():
    from analysis.sources import describe_sources, load_observations, resolve_source

    src = resolve_source("embedded")
    load_observations("buurtteam_sociaal_clienten", src, regions=["GM0344"])
    assert "- buurtteam_sociaal_clienten: embedded published figures (data/published)" in describe_sources(src, "en")
