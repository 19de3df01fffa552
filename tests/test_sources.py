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
    text = str(describe_sources(src, "nl"))
    assert "- CBS 82972NED: " in text and "- CBS 85098NED: " in text
    assert (
        f"{VINTAGE}; definitief; CBS-extract in data/cbs; sha256:" in text
        and "(Jongeren met jeugdhulp (% van jongeren tot 18 jaar))" in text
    )


def test_embedded_reads_the_cbs_extract_with_its_vintage(tmp_cache):
    src = resolve_source("embedded")
    obs = load_observations("wmo_clienten_per_1000", src, regions=["GM0344"], period_type="year")
    assert not obs.empty and obs["source"].str.match(r"^\d{5}NED$").all()
    assert "CBS StatLine, retrieved 2025-04-22; final; CBS extract in data/cbs" in str(
        describe_sources(src, "en")
    )
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
    assert (
        "- Geen gegevens voor Jongeren met jeugdhulp (% van jongeren tot 18 jaar): de CBS-tabellen ontbreken"
        in str(describe_sources(src, "nl"))
    )
    assert (
        "- No data for Youths with youth support (% of youths under 18): the CBS tables are missing"
        in str(describe_sources(src, "en"))
    )


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
    # outside the project a folder is named, never shown with the building machine's path
    assert "; CBS-bestanden in files; " in str(describe_sources(src, "nl"))
    assert "; CBS files in files; " in str(describe_sources(src, "en"))
    assert str(tmp_path) not in str(describe_sources(src)) + describe_sources(src)._repr_html_()


def test_auto_prefers_the_cache(tmp_path, tmp_cache):
    from analysis.cbs import import_paths

    import_paths([_odata_csv(tmp_path / "82972NED.csv", value="7.9")])
    src = resolve_source("auto")
    obs = load_observations("jeugdhulp_pct", src, regions=["GM0344"])
    assert obs["value"].tolist() == [7.9]
    assert src.used["jeugdhulp_pct"].startswith(
        "CBS-cache cbs ("
    )  # its name, not its absolute path
    assert isinstance(obs, pd.DataFrame)
    # what the cache does not hold comes from the extract
    wmo = load_observations("wmo_clienten_per_1000", src, regions=["GM0344"])
    assert (
        not wmo.empty and src.used["wmo_clienten_per_1000"] == f"CBS-extract data/cbs ({VINTAGE})"
    )


def test_embedded_never_reads_the_cache(tmp_path, tmp_cache):
    from analysis.cbs import import_paths

    import_paths([_odata_csv(tmp_path / "82972NED.csv", value="7.9")])
    obs = load_observations(
        "jeugdhulp_pct", resolve_source("embedded"), regions=["GM0344"], period_type="year"
    )
    assert 7.9 not in obs["value"].tolist()
    assert 7.3 in obs["value"].tolist()


def test_an_indicator_no_source_holds_is_declared_as_missing():
    from analysis.sources import describe_sources, load_observations, resolve_source

    src = resolve_source("embedded")
    assert load_observations("buurtteam_sociaal_clienten", src, regions=["GM0363"]).empty
    text = str(describe_sources(src, "nl"))
    assert (
        "- Geen gegevens voor Cliënten buurtteams Sociaal: niet in de CBS-cache en niet in data/published"
        in text
    )
    assert "- No data for Clients, social neighbourhood teams: not in the CBS cache" in str(
        describe_sources(src, "en")
    )
    load_observations("buurtteam_sociaal_clienten", src, regions=["GM0344"])
    text = str(describe_sources(src, "nl"))
    assert (
        "- Begroting 2026 (2025): Begroting 2026 gemeente Utrecht, programma Ondersteuning op maat; definitief; "
        "gepubliceerde cijfers in data/published; sha256:" in text
    )


def test_sources_are_declared_in_english_on_request():
    from analysis.sources import describe_sources, load_observations, resolve_source

    src = resolve_source("embedded")
    load_observations("buurtteam_sociaal_clienten", src, regions=["GM0344"])
    text = str(describe_sources(src, "en"))
    assert "; final; published figures in data/published; sha256:" in text
    assert "(Clients, social neighbourhood teams)" in text


