"""Property-based tests (Hypothesis) of the CBS file parser and ``cbs import``.

Any bytes given as a CBS file -- CBS-shaped CSV with mutated headers, random cells,
random period labels, other encodings and separators, web-download layouts, files cut
off anywhere, or plain random bytes -- must give either valid observations or the
project's :class:`~analysis.errors.InputError` with a one-line message: never another
exception. ``cbs import`` must exit 0 or 2, print one line on failure, and leave the
cache byte for byte as it was whenever it fails.

Bounded in ``make test`` (profile "ci"); ``make fuzz`` runs thousands of examples.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.cbs import import_paths
from analysis.cbs.catalogue import TABLES
from analysis.cbs.parse import NOTE_ABOVE_100, RAW_COLUMNS, REGION_COLUMNS, read_table_file
from analysis.errors import InputError
from analysis.periods import PLAUSIBLE_YEARS, STATUSES, period_type_of

pytestmark = pytest.mark.fuzz

FIXTURES = Path(__file__).parent / "fixtures" / "cbs"
JEUGD_KEYS = [
    "JongerenMetJeugdhulpInNatura_1",
    "JongerenMetJeugdhMetVerblInNat_2",
    "JongerenMetJeugdbescherming_3",
    "JeugdbeschEnJeugdhMetVerblInNat_4",
    "JongerenMetJeugdreclassering_5",
]
JEUGD_TITLES = [
    "Jongeren met jeugdhulp in natura (% (zie toelichting))",
    "Jongeren met jeugdbescherming (%)",
    "Jeugdbescherming en jeugdhulp met verblijf in natura",
    "Jongeren met jeugdreclassering (%)",
]
WEB_TITLE = "Jeugdzorg; jongeren met jeugdzorg in % van alle jongeren, regio"

good_regions = st.sampled_from(
    [
        "Nederland",
        "Utrecht (gemeente)",
        "Elzenburg",
        "Hoogveld",
        "GM0344",
        "NL01",
        "PV26",
        "WK034401",
        "Oud-Elzenburg",
        "'s-Hertogenbosch",
        "Súdwest-Fryslân",
    ]
)
bad_regions = st.sampled_from(["GMX", "GM1", "", "  ", "<script>x</script>"]) | st.text(max_size=12)
good_periods = st.sampled_from(
    [
        "2015",
        "2016",
        "2019*",
        "2019**",
        "2e halfjaar 2017",
        "1e half jaar 2024",
        "2017 1e halfjaar",
        "1e kwartaal 2015",
        "30 juni 2015",
        "2016HJ01",
        "2023JJ00",
        "1900",
        "2100**",
    ]
)
bad_periods = (
    st.sampled_from(
        [
            "31 februari 2015",
            "2015MM13",
            "9999",
            "0023",
            "1899",
            "3e halfjaar 2016",
            "",
            "*",
            "**2019",
            "٢٠١٩",
        ]
    )
    | st.from_regex(r"[0-9]{4}(\*{0,3})", fullmatch=True)
    | st.text(max_size=10)
)
good_cells = st.sampled_from(
    [
        "",
        ".",
        "x",
        "-",
        "7.3",
        "7,3",
        "12.163",
        "1.236.040",
        "107",
        "100",
        "0",
        " 5 ",
        "15,0",
        "1e1",
    ]
) | st.floats(min_value=0, max_value=100).map(lambda v: f"{v:.1f}")
bad_cells = (
    st.sampled_from(["-3", "nan", "inf", "1e400", "1_000", "\u00a012", "?", "X"])
    | st.floats().map(repr)
    | st.text(max_size=6)
)
delimiters = st.sampled_from([";", ";", ";", ",", "\t", "|"])
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
line_ends = st.sampled_from(["\n", "\r\n", "\r"])


def _quote(cell: str, delimiter: str, quote: bool) -> str:
    if quote or any(c in cell for c in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def cbs_files(draw) -> bytes:
    """A CBS-shaped CSV as bytes: mostly well-formed, with mutations at a drawn rate."""
    chaos = draw(st.sampled_from([0, 0, 1, 3, 10]))  # percent-ish chance of each mutation, 0: none

    def mutate(rate: int = 1) -> bool:
        return chaos > 0 and draw(st.integers(0, 99)) < chaos * rate

    def pick(good, bad):
        return draw(bad) if mutate() else draw(good)

    web = draw(st.booleans())
    delimiter = draw(delimiters) if mutate(5) else ";"
    quote = web or draw(st.booleans())
    names = JEUGD_TITLES if web else JEUGD_KEYS
    measures = draw(
        st.lists(
            st.sampled_from(names), min_size=0 if mutate() else 1, max_size=4, unique=not mutate()
        )
    )
    extra = (
        draw(
            st.lists(
                st.sampled_from(["Onbekend_9", "Perioden", "RegioS", "ID", "Codering_3", "", "%"])
                | st.text(max_size=8),
                max_size=2,
            )
        )
        if mutate(3)
        else []
    )
    header = (["Regio's", "Perioden"] if web else ["ID", "RegioS", "Perioden"]) + measures + extra
    if mutate(3):
        header = draw(st.permutations(header))
    if mutate(2):
        header = [draw(st.text(max_size=8)) if mutate(10) else h for h in header]
    width = len(header)
    n_rows = draw(st.integers(min_value=0 if mutate(3) else 1, max_value=8))
    rows = []
    for i in range(n_rows):
        row = []
        for name in header:
            if name in ("RegioS", "Regio's"):
                row.append(pick(good_regions, bad_regions))
            elif name == "Perioden":
                row.append(pick(good_periods, bad_periods))
            elif name == "ID":
                row.append(str(i))
            else:
                row.append(pick(good_cells, bad_cells))
        if mutate():  # a ragged row
            row = row[: draw(st.integers(0, width))] + draw(st.lists(good_cells, max_size=2))
        rows.append(row)
    lines = []
    if web:
        lines.append([draw(st.text(max_size=20))] if mutate(3) else [WEB_TITLE])
    lines.append(header)
    if web and draw(st.booleans()):
        lines.append(["", ""] + ["%"] * (width - 2))
    lines += rows
    if web and draw(st.booleans()):
        lines += [[""], ["Bron: CBS"]]
    end = draw(line_ends) if mutate(3) else draw(st.sampled_from(["\n", "\r\n"]))
    text = end.join(delimiter.join(_quote(c, delimiter, quote) for c in line) for line in lines)
    if not mutate(3):
        text += end
    data = text.encode(draw(encodings) if mutate(3) else "utf-8-sig", errors="replace")
    if mutate(3):  # cut off anywhere
        data = data[: draw(st.integers(0, len(data)))]
    if mutate(2):  # a few random bytes somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=8)) + data[at:]
    return data


any_file = cbs_files() | cbs_files() | cbs_files() | st.binary(max_size=300)
names = st.sampled_from(
    [
        "85098NED.csv",
        "82972NED.csv",
        "download.csv",
        "85755NED.csv",
        "86050NED.csv",
        "85098NED\nerror: x.csv",
        "82966NED.csv",
    ]
)


def _check_observations(table, path: Path) -> None:
    """A parsed table holds valid observations only."""
    frame = table.frame
    assert len(frame) > 0
    if table.kind == "regions":
        assert list(frame.columns) == REGION_COLUMNS
        return
    assert list(frame.columns) == RAW_COLUMNS
    assert table.table_id in TABLES
    assert set(frame["table_id"]) == {table.table_id}
    assert set(frame["status"]) <= set(STATUSES)
    assert frame["value"].notna().any()
    measures = {m.indicator: m for m in TABLES[table.table_id].measures}
    for rec in frame.itertuples(index=False):
        assert period_type_of(rec.period) == rec.period_type
        assert int(rec.period[:4]) in PLAUSIBLE_YEARS
        assert (
            isinstance(rec.region_label, str) and rec.region_label.strip() == rec.region_label != ""
        )
        if math.isnan(rec.value):
            assert rec.status in ("missing", "suppressed")
            continue
        assert math.isfinite(rec.value)
        assert rec.status in ("definitief", "voorlopig", "nader voorlopig")
        measure = measures[rec.indicator]
        if measure.unit == "procent":
            assert 0 <= rec.value <= 100 or (measure.can_exceed_100 and rec.note == NOTE_ABOVE_100)
        else:
            assert rec.value >= 0
    keys = frame.assign(
        r=frame["region_code"].astype(object).fillna(frame["region_label"].astype(object))
    )
    assert not keys.duplicated(["indicator", "r", "period"]).any()


def _one_line(message: str) -> None:
    assert message and "\n" not in message and "\r" not in message
    assert message.isprintable(), repr(message)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=any_file, name=names)
@example(data=(FIXTURES / "85098NED.csv").read_bytes(), name="85098NED.csv")
@example(data=(FIXTURES / "statline-download-82972NED.csv").read_bytes(), name="download.csv")
@example(
    data=(FIXTURES / "85098NED.csv").read_bytes().splitlines(keepends=True)[0], name="85098NED.csv"
)
def test_parser_gives_observations_or_one_line_input_error(data, name):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            table = read_table_file(path)
        except InputError as exc:
            _one_line(exc.message)
            return
        assert path.read_bytes() == data  # only read
        if table is not None:
            _check_observations(table, path)


@pytest.fixture(scope="module")
def template_cache(tmp_path_factory) -> Path:
    """A cache holding the fixture tables, copied for every example."""
    cache = tmp_path_factory.mktemp("fuzz-template") / "cbs"
    import_paths(
        [FIXTURES / "82972NED.csv", FIXTURES / "85098NED.csv", FIXTURES / "85755NED.csv"],
        cache_dir=cache,
        vintage="fuzz",
    )
    return cache


def _cache_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=any_file, name=names)
@example(
    data=(FIXTURES / "85098NED.csv").read_bytes().splitlines(keepends=True)[0], name="85098NED.csv"
)
def test_cbs_import_exits_0_or_2_and_a_failure_leaves_the_cache_as_it_was(
    template_cache, data, name
):
    from analysis.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        cache_root = Path(tmp) / "cache"
        shutil.copytree(template_cache, cache_root / "cbs")
        before = _cache_bytes(cache_root)
        path = Path(tmp) / name
        path.write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        old = os.environ.get("ANALYSIS_CACHE_DIR")
        os.environ["ANALYSIS_CACHE_DIR"] = str(cache_root)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["cbs", "import", str(path), "--vintage", "fuzz"])
        finally:
            if old is None:
                del os.environ["ANALYSIS_CACHE_DIR"]
            else:
                os.environ["ANALYSIS_CACHE_DIR"] = old
        assert code in (0, 2), (code, err.getvalue())
        if code == 2:
            lines = err.getvalue().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), err.getvalue()
            _one_line(lines[0])
            assert _cache_bytes(cache_root) == before
        else:
            assert err.getvalue() == ""
            after = _cache_bytes(cache_root)
            assert not [f for f in after if Path(f).name.startswith(".")]  # no temporary files left
