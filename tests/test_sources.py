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


def test_auto_without_cache_falls_back_to_published(tmp_cache):
    src = resolve_source("auto")
    obs = load_observations("jeugdhulp_pct", src, regions=["GM0344"], period_type="year")
    assert not obs.empty
    assert 7.3 in obs["value"].tolist()  # Begroting 2020 quotes CBS: 7,3 % in 2015
    assert "data/published" in src.used["jeugdhulp_pct"]
    assert "jeugdhulp_pct" in describe_sources(src)


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
    assert "CBS" in src.used["jeugdhulp_pct"]
    assert isinstance(obs, pd.DataFrame)


def test_embedded_never_reads_the_cache(tmp_path, tmp_cache):
    from analysis.cbs import import_paths

    import_paths([_odata_csv(tmp_path / "82972NED.csv", value="7.9")])
    obs = load_observations("jeugdhulp_pct", resolve_source("embedded"), regions=["GM0344"], period_type="year")
    assert 7.9 not in obs["value"].tolist()
    assert 7.3 in obs["value"].tolist()


def test_an_indicator_no_source_holds_is_declared_as_missing():
    from analysis.sources import describe_sources, load_observations, resolve_source

    src = resolve_source("embedded")
    assert load_observations("wmo_clienten_per_1000", src, regions=["GM0344"]).empty
    text = describe_sources(src)
    assert "- wmo_clienten_per_1000: geen gegevens: niet in de CBS-cache en niet in data/published" in text
    assert "no data" in describe_sources(src, "en")
    load_observations("jeugdhulp_pct", src, regions=["GM0344"])
    assert "- jeugdhulp_pct: ingebedde gepubliceerde cijfers (data/published)" in describe_sources(src)


def test_sources_are_declared_in_english_on_request():
    from analysis.sources import describe_sources, load_observations, resolve_source

    src = resolve_source("embedded")
    load_observations("jeugdhulp_pct", src, regions=["GM0344"])
    assert "- jeugdhulp_pct: embedded published figures (data/published)" in describe_sources(src, "en")
