"""The indicator catalogue: every indicator id the project knows, with its labels and unit.

Each observation row names one of these ids. CBS-based indicators are mapped to
CBS tables and measures in :mod:`analysis.cbs.catalogue`; the others come from
published documents (``data/published``) or from a case register.

Themes follow Utrecht's three *stelselindicatoren*: ``bereik`` (reach),
``beschikbaarheid`` (availability) and ``kwaliteit`` (quality), plus
``context`` and ``financien``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

UNITS = {
    "aantal": ("aantal", "number"),
    "procent": ("%", "%"),
    "per 1000 inwoners": ("per 1.000 inwoners", "per 1,000 inhabitants"),
    "per 10000 inwoners": ("per 10.000 inwoners", "per 10,000 inhabitants"),
    "werkdagen": ("werkdagen", "working days"),
    "rapportcijfer": ("rapportcijfer (1-10)", "mark (1-10)"),
    "euro x 1000": ("x € 1.000", "x € 1,000"),
}


@dataclass(frozen=True)
class Indicator:
    """One indicator: id, Dutch and English label, unit, domain and theme."""

    id: str
    label_nl: str
    label_en: str
    unit: str
    domain: str
    theme: str
    higher_is_better: bool | None = None

    def label(self, language: str = "nl") -> str:
        """The label in ``language`` (``nl`` or ``en``)."""
        return self.label_en if language == "en" else self.label_nl


def _i(id_, nl, en, unit, domain, theme, better=None) -> Indicator:
    return Indicator(id_, nl, en, unit, domain, theme, better)


_ALL = [
    # --- CBS youth care (Jeugdwet) -------------------------------------------------------
    _i("jeugdhulp_pct", "Jongeren met jeugdhulp", "Youths with youth support", "procent", "jeugd", "bereik"),
    _i("jeugdhulp_verblijf_pct", "Jeugdhulp met verblijf (% van jongeren met jeugdhulp)",
       "Youth support with residence (% of youths with youth support)", "procent", "jeugd", "bereik"),
    _i("jeugdbescherming_pct", "Jongeren met jeugdbescherming", "Youths with child protection", "procent", "jeugd", "bereik"),
    _i("jeugdbescherming_verblijf_pct", "Jeugdbescherming met jeugdhulp met verblijf (% van jongeren met jeugdbescherming)",
       "Child protection with residential youth support (% of youths with child protection)", "procent", "jeugd", "bereik"),
    _i("jeugdreclassering_pct", "Jongeren met jeugdreclassering", "Youths with juvenile probation", "procent", "jeugd", "bereik"),
    _i("jeugdzorg_personen", "Jongeren met jeugdzorg", "Youths with youth care", "aantal", "jeugd", "bereik"),
    _i("jeugdzorg_pct", "Jongeren met jeugdzorg (% van alle jongeren)", "Youths with youth care (% of all youths)", "procent", "jeugd", "bereik"),
    _i("jeugdhulptrajecten", "Lopende jeugdhulptrajecten in natura", "Running youth support trajectories in kind", "aantal", "jeugd", "bereik"),
    _i("jeugdhulptrajecten_buurtteam", "Jeugdhulptrajecten uitgevoerd door wijk- of buurtteam",
       "Youth support trajectories run by the neighbourhood team", "aantal", "jeugd", "bereik"),
    # --- CBS Wmo -----------------------------------------------------------------------
    _i("wmo_clienten", "Wmo-cliënten met maatwerkvoorziening", "Wmo clients with a tailored provision", "aantal", "wmo", "bereik"),
    _i("wmo_clienten_per_1000", "Wmo-cliënten per 1.000 inwoners", "Wmo clients per 1,000 inhabitants", "per 1000 inwoners", "wmo", "bereik"),
    _i("wmo_stand", "Wmo-maatwerkvoorzieningen, stand begin periode", "Wmo tailored provisions, stock at start of period", "aantal", "wmo", "beschikbaarheid"),
    _i("wmo_instroom", "Wmo-maatwerkvoorzieningen, instroom", "Wmo tailored provisions, inflow", "aantal", "wmo", "beschikbaarheid"),
    _i("wmo_uitstroom", "Wmo-maatwerkvoorzieningen, uitstroom", "Wmo tailored provisions, outflow", "aantal", "wmo", "beschikbaarheid"),
    _i("wmo_maatwerk_per_10000", "Cliënten met een maatwerkarrangement Wmo (BBV-indicator)",
       "Clients with a Wmo tailored arrangement (BBV indicator)", "per 10000 inwoners", "wmo", "bereik"),
    # --- Buurtteams Jeugd en Gezin -------------------------------------------------------
    _i("buurtteam_jg_clienten", "Unieke cliënten buurtteams Jeugd en Gezin", "Unique clients, youth and family neighbourhood teams", "aantal", "jeugd", "bereik"),
    _i("buurtteam_jg_gezinnen", "Gezinnen ondersteund door buurtteams Jeugd en Gezin", "Families supported by youth and family neighbourhood teams", "aantal", "jeugd", "bereik"),
    _i("buurtteam_jg_nieuwe_casussen", "Nieuwe casussen (gezinnen) buurtteams Jeugd en Gezin", "New cases (families), youth and family neighbourhood teams", "aantal", "jeugd", "bereik"),
    _i("buurtteam_jg_gezinnen_per_maand", "Gezinnen per maand bij een buurtteam Jeugd en Gezin (gemiddeld)", "Families per month with a youth and family neighbourhood team (average)", "aantal", "jeugd", "bereik"),
    _i("buurtteam_jg_trajecten", "Trajecten buurtteams Jeugd en Gezin", "Trajectories, youth and family neighbourhood teams", "aantal", "jeugd", "bereik"),
    _i("buurtteam_jg_volgens_plan_pct", "Trajecten buurtteams Jeugd en Gezin beëindigd volgens plan", "Youth and family team trajectories ended as planned", "procent", "jeugd", "kwaliteit", True),
    _i("buurtteam_jg_rapportcijfer", "Cliënttevredenheid buurtteams Jeugd en Gezin", "Client satisfaction, youth and family neighbourhood teams", "rapportcijfer", "jeugd", "kwaliteit", True),
    _i("buurtteam_jg_zonder_hulp_pct", "Verder zonder hulp na buurtteam Jeugd en Gezin", "Continue without help after youth and family team", "procent", "jeugd", "kwaliteit", True),
    # --- Buurtteams Sociaal ----------------------------------------------------------------
    _i("buurtteam_sociaal_clienten", "Cliënten buurtteams Sociaal", "Clients, social neighbourhood teams", "aantal", "wmo", "bereik"),
    _i("buurtteam_sociaal_clienten_gesprek", "Cliënten buurtteams Sociaal met een gesprek", "Clients of social neighbourhood teams who had a conversation", "aantal", "wmo", "bereik"),
    _i("buurtteam_sociaal_clienten_traject", "Cliënten buurtteams Sociaal met een gestart traject", "Clients of social neighbourhood teams who started a trajectory", "aantal", "wmo", "bereik"),
    _i("buurtteam_sociaal_casussen", "Casussen buurtteams Sociaal", "Cases, social neighbourhood teams", "aantal", "wmo", "bereik"),
    _i("buurtteam_sociaal_nieuwe_casussen", "Instroom nieuwe casussen buurtteams Sociaal", "Inflow of new cases, social neighbourhood teams", "aantal", "wmo", "bereik"),
    _i("buurtteam_sociaal_verwijzingen_maatwerk", "Verwijzingen van buurtteams Sociaal naar maatwerkvoorzieningen", "Referrals from social teams to tailored provisions", "aantal", "wmo", "bereik"),
    _i("buurtteam_sociaal_wachttijd", "Wachttijd aanmelding tot keukentafelgesprek buurtteam Sociaal (gemiddeld)", "Waiting time from registration to first conversation, social team (mean)", "werkdagen", "wmo", "beschikbaarheid", False),
    _i("buurtteam_sociaal_rapportcijfer", "Cliënttevredenheid buurtteams Sociaal", "Client satisfaction, social neighbourhood teams", "rapportcijfer", "wmo", "kwaliteit", True),
    _i("buurtteam_sociaal_zonder_hulp_pct", "Verder zonder hulp na buurtteam Sociaal", "Continue without help after social team", "procent", "wmo", "kwaliteit", True),
    _i("buurtteam_aanvullende_zorg_verhouding", "Verhouding cliënten buurtteam : aanvullende zorg (aandeel buurtteam)", "Ratio of clients neighbourhood team : additional care (team share)", "procent", "wmo", "bereik"),
    # --- Aanvullende zorg ---------------------------------------------------------------
    _i("aanvullende_zorg_jeugd_trajecten", "Lopende trajecten aanvullende zorg Jeugd", "Running trajectories, additional youth care", "aantal", "jeugd", "bereik"),
    _i("aanvullende_zorg_jeugd_clienten", "Cliënten aanvullende zorg Jeugd", "Clients, additional youth care", "aantal", "jeugd", "bereik"),
    _i("aanvullende_zorg_jeugd_volgens_plan_pct", "Trajecten aanvullende zorg Jeugd beëindigd volgens plan", "Additional youth care trajectories ended as planned", "procent", "jeugd", "kwaliteit", True),
    _i("aanvullende_zorg_sociaal_trajecten", "Lopende trajecten individuele voorzieningen aanvullende zorg Sociaal", "Running trajectories, individual provisions, additional social care", "aantal", "wmo", "bereik"),
    _i("aanvullende_zorg_individuele_begeleiding", "Lopende trajecten individuele begeleiding (incl. thuisbegeleiding)", "Running trajectories, individual guidance (incl. home guidance)", "aantal", "wmo", "bereik"),
    _i("aanvullende_zorg_thuisbegeleiding", "Lopende trajecten thuisbegeleiding", "Running trajectories, home guidance", "aantal", "wmo", "bereik"),
    _i("aanvullende_zorg_arbeidsmatige_activering", "Lopende trajecten arbeidsmatige activering", "Running trajectories, work-oriented activation", "aantal", "wmo", "bereik"),
    _i("aanvullende_zorg_dagbegeleiding", "Lopende trajecten dagbegeleiding", "Running trajectories, day care", "aantal", "wmo", "bereik"),
    _i("aanvullende_zorg_beschermd_wonen", "Lopende trajecten beschermd wonen", "Running trajectories, sheltered housing", "aantal", "wmo", "bereik"),
    _i("aanvullende_zorg_maatschappelijke_opvang", "Lopende trajecten maatschappelijke opvang", "Running trajectories, shelter", "aantal", "wmo", "bereik"),
    # --- Context --------------------------------------------------------------------------
    _i("ouders_zorgen_opvoeding_pct", "Ouders met (enige) zorgen over de opvoeding", "Parents with (some) worries about raising their children", "procent", "jeugd", "context"),
    _i("ouders_nooit_zorgen_pct", "Ouders die nooit zorgen hadden over de opvoeding", "Parents who never worried about raising their children", "procent", "jeugd", "context"),
    _i("ouders_advies_gevraagd_pct", "Ouders die advies of hulp vroegen bij de opvoeding", "Parents who asked advice or help with raising their children", "procent", "jeugd", "context"),
    _i("jongeren_onder_18", "Kinderen en jongeren onder 18 jaar", "Children and young people under 18", "aantal", "jeugd", "context"),
    _i("jongeren_delict_pct", "Jongeren met een delict voor de rechter", "Young people before a court for an offence", "procent", "jeugd", "context"),
    _i("kinderen_uitkeringsgezin_pct", "Kinderen in een uitkeringsgezin", "Children in a family on benefits", "procent", "jeugd", "context"),
    _i("vrijwilligers_rapportcijfer", "Waardering ondersteuning van vrijwilligers", "Rating of support for volunteers", "rapportcijfer", "wmo", "context", True),
    _i("sociaal_domein_clienten", "Personen met een voorziening in het sociaal domein", "Persons with a social-domain provision", "aantal", "sociaal domein", "bereik"),
]

INDICATORS: dict[str, Indicator] = {ind.id: ind for ind in _ALL}


def get_indicator(indicator_id: str) -> Indicator:
    """Look up an indicator by id.

    Raises
    ------
    KeyError
        With the list of known ids, if ``indicator_id`` is unknown.
    """
    try:
        return INDICATORS[indicator_id]
    except KeyError:
        raise KeyError(f"unknown indicator {indicator_id!r}") from None


def indicator_table() -> pd.DataFrame:
    """The catalogue as a DataFrame (one row per indicator)."""
    return pd.DataFrame([vars(i) for i in INDICATORS.values()])
