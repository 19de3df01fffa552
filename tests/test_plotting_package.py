"""The plotting package: its public seams, alt texts, breaks, ticks, rounding and the reader table."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis import labels, overview  # noqa: E402
from analysis import plotting as P  # noqa: E402

SRC = Path(__file__).resolve().parents[1] / "src" / "analysis"
YEARS = [str(y) for y in range(2015, 2024)]


def obs(
    region,
    name,
    periods,
    values,
    *,
    indicator="jeugdhulp_pct",
    unit="procent",
    source="85098NED",
    published="2025-04-22",
) -> pd.DataFrame:
    periods = list(periods)
    return pd.DataFrame(
        {
            "indicator": indicator,
            "region_code": region,
            "region_name": name,
            "period": periods,
            "period_type": [{4: "year", 6: "halfyear"}[len(p)] for p in periods],
            "value": [float(v) for v in values],
            "unit": unit,
            "status": "definitief",
            "source": source,
            "source_ref": None,
            "published": published,
        }
    )


@pytest.fixture
def youth() -> pd.DataFrame:
    return pd.concat(
        [
            obs("GM0344", "Utrecht", YEARS, np.linspace(7.3, 15.0, 9)),
            obs("NL01", "Nederland", YEARS, np.linspace(9.0, 14.0, 9)),
        ],
        ignore_index=True,
    )


# --- seams ----------------------------------------------------------------------------------


def _private_imports(path: Path) -> list[str]:
    """``from x import _name`` and ``module._name`` uses of the analysis package's modules in one file."""
    tree = ast.parse(path.read_text())
    found = []
    modules = {p.stem for p in SRC.rglob("*.py")} | {"plotting"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level or (node.module or "").startswith("analysis")
        ):
            found += [
                f"{node.module}.{a.name}"
                for a in node.names
                if a.name.startswith("_") and not a.name.startswith("__")
            ]
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_no_private_plotting_name_is_used_across_modules():
    uses = {str(p.relative_to(SRC)): _private_imports(p) for p in SRC.rglob("*.py")}
    plotting_uses = {
        f: [u for u in names if "plotting" in u or f.startswith("plotting")]
        for f, names in uses.items()
    }
    assert {f: u for f, u in plotting_uses.items() if u} == {}


def test_every_public_plotting_function_with_text_takes_the_session_language():
    for path in (SRC / "plotting").glob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            args = node.args.args + node.args.kwonlyargs
            names = [a.arg for a in args]
            if "language" not in names:
                continue
            defaults = dict(
                zip(
                    [a.arg for a in node.args.args][-len(node.args.defaults) :]
                    if node.args.defaults
                    else [],
                    node.args.defaults,
                    strict=True,
                )
            )
            defaults.update(
                {a.arg: d for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)}
            )
            assert (
                isinstance(defaults.get("language"), ast.Constant)
                and defaults["language"].value is None
            ), f"{path.name}:{node.name}"
            assert "resolve_language(language)" in ast.unparse(node), f"{path.name}:{node.name}"


def test_the_session_language_reaches_the_charts(youth):
    previous = labels.get_language()
    try:
        labels.set_language("en")
        fig = P.line_chart(youth, norm=12)
        assert "target: 12.0%" in P.figure_texts(fig)
        assert P.alt_text(fig).startswith("Youths with youth support (% of youths under 18), 2015")
    finally:
        labels.set_language(previous)


def test_the_package_keeps_the_old_names_reachable():
    for name in (
        "line_chart",
        "bar_chart",
        "small_multiples",
        "forecast_chart",
        "headline_table",
        "chart_or_note",
        "flow_chart",
        "survival_chart",
        "interval_chart",
        "marks_chart",
        "group_interval_chart",
        "median_table",
        "waiting_table",
        "tests_table",
        "reader_table",
        "set_alt_text",
        "alt_text",
    ):
        assert callable(getattr(P, name)), name


# --- alt text -------------------------------------------------------------------------------


def test_a_line_chart_says_what_it_shows(youth):
    text = P.alt_text(
        P.line_chart(youth, breaks=[("2015", "2016", "trendbreuk: buurtteams tellen mee")])
    )
    assert text.startswith(
        "Jongeren met jeugdhulp (% van jongeren tot 18 jaar), 2015\u20132023: Utrecht van 7,3% (2015) naar 15,0% (2023)"
    )
    assert "Nederland 14,0% (2023)" in text and "trendbreuk tussen 2015 en 2016" in text


def test_alt_texts_differ_per_chart_and_mark_synthetic_data(youth):
    utrecht = youth[youth["region_code"] == "GM0344"]
    texts = {
        P.alt_text(P.line_chart(youth)),
        P.alt_text(P.bar_chart(youth)),
        P.alt_text(P.line_chart(utrecht.assign(source="synthetisch register"))),
    }
    assert len(texts) == 3
    assert any(t.endswith("(synthetisch)") for t in texts)
    assert any("2023: Utrecht 15,0%" in t for t in texts)


def test_an_ad_hoc_figure_gets_its_titles_as_alt_text():
    fig, ax = P.new_figure()
    ax.set_title("Iets anders")
    fig.suptitle("Eigen grafiek")
    assert P.alt_text(fig) == "Eigen grafiek; Iets anders"
    assert P.alt_text(P.set_alt_text(fig, "  twee\nregels ")) == "twee regels"
    with pytest.raises(ValueError, match="empty"):
        P.set_alt_text(fig, " ")


