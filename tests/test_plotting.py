"""The house style: charts render headless, carry their source, mark synthetic and provisional data."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis import plotting as P  # noqa: E402
from analysis.disclosure import suppress_small_counts  # noqa: E402
from analysis.regions import UTRECHT_WIJKEN  # noqa: E402

CBS_LINE = "Bron: CBS 82972NED en 85098NED (gegevens 2025-04-22)"
YEARS = [str(y) for y in range(2015, 2024)]


def obs(
    region,
    name,
    periods,
    values,
    *,
    indicator="jeugdhulp_pct",
    unit="procent",
    status=None,
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
            "status": status or ["definitief"] * len(periods),
            "source": source,
            "source_ref": None,
            "published": published,
        }
    )


@pytest.fixture
def cbs() -> pd.DataFrame:
    """Utrecht (last two values provisional), Nederland and Amsterdam, from two CBS tables."""
    status = ["definitief"] * 7 + ["nader voorlopig", "voorlopig"]
    return pd.concat(
        [
            obs("GM0344", "Utrecht", YEARS, np.linspace(11, 14, 9), status=status),
            obs("NL01", "Nederland", YEARS, np.linspace(9.5, 12, 9)),
            obs("GM0363", "Amsterdam", YEARS, np.linspace(10, 13, 9), source="82972NED"),
        ],
        ignore_index=True,
    )


@pytest.fixture
def wijken() -> pd.DataFrame:
    """Synthetic register counts for the ten wijken of Utrecht and the city."""
    parts = [
        obs(
            code,
            f"wijk {code[-2:]}",
            YEARS,
            np.arange(9) * 4 + 2 * i,
            indicator="buurtteam_jg_clienten",
            unit="aantal",
            source="synthetisch register",
            published="2025-01-01",
        )
        for i, code in enumerate(UTRECHT_WIJKEN)
    ]
    parts.append(
        obs(
            "GM0344",
            "Utrecht",
            YEARS,
            np.arange(9) * 40 + 200,
            indicator="buurtteam_jg_clienten",
            unit="aantal",
            source="synthetisch register",
            published="2025-01-01",
        )
    )
    return pd.concat(parts, ignore_index=True)


@pytest.fixture
def forecast() -> pd.DataFrame:
    fc = pd.DataFrame({"period": ["2024", "2025", "2026"], "mean": [14.2, 14.5, 14.8]})
    return fc.assign(
        lo80=fc["mean"] - 0.5, hi80=fc["mean"] + 0.5, lo95=fc["mean"] - 1, hi95=fc["mean"] + 1
    )


def source_lines(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.texts if t.get_gid() == "source-line"]


def render(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def all_text(fig: Figure) -> str:
    return "\n".join(P.figure_texts(fig))


# --- every chart function ----------------------------------------------------------------


def _charts(cbs, forecast):
    utrecht = cbs[cbs["region_code"] == "GM0344"]
    return {
        "line_chart": lambda **kw: P.line_chart(cbs, **kw),
        "bar_chart": lambda **kw: P.bar_chart(cbs, **kw),
        "small_multiples": lambda **kw: P.small_multiples(cbs, **kw),
        "forecast_chart": lambda **kw: P.forecast_chart(utrecht, forecast, method="ETS", **kw),
    }


@pytest.mark.parametrize("chart", ["line_chart", "bar_chart", "small_multiples", "forecast_chart"])
def test_chart_returns_a_figure_with_the_source_line(chart, cbs, forecast):
    fig = _charts(cbs, forecast)[chart]()
    assert isinstance(fig, Figure)
    lines = source_lines(fig)
    assert len(lines) == 1
    text = lines[0].replace("\n", " ")
    expected = CBS_LINE if chart != "forecast_chart" else "Bron: CBS 85098NED (gegevens 2025-04-22)"
    assert text.startswith(expected)
    assert "synthetisch" not in all_text(fig)
    assert render(fig).startswith(b"\x89PNG")


@pytest.mark.parametrize("chart", ["line_chart", "bar_chart", "small_multiples", "forecast_chart"])
def test_chart_in_english(chart, cbs, forecast):
    fig = _charts(cbs, forecast)[chart](language="en")
    assert source_lines(fig)[0].replace("\n", " ").startswith("Source: CBS ")
    assert "Bron" not in all_text(fig)


@pytest.mark.parametrize("chart", ["line_chart", "bar_chart", "small_multiples", "forecast_chart"])
def test_chart_marked_synthetic_when_asked(chart, cbs, forecast):
    fig = _charts(cbs, forecast)[chart](synthetic=True)
    marks = [t for ax in fig.axes for t in ax.texts if t.get_gid() == "synthetic-mark"]
    assert marks and all(t.get_text() == "synthetisch" for t in marks)
    assert "synthetische gegevens" in source_lines(fig)[0].replace("\n", " ")


@pytest.mark.parametrize("chart", [P.line_chart, P.bar_chart, P.small_multiples])
def test_chart_marked_synthetic_when_the_source_says_so(chart, wijken):
    fig = chart(wijken[wijken["region_code"].isin(UTRECHT_WIJKEN[:3])])
    assert "synthetisch" in [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "synthetisch register" in source_lines(fig)[0]


def test_charts_in_the_wrong_language_are_refused(cbs):
    with pytest.raises(ValueError, match="parameter 'language'"):
        P.line_chart(cbs, language="fr")


# --- line_chart ---------------------------------------------------------------------------------


def test_line_chart_refuses_mixed_period_types(cbs):
    half = obs("GM0344", "Utrecht", ["2024H1"], [14.5], status=["voorlopig"])
    mixed = pd.concat([cbs, half], ignore_index=True)
    with pytest.raises(ValueError, match="mix period types halfyear, year"):
        P.line_chart(mixed)
    with pytest.raises(ValueError, match="mix period types"):
        P.small_multiples(mixed)
    with pytest.raises(ValueError, match="mix period types"):
        P.forecast_chart(mixed[mixed["region_code"] == "GM0344"], pd.DataFrame())


def test_line_chart_draws_half_years_on_their_own(cbs):
    half = obs("GM0344", "Utrecht", ["2023H1", "2023H2", "2024H1"], [13, 13.5, 14])
    fig = P.line_chart(half)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert [t.replace("\n", " ") for t in labels] == [
        "1e halfjaar 2023",
        "2e halfjaar 2023",
        "1e halfjaar 2024",
    ]


def test_period_ticks_of_a_long_monthly_series_can_fall_on_januaries():
    months = [f"{y}-{m:02d}" for y in (2022, 2023, 2024) for m in range(1, 13)]
    fig = Figure()
    ax = fig.add_subplot()
    P.set_period_ticks(ax, months, "nl", 12, januaries=True)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2022", "2023", "2024"]
    assert list(ax.get_xticks()) == pytest.approx(
        [P.period_x(m) for m in ("2022-01", "2023-01", "2024-01")]
    )
    P.set_period_ticks(ax, months, "nl", 12)  # without: every n-th month, the latest labelled
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert len(ticks) == 12 and ticks[-1].endswith("2024") and "\n" in ticks[-1]
    P.set_period_ticks(ax, months[:24], "nl", 12, januaries=True)  # two Januaries: months as usual
    assert len(ax.get_xticklabels()) == 12


def test_line_chart_refuses_two_indicators_two_units_and_two_vintages(cbs):
    other = cbs.assign(indicator="jeugdbescherming_pct")
    with pytest.raises(ValueError, match="expected one indicator"):
        P.line_chart(pd.concat([cbs, other]))
    with pytest.raises(ValueError, match="more than one value"):
        P.line_chart(pd.concat([cbs, cbs.assign(published="2024-01-01")]))
    utrecht = cbs[cbs["region_code"] == "GM0344"]
    counts = utrecht.assign(indicator="jeugdzorg_personen", unit="aantal")
    with pytest.raises(ValueError, match="expected one unit"):
        P.line_chart(pd.concat([utrecht, counts]), by="indicator")
    with pytest.raises(ValueError, match="parameter 'by'"):
        P.line_chart(cbs, by="wijk")


def test_line_chart_marks_provisional_points_with_open_markers(cbs):
    fig = P.line_chart(cbs)
    ax = fig.axes[0]
    open_markers = [
        line for line in ax.lines if line.get_markerfacecolor() == "white" and len(line.get_xdata())
    ]
    assert len(open_markers) == 1
    assert list(open_markers[0].get_xdata()) == [P.period_x("2022"), P.period_x("2023")]
    assert list(open_markers[0].get_ydata()) == pytest.approx([13.625, 14.0])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "voorlopig (open symbool)" in legend
    assert "open symbool = voorlopig" in source_lines(fig)[0]


@pytest.mark.parametrize("dtype", ["string", object])
def test_a_missing_status_counts_as_not_provisional(cbs, dtype):
    """A status column with NA (string dtype, or object with pd.NA) draws as before, not an error."""
    status = cbs["status"].astype(object)
    status.iloc[0] = pd.NA
    fig = P.line_chart(cbs.assign(status=status.astype(dtype)))
    opened = [
        line
        for line in fig.axes[0].lines
        if line.get_markerfacecolor() == "white" and len(line.get_xdata())
    ]
    assert list(opened[0].get_xdata()) == [P.period_x("2022"), P.period_x("2023")]


def test_line_chart_without_provisional_values_says_nothing_about_them(cbs):
    final = cbs[cbs["status"] == "definitief"]
    fig = P.line_chart(final)
    assert "voorlopig" not in all_text(fig)


def test_line_chart_annotates_a_series_break(cbs):
    fig = P.line_chart(cbs, breaks=[("2017", "2018", "trendbreuk: nieuwe definitie")])
    ax = fig.axes[0]
    notes = [t for t in ax.texts if t.get_gid() == "series-break"]
    assert [t.get_text() for t in notes] == ["trendbreuk: nieuwe definitie"]
    vertical = [
        line
        for line in ax.lines
        if line.get_linestyle() == "--" and len(set(line.get_xdata())) == 1
    ]
    x = vertical[0].get_xdata()[0]
    assert P.period_x("2017") < x < P.period_x("2018")


def test_series_break_gets_a_default_text_and_bad_order_is_refused(cbs):
    fig = P.line_chart(cbs, breaks=[P.SeriesBreak("2019", "2020")], language="en")
    assert "series break" in all_text(fig)
    with pytest.raises(ValueError, match="must end before"):
        P.line_chart(cbs, breaks=[("2020", "2019", "x")])


def test_line_chart_norm_and_title(cbs):
    fig = P.line_chart(cbs, norm=12, title="Jeugdhulp", subtitle="Utrecht en vergelijking")
    text = all_text(fig)
    assert "streefwaarde: 12,0%" in text and "norm" not in text
    assert "Jeugdhulp" in text and "Utrecht en vergelijking" in text


def test_line_chart_colours_focus_and_nederland(cbs):
    fig = P.line_chart(cbs)
    by_label = {line.get_label(): line for line in fig.axes[0].lines}
    assert by_label["Utrecht"].get_color() == P.FOCUS_COLOR
    assert by_label["Nederland"].get_color() == P.NEDERLAND_COLOR
    assert by_label["Amsterdam"].get_color() not in (P.FOCUS_COLOR, P.NEDERLAND_COLOR)


def test_line_chart_one_line_per_indicator_for_one_region():
    halves = ["2023H1", "2023H2", "2024H1"]
    data = pd.concat(
        [
            obs(
                "GM0344",
                "Utrecht",
                halves,
                [5200, 5400, 5900],
                indicator="wmo_instroom",
                unit="aantal",
            ),
            obs(
                "GM0344",
                "Utrecht",
                halves,
                [4800, 5000, 5500],
                indicator="wmo_uitstroom",
                unit="aantal",
            ),
        ]
    )
    fig = P.line_chart(data, by="indicator", language="en")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["Wmo tailored provisions, inflow", "Wmo tailored provisions, outflow"]
    assert "Utrecht" in all_text(fig)  # the region is the default title
    with pytest.raises(ValueError, match="expected one region_code"):
        P.line_chart(pd.concat([data, data.assign(region_code="GM0363")]), by="indicator")


# --- number formatting ---------------------------------------------------------------------


def test_number_formatter_uses_the_decimal_comma():
    assert P.NumberFormatter("nl").format_ticks([0, 2.5, 5]) == ["0,0", "2,5", "5,0"]
    assert P.NumberFormatter("nl").format_ticks([0, 5000, 10000]) == ["0", "5.000", "10.000"]
    assert P.NumberFormatter("en").format_ticks([0, 5000, 10000]) == ["0", "5,000", "10,000"]
    assert P.NumberFormatter("nl").format_ticks([0.25, 0.5]) == ["0,25", "0,50"]
    assert P.NumberFormatter("nl", decimals=1, suffix="%").format_ticks([7.6]) == ["7,6%"]


def test_chart_ticks_are_written_the_dutch_way():
    small = obs("GM0344", "Utrecht", YEARS, np.linspace(0.1, 0.9, 9))
    fig = P.line_chart(small)
    render(fig)
    ax = fig.axes[0]
    assert isinstance(ax.yaxis.get_major_formatter(), P.NumberFormatter)
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert any("," in t for t in labels) and not any("." in t for t in labels)
    big = obs(
        "GM0344",
        "Utrecht",
        YEARS,
        np.linspace(12000, 20000, 9),
        indicator="jeugdzorg_personen",
        unit="aantal",
    )
    fig = P.line_chart(big)
    render(fig)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert "10.000" in labels or "20.000" in labels


# --- bar_chart ---------------------------------------------------------------------------------


def test_bar_chart_shows_suppressed_values_as_less_than_ten(wijken):
    protected = suppress_small_counts(wijken)
    fig = P.bar_chart(protected, period="2017")  # wijk 01 has 8, wijk 02 has 10
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("<10") == 1
    assert texts.count("x") == 1  # secondary suppression of wijk 02
    assert "10" not in texts
    assert "kleine aantallen niet getoond" in source_lines(fig)[0].replace("\n", " ")
    assert "2017" in all_text(fig)  # the period is the default subtitle


def test_bar_chart_marks_provisional_values(cbs):
    fig = P.bar_chart(cbs, period="2023")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "14,0%*" in texts
    assert "* voorlopig" in all_text(fig)


def test_bar_chart_per_indicator_is_titled_with_the_region():
    data = pd.concat(
        [
            obs("GM0344", "Utrecht", ["2023"], [5900], indicator="wmo_instroom", unit="aantal"),
            obs("GM0344", "Utrecht", ["2023"], [5500], indicator="wmo_uitstroom", unit="aantal"),
        ]
    )
    fig = P.bar_chart(data, by="indicator")
    assert fig.texts[0].get_text() == "Utrecht"  # the suptitle
    assert [t.get_text() for t in fig.axes[0].texts] == ["5.500", "5.900"]  # smallest at the bottom


# --- small multiples ------------------------------------------------------------------------------


def test_small_multiples_one_panel_per_wijk_with_the_city_as_reference(wijken):
    fig = P.small_multiples(wijken, reference="GM0344", ncols=4)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 10
    assert [ax.get_title(loc="left") for ax in visible][:2] == ["wijk 01", "wijk 02"]
    assert all(len(ax.lines) >= 2 for ax in visible)  # the wijk and the city
    assert "Utrecht" in all_text(fig)


# --- forecast_chart ---------------------------------------------------------------------------------


def test_forecast_chart_draws_both_intervals_and_names_the_method(cbs, forecast):
    utrecht = cbs[cbs["region_code"] == "GM0344"]
    fig = P.forecast_chart(utrecht, forecast.assign(method="ETS (statsmodels)"))
    ax = fig.axes[0]
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 2
    text = all_text(fig)
    assert "methode: ETS (statsmodels)" in text
    assert "80%-interval" in text and "95%-interval" in text


def test_forecast_chart_draws_no_band_for_a_level_without_bounds(cbs, forecast):
    utrecht = cbs[cbs["region_code"] == "GM0344"]
    fig = P.forecast_chart(utrecht, forecast.assign(lo95=np.nan, hi95=np.nan), method="naïef")
    ax = fig.axes[0]
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 1
    text = all_text(fig)
    assert "80%-interval" in text and "95%-interval" not in text
    alt = P.alt_text(fig)
    assert "80%-interval" in alt and "geen 95%-interval" in alt
    bare = forecast.assign(lo80=np.nan, hi80=np.nan, lo95=np.nan, hi95=np.nan)
    fig = P.forecast_chart(utrecht, bare, method="naïef", language="en")
    assert not [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert "interval" not in all_text(fig) and "without an interval" in P.alt_text(fig)
    with pytest.raises(ValueError, match="lo95 and hi95 must be both given or both missing"):
        P.forecast_chart(utrecht, forecast.assign(lo95=np.nan), method="naïef")


def test_forecast_chart_takes_the_rows_of_its_region(cbs, forecast):
    utrecht = cbs[cbs["region_code"] == "GM0344"]
    frame = pd.concat(
        [
            forecast.assign(region_code="GM0344", method="pooled"),
            forecast.assign(region_code="GM0363", method="ETS", mean=99, hi80=99, hi95=99),
        ]
    )
    fig = P.forecast_chart(utrecht, frame)
    assert "methode: pooled" in all_text(fig)
    assert max(fig.axes[0].get_ylim()) < 99


def test_forecast_chart_checks_its_input(cbs, forecast):
    utrecht = cbs[cbs["region_code"] == "GM0344"]
    with pytest.raises(ValueError, match="method"):
        P.forecast_chart(utrecht, forecast)
    with pytest.raises(ValueError, match="do not nest"):
        P.forecast_chart(utrecht, forecast.assign(lo80=forecast["mean"] + 0.1), method="ETS")
    with pytest.raises(ValueError, match="forecast periods are halfyear"):
        P.forecast_chart(
            utrecht, forecast.assign(period=["2024H1", "2024H2", "2025H1"]), method="ETS"
        )
    with pytest.raises(ValueError, match="lacks column"):
        P.forecast_chart(utrecht, forecast.drop(columns="hi95"), method="ETS")
    with pytest.raises(ValueError, match="expected one region_code"):
        P.forecast_chart(cbs, forecast, method="ETS")


# --- sparkline and headline table ---------------------------------------------------------------------


def test_sparkline_sorts_periods_and_has_no_axes():
    series = pd.Series([3.0, 1.0, 2.0], index=["2023", "2021", "2022"])
    fig = P.sparkline(series)
    ax = fig.axes[0]
    assert not ax.axison
    assert list(ax.lines[0].get_ydata()) == [1.0, 2.0, 3.0]
    assert render(fig).startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="mixes period types"):
        P.sparkline(pd.Series([1.0, 2.0], index=["2023", "2024H1"]))


def _alt(html_text: str) -> str:
    import html as html_mod
    import re

    return html_mod.unescape(re.search(r'alt="([^"]*)"', html_text).group(1))


def test_sparkline_splits_the_line_at_a_declared_break_and_marks_it():
    series = pd.Series([7.3, 12.0, 13.0, 15.0], index=["2015", "2016", "2017", "2018"])
    ax = P.sparkline(series, breaks=[("2015", "2016", "trendbreuk: nieuwe definitie")]).axes[0]
    line = ax.lines[0]
    x, y = list(line.get_xdata()), list(line.get_ydata())
    assert x[1] == 0.5 and np.isnan(y[1]), "a gap at the break: no line joins 2015 to 2016"
    assert [v for v in y if not np.isnan(v)] == [7.3, 12.0, 13.0, 15.0]
    marks = [ln for ln in ax.lines if ln.get_gid() == "series-break"]
    assert len(marks) == 1 and list(marks[0].get_xdata()) == [0.5, 0.5]
    assert any(list(ln.get_xdata()) == [0.0] for ln in ax.lines[1:]), "the lone 2015 value is a dot"
    plain = P.sparkline(series).axes[0]
    assert not any(np.isnan(plain.lines[0].get_ydata()))
    assert not [ln for ln in plain.lines if ln.get_gid() == "series-break"]
    outside = P.sparkline(series, breaks=[("2012", "2013")]).axes[0]
    assert not [ln for ln in outside.lines if ln.get_gid() == "series-break"]
    with pytest.raises(ValueError, match="must end before"):
        P.sparkline(series, breaks=[("2016", "2015")])


def test_sparkline_html_gives_units_and_no_change_across_a_break():
    series = pd.Series([7.3, 12.0, 13.0, 15.0], index=["2015", "2016", "2017", "2018"])
    plain = P.sparkline_html(series, what="Jeugdhulp", unit="procent", decimals=1, language="nl")
    assert _alt(plain) == "Jeugdhulp, 2015\u20132018: 7,3% \u2192 15,0%"
    assert "trendbreuk" not in plain
    brk = [("2015", "2016", "trendbreuk: vanaf 2016 telt jeugdhulp door buurtteams mee")]
    out = P.sparkline_html(series, what="Jeugdhulp", unit="procent", decimals=1, breaks=brk)
    alt = _alt(out)
    assert alt == (
        "Jeugdhulp, 2015: 7,3%; trendbreuk tussen 2015 en 2016: vanaf 2016 telt jeugdhulp door "
        "buurtteams mee; 2016\u20132018: 12,0% \u2192 15,0%"
    )
    assert "7,3% \u2192" not in alt, "no change from before the break to after it"
    assert 'class="series-break-note"' in out and ">trendbreuk 2016</span>" in out
    english = P.sparkline_html(
        series, unit="procent", decimals=1, breaks=[("2015", "2016")], language="en"
    )
    assert _alt(english).startswith("2015: 7.3%; series break between 2015 and 2016; 2016")
    assert ">series break 2016</span>" in english
    gap = pd.Series([4.7, 4.3, np.nan, 7.6, 7.9], index=["2017", "2018", "2019", "2020", "2021"])
    wait = P.sparkline_html(gap, unit="werkdagen", decimals=1, breaks=[("2018", "2020")])
    assert _alt(wait) == (
        "2017\u20132018: 4,7 werkdagen \u2192 4,3 werkdagen; trendbreuk tussen 2018 en 2020; "
        "2020\u20132021: 7,6 werkdagen \u2192 7,9 werkdagen"
    )
    assert ">trendbreuk tussen 2018 en 2020</span>" in wait


def test_headline_table_draws_the_breaks_it_is_given(cbs):
    utrecht = cbs[cbs["region_code"] == "GM0344"]
    brk = {"jeugdhulp_pct": [("2015", "2016", "trendbreuk: nieuwe definitie")]}
    html_text = P.headline_table(utrecht, region="GM0344", breaks=brk, as_html=True)
    assert "trendbreuk 2016</span>" in html_text
    assert "2015: 11,0%; trendbreuk tussen 2015 en 2016: nieuwe definitie; 2016" in (
        _alt(html_text)
    )
    assert "trendbreuk" not in P.headline_table(utrecht, region="GM0344", as_html=True)


def test_headline_frame_latest_change_and_norm(cbs, wijken):
    data = pd.concat([cbs, wijken], ignore_index=True)
    frame = P.headline_frame(data, region="GM0344", norms={"jeugdhulp_pct": 12.0})
    row = frame.set_index("indicator").loc["jeugdhulp_pct"]
    assert row["period"] == "2023" and row["previous_period"] == "2022"
    assert row["value"] == 14.0 and row["change"] == pytest.approx(0.375)
    assert row["norm"] == 12.0 and row["status"] == "voorlopig"
    assert len(row["trend"]) == 9
    with pytest.raises(ValueError, match="pass region="):
        P.headline_frame(data)


def test_headline_table_formats_numbers_the_dutch_way(cbs, wijken):
    data = pd.concat([cbs, wijken.assign(value=wijken["value"] * 40)], ignore_index=True)
    styler = P.headline_table(data, region="GM0344", norms={"jeugdhulp_pct": 12.0})
    assert isinstance(styler, pd.io.formats.style.Styler)
    html = styler.to_html()
    assert "14,0%*" in html  # provisional mark
    assert "+0,4 %-punt" in html  # change in percentage points
    assert "12,0%" in html  # norm
    assert ">20.800<" in html  # thousands point: (8 * 40 + 200) * 40 in the value cell
    assert '<img src="data:image/png;base64,' in html
    assert "Bronnen: CBS 85098NED (gegevens 2025-04-22); synthetisch register (2025-01-01)" in html
    assert "synthetische gegevens" in html
    assert list(styler.data.columns).count("Streefwaarde") == 1
    # no indicator with a target: no column of empty cells
    without = P.headline_table(data, region="GM0344", trend=False)
    assert "Streefwaarde" not in without.data.columns and "Streefwaarde" not in without.to_html()


def test_headline_table_gives_the_provisional_legend_only_for_marked_cells(cbs):
    """The caption's ``* voorlopig`` explains a mark: no cell marked, no legend (a provisional
    half-year or an earlier provisional year that the table does not show as a value)."""
    utrecht = cbs[cbs["region_code"] == "GM0344"]
    marked = P.headline_table(utrecht, region="GM0344", trend=False, as_html=True)
    assert "14,0%*" in marked and "* voorlopig" in marked
    assert "** nader voorlopig" not in marked  # 2022 (nader voorlopig) is not a cell
    final = utrecht.assign(status="definitief")
    half = obs("GM0344", "Utrecht", ["2024H1"], [14.5], status=["voorlopig"])
    quiet = P.headline_table(
        pd.concat([final, half], ignore_index=True),
        region="GM0344",
        period_type="year",
        trend=False,
        as_html=True,
    )
    assert not re.search(r"<td[^>]*>[^<]*\*", quiet)  # no cell is marked ...
    assert "voorlopig" not in quiet  # ... so the caption has no legend
    english = P.headline_table(utrecht, region="GM0344", language="en", trend=False, as_html=True)
    assert "* provisional" in english and "** revised provisional" not in english


def test_headline_table_shows_suppressed_values_and_english(wijken):
    protected = suppress_small_counts(
        wijken[wijken["period"] == "2015"], levels=("gemeente",), threshold=500
    )
    out = P.headline_table(protected, region="GM0344", language="en", trend=False, as_html=True)
    assert isinstance(out, str)
    assert "&lt;500" in out
    assert "Latest value" in out and "Source: synthetic register" in out


# --- source line, style ---------------------------------------------------------------------------


def test_source_text_groups_vintages_and_quotes_publications(cbs):
    doc = obs(
        "GM0344",
        "Utrecht",
        ["2018"],
        [76],
        source="utrecht-monitor.nl/node/84",
        published="versie 2020",
    )
    data = pd.concat([cbs, cbs.assign(source="83454NED", published="2024-11-01"), doc])
    text = P.source_text(data)
    assert text.startswith(
        "Bronnen: CBS 83454NED (gegevens 2024-11-01), 82972NED en 85098NED (gegevens 2025-04-22); "
        "utrecht-monitor.nl/node/84 (versie 2020)"
    )
    assert "* voorlopig" in text and "** nader voorlopig" in text
    assert P.source_text(cbs, "en").startswith(
        "Source: CBS 82972NED and 85098NED (data 2025-04-22)"
    )


def test_source_text_reads_the_vintage_the_cbs_loader_writes(cbs):
    loaded = cbs.assign(published="CBS StatLine " + cbs["source"] + " (bestand van 2025-04-22)")
    assert P.source_text(loaded).startswith(
        "Bron: CBS 82972NED en 85098NED (bestand van 2025-04-22);"
    )
    fetched = cbs.assign(published="CBS StatLine " + cbs["source"] + " (CBS-versie 2025-03-01)")
    assert P.source_text(fetched, "en").startswith(
        "Source: CBS 82972NED and 85098NED (CBS version 2025-03-01);"
    )


def test_add_source_line_replaces_and_accepts_text(cbs):
    fig, ax = P.new_figure()
    P.add_source_line(ax, cbs)
    P.add_source_line(fig, "CBS 85098NED", synthetic=True)
    assert source_lines(fig) == ["Bron: CBS 85098NED; synthetische gegevens, geen echte cliënten"]


def test_set_style_applies_the_house_style():
    with mpl.rc_context():
        rc = P.set_style()
        assert mpl.rcParams["axes.spines.top"] is False
        assert mpl.rcParams["axes.spines.right"] is False
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == P.FOCUS_COLOR
        assert rc["figure.figsize"] == P.FIGSIZES["standard"]


def test_region_colors_are_fixed():
    colors = P.region_colors(["GM0363", "NL01", "GM0344", "GM0599"])
    assert colors["GM0344"] == P.FOCUS_COLOR
    assert colors["NL01"] == P.NEDERLAND_COLOR
    assert colors == P.region_colors(["GM0599", "GM0344", "NL01", "GM0363"])


def test_figures_display_in_a_notebook_without_pyplot(monkeypatch, cbs):
    ipython = pytest.importorskip("IPython")
    from IPython.core.formatters import DisplayFormatter

    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    monkeypatch.setattr(ipython, "get_ipython", lambda: shell)
    fig = P.line_chart(cbs)
    data, _ = shell.display_formatter.format(fig)
    assert data["image/png"].startswith(b"\x89PNG")


def test_the_synthetic_mark_lies_over_bars_not_behind_them():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    bars = ax.bar(["a", "b"], [3, 4])
    mark = P.mark_synthetic(fig)[0]
    assert mark.get_zorder() > max(b.get_zorder() for b in bars) and mark.get_alpha() <= 0.3
    plt.close(fig)
