"""Costs: CBS youth-care costs, the municipality's own budget lines, and cost per client.

The logic behind notebook ``07_kosten``:

- CBS 83454NED (*Kosten jeugdzorg; regio*) gives the youth-care costs each
  municipality reported, budgeted (*begroot*) and realised (*gerealiseerd*), in
  x € 1.000 and per 1.000 inhabitants (x € 1.000 per 1.000 inwoners, i.e. euro
  per inhabitant). CBS publishes no Nederland total in this table: the country
  is shown as the median of all municipalities that report (:func:`all_municipalities_median`).
- :func:`per_youth` divides the realised costs by the youths with jeugdzorg
  (84134NED / 85099NED) of the same year and region.
- :func:`budget_lines` lists the budget lines of the municipality's own
  publications (``data/published``), saldo rows included.
- :func:`cost_per_client` divides a published budget line by a published count
  of clients of the same year (:data:`CLIENT_RATIOS`).

Every ratio names its two sources and periods (column ``source`` and
``source_ref``); all results carry codes and are translated when shown.
"""

from __future__ import annotations

import pandas as pd

from .compare import ALL_CODE
from .indicators import INDICATORS
from .labels import (
    format_number,
    format_value,
    indicator_label,
    label,
    period_label,
    resolve_language,
    unit_label,
)
from .sources import row_source

#: the CBS cost indicators (83454NED)
CBS_COSTS = ("jeugdzorg_kosten_begroot", "jeugdzorg_kosten_gerealiseerd")
CBS_COSTS_PER_1000 = ("jeugdzorg_kosten_begroot_per_1000", "jeugdzorg_kosten_gerealiseerd_per_1000")
#: the youths in care the costs are divided by (84134NED, 85099NED)
YOUTHS = "jeugdzorg_personen"
#: the indicator id of the cost per youth in care (derived, not in the catalogue)
PER_YOUTH = "jeugdzorg_kosten_per_jongere"

#: Published ratios: (budget line, client count, what the ratio means (nl, en)).
CLIENT_RATIOS: tuple[tuple[str, str, tuple[str, str]], ...] = (
    (
        "lasten_gerealiseerd_passende_basiszorg",
        "buurtteam_sociaal_clienten",
        (
            "lasten Passende basiszorg per cliënt van het buurtteam Sociaal",
            "expenditure Appropriate basic care per client of the social neighbourhood team",
        ),
    ),
)

_STATUS_RANK = {"definitief": 0, "nader voorlopig": 1, "voorlopig": 2}


def _worst(*statuses: str) -> str:
    return max(statuses, key=lambda s: _STATUS_RANK.get(s, 0))


def all_municipalities_median(obs: pd.DataFrame, *, min_members: int = 3) -> pd.DataFrame:
    """The median of every municipality with a figure, per indicator and period.

    Parameters
    ----------
    obs : DataFrame
        Observations of municipalities (``GM`` codes; other rows are ignored).
    min_members : int, default 3

    Returns
    -------
    DataFrame
        Observation rows with region code :data:`ALL_CODE` and the Dutch name
        ``'mediaan alle gemeenten (n)'``; translated when drawn
        (:func:`analysis.compare.display_name`).
    """
    from .compare import group_median

    gm = obs[obs["region_code"].astype(str).str.startswith("GM")]
    members = sorted(gm["region_code"].unique())
    median = group_median(
        gm, members, label("all_municipalities_median", "nl"), min_members=min_members
    )
    return median.assign(region_code=ALL_CODE)


