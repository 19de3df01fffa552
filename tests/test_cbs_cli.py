"""``python -m analysis cbs ...`` end to end, in subprocesses with ANALYSIS_CACHE_DIR set.

Starting Python with pandas takes seconds, so the subprocess commands run
concurrently in two rounds (imports, then the commands that read what was
imported) and the tests check the recorded results. Further cases call
``analysis.cli.main`` in-process: the same code path without the start-up.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from analysis.schema import COLUMNS, validate_observations

FIXTURES = Path(__file__).parent / "fixtures" / "cbs"


@dataclass
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def run_all(commands: dict[str, tuple[Path, list[str]]]) -> dict[str, Run]:
    """Run ``python -m analysis ARGS`` for each (cache, args) at the same time."""
    procs = {}
    for name, (cache, args) in commands.items():
        env = {**os.environ, "ANALYSIS_CACHE_DIR": str(cache), "PYTHONIOENCODING": "utf-8"}
        procs[name] = (
            args,
            subprocess.Popen(
                [sys.executable, "-m", "analysis", *args],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            ),
        )
    out = {}
    for name, (args, proc) in procs.items():
        stdout, stderr = proc.communicate(timeout=180)
        out[name] = Run(tuple(args), proc.returncode, stdout, stderr)
    return out


def write_bad_files(base: Path) -> dict[str, Path]:
    header = "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1"
    bad_dir = base / "bad"
    bad_dir.mkdir()
    (bad_dir / "85098NED.csv").write_text(
        f"{header}\n0;Utrecht (gemeente);2021;16.6\n", encoding="utf-8-sig"
    )
    bad = bad_dir / "82972NED.csv"
    bad.write_text(
        f"{header}\n0;Utrecht (gemeente);2015;7.3\n1;Utrecht (gemeente);2016;131.0\n",
        encoding="utf-8-sig",
    )
    binary = base / "85099NED.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    truncated = base / "trunc" / "85098NED.csv"
    truncated.parent.mkdir()
    truncated.write_text(
        f'{header}\n0;Utrecht (gemeente);2021;16.6\n1;"Utrecht (gem', encoding="utf-8-sig"
    )
    return {"bad_dir": bad_dir, "bad": bad, "binary": binary, "truncated": truncated}


GOOD_IMPORT = [
    "cbs",
    "import",
    str(FIXTURES / "82972NED.csv"),
    str(FIXTURES / "85098NED.csv"),
    str(FIXTURES / "85755NED.csv"),
    "--vintage",
    "CBS StatLine, test",
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Run]:
    """The subprocess runs: two concurrent rounds (the second reads what the first imported)."""
    base = tmp_path_factory.mktemp("cli")
    paths = write_bad_files(base)
    good, empty = base / "good", base / "empty"
    first = run_all(
        {
            "import": (good, GOOD_IMPORT),
            "import_bad": (base / "badcache", ["cbs", "import", str(paths["bad_dir"])]),
            "unknown_indicator": (empty, ["cbs", "show", "jeugdhulp_procent"]),
            "unknown_region": (empty, ["cbs", "show", "jeugdhulp_pct", "--region", "GM9999"]),
        }
    )
    assert first["import"].returncode == 0, first["import"].stderr
    second = run_all(
        {
            "show_csv": (
                good,
                [
                    "cbs",
                    "show",
                    "jeugdbescherming_verblijf_pct",
                    "--region",
                    "GM9901",
                    "--format",
                    "csv",
                ],
            ),
            "list": (good, ["cbs", "list"]),
        }
    )
    return {**first, **second, "_paths": {"good": good, "base": base, **paths}}


@pytest.fixture
def cli(tmp_cache, capsys):
    """Run the command line in this process (same code path, no start-up cost): (status, out, err)."""
    from analysis.cli import main

    def call(*args: str) -> Run:
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(args, code, captured.out, captured.err)

    return call


def assert_one_line_error(run: Run, *fragments: str) -> str:
    assert run.returncode == 2, (run.args, run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    line = lines[0]
    assert line.startswith("error: "), line
    for fragment in fragments:
        assert fragment in line, line
    return line


# --------------------------------------------------------------------------------------
# Success
# --------------------------------------------------------------------------------------


def test_import_output(runs):
    run = runs["import"]
    out = run.stdout.splitlines()
    assert run.stderr == ""
    good = runs["_paths"]["good"]
    assert out[-1] == f"cache: {good.resolve() / 'cbs'}"
    by_table = {line.split(":")[0]: line for line in out[:-2]}
    assert set(by_table) == {"82972NED", "85098NED", "85755NED"}
    assert by_table["82972NED"].startswith("82972NED: 75 rows (data), vintage CBS StatLine, test")
    assert "1 percentage(s) above 100 kept" in by_table["82972NED"]
    # 'Oud-Elzenburg' stays without a code even with the regions table: said once, after the tables,
    # without asking for the regions table that was just imported
    assert out[-2] == (
        "1 region labels in 1 tables match no code in the cached region tables; their rows are "
        "not used (1 former municipalities or other areas)"
    )
    assert sum("region labels" in line for line in out) == 1
    assert "import or fetch" not in run.stdout
    assert by_table["85755NED"].startswith("85755NED: ")
    assert "(regions)" in by_table["85755NED"]
    assert (good / "cbs" / "85098NED.parquet").is_file()


def test_import_without_regions_table_says_how_to_resolve_labels(cli):
    run = cli("cbs", "import", str(FIXTURES / "82972NED.csv"))
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[-2] == (
        "3 region labels in 1 tables have no code yet; import or fetch CBS table 85755NED "
        "'Gebieden in Nederland' to resolve them"
    )  # Elzenburg, Hoogveld, Oud-Elzenburg
    assert sum("85755NED" in line for line in lines) == 1


def test_show_table(cli):
    assert cli(*GOOD_IMPORT).returncode == 0
    run = cli("cbs", "show", "jeugdhulp_pct", "--region", "GM0344")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == COLUMNS
    body = [line.split() for line in lines[1:]]
    assert len(body) == 9
    assert [r[3] for r in body] == [
        "2015",
        "2016",
        "2020",
        "2021",
        "2020H1",
        "2020H2",
        "2021H1",
        "2024H1",
        "2015Q1",
    ]
    row_2024 = body[7]
    assert row_2024[:3] == ["jeugdhulp_pct", "GM0344", "Utrecht"]
    assert "11.5" in row_2024 and "85098NED" in row_2024


def test_show_csv_parses_back_into_the_schema(runs):
    run = runs["show_csv"]
    assert run.returncode == 0, run.stderr
    obs = pd.read_csv(io.StringIO(run.stdout))
    assert list(obs.columns) == COLUMNS + ["note"]  # Elzenburg 2016 carries a note
    validate_observations(obs)
    assert obs["region_code"].unique().tolist() == ["GM9901"]
    assert obs["region_name"].unique().tolist() == ["Elzenburg"]
    assert dict(zip(obs["period"].astype(str), obs["value"], strict=True)) == {
        "2016": 104.0,
        "2020": 55.0,
        "2021": 60.0,
        "2024H1": 58.0,
    }
    note = obs.loc[obs["period"].astype(str) == "2016", "note"].iloc[0]
    assert note.startswith("boven 100%")
    assert set(obs["published"]) == {
        "CBS StatLine 82972NED (CBS StatLine, test)",
        "CBS StatLine 85098NED (CBS StatLine, test)",
    }


def test_show_csv_period_type(cli):
    assert cli(*GOOD_IMPORT).returncode == 0
    run = cli(
        "cbs",
        "show",
        "jeugdhulp_pct",
        "--region",
        "GM0344",
        "--format",
        "csv",
        "--period-type",
        "halfyear",
    )
    assert run.returncode == 0, run.stderr
    obs = pd.read_csv(io.StringIO(run.stdout), dtype={"period": str})
    assert list(obs.columns) == COLUMNS
    assert obs["period"].tolist() == ["2020H1", "2020H2", "2021H1", "2024H1"]
    assert obs["source"].tolist() == ["82972NED", "82972NED", "85098NED", "85098NED"]
    assert set(obs["status"]) == {"definitief"}


def test_list(runs):
    run = runs["list"]
    assert run.returncode == 0, run.stderr
    lines = {line.split()[0]: line for line in run.stdout.splitlines()}
    assert "cached, 75 rows, CBS StatLine, test" in lines["82972NED"]
    assert lines["82972NED"].startswith("82972NED  Jeugdzorg; jongeren met jeugdzorg")
    assert "[2015 - 2020]" in lines["82972NED"]
    assert "cached, 50 rows" in lines["85098NED"]
    assert lines["84134NED"].endswith(
        "-- not cached; in the extract (CBS StatLine, opgehaald 2025-04-22)"
    )
    assert "85755NED" in lines and "cached" in lines["85755NED"]


# --------------------------------------------------------------------------------------
# Errors: exit 2, one line on stderr, no traceback
# --------------------------------------------------------------------------------------


def test_bad_file_names_file_and_line_and_writes_nothing(runs):
    bad = runs["_paths"]["bad"]
    line = assert_one_line_error(runs["import_bad"], str(bad), "line 3", "outside 0-100")
    assert "131.0" in line
    assert runs["import_bad"].stdout == ""
    cache = runs["_paths"]["base"] / "badcache"
    assert not cache.exists() or not any(cache.rglob("*.parquet"))


def test_unknown_indicator(runs):
    assert_one_line_error(runs["unknown_indicator"], "unknown indicator 'jeugdhulp_procent'")


def test_unknown_region(runs):
    assert_one_line_error(runs["unknown_region"], "unknown region code 'GM9999'")


def test_missing_cache_and_extract(cli, tmp_path, monkeypatch):
    from analysis import config

    monkeypatch.setattr(config, "cbs_extract_dir", lambda: tmp_path / "no-extract")
    assert_one_line_error(
        cli("cbs", "show", "jeugdhulp_pct"),
        "no jeugdhulp_pct data for region GM0344 in the CBS cache or the CBS extract",
    )


def test_binary_file(cli, tmp_path):
    paths = write_bad_files(tmp_path)
    assert_one_line_error(
        cli("cbs", "import", str(paths["binary"])), str(paths["binary"]), "binary"
    )


def test_truncated_file(cli, tmp_path):
    paths = write_bad_files(tmp_path)
    run = cli("cbs", "import", str(paths["truncated"]))
    assert_one_line_error(run, str(paths["truncated"]), "line 3", "truncated")


def test_missing_path(cli, tmp_path):
    assert_one_line_error(
        cli("cbs", "import", str(tmp_path / "nope.csv")), "nope.csv", "no such file"
    )


def test_indicator_without_cbs_source(cli):
    assert_one_line_error(
        cli("cbs", "show", "buurtteam_jg_clienten"), "buurtteam_jg_clienten", "no CBS source"
    )


def test_region_without_data(cli):
    assert cli(*GOOD_IMPORT).returncode == 0
    run = cli("cbs", "show", "jeugdhulp_pct", "--region", "GM0363")
    assert_one_line_error(run, "no jeugdhulp_pct data for region GM0363")


def test_period_type_without_data(cli):
    assert cli(*GOOD_IMPORT).returncode == 0
    run = cli("cbs", "show", "jeugdhulp_pct", "--period-type", "date")
    assert_one_line_error(run, "no jeugdhulp_pct data for region GM0344")


def test_damaged_cache(cli, tmp_cache):
    assert cli(*GOOD_IMPORT).returncode == 0
    (tmp_cache / "cbs" / "85098NED.json").write_text("{")
    assert_one_line_error(cli("cbs", "show", "jeugdhulp_pct"), "85098NED.json", "unreadable")


def _cache_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_header_only_import_exits_2_and_keeps_the_cached_table(cli, tmp_cache, tmp_path):
    # issue 13: this exited 0 and replaced the cached 85098NED with 0 rows
    assert cli(*GOOD_IMPORT).returncode == 0
    before = _cache_bytes(tmp_cache)
    header = (FIXTURES / "85098NED.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    path = tmp_path / "85098NED.csv"
    path.write_text(header + "\n", encoding="utf-8-sig")
    assert_one_line_error(cli("cbs", "import", str(path)), str(path), "line 1", "no data rows")
    assert _cache_bytes(tmp_cache) == before
    assert "11.5" in cli("cbs", "show", "jeugdhulp_pct").stdout  # still there


def test_file_name_with_a_newline_gives_one_line(cli, tmp_path):
    path = tmp_path / "85098NED.csv\nerror: forged second line"
    path.write_text(
        "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1\n0;Utrecht (gemeente);9999;16.6\n",
        encoding="utf-8",
    )
    line = assert_one_line_error(
        cli("cbs", "import", str(path)), repr(str(path)), "implausible year 9999"
    )
    assert "\\nerror: forged" in line  # the newline shown as \n, inside the quoted name


def test_statline_website_download_imports_with_its_provisional_mark(cli):
    run = cli(
        "cbs",
        "import",
        str(FIXTURES / "statline-download-82972NED.csv"),
        "--vintage",
        "StatLine, test",
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("82972NED: 60 rows (data)")
    run = cli("cbs", "show", "jeugdhulp_pct", "--region", "NL01", "--format", "csv")
    assert run.returncode == 0, run.stderr
    obs = pd.read_csv(io.StringIO(run.stdout), dtype={"period": str})
    assert dict(zip(obs["period"], obs["status"], strict=True)) == {
        "2017": "definitief",
        "2018": "definitief",
        "2019": "voorlopig",
        "2017H2": "definitief",
    }


def test_cbs_without_action_prints_help(cli):
    run = cli("cbs")
    assert run.returncode == 2
    for action in ("fetch", "import", "list", "show"):
        assert action in run.stdout


def test_fetch_offline(cli, monkeypatch, tmp_cache):
    import cbsodata
    import requests

    def offline(table_id, *args, **kwargs):
        raise requests.ConnectionError(
            "HTTPSConnectionPool(host='opendata.cbs.nl'): Max retries exceeded"
        )

    monkeypatch.setattr(cbsodata, "download_data", offline)
    run = cli("cbs", "fetch", "85098NED")
    assert_one_line_error(run, "fetching CBS table 85098NED failed", "Max retries exceeded")
    assert not (tmp_cache / "cbs").exists()


def test_fetch_unknown_table(cli):
    assert_one_line_error(cli("cbs", "fetch", "12345NED"), "unknown table(s) 12345NED")


def test_fetch_recorded_response(cli, monkeypatch, tmp_cache):
    import cbsodata

    resp = {
        "TableInfos": [
            {
                "Title": "Jongeren met jeugdzorg in natura in % van alle jongeren; regio",
                "Modified": "2024-10-31T02:00:00",
            }
        ],
        "DataProperties": [{"Key": "JongerenMetJeugdhulpInNatura_1", "Type": "Topic"}],
        "TypedDataSet": [
            {
                "ID": 0,
                "RegioS": "GM0344  ",
                "Perioden": "2024HJ01",
                "JongerenMetJeugdhulpInNatura_1": 11.7,
            }
        ],
        "RegioS": [{"Key": "GM0344  ", "Title": "Utrecht (gemeente)", "Description": ""}],
        "Perioden": [
            {
                "Key": "2024HJ01",
                "Title": "1e halfjaar 2024",
                "Description": "",
                "Status": "Voorlopig",
            }
        ],
    }
    monkeypatch.setattr(cbsodata, "download_data", lambda table_id, typed=False: resp)
    run = cli("cbs", "fetch", "85098NED")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "85098NED: 1 rows (data), vintage CBS-versie 2024-10-31"
    run = cli("cbs", "show", "jeugdhulp_pct", "--format", "csv")
    obs = pd.read_csv(io.StringIO(run.stdout))
    assert obs[["region_code", "period", "value", "status"]].values.tolist() == [
        ["GM0344", "2024H1", 11.7, "voorlopig"]
    ]


def test_show_without_a_cache_reads_the_embedded_extract(cli):
    run = cli(
        "cbs",
        "show",
        "jeugdhulp_pct",
        "--region",
        "GM0344",
        "--period-type",
        "year",
        "--format",
        "csv",
    )
    assert run.returncode == 0, run.stderr
    obs = pd.read_csv(io.StringIO(run.stdout), dtype={"period": str})
    got = dict(zip(obs["period"], obs["value"], strict=True))
    assert got["2023"] == pytest.approx(15.0)
    assert (obs["published"].str.endswith("(CBS StatLine, opgehaald 2025-04-22)")).all()