def _shell(monkeypatch):
    ipython = pytest.importorskip("IPython")
    from IPython.core.formatters import DisplayFormatter

    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    monkeypatch.setattr(ipython, "get_ipython", lambda: shell)
    return shell


def test_the_notebook_output_carries_the_alt_text(monkeypatch, youth):
    shell = _shell(monkeypatch)
    fig = P.line_chart(youth)
    data, metadata = shell.display_formatter.format(fig)
    assert data["image/png"].startswith(b"\x89PNG")
    assert metadata["image/png"]["alt"] == P.alt_text(fig)


def test_the_alt_text_survives_the_inline_backend(monkeypatch, youth):
    """matplotlib-inline replaces the figure formatters when pyplot loads it; the next chart takes them back."""
    from functools import partial

    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    shell = _shell(monkeypatch)
    formatters = shell.display_formatter.formatters
    formatters["image/png"].for_type(
        Figure, partial(print_figure, fmt="png", base64=True)
    )  # as inline does
    formatters["image/svg+xml"].for_type(Figure, partial(print_figure, fmt="svg"))
    fig = P.line_chart(youth)
    data, metadata = shell.display_formatter.format(fig)
    assert set(data) == {"text/plain", "image/png"}  # one image per chart
    assert metadata["image/png"]["alt"].startswith("Jongeren met jeugdhulp")


# --- chart fixes ----------------------------------------------------------------------------


def test_no_line_runs_across_a_declared_break(youth):
    fig = P.line_chart(youth, breaks=[("2015", "2016", "trendbreuk")])
    ax = fig.axes[0]
    brk = P.period_x("2015") + (P.period_x("2016") - P.period_x("2015")) / 2
    for line in ax.lines:
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        if len(x) < 5:
            continue  # the break line and the target line
        inside = (x > P.period_x("2015")) & (x < P.period_x("2016"))
        assert inside.any() and np.isnan(y[inside]).all(), line.get_label()
    note = next(t for t in ax.texts if t.get_gid() == "series-break")
    assert note.xy[0] == pytest.approx(brk, abs=1)  # at the break line, level (see below)


def test_without_breaks_the_line_is_whole(youth):
    line = P.line_chart(youth).axes[0].lines[0]
    assert not np.isnan(np.asarray(line.get_data()[1], dtype=float)).any()


def test_half_year_ticks_are_regular_and_written_out():
    periods = [f"{y}H{h}" for y in range(2015, 2025) for h in (1, 2)]
    fig = P.line_chart(obs("GM0344", "Utrecht", periods, np.arange(20.0)))
    ticks = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_xticklabels()]
    assert all(t.startswith("1e halfjaar ") for t in ticks)
    years = [int(t[-4:]) for t in ticks]
    assert len(set(np.diff(years))) == 1 and len(ticks) <= 8
    fig = P.line_chart(obs("GM0344", "Utrecht", periods, np.arange(20.0)), language="en")
    assert fig.axes[0].get_xticklabels()[0].get_text().replace("\n", " ").startswith("1st half ")


def test_rates_are_written_as_cbs_publishes_them():
    rates = pd.concat(
        [
            obs(
                code,
                f"wijk {code}",
                ["2023"],
                [v],
                indicator="wmo_clienten_per_1000",
                unit="per 1000 inwoners",
            )
            for code, v in (("WK034401", 99.0), ("WK034402", 55.0))
        ]
    )
    texts = [t.get_text() for t in P.bar_chart(rates).axes[0].texts]
    assert "99 per 1.000 inwoners" in texts and not any(",0" in t for t in texts)
    assert P.value_decimals([12.3456], "per 1000 inwoners") == 1
    assert P.value_decimals([12.0], "procent") == 1  # percentages keep CBS's one decimal
    # working days as published: a norm of 5 days whole, a mean waiting time with its tenth
    assert P.value_decimals([5.0], "werkdagen") == 0
    assert P.value_decimals([7.6, 7.9], "werkdagen") == 1
    assert P.value_decimals([4.66], "werkdagen") == 1


def test_a_synthetic_history_is_never_called_realisatie():
    history = obs(
        "GM0344",
        "Utrecht",
        YEARS,
        np.arange(9.0) + 5,
        indicator="buurtteam_sociaal_wachttijd",
        unit="werkdagen",
        source="synthetisch register",
    )
    fc = pd.DataFrame(
        {
            "period": ["2024", "2025"],
            "mean": [14.0, 15.0],
            "lo80": [13.0, 13.5],
            "hi80": [15.0, 16.5],
            "lo95": [12.0, 12.5],
            "hi95": [16.0, 17.5],
            "method": "ets",
        }
    )
    fig = P.forecast_chart(history, fc)
    texts = P.figure_texts(fig)
    assert "Synthetische reeks" in texts and "Realisatie" not in texts
    # one decimal for working days, as in the tables: 12,5 and 17,5 are not rounded to whole days
    assert "prognose 2025: 15,0 werkdagen (95%-interval 12,5 werkdagen tot 17,5 werkdagen)" in (
        P.alt_text(fig)
    )


def _waiting_chart(frame, published):
    """The waiting-time interval chart of notebook 02, with its published diamonds."""
    return P.interval_chart(
        frame,
        value="mean",
        group="group",
        unit="werkdagen",
        title="Wachttijd",
        norm=5,
        published={"all_cases": published},
    )


