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
    "euro x 1000 per 1000 inwoners": (
        "x € 1.000 per 1.000 inwoners",
        "x € 1,000 per 1,000 inhabitants",
    ),
    "euro": ("€", "€"),
    # a CBS code value, not a quantity (e.g. the wijk's Indelingswijziging 1/2/3)
    "code": ("code", "code"),
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
    # A saldo (baten minus lasten, begroot minus gerealiseerd) may be negative; other
    # amounts and counts may not (analysis.schema).
    signed: bool = False

    def label(self, language: str | None = None) -> str:
        """The label in ``language`` (``nl`` or ``en``; default the session language)."""
        from .labels import resolve_language  # labels imports this module

        return self.label_en if resolve_language(language) == "en" else self.label_nl


def _i(id_, nl, en, unit, domain, theme, better=None, *, signed=False) -> Indicator:
    return Indicator(id_, nl, en, unit, domain, theme, better, signed)


_ALL = [
    # --- CBS youth care (Jeugdwet) -------------------------------------------------------
    # A percentage names its population: CBS divides by different age groups, so a reader
    # must not compare jeugdhulp (82972NED/85098NED, youths under 18) with jeugdzorg
    # (84134NED/85099NED, youths under 23) as if one were part of the other. The CBS files
    # carry no definitions (../shared/realdata/cbs-jeugdzorg/SOURCE.txt); the age groups
    # are those the extract's own counts imply (count / percentage, Nederland 2015-2017:
    # 3.5 mln for jeugdhulp and jeugdbescherming, 4.3-4.4 mln for jeugdzorg, about 2.2 mln
    # for jeugdreclassering), checked in tests/test_labels.py.
    _i(
        "jeugdhulp_pct",
        "Jongeren met jeugdhulp (% van jongeren tot 18 jaar)",
        "Youths with youth support (% of youths under 18)",
        "procent",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdhulp_verblijf_pct",
        "Jeugdhulp met verblijf (% van jongeren met jeugdhulp)",
        "Youth support with residence (% of youths with youth support)",
        "procent",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdbescherming_pct",
        "Jongeren met jeugdbescherming (% van jongeren tot 18 jaar)",
        "Youths with child protection (% of youths under 18)",
        "procent",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdbescherming_verblijf_pct",
        "Jeugdbescherming met jeugdhulp met verblijf (% van jongeren met jeugdbescherming)",
        "Child protection with residential youth support (% of youths with child protection)",
        "procent",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdreclassering_pct",
        "Jongeren met jeugdreclassering (% van jongeren van 12 tot 23 jaar)",
        "Youths with juvenile probation (% of youths aged 12 to 22)",
        "procent",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdzorg_personen",
        "Jongeren met jeugdzorg",
        "Youths with youth care",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdzorg_pct",
        "Jongeren met jeugdzorg (% van jongeren tot 23 jaar)",
        "Youths with youth care (% of youths under 23)",
        "procent",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdhulptrajecten",
        "Lopende jeugdhulptrajecten in natura",
        "Running youth support trajectories in kind",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdhulptrajecten_buurtteam",
        "Jeugdhulptrajecten uitgevoerd door wijk- of buurtteam",
        "Youth support trajectories run by the neighbourhood team",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdbeschermingstrajecten",
        "Lopende jeugdbeschermingstrajecten",
        "Running child protection trajectories",
        "aantal",
        "jeugd",
        "bereik",
    ),
    # --- CBS youth-care costs (83454NED) ---------------------------------------------------
    _i(
        "jeugdzorg_kosten_begroot",
        "Kosten jeugdzorg, begroot",
        "Youth-care costs, budgeted",
        "euro x 1000",
        "jeugd",
        "financien",
    ),
    _i(
        "jeugdzorg_kosten_gerealiseerd",
        "Kosten jeugdzorg, gerealiseerd",
        "Youth-care costs, realised",
        "euro x 1000",
        "jeugd",
        "financien",
    ),
    _i(
        "jeugdzorg_kosten_begroot_per_1000",
        "Kosten jeugdzorg per 1.000 inwoners, begroot",
        "Youth-care costs per 1,000 inhabitants, budgeted",
        "euro x 1000 per 1000 inwoners",
        "jeugd",
        "financien",
    ),
    _i(
        "jeugdzorg_kosten_gerealiseerd_per_1000",
        "Kosten jeugdzorg per 1.000 inwoners, gerealiseerd",
        "Youth-care costs per 1,000 inhabitants, realised",
        "euro x 1000 per 1000 inwoners",
        "jeugd",
        "financien",
    ),
    _i(
        "jeugdzorg_kosten_per_jongere",
        "Kosten jeugdzorg per jongere met jeugdzorg (gerealiseerd)",
        "Youth-care costs per youth in care (realised)",
        "euro",
        "jeugd",
        "financien",
    ),
    _i(
        "jeugdhulptrajecten_verblijf",
        "Lopende jeugdhulptrajecten met verblijf",
        "Running residential youth support trajectories",
        "aantal",
        "jeugd",
        "bereik",
    ),
    # Derived from CBS measures (analysis.forward): the buurtteam's share of the trajectories,
    # and youths with residential care (jeugdhulp youths x their share with verblijf).
    _i(
        "jeugdhulptrajecten_buurtteam_pct",
        "Jeugdhulptrajecten uitgevoerd door wijk- of buurtteam (% van alle jeugdhulptrajecten)",
        "Youth support trajectories run by the neighbourhood team (% of all youth support trajectories)",
        "procent",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdhulptrajecten_overig",
        "Jeugdhulptrajecten niet door wijk- of buurtteam (aanbieders, met en zonder verblijf)",
        "Youth support trajectories not run by the neighbourhood team (providers, with and without residence)",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdhulp_verblijf_personen",
        "Jongeren met jeugdhulp met verblijf (aantal, afgeleid)",
        "Youths with residential youth support (number, derived)",
        "aantal",
        "jeugd",
        "bereik",
    ),
    # --- CBS Wmo -----------------------------------------------------------------------
    _i(
        "wmo_clienten",
        "Wmo-cliënten met maatwerkvoorziening",
        "Wmo clients with a tailored provision",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "wmo_clienten_per_1000",
        "Wmo-cliënten per 1.000 inwoners",
        "Wmo clients per 1,000 inhabitants",
        "per 1000 inwoners",
        "wmo",
        "bereik",
    ),
    _i(
        "wmo_stand",
        "Wmo-maatwerkvoorzieningen, stand begin periode",
        "Wmo tailored provisions, stock at start of period",
        "aantal",
        "wmo",
        "beschikbaarheid",
    ),
    _i(
        "wmo_instroom",
        "Wmo-maatwerkvoorzieningen, instroom",
        "Wmo tailored provisions, inflow",
        "aantal",
        "wmo",
        "beschikbaarheid",
    ),
    _i(
        "wmo_uitstroom",
        "Wmo-maatwerkvoorzieningen, uitstroom",
        "Wmo tailored provisions, outflow",
        "aantal",
        "wmo",
        "beschikbaarheid",
    ),
    # CBS "Indelingswijziging" of a wijk against the year before: 1 unchanged (a new name is possible),
    # 2 new code with the same boundaries, 3 boundaries changed (analysis.wijken).
    _i(
        "wijk_indelingswijziging",
        "Indelingswijziging wijk (CBS: 1 ongewijzigd, 2 code gewijzigd, 3 grenzen gewijzigd)",
        "Change of district division (CBS: 1 unchanged, 2 code changed, 3 boundaries changed)",
        "code",
        "wmo",
        "context",
    ),
    _i(
        "wmo_maatwerk_per_10000",
        "Cliënten met een maatwerkarrangement Wmo (BBV-indicator)",
        "Clients with a Wmo tailored arrangement (BBV indicator)",
        "per 10000 inwoners",
        "wmo",
        "bereik",
    ),
    # --- Buurtteams Jeugd en Gezin -------------------------------------------------------
    _i(
        "buurtteam_jg_clienten",
        "Unieke cliënten buurtteams Jeugd en Gezin",
        "Unique clients, youth and family neighbourhood teams",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "buurtteam_jg_gezinnen",
        "Gezinnen ondersteund door buurtteams Jeugd en Gezin",
        "Families supported by youth and family neighbourhood teams",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "buurtteam_jg_nieuwe_casussen",
        "Nieuwe casussen (gezinnen) buurtteams Jeugd en Gezin",
        "New cases (families), youth and family neighbourhood teams",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "buurtteam_jg_gezinnen_per_maand",
        "Gezinnen per maand bij een buurtteam Jeugd en Gezin (gemiddeld)",
        "Families per month with a youth and family neighbourhood team (average)",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "buurtteam_jg_trajecten",
        "Trajecten buurtteams Jeugd en Gezin",
        "Trajectories, youth and family neighbourhood teams",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "buurtteam_jg_volgens_plan_pct",
        "Trajecten buurtteams Jeugd en Gezin beëindigd volgens plan",
        "Youth and family team trajectories ended as planned",
        "procent",
        "jeugd",
        "kwaliteit",
        True,
    ),
    _i(
        "buurtteam_jg_rapportcijfer",
        "Cliënttevredenheid buurtteams Jeugd en Gezin",
        "Client satisfaction, youth and family neighbourhood teams",
        "rapportcijfer",
        "jeugd",
        "kwaliteit",
        True,
    ),
    _i(
        "buurtteam_jg_zonder_hulp_pct",
        "Verder zonder hulp na buurtteam Jeugd en Gezin",
        "Continue without help after youth and family team",
        "procent",
        "jeugd",
        "kwaliteit",
        True,
    ),
    # --- Buurtteams Sociaal ----------------------------------------------------------------
    _i(
        "buurtteam_sociaal_clienten",
        "Cliënten buurtteams Sociaal",
        "Clients, social neighbourhood teams",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "buurtteam_sociaal_clienten_gesprek",
        "Cliënten buurtteams Sociaal met een gesprek",
        "Clients of social neighbourhood teams who had a conversation",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "buurtteam_sociaal_clienten_traject",
        "Cliënten buurtteams Sociaal met een gestart traject",
        "Clients of social neighbourhood teams who started a trajectory",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "buurtteam_sociaal_casussen",
        "Casussen buurtteams Sociaal",
        "Cases, social neighbourhood teams",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "buurtteam_sociaal_nieuwe_casussen",
        "Instroom nieuwe casussen buurtteams Sociaal",
        "Inflow of new cases, social neighbourhood teams",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "buurtteam_sociaal_verwijzingen_maatwerk",
        "Verwijzingen van buurtteams Sociaal naar maatwerkvoorzieningen",
        "Referrals from social teams to tailored provisions",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "buurtteam_sociaal_wachttijd",
        "Wachttijd aanmelding tot keukentafelgesprek buurtteam Sociaal (gemiddeld)",
        "Waiting time from registration to first conversation, social team (mean)",
        "werkdagen",
        "wmo",
        "beschikbaarheid",
        False,
    ),
    _i(
        "buurtteam_sociaal_rapportcijfer",
        "Cliënttevredenheid buurtteams Sociaal",
        "Client satisfaction, social neighbourhood teams",
        "rapportcijfer",
        "wmo",
        "kwaliteit",
        True,
    ),
    _i(
        "buurtteam_sociaal_zonder_hulp_pct",
        "Verder zonder hulp na buurtteam Sociaal",
        "Continue without help after social team",
        "procent",
        "wmo",
        "kwaliteit",
        True,
    ),
    _i(
        "buurtteam_aanvullende_zorg_verhouding",
        "Aandeel buurtteam in de cliënten van buurtteam en aanvullende zorg",
        "Neighbourhood team's share of the clients of team and additional care",
        "procent",
        "wmo",
        "bereik",
    ),
    # --- Aanvullende zorg ---------------------------------------------------------------
    _i(
        "aanvullende_zorg_jeugd_trajecten",
        "Lopende trajecten aanvullende zorg Jeugd",
        "Running trajectories, additional youth care",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "aanvullende_zorg_jeugd_clienten",
        "Cliënten aanvullende zorg Jeugd",
        "Clients, additional youth care",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "aanvullende_zorg_jeugd_volgens_plan_pct",
        "Trajecten aanvullende zorg Jeugd beëindigd volgens plan",
        "Additional youth care trajectories ended as planned",
        "procent",
        "jeugd",
        "kwaliteit",
        True,
    ),
    _i(
        "aanvullende_zorg_sociaal_trajecten",
        "Lopende trajecten individuele voorzieningen aanvullende zorg Sociaal",
        "Running trajectories, individual provisions, additional social care",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "aanvullende_zorg_individuele_begeleiding",
        "Lopende trajecten individuele begeleiding (incl. thuisbegeleiding)",
        "Running trajectories, individual guidance (incl. home guidance)",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "aanvullende_zorg_thuisbegeleiding",
        "Lopende trajecten thuisbegeleiding",
        "Running trajectories, home guidance",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "aanvullende_zorg_arbeidsmatige_activering",
        "Lopende trajecten arbeidsmatige activering",
        "Running trajectories, work-oriented activation",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "aanvullende_zorg_dagbegeleiding",
        "Lopende trajecten dagbegeleiding",
        "Running trajectories, day care",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "aanvullende_zorg_beschermd_wonen",
        "Lopende trajecten beschermd wonen",
        "Running trajectories, sheltered housing",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "aanvullende_zorg_maatschappelijke_opvang",
        "Lopende trajecten maatschappelijke opvang",
        "Running trajectories, shelter",
        "aantal",
        "wmo",
        "bereik",
    ),
    # --- Context --------------------------------------------------------------------------
    _i(
        "ouders_zorgen_opvoeding_pct",
        "Ouders met (enige) zorgen over de opvoeding",
        "Parents with (some) worries about raising their children",
        "procent",
        "jeugd",
        "context",
    ),
    _i(
        "ouders_nooit_zorgen_pct",
        "Ouders die nooit zorgen hadden over de opvoeding",
        "Parents who never worried about raising their children",
        "procent",
        "jeugd",
        "context",
    ),
    _i(
        "ouders_advies_gevraagd_pct",
        "Ouders die advies of hulp vroegen bij de opvoeding",
        "Parents who asked advice or help with raising their children",
        "procent",
        "jeugd",
        "context",
    ),
    _i(
        "jongeren_onder_18",
        "Kinderen en jongeren onder 18 jaar",
        "Children and young people under 18",
        "aantal",
        "jeugd",
        "context",
    ),
    _i(
        "jongeren_delict_pct",
        "Jongeren met een delict voor de rechter",
        "Young people before a court for an offence",
        "procent",
        "jeugd",
        "context",
    ),
    _i(
        "kinderen_uitkeringsgezin_pct",
        "Kinderen in een uitkeringsgezin",
        "Children in a family on benefits",
        "procent",
        "jeugd",
        "context",
    ),
    _i(
        "vrijwilligers_rapportcijfer",
        "Waardering ondersteuning van vrijwilligers",
        "Rating of support for volunteers",
        "rapportcijfer",
        "wmo",
        "context",
        True,
    ),
    _i(
        "sociaal_domein_clienten",
        "Personen met een voorziening in het sociaal domein",
        "Persons with a social-domain provision",
        "aantal",
        "sociaal domein",
        "bereik",
    ),
    # --- Additions for the published figures (data/published) -------------------------------
    # CBS 82966NED: persons per youth-care form and exclusive combination (JH = jeugdhulp,
    # JB = jeugdbescherming, JR = jeugdreclassering); combinations exclude the forms not named.
    _i(
        "jeugdhulp_personen",
        "Jongeren met jeugdhulp (aantal)",
        "Youths with youth support (number)",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdbescherming_personen",
        "Jongeren met jeugdbescherming (aantal)",
        "Youths with child protection (number)",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdreclassering_personen",
        "Jongeren met jeugdreclassering (aantal)",
        "Youths with juvenile probation (number)",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdzorg_alleen_jeugdhulp",
        "Jongeren met alleen jeugdhulp",
        "Youths with youth support only",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdzorg_alleen_jeugdbescherming",
        "Jongeren met alleen jeugdbescherming",
        "Youths with child protection only",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdzorg_alleen_jeugdreclassering",
        "Jongeren met alleen jeugdreclassering",
        "Youths with juvenile probation only",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdzorg_jeugdhulp_jeugdbescherming",
        "Jongeren met jeugdhulp en jeugdbescherming (zonder jeugdreclassering)",
        "Youths with youth support and child protection (no juvenile probation)",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdzorg_jeugdhulp_jeugdreclassering",
        "Jongeren met jeugdhulp en jeugdreclassering (zonder jeugdbescherming)",
        "Youths with youth support and juvenile probation (no child protection)",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "jeugdzorg_jeugdhulp_jeugdbescherming_jeugdreclassering",
        "Jongeren met jeugdhulp, jeugdbescherming en jeugdreclassering",
        "Youths with youth support, child protection and juvenile probation",
        "aantal",
        "jeugd",
        "bereik",
    ),
    # CBS 85994NED: persons with a social-domain provision, by exclusive combination of laws.
    _i(
        "sociaal_domein_huishoudens",
        "Huishoudens met een voorziening in het sociaal domein",
        "Households with a social-domain provision",
        "aantal",
        "sociaal domein",
        "bereik",
    ),
    _i(
        "sociaal_domein_alleen_jeugd",
        "Personen met alleen jeugdzorg (sociaal domein)",
        "Persons with youth care only (social domain)",
        "aantal",
        "sociaal domein",
        "bereik",
    ),
    _i(
        "sociaal_domein_alleen_participatiewet",
        "Personen met alleen een Participatiewet-voorziening",
        "Persons with a Participation Act provision only",
        "aantal",
        "sociaal domein",
        "bereik",
    ),
    _i(
        "sociaal_domein_alleen_wmo",
        "Personen met alleen een Wmo-voorziening",
        "Persons with a Wmo provision only",
        "aantal",
        "sociaal domein",
        "bereik",
    ),
    _i(
        "sociaal_domein_jeugd_participatiewet",
        "Personen met jeugdzorg en een Participatiewet-voorziening (zonder Wmo)",
        "Persons with youth care and a Participation Act provision (no Wmo)",
        "aantal",
        "sociaal domein",
        "bereik",
    ),
    _i(
        "sociaal_domein_jeugd_wmo",
        "Personen met jeugdzorg en een Wmo-voorziening (zonder Participatiewet)",
        "Persons with youth care and a Wmo provision (no Participation Act)",
        "aantal",
        "sociaal domein",
        "bereik",
    ),
    _i(
        "sociaal_domein_participatiewet_wmo",
        "Personen met een Participatiewet- en een Wmo-voorziening (zonder jeugdzorg)",
        "Persons with a Participation Act and a Wmo provision (no youth care)",
        "aantal",
        "sociaal domein",
        "bereik",
    ),
    _i(
        "sociaal_domein_jeugd_participatiewet_wmo",
        "Personen met jeugdzorg, een Participatiewet- en een Wmo-voorziening",
        "Persons with youth care, a Participation Act and a Wmo provision",
        "aantal",
        "sociaal domein",
        "bereik",
    ),
    # Published by the municipality.
    _i(
        "buurtteam_jg_gezinnen_pct",
        "Gezinnen ondersteund door buurtteams Jeugd en Gezin (% van alle Utrechtse gezinnen)",
        "Families supported by youth and family teams (% of all families in the city)",
        "procent",
        "jeugd",
        "bereik",
    ),
    _i(
        "buurtteam_sociaal_wachttijd_norm",
        "Streefwaarde wachttijd buurtteam Sociaal (gemiddeld)",
        "Target waiting time, social team (mean)",
        "werkdagen",
        "wmo",
        "beschikbaarheid",
    ),
    # Budgets per programme or programme objective (x EUR 1,000). Saldo rows are signed
    # (they may be negative); see docs/published-data.md.
    _i(
        "lasten_begroot_maatschappelijke_ondersteuning",
        "Lasten begroot, programma Maatschappelijke Ondersteuning",
        "Budgeted expenditure, programme Social Support",
        "euro x 1000",
        "wmo",
        "financien",
    ),
    _i(
        "lasten_gerealiseerd_maatschappelijke_ondersteuning",
        "Lasten gerealiseerd, programma Maatschappelijke Ondersteuning",
        "Realised expenditure, programme Social Support",
        "euro x 1000",
        "wmo",
        "financien",
    ),
    _i(
        "lasten_begroot_ondersteuning_op_maat",
        "Lasten begroot, programma Ondersteuning op maat",
        "Budgeted expenditure, programme Tailored Support",
        "euro x 1000",
        "sociaal domein",
        "financien",
    ),
    _i(
        "baten_begroot_ondersteuning_op_maat",
        "Baten begroot, programma Ondersteuning op maat",
        "Budgeted income, programme Tailored Support",
        "euro x 1000",
        "sociaal domein",
        "financien",
    ),
    _i(
        "lasten_aandeel_ondersteuning_op_maat",
        "Lasten programma Ondersteuning op maat (% van de totale lasten van de begroting)",
        "Expenditure of programme Tailored Support (% of total budgeted expenditure)",
        "procent",
        "sociaal domein",
        "financien",
    ),
    _i(
        "baten_aandeel_ondersteuning_op_maat",
        "Baten programma Ondersteuning op maat (% van de totale baten van de begroting)",
        "Income of programme Tailored Support (% of total budgeted income)",
        "procent",
        "sociaal domein",
        "financien",
    ),
    _i(
        "lasten_begroot_passende_basiszorg",
        "Lasten begroot, doelstelling Passende basiszorg",
        "Budgeted expenditure, objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
    ),
    _i(
        "lasten_gerealiseerd_passende_basiszorg",
        "Lasten gerealiseerd (rekening), doelstelling Passende basiszorg",
        "Realised expenditure (accounts), objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
    ),
    _i(
        "baten_begroot_passende_basiszorg",
        "Baten begroot, doelstelling Passende basiszorg",
        "Budgeted income, objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
    ),
    _i(
        "baten_gerealiseerd_passende_basiszorg",
        "Baten gerealiseerd (rekening), doelstelling Passende basiszorg",
        "Realised income (accounts), objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
    ),
    _i(
        "reserves_onttrekking_begroot_passende_basiszorg",
        "Onttrekking reserves begroot, doelstelling Passende basiszorg",
        "Budgeted withdrawal from reserves, objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
    ),
    _i(
        "reserves_onttrekking_gerealiseerd_passende_basiszorg",
        "Onttrekking reserves gerealiseerd (rekening), doelstelling Passende basiszorg",
        "Realised withdrawal from reserves (accounts), objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
    ),
    _i(
        "reserves_toevoeging_begroot_passende_basiszorg",
        "Toevoeging reserves begroot, doelstelling Passende basiszorg",
        "Budgeted addition to reserves, objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
    ),
    _i(
        "reserves_toevoeging_gerealiseerd_passende_basiszorg",
        "Toevoeging reserves gerealiseerd (rekening), doelstelling Passende basiszorg",
        "Realised addition to reserves (accounts), objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
    ),
    _i(
        "lasten_afwijking_maatschappelijke_ondersteuning",
        "Afwijking lasten (begroot min gerealiseerd), programma Maatschappelijke Ondersteuning",
        "Expenditure variance (budgeted minus realised), programme Social Support",
        "euro x 1000",
        "wmo",
        "financien",
        signed=True,
    ),
    _i(
        "saldo_baten_lasten_begroot_passende_basiszorg",
        "Saldo baten en lasten begroot, doelstelling Passende basiszorg",
        "Balance of income and expenditure, budgeted, objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
        signed=True,
    ),
    _i(
        "saldo_baten_lasten_gerealiseerd_passende_basiszorg",
        "Saldo baten en lasten gerealiseerd (rekening), doelstelling Passende basiszorg",
        "Balance of income and expenditure, realised (accounts), objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
        signed=True,
    ),
    _i(
        "saldo_reserves_begroot_passende_basiszorg",
        "Saldo onttrekkingen en toevoegingen reserves begroot, doelstelling Passende basiszorg",
        "Balance of reserve withdrawals and additions, budgeted, objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
        signed=True,
    ),
    _i(
        "saldo_reserves_gerealiseerd_passende_basiszorg",
        "Saldo onttrekkingen en toevoegingen reserves gerealiseerd (rekening), doelstelling Passende basiszorg",
        "Balance of reserve withdrawals and additions, realised (accounts), objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
        signed=True,
    ),
    _i(
        "saldo_totaal_begroot_passende_basiszorg",
        "Totaal (saldo na reserves) begroot, doelstelling Passende basiszorg",
        "Total (balance after reserves), budgeted, objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
        signed=True,
    ),
    _i(
        "saldo_totaal_gerealiseerd_passende_basiszorg",
        "Totaal (saldo na reserves) gerealiseerd (rekening), doelstelling Passende basiszorg",
        "Total (balance after reserves), realised (accounts), objective Appropriate basic care",
        "euro x 1000",
        "wmo",
        "financien",
        signed=True,
    ),
    _i(
        "lasten_beinvloedbaar_pct_passende_basiszorg",
        "Beïnvloedbare lasten, doelstelling Passende basiszorg (% van de lasten)",
        "Influenceable expenditure, objective Appropriate basic care (% of expenditure)",
        "procent",
        "wmo",
        "financien",
    ),
    # Begroting 2020 (data/published/begroting_2020_aanvulling.csv)
    _i(
        "rijksmiddelen_jeugd_meicirculaire_2019",
        "Extra rijksmiddelen jeugdzorg, meicirculaire 2019, voor 2019 t/m 2021 samen (landelijk)",
        "Additional central-government funds for youth care, May circular 2019, for 2019-2021 together (national)",
        "euro x 1000",
        "jeugd",
        "financien",
    ),
    _i(
        "pilot_dak_thuisloze_jongeren",
        "Jongeren begeleid in de Pilot Dak- en Thuisloze Jongeren (gepland)",
        "Young people coached in the pilot for homeless young people (planned)",
        "aantal",
        "jeugd",
        "bereik",
    ),
    # Register flows (analysis.flow): inflow is *_nieuwe_casussen; outflow and running cases here.
    _i(
        "buurtteam_sociaal_afgesloten_casussen",
        "Uitstroom: afgesloten casussen buurtteams Sociaal",
        "Outflow: closed cases, social neighbourhood teams",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "buurtteam_sociaal_lopende_casussen",
        "Lopende casussen buurtteams Sociaal (stand einde periode)",
        "Running cases, social neighbourhood teams (stock at end of period)",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "buurtteam_jg_afgesloten_casussen",
        "Uitstroom: afgesloten casussen buurtteams Jeugd en Gezin",
        "Outflow: closed cases, youth and family neighbourhood teams",
        "aantal",
        "jeugd",
        "bereik",
    ),
    _i(
        "buurtteam_jg_lopende_casussen",
        "Lopende casussen buurtteams Jeugd en Gezin (stand einde periode)",
        "Running cases, youth and family neighbourhood teams (stock at end of period)",
        "aantal",
        "jeugd",
        "bereik",
    ),
    # Reach and overview (analysis.reach, analysis.overview): register figures without an id yet.
    _i(
        "aanvullende_zorg_sociaal_clienten",
        "Cliënten aanvullende zorg Sociaal",
        "Clients, additional social care",
        "aantal",
        "wmo",
        "bereik",
    ),
    _i(
        "buurtteam_jg_aanvullende_zorg_verhouding",
        "Aandeel buurtteam Jeugd en Gezin in de cliënten van buurtteam en aanvullende zorg Jeugd",
        "Youth and family team's share of the clients of team and additional youth care",
        "procent",
        "jeugd",
        "bereik",
    ),
    _i(
        "buurtteam_sociaal_wachttijd_binnen_norm_pct",
        "Wachttijd buurtteam Sociaal binnen de streefwaarde van 5 werkdagen (aandeel casussen)",
        "Waiting time of the social team within the 5-working-day target (share of cases)",
        "procent",
        "wmo",
        "beschikbaarheid",
        True,
    ),
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