def with_medians(
    obs: pd.DataFrame, region: str, groups: dict[str, list[str]], comparable=None
) -> pd.DataFrame:
    """The region, the G4, the size-class and comparable medians, and the median of all municipalities.

    :func:`analysis.compare.with_comparisons` plus :func:`all_municipalities_median`,
    which stands in for Nederland (83454NED has no Nederland row). ``obs``
    must hold every municipality for the last line to mean what it says.
    """
    from .compare import with_comparisons

    out = with_comparisons(obs, region, groups, comparable=comparable)
    # a comparison region without a single figure would only add an empty legend entry
    has_value = (
        out.groupby("region_code")["value"].transform(lambda v: v.notna().any()).astype(bool)
    )
    out = out[has_value | (out["region_code"] == region)]
    median = all_municipalities_median(obs)
    return (
        pd.concat([out, median], ignore_index=True) if len(median) else out.reset_index(drop=True)
    )


def without_figures(obs: pd.DataFrame, codes) -> list[str]:
    """Names of the regions in ``codes`` with not a single value in ``obs`` (they are left out of the charts)."""
    names = []
    for code in codes:
        rows = obs[obs["region_code"] == code]
        if not rows["value"].notna().any():
            names.append(str(rows["region_name"].iloc[0]) if len(rows) else code)
    return names


def per_youth(costs: pd.DataFrame, youths: pd.DataFrame) -> pd.DataFrame:
    """Realised youth-care costs per youth in care, per region and year.

    Parameters
    ----------
    costs : DataFrame
        Observations of ``jeugdzorg_kosten_gerealiseerd`` (x € 1.000).
    youths : DataFrame
        Observations of ``jeugdzorg_personen`` (number of youths with jeugdzorg).

    Returns
    -------
    DataFrame
        Observation-like rows, indicator :data:`PER_YOUTH`, unit ``euro``: one
        per region and year from the first to the last year both tables have
        a row for, so a chart leaves a gap where a figure is missing. The
        value is NaN (status ``missing``) where either figure is missing or
        no youth is counted. ``source`` names both tables
        (``83454NED / 85099NED``), ``published`` both publications, in the same
        order; ``source_ref`` both measures and the period; ``status`` the
        least final of the two. Half-years are left out (a half-year count of
        youths is not the denominator of a year's costs).
    """
    keys = ["region_code", "period"]
    cost = costs[costs["period_type"] == "year"]
    count = youths[youths["period_type"] == "year"]
    both = cost.merge(count, on=keys, how="outer", suffixes=("", "_n"), indicator="_rows")
    both = _within_common_years(both)
    if both.empty:
        return pd.DataFrame(columns=list(costs.columns))
    have = both["value"].notna() & both["value_n"].notna() & (both["value_n"] > 0)
    value = (both["value"] * 1000.0 / both["value_n"]).where(have)
    return pd.DataFrame(
        {
            "indicator": PER_YOUTH,
            "region_code": both["region_code"],
            "region_name": both["region_name"].fillna(both["region_name_n"]),
            "period": both["period"],
            "period_type": "year",
            "value": value,
            "unit": "euro",
            "status": [
                _worst(a, b) if ok else "missing"
                for a, b, ok in zip(both["status"], both["status_n"], have, strict=True)
            ],
            "source": _pair(both["source"], both["source_n"]),
            "source_ref": [
                f"{c} ({p}) / {n} ({p})"
                for c, n, p in zip(
                    both["indicator"].fillna(costs["indicator"].iloc[0] if len(costs) else ""),
                    both["indicator_n"].fillna(YOUTHS),
                    both["period"],
                    strict=True,
                )
            ],
            "published": _pair(both["published"], both["published_n"]),
        }
    ).reset_index(drop=True)


def _within_common_years(both: pd.DataFrame) -> pd.DataFrame:
    """The rows of an outer merge of two tables from each region's first to its last year in both."""
    common = both[both["_rows"] == "both"].groupby("region_code")["period"].agg(["min", "max"])
    span = both.join(common, on="region_code")
    inside = (span["period"] >= span["min"]) & (span["period"] <= span["max"])
    return both[inside.fillna(False).astype(bool)].sort_values(["region_code", "period"])