def test_published_waiting_times_are_a_series_per_definition():
    frame = pd.DataFrame(
        {
            "period": YEARS,
            "group": "all_cases",
            "mean": np.linspace(4, 8, 9),
            "source": "synthetisch register",
            "published": "2025-01-01",
        }
    )
    published = pd.concat(
        [
            obs(
                "GM0344",
                "Utrecht",
                ["2016", "2017", "2018"],
                [4.7, 5.5, 4.3],
                indicator="buurtteam_sociaal_wachttijd",
                unit="werkdagen",
                source="jaarstukken",
                published="Jaarstukken 2018 (2019)",
            ),
            obs(
                "GM0344",
                "Utrecht",
                ["2023"],
                [7.6],
                indicator="buurtteam_sociaal_wachttijd",
                unit="werkdagen",
                source="begroting",
                published="Begroting 2026 (2025)",
            ),
        ],
        ignore_index=True,
    )
    fig = _waiting_chart(frame, published)
    ax = fig.axes[0]
    diamonds = [line for line in ax.lines if line.get_marker() == "D"]
    assert sorted(len(line.get_xdata()) for line in diamonds) == [1, 3]  # never one line over both
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "gepubliceerd t/m 2018: van melding tot start ondersteuning" in legend
    assert "gepubliceerd vanaf 2023: van aanmelding tot keukentafelgesprek" in legend
    assert "streefwaarde: 5" in legend


# --- layout: legends and break texts clear of data and tick labels ---------------------------