def test_the_sources_table_is_html_with_header_cells_and_no_index(monkeypatch):
    import re
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[1] / "notebooks")  # where the kernel runs

    from analysis.register import load_register, register_record

    src = resolve_source("embedded")
    load_observations("jeugdhulp_pct", src, regions=["GM0344"], period_type="year")
    load_observations("buurtteam_sociaal_clienten", src, regions=["GM0344"])
    record = register_record(load_register(None), None)
    for language, caption, synthetic in (
        ("nl", "Gegevensbronnen", "register (synthetisch)"),
        ("en", "Data sources", "register (synthetic)"),
    ):
        table = describe_sources(src, language, [record])
        page = table._repr_html_()
        assert page.startswith(
            f'<table class="analysis-sources"><caption>{caption}</caption><thead><tr>'
        )
        assert re.findall(r'<th scope="col">([^<]*)</th>', page) == list(table.columns)
        sources = re.findall(r'<th scope="row">([^<]*)</th>', page)
        assert sources[:2] == ["CBS 82972NED", "CBS 85098NED"] and sources[-1] == synthetic
        assert "Begroting 2026 (2025)" in sources
        assert '<tr class="analysis-synthetic">' in page and page.count("analysis-synthetic") == 1
        assert "/work" not in page and "/tmp" not in page and "/home" not in page
        assert "<td>data/synthetic</td>" in page  # the register's folder, relative to the project
        frame = table.to_frame()
        assert list(frame.columns) == list(table.columns) and len(frame) == len(sources)
    en = describe_sources(src, "en", [record])._repr_html_()
    assert "opgehaald" not in en and "CBS StatLine, retrieved 2025-04-22" in en
    assert "synthetic register (analysis.synthetic, seed" in en and "synthetisch" not in en


def test_show_sources_displays_the_table_and_the_provenance_in_one_output(monkeypatch):
    from analysis.provenance import SOURCES_MIME
    from analysis.sources import show_sources

    shown = []
    monkeypatch.setattr("IPython.get_ipython", lambda: object())  # as inside a kernel
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append((obj, raw)))
    src = resolve_source("embedded")
    load_observations("jeugdhulp_pct", src, regions=["GM0344"], period_type="year")
    result = show_sources(src, [], "nl")
    assert result == "" and hasattr(result, "_ipython_display_")
    [(bundle, raw)] = shown
    assert raw and bundle["text/html"].startswith('<table class="analysis-sources">')
    assert bundle["text/plain"].startswith("Gegevensbronnen:")
    assert {r["source"] for r in bundle[SOURCES_MIME]} == {"CBS 82972NED", "CBS 85098NED"}


def test_recorded_text_translates_stored_source_words():
    from analysis.labels import recorded_text

    assert recorded_text(VINTAGE, "en") == "CBS StatLine, retrieved 2025-04-22"
    assert recorded_text(VINTAGE, "nl") == VINTAGE
    assert (
        recorded_text("casusregister, peildatum 2024-12-31", "en")
        == "case register, reference date 2024-12-31"
    )


def test_tables_read_past_load_observations_are_listed(tmp_cache):
    # analysis.reconcile.load_sources notes tables and the published figures itself
    src = resolve_source("embedded")
    src.note_tables(["82972NED"], src.cache_dir)
    src.published = True
    src.used["jeugdhulp_pct"] = "geen CBS-tabel: niet gecontroleerd"
    text = str(describe_sources(src, "nl"))
    assert "- CBS 82972NED: Jeugdzorg;" in text and "CBS-extract in data/cbs" in text
    assert "- gepubliceerde cijfers: " in text and "gepubliceerde cijfers in data/published" in text
    assert (
        "- Geen gegevens voor Jongeren met jeugdhulp (% van jongeren tot 18 jaar): geen CBS-tabel: niet gecontroleerd"
        in text
    )
    english = str(describe_sources(src, "en"))
    assert "- published figures: " in english and "no CBS table: not checked" in english