def _pair(first: pd.Series, second: pd.Series) -> list[str]:
    """``'a / b'`` per row, the parts a row has (``'a'`` when ``b`` is missing)."""
    return [
        " / ".join(str(v) for v in (a, b) if isinstance(v, str) and v)
        for a, b in zip(first, second, strict=True)
    ]


def budget_lines(published: pd.DataFrame, region: str) -> pd.DataFrame:
    """The budget lines (x € 1.000) of the region's own publications, saldo rows included.

    Parameters
    ----------
    published : DataFrame
        From :func:`analysis.published.load_published`.
    region : str

    Returns
    -------
    DataFrame
        Rows of indicators in theme ``financien`` with unit ``euro x 1000`` for
        ``region``, sorted by publication, line and period; empty when the
        region published none (only Utrecht's documents are transcribed).
    """
    money = [
        i
        for i, ind in INDICATORS.items()
        if ind.theme == "financien"
        and ind.unit == "euro x 1000"
        and not i.startswith("jeugdzorg_kosten")
    ]
    rows = published[(published["region_code"] == region) & published["indicator"].isin(money)]
    order = {ind: n for n, ind in enumerate(money)}
    rows = rows.assign(_o=rows["indicator"].map(order))
    return (
        rows.sort_values(["published", "_o", "period"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


#: The lines of a budget table, in the order the budgets print them: (id part, Dutch, English).
BUDGET_LINES: tuple[tuple[str, str, str], ...] = (
    ("baten", "Baten", "Income"),
    ("lasten", "Lasten", "Expenditure"),
    ("saldo_baten_lasten", "Saldo baten en lasten", "Balance of income and expenditure"),
    ("reserves_onttrekking", "Onttrekking reserves", "Withdrawal from reserves"),
    ("reserves_toevoeging", "Toevoeging reserves", "Addition to reserves"),
    (
        "saldo_reserves",
        "Saldo onttrekkingen en toevoegingen reserves",
        "Balance of reserve withdrawals and additions",
    ),
    ("saldo_totaal", "Totaal", "Total"),
    (
        "lasten_afwijking",
        "Afwijking lasten (begroot min gerealiseerd)",
        "Expenditure variance (budgeted minus realised)",
    ),
)
_KINDS = {
    "begroot": ("begroting", "budget"),
    "gerealiseerd": ("rekening", "accounts"),
    "": ("afwijking", "variance"),
}


def split_budget_id(indicator: str) -> tuple[str, str, str] | None:
    """``'saldo_baten_lasten_begroot_passende_basiszorg'`` -> ``('saldo_baten_lasten', 'begroot', 'passende_basiszorg')``.

    The afwijking line has no kind: ``('lasten_afwijking', '', 'maatschappelijke_ondersteuning')``.
    None for an id that is not a budget line.
    """
    for line, _, _ in sorted(BUDGET_LINES, key=lambda b: -len(b[0])):
        if not indicator.startswith(line + "_"):
            continue
        rest = indicator[len(line) + 1 :]
        for kind in ("begroot", "gerealiseerd"):
            if rest.startswith(kind + "_"):
                return line, kind, rest[len(kind) + 1 :]
        if line == "lasten_afwijking":
            return line, "", rest
    return None


def budget_tables(
    lines: pd.DataFrame, language: str | None = None
) -> list[tuple[str, pd.DataFrame]]:
    """:func:`budget_lines` as the budgets print them: per publication and programme, lines by year.

    Returns
    -------
    list of (str, DataFrame)
        A title (publication, programme or objective, unit x € 1.000) and a
        table with a row per budget line (baten, lasten, saldo ...) and a
        column per year and kind (``2024 rekening``, ``2025 begroting``);
        amounts formatted with their sign, ``–`` where the publication prints none.
    """
    language = resolve_language(language)
    idx = 0 if language == "nl" else 1
    parsed = [split_budget_id(i) for i in lines["indicator"]]
    work = lines.assign(
        _line=[p[0] if p else None for p in parsed],
        _kind=[p[1] if p else None for p in parsed],
        _prog=[p[2] if p else None for p in parsed],
    ).dropna(subset=["_line"])
    order = {line: n for n, (line, _, _) in enumerate(BUDGET_LINES)}
    names = {line: (nl, en) for line, nl, en in BUDGET_LINES}
    out = []
    for (publication, _programme), part in work.groupby(["published", "_prog"], sort=True):
        first = part.iloc[0]["indicator"]
        scope = indicator_label(first, language).rsplit(", ", 1)[-1]
        title = f"{publication}: {scope} ({unit_label('euro x 1000', language)})"
        part = part.assign(
            _col=[
                f"{p} {_KINDS[k][idx]}".strip()
                for p, k in zip(part["period"], part["_kind"], strict=True)
            ]
        )
        columns = list(dict.fromkeys(part.sort_values("period", kind="stable")["_col"]))
        rows = []
        for line in sorted(part["_line"].unique(), key=order.get):
            mine = part[part["_line"] == line].set_index("_col")
            row = {label("costs_col_line", language): names[line][idx]}
            for col in columns:
                row[col] = (
                    format_number(mine.loc[col, "value"], 0, language) if col in mine.index else "–"
                )
            rows.append(row)
        out.append((title, pd.DataFrame(rows)))
    return out


def cost_per_client(published: pd.DataFrame, region: str) -> pd.DataFrame:
    """Published budget lines divided by published client counts of the same year.

    Parameters
    ----------
    published : DataFrame
        From :func:`analysis.published.load_published`.
    region : str

    Returns
    -------
    DataFrame
        One row per ratio of :data:`CLIENT_RATIOS` and year where both figures
        exist (the newest publication of each): ``ratio`` (its index in
        :data:`CLIENT_RATIOS`), ``period``, ``value`` (euro per client),
        ``numerator``, ``numerator_value`` (x € 1.000), ``numerator_source``,
        ``denominator``, ``denominator_value``, ``denominator_source`` (each
        source: publication, section, period).
    """
    from .published import one_per_period

    rows = []
    mine = one_per_period(published[published["region_code"] == region])
    for n, (num_id, den_id, _) in enumerate(CLIENT_RATIOS):
        num = mine[
            (mine["indicator"] == num_id) & mine["value"].notna() & (mine["period_type"] == "year")
        ]
        den = mine[
            (mine["indicator"] == den_id)
            & mine["value"].notna()
            & (mine["period_type"] == "year")
            & (mine["value"] > 0)
        ]
        for _, a in num.iterrows():
            match = den[den["period"] == a["period"]]
            if match.empty:
                continue
            b = match.iloc[0]
            rows.append(
                {
                    "ratio": n,
                    "period": a["period"],
                    "value": a["value"] * 1000.0 / b["value"],
                    "numerator": num_id,
                    "numerator_value": a["value"],
                    "numerator_source": f"{a['published']}, {a['source_ref']} ({a['period']})",
                    "denominator": den_id,
                    "denominator_value": b["value"],
                    "denominator_source": f"{b['published']}, {b['source_ref']} ({b['period']})",
                }
            )
    columns = [
        "ratio",
        "period",
        "value",
        "numerator",
        "numerator_value",
        "numerator_source",
        "denominator",
        "denominator_value",
        "denominator_source",
    ]
    return pd.DataFrame(rows, columns=columns)


def ratio_table(ratios: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """:func:`cost_per_client` for readers: what, year, euro per client, and both sides with their sources."""
    language = resolve_language(language)
    idx = 0 if language == "nl" else 1
    return pd.DataFrame(
        {
            label("costs_col_ratio", language): [
                CLIENT_RATIOS[int(r)][2][idx] for r in ratios["ratio"]
            ],
            label("period", language): [period_label(p, language) for p in ratios["period"]],
            label("costs_col_per_client", language): [
                format_value(v, "euro", language) for v in ratios["value"]
            ],
            label("costs_col_numerator", language): [
                f"{indicator_label(i, language)}: {format_value(v, 'euro x 1000', language)}; {s}"
                for i, v, s in zip(
                    ratios["numerator"],
                    ratios["numerator_value"],
                    ratios["numerator_source"],
                    strict=True,
                )
            ],
            label("costs_col_denominator", language): [
                f"{indicator_label(i, language)}: {format_value(v, 'aantal', language)}; {s}"
                for i, v, s in zip(
                    ratios["denominator"],
                    ratios["denominator_value"],
                    ratios["denominator_source"],
                    strict=True,
                )
            ],
        }
    ).reset_index(drop=True)


def cbs_cost_table(obs: pd.DataFrame, region: str, language: str | None = None) -> pd.DataFrame:
    """The region's CBS cost figures per year: begroot and gerealiseerd, total and per 1.000 inhabitants.

    Parameters
    ----------
    obs : DataFrame
        Observations of the indicators in :data:`CBS_COSTS` and :data:`CBS_COSTS_PER_1000`
        (any regions; only ``region``'s year rows are used).
    region : str

    Returns
    -------
    DataFrame
        One row per year: the four values (formatted; the unit in the column
        header, ``–`` where CBS has none), the least final status and the table
        with its vintage.
    """
    language = resolve_language(language)
    mine = obs[
        (obs["region_code"] == region) & (obs["period_type"] == "year") & obs["value"].notna()
    ]
    out = []
    for period in sorted(mine["period"].unique()):
        rows = mine[mine["period"] == period].set_index("indicator")
        record = {label("period", language): period_label(period, language)}
        for ind in (*CBS_COSTS, *CBS_COSTS_PER_1000):
            header = (
                f"{indicator_label(ind, language)} ({unit_label(INDICATORS[ind].unit, language)})"
            )
            record[header] = (
                format_number(rows.loc[ind, "value"], 0, language) if ind in rows.index else "–"
            )
        record[label("status", language)] = label(_worst(*rows["status"]), language)
        pairs = rows[["source", "published"]].drop_duplicates().itertuples(index=False)
        record[label("source", language)] = "; ".join(
            sorted({row_source(src, pub, language) for src, pub in pairs})
        )
        out.append(record)
    return pd.DataFrame(out)


def published_record() -> dict:
    """The provenance record of the published figures (``data/published``), for ``Session.add_record``."""
    from . import config

    return {"source": "gepubliceerde cijfers (data/published)", "path": str(config.published_dir())}


def key_figures(
    cbs: pd.DataFrame, youth: pd.DataFrame, ratios: pd.DataFrame, lines: pd.DataFrame, region: str
) -> str:
    """Plain text of the key figures (for the notebook's checked cell): latest CBS year, per youth, ratios, saldo."""
    out = []
    mine = cbs[
        (cbs["region_code"] == region) & (cbs["period_type"] == "year") & cbs["value"].notna()
    ]
    for ind in (*CBS_COSTS, *CBS_COSTS_PER_1000):
        rows = mine[mine["indicator"] == ind]
        if len(rows):
            last = rows.sort_values("period").iloc[-1]
            out.append(
                f"{ind} {last['period']}: {last['value']:.0f} ({last['status']}, {last['source']})"
            )
    rows = youth[(youth["region_code"] == region) & youth["value"].notna()].sort_values("period")
    if len(rows):
        last = rows.iloc[-1]
        out.append(f"{PER_YOUTH} {last['period']}: {last['value']:.0f} euro ({last['source']})")
    for _, r in ratios.iterrows():
        out.append(f"{r['numerator']} / {r['denominator']} {r['period']}: {r['value']:.0f} euro")
    saldo = lines[
        lines["indicator"].str.startswith("saldo_") | lines["indicator"].str.contains("afwijking")
    ]
    for _, r in saldo.iterrows():
        out.append(f"{r['indicator']} {r['period']}: {r['value']:.0f} ({r['published']})")
    return "\n".join(out) if out else "no cost figures"