def drawn(fig: Figure):
    """Lay the figure out and draw it; the renderer, for the boxes of what it drew."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def overlap(a, b) -> bool:
    """Whether two display boxes share more than a pixel."""
    return a.x0 < b.x1 - 1 and b.x0 < a.x1 - 1 and a.y0 < b.y1 - 1 and b.y0 < a.y1 - 1


def labels_apart(ax, renderer) -> bool:
    boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    return all(not overlap(a, b) for a, b in zip(boxes, boxes[1:], strict=False))


def test_a_legend_of_long_names_goes_under_the_axes_and_the_years_stay_apart():
    years = [str(y) for y in range(2015, 2025)]
    names = [
        "gepubliceerd t/m 2018: van melding tot start ondersteuning",
        "gepubliceerd vanaf 2023: van aanmelding tot keukentafelgesprek",
        "Wmo-maatwerkvoorzieningen, stand begin periode",
    ]
    data = pd.concat(
        [
            obs(f"GM000{i}", name, years, np.linspace(1 + i, 9 - i, 10))
            for i, name in enumerate(names)
        ]
    )
    fig = P.line_chart(data, focus=None)
    renderer = drawn(fig)
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    assert legend.y1 <= min(t.y0 for t in ticks)  # under the year labels, not over the data
    assert labels_apart(ax, renderer)
    assert ax.get_window_extent(renderer).width > 0.7 * fig.bbox.width  # the plot keeps its width


def test_a_short_legend_stands_right_of_the_axes_never_on_the_lines(youth):
    fig = P.line_chart(youth)  # two lines: once placed 'best', inside the axes
    renderer = drawn(fig)
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.x0 >= ax.get_window_extent(renderer).x1
    assert labels_apart(ax, renderer)


def test_the_legend_of_published_waiting_times_leaves_the_years_readable():
    frame = pd.DataFrame(
        {
            "period": [str(y) for y in range(2015, 2025)],
            "group": "all_cases",
            "mean": np.linspace(4, 8, 10),
            "source": "synthetisch register",
            "published": "2025-01-01",
        }
    )
    published = obs(
        "GM0344",
        "Utrecht",
        ["2016", "2017", "2018", "2023"],
        [4.7, 5.5, 4.3, 7.6],
        indicator="buurtteam_sociaal_wachttijd",
        unit="werkdagen",
        source="jaarstukken",
        published="Jaarstukken 2018 (2019)",
    )
    fig = _waiting_chart(frame, published)
    renderer = drawn(fig)
    ax = fig.axes[0]
    assert labels_apart(ax, renderer)
    assert not overlap(ax.get_legend().get_window_extent(renderer), ax.get_window_extent(renderer))


@pytest.mark.parametrize("kind", ["year", "halfyear", "forecast", "small_multiples"])
def test_the_break_text_covers_no_tick_label_no_point_and_no_line(kind):
    text = (
        "trendbreuk: vanaf 2016 telt jeugdhulp door buurtteams mee, "
        "en CBS telt sindsdien ook de trajecten van de wijkteams"
    )  # long enough to take two lines
    brk = [("2015", "2016", text)] if kind != "halfyear" else [("2015H2", "2016H1", text)]
    periods = (
        [f"{y}H{h}" for y in range(2015, 2025) for h in (1, 2)]
        if kind == "halfyear"
        else [str(y) for y in range(2015, 2024)]
    )
    values = np.r_[np.linspace(6, 14, len(periods) - 3), [14.2, 13.9, 14.1]]  # highest at the end
    data = pd.concat(
        [
            obs("GM0344", "Utrecht", periods, values),
            obs("NL01", "Nederland", periods, values[::-1]),  # highest at the start
        ]
    )
    if kind == "forecast":
        fc = pd.DataFrame(
            {"period": ["2024", "2025"], "mean": [14.0, 14.0], "lo80": [13.0, 13.0]}
        ).assign(hi80=15.0, lo95=12.0, hi95=16.0, method="ets")
        fig = P.forecast_chart(data[data["region_code"] == "GM0344"], fc, breaks=brk)
    elif kind == "small_multiples":
        fig = P.small_multiples(data, facet="region", reference=None, breaks=brk)
    else:
        fig = P.line_chart(data, breaks=brk)
    renderer = drawn(fig)
    ax = fig.axes[0]
    note = next(t for t in ax.texts if t.get_gid() == "series-break")
    assert note.get_rotation() == 0 and note.get_text().replace("\n", " ") == text
    box = note.get_window_extent(renderer)
    assert ax.get_window_extent(renderer).contains(box.x0 + 1, box.y0 + 1)  # inside the axes
    for tick in ax.get_xticklabels() + ax.get_yticklabels():
        if tick.get_text():
            assert not overlap(box, tick.get_window_extent(renderer)), tick.get_text()
    for line in ax.lines:  # every point and every segment drawn stays below the text
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        if len(set(x[np.isfinite(x)])) == 1:
            continue  # the break line itself, beside which the text stands
        points = line.get_transform().transform(np.c_[x, y])
        points = points[np.isfinite(points).all(axis=1)]
        assert (points[:, 1] < box.y0).all(), line.get_label()
    assert "trendbreuk" in P.alt_text(fig)


# --- tables ---------------------------------------------------------------------------------


def test_the_reader_table_has_labels_names_formats_and_no_index():
    frame = pd.DataFrame(
        {
            "region_code": ["GM0344", "NL01"],
            "period": ["2024H1", "2024"],
            "value": [7.498734, 12.0],
            "n": [3, 40],
        },
        index=[5, 9],
    )
    table = P.reader_table(frame, units={"value": "procent"})
    assert list(table.data.columns) == ["Gebied", "Periode", "Waarde (%)", "Aantal"]
    assert table.data.iloc[0].tolist() == ["Utrecht", "1e halfjaar 2024", "7,5", "3"]
    html = table.to_html()
    assert html.count('<th scope="col"') == 4 and "row_heading" not in html and "GM0344" not in html
    assert ">5<" not in html and ">9<" not in html  # no pandas index
    english = P.reader_table(frame, units={"value": "procent"}, language="en")
    assert english.data.iloc[0].tolist() == ["Utrecht", "H1 2024", "7.5", "3"]


def test_a_meaningful_index_becomes_a_column_and_multi_headers_are_flattened():
    frame = pd.DataFrame(
        {("Alle", "gemiddelde"): ["4,1"]}, index=pd.Index(["2023"], name="Periode")
    )
    frame.columns = pd.MultiIndex.from_tuples(frame.columns)
    assert list(P.reader_table(frame).data.columns) == ["Periode", "Alle: gemiddelde"]


def test_chart_or_note_shows_tables_in_the_house_style():
    shown = P.chart_or_note(
        lambda d: d.rename(columns={"value": "Waarde"}), pd.DataFrame({"value": [1.25]})
    )
    assert isinstance(shown, P.ReaderTable) and re.search(
        r'<th scope="col"[^>]*>Waarde</th>', shown.to_html()
    )


def test_the_overview_keeps_synthetic_figures_out_of_the_headlines():
    rows = pd.concat(
        [
            obs(
                "GM0344",
                "Utrecht",
                ["2023", "2024"],
                [7.0, 7.2],
                indicator="buurtteam_sociaal_wachttijd",
                unit="werkdagen",
                source="synthetisch register",
                published="2025-01-01",
            ),
        ],
        ignore_index=True,
    )
    published = obs(
        "GM0344",
        "Utrecht",
        ["2023", "2024"],
        [7.6, 7.9],
        indicator="buurtteam_sociaal_wachttijd",
        unit="werkdagen",
        source="begroting",
        published="Begroting 2026 (2025)",
    )
    real, heading, fake = overview.headline_blocks(
        rows, published, theme="beschikbaarheid", region="GM0344"
    )
    assert real.data["Laatste waarde"].tolist() == ["7,9 werkdagen"]
    assert "synthetisch" in heading.data and fake.data["Laatste waarde"].tolist() == [
        "7,2 werkdagen"
    ]
    assert 'scope="col"' in real.to_html()


def test_set_style_takes_the_figure_formatter_back_from_the_inline_backend(monkeypatch):
    from functools import partial

    import matplotlib as mpl
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    shell = _shell(monkeypatch)
    png = shell.display_formatter.formatters["image/png"]
    png.for_type(Figure, partial(print_figure, fmt="png", base64=True))
    with mpl.rc_context():
        P.set_style()
    fig, ax = P.new_figure()
    fig.suptitle("Met de hand")
    assert png.lookup_by_type(Figure) is P.figure_png
    assert shell.display_formatter.format(fig)[1]["image/png"]["alt"] == "Met de hand"


def test_the_reader_table_keeps_labels_it_is_given():
    frame = pd.DataFrame(
        {"indicator": ["jeugdhulp_pct", "Al een label"], "period": ["2024", "volgend jaar"]}
    )
    assert P.reader_table(frame).data.values.tolist() == [
        ["Jongeren met jeugdhulp (% van jongeren tot 18 jaar)", "2024"],
        ["Al een label", "volgend jaar"],
    ]


def _contrast(color: str, background: str = "#FFFFFF") -> float:
    from matplotlib.colors import to_rgb

    def luminance(c):
        channels = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in to_rgb(c)]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    light, dark = sorted((luminance(color), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_text_on_charts_and_tables_meets_wcag_aa_contrast():
    rc = P.house_rc()
    colours = [P.MUTED_TEXT_COLOR, rc["axes.labelcolor"], rc["xtick.color"], rc["ytick.color"]]
    assert min(_contrast(c) for c in colours) >= 4.5
    assert set(P.PALETTE) >= {
        "#0072B2",
        "#009E73",
    }  # Okabe & Ito: safe for colour-vision deficiencies


def test_every_line_colour_has_the_non_text_contrast_of_wcag_aa():
    # 1.4.11: graphics needed to read a chart (its lines, the break and target marks) at least 3:1
    lines = [*P.PALETTE, P.NEDERLAND_COLOR, P.BREAK_COLOR, P.NORM_COLOR]
    low = {c: round(_contrast(c), 2) for c in lines if _contrast(c) < 3}
    assert not low
    assert len(set(P.COMPARISON_COLORS)) == len(P.COMPARISON_COLORS)


def test_draw_target_is_a_dotted_line_named_in_the_legend():
    fig, ax = P.new_figure("standard")
    across = P.draw_target(ax, 5.0, "5,0", "nl")
    upright = P.draw_target(ax, 3.0, "3", "en", vertical=True)
    assert across.get_label() == "streefwaarde: 5,0" and upright.get_label() == "target: 3"
    assert across.get_ydata()[0] == 5.0 and upright.get_xdata()[0] == 3.0
    assert across.get_linestyle() == upright.get_linestyle() == ":"
    assert across.get_color() == P.NORM_COLOR and across.get_zorder() == 1.8
    assert upright.get_zorder() == 2  # above the bars


def test_alt_summary_names_title_subtitle_span_and_parts():
    parts = ["a 1", "b 2"]
    assert (
        P.alt_summary("T", "S", ["2016", "2015", "2023"], parts, "nl")
        == "T (S), 2015–2023: a 1; b 2"
    )
    assert P.alt_summary("T", None, ["2023"], parts, "en") == "T, 2023: a 1; b 2"


def test_rows_are_put_in_time_order_stably_and_lines_split_in_order_of_appearance():
    import pandas as pd

    from analysis.plotting import sorted_by_period, split_lines

    obs = pd.DataFrame(
        {
            "region_code": ["GM0363", "GM0344", "GM0363", "GM0344", "GM0344"],
            "period": ["2024H1", "2023", "2023H1", "2023H1", "2023H1"],
            "value": [1.0, 2.0, 3.0, 4.0, 5.0],
        },
        index=[10, 11, 12, 13, 14],
    )
    ordered = sorted_by_period(obs)
    # 2023H1 (three rows, in their order) ends before 2023 and 2024H1; nothing added or lost
    assert list(ordered.index) == [12, 13, 14, 11, 10]
    assert list(ordered.columns) == list(obs.columns)
    lines = split_lines(obs, "region_code")
    assert list(lines) == ["GM0363", "GM0344"]
    assert list(lines["GM0344"].index) == [11, 13, 14]
    assert sorted_by_period(obs.iloc[:0]).empty


# --- series breaks: one rule for where a break lies ---------------------------------------


def _frame(periods, values=None, region="GM0344", name="Utrecht") -> pd.DataFrame:
    """Observations of any one period type (``obs`` above knows years and half-years)."""
    from analysis.periods import period_type_of

    periods = list(periods)
    values = np.arange(1.0, len(periods) + 1) if values is None else values
    frame = obs(region, name, ["2015"] * len(periods), values)
    return frame.assign(period=periods, period_type=[period_type_of(p) for p in periods])


def _break_lines(ax) -> list[float]:
    """The x positions of the break lines :func:`draw_breaks` drew on ``ax``."""
    return sorted(
        float(line.get_xdata()[0])
        for line in ax.lines
        if line.get_color() == P.BREAK_COLOR and line.get_linestyle() == "--"
    )


BREAK_2016 = P.SeriesBreak("2015", "2016", "trendbreuk: nieuwe definitie")


@pytest.mark.parametrize(
    ("before", "after", "between"),
    [
        ("2015", "2016", True),
        ("2015H2", "2016H1", True),  # a yearly break in a half-year series
        ("2015Q4", "2016-01", True),  # in quarters and months
        ("2015-12", "2016Q1", True),
        ("2014", "2017", True),  # not next to each other: still across the break
        ("2015H1", "2016H2", True),
        ("2015H1", "2015H2", False),  # both before the break
        ("2016H1", "2016H2", False),  # both after it
        ("2015H2", "2015", False),  # 2015 starts before the break's 'after' does
        ("2016", "2017", False),
        ("2013", "2014", False),
    ],
)
def test_a_break_lies_between_two_periods_by_their_ends_and_starts(before, after, between):
    assert (P.break_between([BREAK_2016], before, after) == BREAK_2016) is between
    halves = P.SeriesBreak("2015H2", "2016H1")  # the same break, declared in half-years
    assert (P.break_between([halves], before, after) == halves) is between


def test_break_between_gives_the_first_break_and_none_without_two_periods():
    breaks = [("2018", "2023", "definitie"), {"before": "2019", "after": "2020"}]
    assert P.break_between(breaks, "2017", "2024") == P.SeriesBreak("2018", "2023", "definitie")
    assert P.break_between(breaks, "2019", "2020") == P.SeriesBreak("2019", "2020")
    assert P.break_between(breaks, "2020", "2024") is None
    assert P.break_between(None, "2015", "2016") is None
    for missing in (None, np.nan, pd.NA):
        assert P.break_between([BREAK_2016], missing, "2016") is None
        assert P.break_between([BREAK_2016], "2015", missing) is None
    with pytest.raises(ValueError, match="must end before"):
        P.break_between([("2016", "2015")], "2014", "2017")
    with pytest.raises(ValueError, match="not a period"):
        P.break_between([BREAK_2016], "2015", "zestien")


def test_breaks_within_are_those_between_two_of_the_periods_in_the_order_given():
    breaks = [("2019", "2020", "b"), ("2015", "2016", "a"), ("2022", "2023", "c")]
    got = P.breaks_within(breaks, ["2021", "2015", "2016", "2020", "2019"])
    assert [b.text for b in got] == ["b", "a"], "2022/2023 lies after every period"
    assert P.breaks_within(breaks, ["2016", "2017"]) == [], (
        "2015/2016 at the edge: no period before"
    )
    assert P.breaks_within(breaks, []) == []
    assert [b.text for b in P.breaks_within(breaks, ["2015H2", "2016Q1"])] == ["a"]


@pytest.mark.parametrize(
    ("periods", "brk", "shown"),
    [
        (YEARS, ("2015", "2016"), True),
        # a yearly break in a half-year series that ends in the half-year after it: the chart
        # drew the break, the alt text left it out (2016 sorted after 2016H1)
        (["2015H1", "2015H2", "2016H1"], ("2015", "2016"), True),
        # a half-year break in a yearly series: drawn, and left out of the alt text
        (YEARS, ("2015H2", "2016H1"), True),
        # at the edge, every period on one side: was drawn in the margin, never named
        (YEARS[1:], ("2015", "2016"), False),
        (["2016H1", "2016H2", "2017H1"], ("2015", "2016"), False),
        (["2012", "2013", "2014", "2015"], ("2015", "2016"), False),
    ],
)
def test_a_chart_draws_a_break_exactly_when_its_alt_text_names_it(periods, brk, shown):
    data = pd.concat([_frame(periods), _frame(periods, region="NL01", name="Nederland")])
    sentence = "trendbreuk tussen"
    for fig in (
        P.line_chart(data, breaks=[brk]),
        P.small_multiples(data, facet="region", reference=None, breaks=[brk]),
    ):
        assert (sentence in P.alt_text(fig)) is shown, P.alt_text(fig)
        for ax in fig.axes:
            if not ax.get_visible():
                continue
            assert len(_break_lines(ax)) == int(shown)
            line = next(ln for ln in ax.lines if len(ln.get_xdata()) >= len(periods))
            gaps = np.isnan(np.asarray(line.get_ydata(), dtype=float)).sum()
            assert gaps == int(shown), "the line stops at a break it draws, and only there"
        assert any(t.get_gid() == "series-break" for t in fig.axes[0].texts) is shown


def test_a_forecast_chart_draws_no_break_before_its_history():
    history = _frame(YEARS[1:])
    fc = pd.DataFrame({"period": ["2024", "2025"], "mean": [14.0, 14.0], "lo80": [13.0, 13.0]})
    fc = fc.assign(hi80=15.0, lo95=12.0, hi95=16.0, method="ets")
    fig = P.forecast_chart(history, fc, breaks=[BREAK_2016])
    assert _break_lines(fig.axes[0]) == [] and "trendbreuk" not in P.alt_text(fig)
    fig = P.forecast_chart(_frame(YEARS), fc, breaks=[BREAK_2016])
    assert len(_break_lines(fig.axes[0])) == 1 and "trendbreuk tussen 2015 en 2016" in (
        P.alt_text(fig)
    )


def _all_periods(kind: str) -> list[str]:
    from analysis.periods import next_periods

    first, per_year = {
        "year": ("2014", 1),
        "halfyear": ("2014H1", 2),
        "quarter": ("2014Q1", 4),
        "month": ("2014-01", 12),
    }[kind]
    return [first, *next_periods(first, 4 * per_year - 1)]  # 2014 up to and including 2017


_KINDS = ("year", "halfyear", "quarter", "month")
_POOL = [p for kind in _KINDS for p in _all_periods(kind)]


def _later(period: str) -> list[str]:
    """The periods of the pool that begin after ``period`` ends: a break's possible 'after'."""
    from analysis.periods import period_end, period_start

    return [p for p in _POOL if period_end(period) < period_start(p)]


