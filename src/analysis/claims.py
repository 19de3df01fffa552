"""Claims without a figure in the publications, checked against CBS.

A publication sometimes states a direction instead of a number: the press
release of 2016 on the first year of the new system says "de instroom in de
aanvullende zorg neemt af terwijl de uitstroom juist constant toeneemt"
(seed ``000_9ea3a181193f9a9f.txt``, alinea 2). Such a claim cannot be a row
of ``data/published`` (which holds numbers); it is transcribed here, with
its citation, and :func:`check_claim` compares it with the CBS series that
measure the same thing, as far as CBS does:

* CBS counts the inflow and outflow of Wmo-maatwerkarrangementen per half
  year (83268NED, 2015 - 2020): that is the Sociaal part of the aanvullende
  zorg only; CBS has no inflow or outflow of the youth side in the tables
  the project uses. The check is therefore *partial*, and says so.
* The first half of 2015 was the start of the Wmo 2015: its inflow holds the
  arrangements that began then, many of them continued from the AWBZ, so a
  fall in the second half is expected whatever the buurtteams did.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import labels
from .labels import format_value, label, period_label

RISES, FALLS = "stijgt", "daalt"


@dataclass(frozen=True)
class Claim:
    """A claim of direction in a publication, and the CBS series that test it.

    Attributes
    ----------
    id : str
    quote : str
        The words as printed.
    publication, source_ref : str
        Where (as ``published`` and ``source_ref`` in ``data/published``).
    checks : tuple of (indicator, direction)
        Direction ``stijgt`` or ``daalt`` per CBS indicator.
    periods : tuple of str
        The periods compared, oldest first (the time the claim is about).
    scope : str
        What the CBS series cover of the claim, for the reader (Dutch, English).
    """

    id: str
    quote: str
    publication: str
    source_ref: str
    checks: tuple[tuple[str, str], ...]
    periods: tuple[str, ...]
    scope: tuple[str, str]


CLAIMS: dict[str, Claim] = {
    "aanvullende_zorg_2015": Claim(
        id="aanvullende_zorg_2015",
        quote="de instroom in de aanvullende zorg neemt af terwijl de uitstroom juist constant toeneemt",
        publication="Persbericht gemeente Utrecht (2016)",
        source_ref="alinea 2",
        checks=(("wmo_instroom", FALLS), ("wmo_uitstroom", RISES)),
        periods=("2015H1", "2015H2"),
        scope=(
            "alleen Wmo-maatwerkarrangementen (CBS 83268NED): het Sociaal-deel van de aanvullende zorg; "
            "het eerste halfjaar 2015 is de start van de Wmo 2015",
            "Wmo tailored arrangements only (CBS 83268NED): the social part of the additional care; "
            "the first half of 2015 is the start of the Wmo 2015",
        ),
    ),
}

CHECK_COLUMNS = [
    "indicator",
    "claimed",
    "first_period",
    "first",
    "last_period",
    "last",
    "holds",
    "status",
    "source",
]


def check_claim(claim: Claim, data: dict[str, pd.DataFrame], region: str) -> pd.DataFrame:
    """Whether each direction of a claim holds in the CBS series of a region.

    Parameters
    ----------
    claim : Claim
    data : dict
        Indicator id -> observations (CBS, as from ``Session.load``).
    region : str

    Returns
    -------
    DataFrame
        :data:`CHECK_COLUMNS`, a row per check: the values of the first and
        last of ``claim.periods``; ``holds`` True when every step between
        consecutive periods goes in the claimed direction, False when one
        goes the other way (or stays equal), None when a period has no value.
    """
    rows = []
    for indicator, direction in claim.checks:
        obs = data.get(indicator)
        values, statuses, sources = [], [], []
        for period in claim.periods:
            hit = (
                obs[
                    (obs["region_code"] == region)
                    & (obs["period"] == period)
                    & obs["value"].notna()
                ]
                if obs is not None and len(obs)
                else pd.DataFrame()
            )
            values.append(float(hit["value"].iloc[0]) if len(hit) else None)
            statuses.append(str(hit["status"].iloc[0]) if len(hit) else None)
            sources.append(str(hit["source"].iloc[0]) if len(hit) else None)
        if any(v is None for v in values):
            holds = None
        else:
            steps = [b - a for a, b in zip(values, values[1:], strict=False)]
            holds = all(s > 0 for s in steps) if direction == RISES else all(s < 0 for s in steps)
        known = [s for s in statuses if s]
        rows.append(
            (
                indicator,
                direction,
                claim.periods[0],
                values[0],
                claim.periods[-1],
                values[-1],
                holds,
                "voorlopig" if "voorlopig" in known else (known[0] if known else None),
                ", ".join(dict.fromkeys(s for s in sources if s)) or None,
            )
        )
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def claim_text(
    claim: Claim, checks: pd.DataFrame, region_name: str, language: str | None = None
) -> str:
    """The claim, its source and the verdict per direction, in a few sentences for the reader.

    Parameters
    ----------
    claim : Claim
    checks : DataFrame
        From :func:`check_claim`.
    region_name : str
    language : {"nl", "en"}, optional
    """
    language = labels.resolve_language(language)
    lines = [
        label("claim_quote", language).format(
            quote=claim.quote, publication=claim.publication, source_ref=claim.source_ref
        )
    ]
    for r in checks.itertuples(index=False):
        what = labels.indicator_label(r.indicator, language)
        if r.holds is None:
            lines.append(label("claim_no_data", language).format(what=what, region=region_name))
            continue
        verdict = label("claim_holds" if r.holds else "claim_fails", language)
        lines.append(
            label("claim_check", language).format(
                what=what,
                region=region_name,
                claimed=label(f"claim_{r.claimed}", language),
                first=format_value(r.first, "aantal", language),
                first_period=period_label(r.first_period, language),
                last=format_value(r.last, "aantal", language),
                last_period=period_label(r.last_period, language),
                verdict=verdict,
                source=r.source,
            )
        )
    lines.append(
        label("claim_scope", language).format(scope=claim.scope[0 if language == "nl" else 1])
    )
    return "\n".join(lines)


__all__ = ["CHECK_COLUMNS", "CLAIMS", "FALLS", "RISES", "Claim", "check_claim", "claim_text"]