def test_status_summary_names_the_provisional_periods_and_leaves_out_missing_values():
    from analysis.sources import status_summary

    periods = {("voorlopig", "2024H1"), ("voorlopig", "2023H2")}
    both = {"definitief", "voorlopig", "missing"}
    assert status_summary(both, periods, "nl") == (
        "definitief; voorlopig: 2e halfjaar 2023 en 1e halfjaar 2024"
    )
    assert status_summary(both, periods, "en") == "final; provisional: H2 2023 and H1 2024"
    # one status: nothing to tell apart; a value that was not published has no status
    assert status_summary({"definitief", "missing"}, (), "nl") == "definitief"
    assert status_summary({"voorlopig"}, {("voorlopig", "2024H1")}, "nl") == "voorlopig"
    assert status_summary({"missing"}, (), "nl") == ""


@pytest.mark.parametrize("period_type", ["year", None])
def test_a_tables_status_summarises_the_values_read_with_their_provisional_periods(
    tmp_cache, period_type
):
    """85098NED has final yearly figures and a provisional latest half-year: a page that reads
    only the yearly figures declares the table final, a page that also reads the half-years
    says which periods are provisional (the same rule on every page)."""
    from analysis.labels import label, period_label
    from analysis.sources import status_summary

    src = resolve_source("embedded")
    obs = load_observations("jeugdhulp_pct", src, regions=["GM0344"], period_type=period_type)
    rows = obs[obs["source"] == "85098NED"]
    provisional = sorted(set(rows.loc[rows["status"] == "voorlopig", "period"]))
    table = describe_sources(src, "nl")
    (row,) = [r for r in table.rows if r["source"] == "CBS 85098NED"]
    if period_type == "year":
        assert set(rows["status"]) == {"definitief"} and row["status"] == "definitief"
    else:
        assert provisional, "the extract's 85098NED ends with a provisional half-year"
        assert row["status"].startswith("definitief; voorlopig: ")
        for period in provisional:
            assert period_label(period, "nl") in row["status"]
        assert row["status"] == status_summary(
            set(rows["status"]), {("voorlopig", p) for p in provisional}, "nl"
        )
    assert label("missing", "nl") not in row["status"]


def test_tables_with_unpublished_cells_get_a_note_instead_of_a_status(tmp_cache):
    """A cell CBS published no value for has status ``missing``: the Status column does not
    show it as a status, a note under the table names the table and says how tables show it."""
    src = resolve_source("embedded")
    obs = load_observations("wmo_clienten_per_1000", src)
    gaps = sorted(f"CBS {t}" for t in obs.loc[obs["status"] == "missing", "source"].unique())
    assert gaps, "the extract has Wmo cells without a value"
    table = describe_sources(src, "nl")
    assert table.unpublished == gaps
    assert all("ontbreekt" not in r["status"] and r["status"] for r in table.rows)
    html_text = table._repr_html_()
    assert "Geen waarde gepubliceerd voor sommige gebieden of perioden in CBS" in html_text
    assert "staan in tabellen als –" in str(table)
    english = describe_sources(src, "en")
    assert "No value published for some areas or periods in CBS" in english._repr_html_()


def test_the_sources_of_the_check_of_publications_have_status_and_indicators(tmp_cache):
    """Notebook 06 reads its CBS tables and publications through reconcile.load_sources:
    every row of its sources table names the indicators read and their status, taken
    from the values themselves."""
    from analysis import reconcile
    from analysis.labels import indicator_label, label
    from analysis.published import load_published

    src = resolve_source("embedded")
    figures = reconcile.select_publications(load_published(), "GM0344", None, None)
    cbs_values, _ = reconcile.load_sources(figures, src)
    table = describe_sources(src, "nl")
    cbs_rows = [r for r in table.rows if r["source"].startswith("CBS ")]
    assert cbs_rows and len(table.rows) > len(cbs_rows)
    for row in table.rows:
        assert row["status"] and row["indicators"], row
    for row in cbs_rows:
        read = cbs_values[cbs_values["source_table"] == row["source"].removeprefix("CBS ")]
        statuses = set(read["status"]) - {"missing"}
        assert {label(s, "nl") for s in statuses} == {
            part.split(":")[0] for part in row["status"].split("; ")
        }
        assert sorted(row["indicators"].split("; ")) == sorted(
            indicator_label(i, "nl") for i in read["indicator"].unique()
        )