_AFTER = {p: _later(p) for p in _POOL if _later(p)}


@st.composite
def _series_and_breaks(draw):
    """Periods of one type (2014-2017, gaps allowed) and up to three breaks of any types."""
    every = _all_periods(draw(st.sampled_from(_KINDS)))
    chosen = draw(st.lists(st.integers(0, len(every) - 1), min_size=1, max_size=10, unique=True))
    periods = [every[i] for i in sorted(chosen)]
    pair = st.sampled_from(sorted(_AFTER)).flatmap(
        lambda before: st.tuples(st.just(before), st.sampled_from(_AFTER[before]))
    )
    pairs = draw(st.lists(pair, max_size=3))
    return periods, [P.SeriesBreak(b, a, f"definitie {i}") for i, (b, a) in enumerate(pairs)]


@pytest.mark.fuzz
@settings(deadline=None)  # profile "ci": 60 examples in make test
@given(_series_and_breaks())
def test_sparkline_alt_text_chart_and_overview_agree_on_the_breaks(case):
    from analysis.plotting.charts import _spark_breaks

    periods, breaks = case
    # by brute force: the breaks that lie between some two of the periods
    within = [
        b for b in breaks if any(P.break_between([b], x, y) for x in periods for y in periods)
    ]
    assert P.breaks_within(breaks, periods) == within

    # the alt text names them, in order; the line chart draws them and cuts its line there
    sentences = P.break_sentences(breaks, periods, "nl")
    assert sentences == [P.break_sentences([b], [b.before, b.after], "nl")[0] for b in within]
    fig = P.line_chart(_frame(periods), breaks=breaks)
    alt = P.alt_text(fig)
    assert all(s in alt for s in sentences) and alt.count("trendbreuk tussen") == len(within)
    assert len(_break_lines(fig.axes[0])) == len(within)
    line = fig.axes[0].lines[0]
    assert np.isnan(np.asarray(line.get_ydata(), dtype=float)).sum() == len(within)

    # the sparkline draws the same breaks (every period has a value)
    values = pd.Series(np.arange(1.0, len(periods) + 1), index=periods)
    drawn = _spark_breaks(values, breaks)
    assert sorted(b.text for _, b in drawn) == sorted(b.text for b in within)
    marks = P.sparkline(values, breaks=breaks).axes[0].lines
    assert sorted(float(m.get_xdata()[0]) for m in marks if m.get_gid() == "series-break") == (
        sorted(pos for pos, _ in drawn)
    )

    # the overview gives no change across a break: exactly where the sparkline cuts between
    # the two periods (a break with periods of the series inside its span is cut there, not
    # between two periods that lie on either side of it)
    for k, (a, b) in enumerate(zip(periods, periods[1:], strict=False)):
        text = P.change_across_break(breaks, a, b, "nl")
        brk = P.break_between(breaks, a, b)
        assert (text is None) == (brk is None)
        if brk is not None:
            assert text == f"\u2013 ({P.spark_break_text(brk, 'nl')})"
            assert (k + 0.5, brk) in drawn, "the sparkline cuts between the two periods"
        for pos, d in drawn:
            inside = [
                p
                for p in periods
                if P.break_between([d], p, d.after) is None
                and P.break_between([d], d.before, p) is None
            ]
            if pos == k + 0.5 and not inside:
                assert text is not None, f"a cut between {a} and {b}, and a change given"


def test_legend_columns_sizes_each_column_by_its_own_entries():
    from analysis.plotting import legend_columns

    # one long entry: the old rule (every column as wide as the widest) gave one column
    widths = [90.0, 70.0, 60.0, 90.0, 300.0, 320.0]
    assert legend_columns(widths, 553.0, 20.0) == 3  # [90, 70] [60, 90] [300, 320]: 540 points
    assert legend_columns(widths, 500.0, 20.0) == 2  # [90, 70, 60] [90, 300, 320]: 430 points
    assert legend_columns(widths, 400.0, 20.0) == 1
    assert legend_columns([100.0] * 4, 460.0, 20.0) == 4
    assert legend_columns([100.0] * 4, 459.0, 20.0) == 3  # 2 + 1 + 1 entries in array_split
    assert legend_columns([], 100.0, 20.0) == 1
    assert legend_columns([500.0], 100.0, 20.0) == 1


def _legend_columns_drawn(legend) -> int:
    """How many columns a drawn legend has: the distinct left edges of its texts."""
    return len({round(t.get_window_extent().x0) for t in legend.get_texts()})


@pytest.mark.parametrize("ylabel", ["", "aantal cliënten"])
@pytest.mark.parametrize(
    "last", ["van aanmelding tot keukentafelgesprek", "van aanmelding tot eerste contact"]
)
def test_a_legend_under_the_axes_fits_the_figure_in_fewer_rows(ylabel, last):
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from analysis.plotting import house_style, place_legend

    with house_style():
        fig, ax = plt.subplots(figsize=(8.1, 4), layout="constrained")
        ax.plot([0, 1], [0, 25000])
        ax.set_ylabel(ylabel)
        labels = [
            "alle casussen",
            "niet spoed",
            "spoed",
            "streefwaarde: 5",
            "gepubliceerd t/m 2018: van melding tot start ondersteuning",
            f"gepubliceerd vanaf 2023: {last}",
        ]
        legend = place_legend(ax, [Line2D([], [], label=text) for text in labels])
        fig.canvas.draw()
        assert _legend_columns_drawn(legend) >= 2  # not six rows
        box = legend.get_window_extent()
        assert box.x0 >= 0 and box.x1 <= fig.bbox.x1  # and within the figure
    plt.close(fig)


def test_wrap_to_width_keeps_every_line_within_the_width_as_drawn():
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    from analysis.plotting import wrap_to_width

    def _text_width(line, font):
        return text_to_path.get_text_width_height_descent(line, font, ismath=False)[0]

    font = FontProperties(size=8)
    # wide letters: a count of characters (textwrap) let this run past the edge
    text = " ".join(["MMMMWWW Maatschappelijke Ondersteuning (Jaarstukken 2018 (2019));"] * 6)
    wrapped = wrap_to_width(text, 300.0, font)
    lines = wrapped.split("\n")
    assert len(lines) > 1 and " ".join(lines) == " ".join(text.split())
    assert all(_text_width(line, font) <= 300.0 + 0.5 for line in lines)
    # and fills them: the next word would not have fitted
    for line, nxt in zip(lines, lines[1:], strict=False):
        assert _text_width(f"{line} {nxt.split()[0]}", font) > 300.0 - 0.5
    assert wrap_to_width("kort", 300.0, font) == "kort"
    assert wrap_to_width("a " + "W" * 80 + " b", 50.0, font).split("\n") == ["a", "W" * 80, "b"]


def test_long_titles_and_subtitles_wrap_within_the_figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    title = (
        "Aandeel buurtteam Jeugd en Gezin in de cliënten van buurtteam en aanvullende zorg Jeugd"
    )
    subtitle = (
        "Prognose, methode: gewogen gemiddelde van gepoolde trend en laatste waarde; "
        "80%-interval en 95%-interval"
    )
    fig = P.line_chart(_frame(["2015", "2016", "2017"]), title=title, subtitle=subtitle)
    shown_title, shown_subtitle = fig.get_suptitle(), fig.axes[0].get_title("left")
    assert "\n" in shown_title and " ".join(shown_title.split()) == title
    assert "\n" in shown_subtitle and " ".join(shown_subtitle.split()) == subtitle
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    # nothing drawn past the figure's right edge (the saved image keeps the chart's width)
    assert fig.get_tightbbox(canvas.get_renderer()).x1 <= fig.get_figwidth()


def test_norm_text_writes_a_norm_as_the_policy_does():
    assert P.norm_text(5.0, "werkdagen") == "5 werkdagen"
    assert P.norm_text(5.5, "werkdagen", "en") == "5.5 working days"
    assert P.norm_text(80.0, "procent") == "80,0%"  # percentages keep CBS's one decimal
    assert P.norm_text(None, "werkdagen") == "" and P.norm_text(float("nan"), "procent") == ""


def test_break_phrase_names_the_kind_of_break_and_its_text():
    switch = P.SeriesBreak("2020", "2021", "tabelwissel: 82972NED \u2192 85098NED")
    assert P.break_kind(switch) == ("tabelwissel", "82972NED \u2192 85098NED")
    assert P.break_phrase(switch) == "tabelwissel tussen 2020 en 2021: 82972NED \u2192 85098NED"
    assert (
        P.break_phrase(switch, "en")
        == "table change between 2020 and 2021: 82972NED \u2192 85098NED"
    )
    assert P.break_phrase(BREAK_2016) == "trendbreuk tussen 2015 en 2016: nieuwe definitie"
    assert P.break_phrase(P.SeriesBreak("2015", "2016")) == "trendbreuk tussen 2015 en 2016"
    # a text without a kind explains a trendbreuk
    assert P.break_phrase(P.SeriesBreak("2018", "2020", "andere meting")) == (
        "trendbreuk tussen 2018 en 2020: andere meting"
    )
    # the sparkline's note under the image and its alt text say the same kind
    assert P.spark_break_text(switch) == "tabelwissel 2021"
    assert P.spark_break_text(P.SeriesBreak("2018", "2021", "tabelwissel: a")) == (
        "tabelwissel tussen 2018 en 2021"
    )


def test_a_line_chart_names_every_break_in_its_alt_text_and_stacks_their_texts():
    years = [str(y) for y in range(2014, 2024)]
    data = obs("GM0344", "Utrecht", years, range(10, 20))
    switch = ("2020", "2021", "tabelwissel: 82972NED \u2192 85098NED")
    fig = P.line_chart(data, breaks=[BREAK_2016, switch])
    alt = P.alt_text(fig)
    assert "trendbreuk tussen 2015 en 2016: nieuwe definitie" in alt
    assert "tabelwissel tussen 2020 en 2021: 82972NED \u2192 85098NED" in alt
    texts = [t for t in fig.axes[0].texts if t.get_gid() == "series-break"]
    assert len(texts) == 2 and len(_break_lines(fig.axes[0])) == 2
    fig.canvas.draw()
    first, second = (t.get_window_extent() for t in texts)
    assert second.y1 <= first.y0 + 0.5, "the second break's text goes under the first"
    # and no point reaches into the band the texts take
    top = fig.axes[0].transData.transform((0, data["value"].max()))[1]
    assert top < second.y0


def test_charts_add_their_table_switches_to_the_declared_breaks():
    years = ["2015", "2016", "2020", "2021"]
    data = obs("GM0344", "Utrecht", years, [7.3, 12.0, 13.0, 13.5], source="82972NED")
    data.loc[data["period"] == "2021", "source"] = "85098NED"
    found = P.with_table_switches([BREAK_2016], data)
    assert [(b.before, b.after) for b in found] == [("2015", "2016"), ("2020", "2021")]
    assert found[1].text == (
        "tabelwissel: 82972NED \u2192 85098NED (jeugdzorg \u2192 jeugdzorg in natura)"
    )
    # a switch where a declared break lies is left out; no source column: the declared breaks only
    same = P.with_table_switches([("2020", "2021", "trendbreuk: x")], data)
    assert [(b.before, b.after, b.text) for b in same] == [("2020", "2021", "trendbreuk: x")]
    assert P.with_table_switches(None, data.drop(columns="source")) == []
    # every chart draws it without being told: the line stops there and the alt text names it
    fig = P.line_chart(data)
    assert len(_break_lines(fig.axes[0])) == 1
    assert "tabelwissel tussen 2020 en 2021: 82972NED \u2192 85098NED" in P.alt_text(fig)
    forecast = pd.DataFrame(
        {
            "period": ["2022"],
            "mean": [13.6],
            "lo80": [13.0],
            "hi80": [14.2],
            "lo95": [12.5],
            "hi95": [14.7],
            "method": ["naive"],
        }
    )
    assert "tabelwissel tussen 2020 en 2021" in P.alt_text(P.forecast_chart(data, forecast))


def test_a_headline_row_shows_no_change_across_a_table_switch():
    data = obs("GM0344", "Utrecht", ["2020", "2021"], [13.0, 13.5], source="82972NED")
    data.loc[data["period"] == "2021", "source"] = "85098NED"
    table = P.headline_table(data, region="GM0344", as_html=True)
    assert "\u2013 (tabelwissel 2021)" in table
    assert "tabelwissel 2021</span>" in table  # under the sparkline too
    plain = P.headline_table(data.assign(source="85098NED"), region="GM0344", as_html=True)
    assert "tabelwissel" not in plain and "+0,5 %-punt" in plain
