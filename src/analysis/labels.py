"""The label catalogue: every text a reader sees that is not an indicator label.

Indicator labels live in :mod:`analysis.indicators`; everything else a chart
or table shows (axis titles, legend and annotation texts, region groups, team
and theme names, period names, number formats) comes from here, in Dutch
(``nl``, the default) or English (``en``). Notebooks never type these texts
themselves, so a chart in Dutch and its English twin say the same thing.

The language is set once per session (:func:`set_language`, called by
:func:`analysis.notebook.start`); every function here takes ``language=None``
and then uses it.

Conventions
-----------
* Keys are lower-case identifiers; :func:`label` also accepts spaces, hyphens
  and capitals (``label("nader voorlopig")`` == ``label("nader_voorlopig")``),
  so status values, theme ids and team names of the data can be passed as is.
* Numbers are written the Dutch way in ``nl`` (``12.163``, ``7,6``) and the
  English way in ``en`` (``12,163``, ``7.6``). Halves are rounded away from
  zero (``2,5`` -> ``3``), as statistical offices do, not to even.
* A missing number (None, NaN) is written :data:`MISSING` (an en dash);
  zero is always written ``0``, so the two never look alike.
* Negative numbers carry an ASCII hyphen-minus (``-1.234``) so that copied
  figures paste into a spreadsheet as numbers.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .indicators import UNITS, get_indicator
from .periods import period_type_of

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

MISSING = "\u2013"
"""Text shown for a missing value (an en dash)."""

# key -> (Dutch, English)
LABELS: dict[str, tuple[str, str]] = {
    # --- axis titles and table headers ------------------------------------------------
    "period": ("Periode", "Period"),
    "year": ("Jaar", "Year"),
    "halfyear": ("Halfjaar", "Half year"),
    "quarter": ("Kwartaal", "Quarter"),
    "month": ("Maand", "Month"),
    "date": ("Peildatum", "Reference date"),
    "count": ("Aantal", "Number"),
    "percentage": ("Percentage", "Percentage"),
    "value": ("Waarde", "Value"),
    "region": ("Gebied", "Area"),
    "municipality": ("Gemeente", "Municipality"),
    "wijk": ("Wijk", "District"),
    "indicator": ("Indicator", "Indicator"),
    "unit": ("Eenheid", "Unit"),
    "status": ("Status", "Status"),
    "latest_value": ("Laatste waarde", "Latest value"),
    "previous_value": ("Vorige waarde", "Previous value"),
    "previous_period": ("Vorige periode", "Previous period"),
    "change": ("Verandering", "Change"),
    "change_vs_previous": ("Verandering t.o.v. vorige periode", "Change vs previous period"),
    "trend": ("Trend", "Trend"),
    # --- source line, legend and annotation texts -----------------------------------------
    "source": ("Bron", "Source"),
    "sources": ("Bronnen", "Sources"),
    "data_as_of": ("gegevens", "data"),
    "and": ("en", "and"),
    "synthetic": ("synthetisch", "synthetic"),
    "synthetic_note": (
        "synthetische gegevens, geen echte cliënten",
        "synthetic data, no real clients",
    ),
    "definitief": ("definitief", "final"),
    "voorlopig": ("voorlopig", "provisional"),
    "nader_voorlopig": ("nader voorlopig", "revised provisional"),
    "missing": ("ontbreekt", "missing"),
    "suppressed": ("onderdrukt", "suppressed"),
    "suppressed_note": (
        "kleine aantallen niet getoond (privacy)",
        "small numbers not shown (privacy)",
    ),
    "secondary_suppressed_note": (
        "x niet getoond om herleiding te voorkomen",
        "x withheld to prevent disclosure",
    ),
    "provisional_marker_note": ("open symbool = voorlopig", "open symbol = provisional"),
    "open_symbol": ("open symbool", "open symbol"),
    "series_break": ("trendbreuk", "series break"),
    "norm": ("streefwaarde", "target"),
    "forecast": ("prognose", "forecast"),
    "forecast_method": ("methode", "method"),
    "observed": ("realisatie", "observed"),
    "interval_80": ("80%-interval", "80% interval"),
    "interval_95": ("95%-interval", "95% interval"),
    "percentage_point": ("%-punt", "pp"),
    "no_data": ("geen gegevens", "no data"),
    "empty_selection": ("Geen gegevens voor deze selectie", "No data for this selection"),
    "empty_selection_what": (
        "{what}: geen gegevens voor deze selectie",
        "{what}: no data for this selection",
    ),
    "selection_period": ("periode {start} tot en met {end}", "period {start} to {end}"),
    "selection_from": ("vanaf {start}", "from {start}"),
    "selection_until": ("tot en met {end}", "up to {end}"),
    # --- regions and region groups ---------------------------------------------------------
    "nederland": ("Nederland", "Netherlands"),
    "g4": ("G4", "G4"),
    "g4_average": ("gemiddelde G4", "G4 average"),
    "size_class_median": (
        "mediaan gemeenten van dezelfde grootte",
        "median of municipalities of the same size",
    ),
    "no_size_class": (
        "Grootteklasse onbekend: importeer CBS-tabel 85755NED (Gebieden in Nederland) om te vergelijken met gemeenten van dezelfde grootte.",
        "Size class unknown: import CBS table 85755NED (Gebieden in Nederland) to compare with municipalities of the same size.",
    ),
    "city": ("stad", "city"),
    "comparable_median": ("mediaan vergelijkbare gemeenten", "median of comparable municipalities"),
    "comparable_characteristics": (
        "kenmerken van gemeenten (keuze van de vergelijkbare gemeenten)",
        "characteristics of municipalities (choice of the comparable municipalities)",
    ),
    "comparable_none": (
        "Geen vergelijkbare gemeenten: de regel ({rule}) vindt er geen, of de CBS-tabel Gebieden in Nederland "
        "(85755NED) met de kenmerken van de gemeenten ontbreekt.",
        "No comparable municipalities: the rule ({rule}) finds none, or the CBS table Gebieden in Nederland "
        "(85755NED) with the municipalities' characteristics is missing.",
    ),
    "comparable_how": (
        "Vergelijkbare gemeenten: {n} gemeenten met {rule}; kenmerken uit CBS-tabel {table} (Gebieden in "
        "Nederland, {vintage}). De lijn is de mediaan van de gemeenten die voor een periode een cijfer hebben "
        "(minstens 3).",
        "Comparable municipalities: {n} municipalities with {rule}; characteristics from CBS table {table} "
        "(Gebieden in Nederland, {vintage}). The line is the median of the municipalities with a figure for a "
        "period (at least 3).",
    ),
    "all_municipalities_median": ("mediaan alle gemeenten", "median of all municipalities"),
    "costs_col_publication": ("Publicatie", "Publication"),
    "costs_col_line": ("Regel", "Line"),
    "costs_col_amount": ("Bedrag (x € 1.000)", "Amount (x € 1,000)"),
    "costs_col_where": ("Waar gedrukt", "Where printed"),
    "costs_col_ratio": ("Verhouding", "Ratio"),
    "costs_col_per_client": ("Per cliënt", "Per client"),
    "costs_col_numerator": ("Teller (bron, periode)", "Numerator (source, period)"),
    "costs_col_denominator": ("Noemer (bron, periode)", "Denominator (source, period)"),
    "costs_no_budget": (
        "Voor {region} zijn geen eigen begrotingsregels overgenomen: de gepubliceerde cijfers van het project "
        "(data/published) bevatten alleen de begrotingen en jaarstukken van Utrecht. De CBS-kosten hierboven "
        "gelden wel voor elke gemeente.",
        "No budget lines of {region} are transcribed: the project's published figures (data/published) hold "
        "only the budgets and annual accounts of Utrecht. The CBS costs above do apply to every municipality.",
    ),
    "costs_left_out": (
        "Zonder kostencijfer in 83454NED in de gekozen periode, en daarom niet in de grafieken: {names}.",
        "Without a cost figure in 83454NED in the chosen period, and therefore not in the charts: {names}.",
    ),
    "costs_no_ratio": (
        "Geen kosten per cliënt: er is geen jaar waarin zowel een begrotingsregel als een aantal cliënten "
        "van {region} gepubliceerd is.",
        "No cost per client: there is no year in which both a budget line and a number of clients of "
        "{region} were published.",
    ),
    "costs_no_cbs": (
        "CBS-tabel 83454NED (Kosten jeugdzorg) heeft geen cijfers voor {region} in de gekozen periode.",
        "CBS table 83454NED (youth-care costs) has no figures for {region} in the chosen period.",
    ),
    "comparable_own": ("gekozen gemeente", "chosen municipality"),
    "comparable_member": ("vergelijkbaar", "comparable"),
    "comparable_col_name": ("Gemeente", "Municipality"),
    "comparable_col_role": ("Rol", "Role"),
    "comparable_col_size": ("Grootteklasse", "Size class"),
    "comparable_col_urbanity": ("Stedelijkheid", "Urbanity"),
    "comparable_col_inhabitants": ("Inwoners", "Inhabitants"),
    "comparable_col_density": ("Adressen per km²", "Addresses per km²"),
    # --- teams, care and domains ------------------------------------------------------------
    "buurtteam": ("buurtteam", "neighbourhood team"),
    "buurtteams": ("buurtteams", "neighbourhood teams"),
    "aanvullende_zorg": ("aanvullende zorg", "additional care"),
    "jeugd_en_gezin": ("Jeugd en Gezin", "Youth and Family"),
    "sociaal": ("Sociaal", "Social"),
    "jeugd": ("Jeugd", "Youth"),
    "wmo": ("Wmo", "Wmo"),
    "sociaal_domein": ("sociaal domein", "social domain"),
    # --- themes (Utrecht's stelselindicatoren) ------------------------------------------------
    "bereik": ("Bereik", "Reach"),
    "beschikbaarheid": ("Beschikbaarheid", "Availability"),
    "kwaliteit": ("Kwaliteit", "Quality"),
    "context": ("Context", "Context"),
    "financien": ("Financiën", "Finances"),
    # --- register sections: scope (analysis.register.register_scope) ------------------------------
    "register_synthetic_other_region": (
        "Het synthetische register beschrijft {register_region} ({register_code}), niet {region}: de secties op "
        "basis van het register worden overgeslagen. Geef met de parameter register het eigen register van de "
        "gemeente op. De CBS-secties werken wel.",
        "The synthetic register describes {register_region} ({register_code}), not {region}: the sections based on "
        "the register are skipped. Pass the municipality's own register with the parameter register. The CBS "
        "sections do work.",
    ),
    "register_other_region": (
        "Het register {path} bevat geen casussen van {region}: de secties op basis van het register worden overgeslagen.",
        "The register {path} holds no cases of {region}: the sections based on the register are skipped.",
    ),
    "register_no_wijk": (
        "Het register bevat geen casussen in wijk {wijk}: de secties op basis van het register worden overgeslagen.",
        "The register holds no cases in district {wijk}: the sections based on the register are skipped.",
    ),
    "register_skipped": (
        "Overgeslagen: geen register voor {area} (zie boven).",
        "Skipped: no register for {area} (see above).",
    ),
    "synthetic_register": ("synthetisch register", "synthetic register"),
    "case_register": ("casusregister", "case register"),
    "register": ("register", "register"),
    "not_used": ("niet gebruikt", "not used"),
    "snapshot_date": ("peildatum", "snapshot date"),
    # --- flows (notebook 02) -----------------------------------------------------------------
    "inflow": ("instroom", "inflow"),
    "outflow": ("uitstroom", "outflow"),
    "stock_begin": ("stand begin", "stock at start"),
    "stock_end": ("stand einde", "stock at end"),
    "difference": ("verschil", "difference"),
    "team": ("team", "team"),
    "periods_checked": ("perioden", "periods"),
    "periods_with_difference": ("perioden met verschil", "periods with a difference"),
    "largest_difference": ("grootste verschil", "largest difference"),
    "first_period_with_difference": (
        "eerste periode met verschil",
        "first period with a difference",
    ),
    "identity_holds": (
        "De voorraad-stroomidentiteit stand(einde) = stand(begin) + instroom - uitstroom klopt in alle {n} "
        "perioden ({what}).",
        "The stock-flow identity stock(end) = stock(start) + inflow - outflow holds in all {n} periods ({what}).",
    ),
    "identity_fails": (
        "De voorraad-stroomidentiteit klopt niet in {k} van de {n} perioden ({what}); de verschillen staan in de tabel.",
        "The stock-flow identity fails in {k} of {n} periods ({what}); the table lists the differences.",
    ),
    "duration_days": ("dagen sinds aanmelding", "days since registration"),
    "days": ("dagen", "days"),
    "running_end": ("lopend aan het eind van de periode", "running at the end of the period"),
    "share_running": ("aandeel casussen nog lopend", "share of cases still running"),
    "survival_title": (
        "Duur van trajecten: aanmelding tot afsluiting",
        "Duration of cases: registration to closure",
    ),
    "survival_subtitle": (
        "Kaplan-Meier; lopende casussen gecensureerd op {date}; band: 95%-interval; "
        "getoond zolang minstens {n} casussen lopen",
        "Kaplan-Meier; running cases censored at {date}; band: 95% interval; shown while at least {n} cases run",
    ),
    "median_duration": ("mediane duur (dagen)", "median duration (days)"),
    "not_estimable": ("niet te schatten", "not estimable"),
    "cases": ("casussen", "cases"),
    "closed": ("afgesloten", "closed"),
    "running": ("nog lopend", "still running"),
    "urgent": ("spoed", "urgent"),
    "not_urgent": ("niet spoed", "not urgent"),
    "all_cases": ("alle casussen", "all cases"),
    "mean": ("gemiddelde", "mean"),
    "median": ("mediaan", "median"),
    "p90": ("90e percentiel", "90th percentile"),
    "within_norm_pct": ("binnen de streefwaarde (%)", "within the target (%)"),
    "no_conversation": ("zonder gesprek", "without a conversation"),
    "waiting_title": (
        "Wachttijd aanmelding tot keukentafelgesprek",
        "Waiting time from registration to first conversation",
    ),
    "waiting_within_norm_title": (
        "Aandeel binnen de streefwaarde van {norm} werkdagen",
        "Share within the target of {norm} working days",
    ),
    "published": ("gepubliceerd", "published"),
    "publication": ("publicatie", "publication"),
    "exceptional_outflow": ("uitzonderlijk hoge uitstroom", "exceptionally high outflow"),
    "table_change": ("tabelwissel", "table change"),
    "stand_next": ("volgende stand", "next stock"),
    "expected_next": ("stand + instroom - uitstroom", "stock + inflow - outflow"),
    "note": ("opmerking", "note"),
    "beyond_rounding": ("verschil groter dan afronding", "difference beyond rounding"),
    "frequency": ("periodesoort", "period type"),
    "cbs_identity_count": (
        "{what}: in {k} van de {n} perioden wijkt stand + instroom - uitstroom meer dan de afronding af van de "
        "volgende stand",
        "{what}: in {k} of {n} periods stock + inflow - outflow misses the next stock by more than rounding",
    ),
    "cbs_wmo_flows_title": (
        "Wmo-maatwerkvoorzieningen volgens CBS",
        "Wmo tailored provisions according to CBS",
    ),
    "cbs_stock_note": (
        "CBS-stand = stand aan het BEGIN van de periode",
        "CBS stock = stock at the START of the period",
    ),
    # --- experience (notebook 03) ------------------------------------------------------------
    "mark_toegankelijkheid": ("Toegankelijkheid", "Accessibility"),
    "mark_kwaliteit": ("Kwaliteit", "Quality"),
    "mark_effect": ("Effect", "Effect"),
    "mark_rapportcijfer": ("Rapportcijfer (totaal)", "Overall mark"),
    "marks_title": ("Ervaringen van cliënten: rapportcijfers", "Client experience: marks"),
    "marks_subtitle": (
        "gemiddelde met 95%-interval (t-verdeling)",
        "mean with 95% interval (t distribution)",
    ),
    "without_help_title": (
        "Verder zonder hulp na afsluiting",
        "Continuing without help after closure",
    ),
    "without_help_subtitle": (
        "aandeel met 95%-interval (Wilson)",
        "share with 95% interval (Wilson)",
    ),
    "responses": ("antwoorden", "responses"),
    "measure": ("maat", "measure"),
    "groups": ("groepen", "groups"),
    "test": ("toets", "test"),
    "statistic": ("toetsgrootheid", "statistic"),
    "df": ("vrijheidsgraden", "degrees of freedom"),
    "p_value": ("p-waarde", "p-value"),
    "p_holm": ("p (Holm)", "p (Holm)"),
    "effect_size": ("effectgrootte", "effect size"),
    "conclusion": ("conclusie", "conclusion"),
    "test_welch": ("Welch-ANOVA", "Welch ANOVA"),
    "test_kruskal": ("Kruskal-Wallis", "Kruskal-Wallis"),
    "test_chi2": ("chi-kwadraattoets", "chi-square test"),
    "significant": ("significant verschil", "significant difference"),
    "not_significant": ("geen significant verschil", "no significant difference"),
    "too_few_groups": (
        "niet te toetsen: minder dan twee groepen met genoeg antwoorden",
        "not testable: fewer than two groups with enough responses",
    ),
    "groups_left_out": (
        "buiten de toets (minder dan {n} antwoorden): {groups}",
        "left out of the test (fewer than {n} responses): {groups}",
    ),
    "between_wijken": ("tussen wijken", "between districts"),
    "between_teams": ("tussen teams", "between teams"),
    "tests_caption": ("Toetsen {between}", "Tests {between}"),
    "waiting_beside_published_caption": (
        "Gemiddelde wachttijd van Buurtteam Sociaal: register naast de publicaties",
        "Mean waiting time of the Social neighbourhood team: register beside the publications",
    ),
    "group_interval_subtitle": (
        "{period}, gemiddelde met 95%-interval; x: minder dan {n} antwoorden",
        "{period}, mean with 95% interval; x: fewer than {n} responses",
    ),
    # --- reach (notebook 01, analysis.reach) and overview (notebook 00, analysis.overview) -------
    "reach_register_line": ("Casusregister", "Case register"),
    "reach_group_sociaal": ("Buurtteams Sociaal", "Social neighbourhood teams"),
    "reach_group_jeugd_en_gezin": (
        "Buurtteams Jeugd en Gezin",
        "Youth and family neighbourhood teams",
    ),
    "reach_group_aanvullende_zorg": ("Aanvullende zorg", "Additional care"),
    "reach_forward_title": (
        "Beweging naar voren: aandeel cliënten bij het buurtteam",
        "Shift to the front: share of clients with the neighbourhood team",
    ),
    "reach_forward_subtitle": (
        "cliënten buurtteam / (cliënten buurtteam + cliënten aanvullende zorg), per domein",
        "team clients / (team clients + clients of additional care), per domain",
    ),
    "reach_beside_subtitle": (
        "register naast de gepubliceerde cijfers, een lijn per publicatie",
        "register beside the published figures, one line per publication",
    ),
    "reach_no_wijken": (
        "Geen wijkindeling bekend voor {region}: kies een wijk met de parameter wijk.",
        "No districts known for {region}: choose one with the parameter wijk.",
    ),
    # analysis.wijken: the wijk division over the years
    "wijk_division_none": (
        "Wijkindeling: CBS meldt voor elke wijk in elk jaar dezelfde code en dezelfde grenzen als het jaar "
        "ervoor (Indelingswijziging 1); de lijnen lopen over alle jaren.",
        "District division: CBS reports the same code and boundaries as the year before for every district in every "
        "year (Indelingswijziging 1); the lines run over all years.",
    ),
    "wijk_division_unchecked": (
        "De gebruikte CBS-bron zegt niet of de wijkindeling veranderde (geen Indelingswijziging); alleen "
        "ontbrekende jaren zijn als breuk behandeld.",
        "The CBS source used does not say whether the district division changed (no Indelingswijziging); only "
        "missing years are treated as breaks.",
    ),
    "wijk_division_breaks": (
        "Wijkindeling gewijzigd; de lijn begint na de laatste wijziging, eerdere jaren zijn weggelaten:",
        "District division changed; the line starts after the last change, earlier years are left out:",
    ),
    "wijk_division_code": (
        "nieuwe wijkcode, zelfde grenzen (CBS 2)",
        "new district code, same boundaries (CBS 2)",
    ),
    "wijk_division_boundaries": ("grenzen gewijzigd (CBS 3)", "boundaries changed (CBS 3)"),
    "wijk_division_missing": ("het jaar ervoor ontbreekt", "the year before is missing"),
    "wijk_too_many": (
        "{n} wijken: te veel voor kleine grafieken; kies een wijk met de parameter wijk",
        "{n} districts: too many for small multiples; choose one with the parameter `wijk`",
    ),
    "cbs_forward_title": (
        "Jeugdhulptrajecten door het wijk- of buurtteam (% van alle jeugdhulptrajecten)",
        "Youth support trajectories run by the neighbourhood team (% of all youth support trajectories)",
    ),
    "cbs_forward_subtitle": (
        "lopende trajecten op de peildatum; afgeleid uit CBS-aantallen (op 5 afgerond); vanaf 2016",
        "running trajectories on the reference date; derived from CBS counts (rounded to 5); from 2016",
    ),
    "cbs_forward_counts_subtitle": (
        "lopende trajecten op de peildatum: buurtteam tegenover aanbieders (overig = totaal min buurtteam)",
        "running trajectories on the reference date: neighbourhood team against providers (other = total minus team)",
    ),
    "cbs_forward_summary": (
        "{region}: aandeel buurtteam {first} op {first_period}, hoogste {peak} op {peak_period}, "
        "laatste {last} op {last_period} ({status}).",
        "{region}: neighbourhood-team share {first} on {first_period}, highest {peak} on {peak_period}, "
        "latest {last} on {last_period} ({status}).",
    ),
    "verblijf_youths_year": (
        "jaarcijfers; afgeleid: CBS 82966NED x 82972NED, op 5 afgerond",
        "yearly figures; derived: CBS 82966NED x 82972NED, rounded to 5",
    ),
    "verblijf_youths_halfyear": (
        "halfjaarcijfers; afgeleid: CBS 82966NED x 82972NED, op 5 afgerond",
        "half-yearly figures; derived: CBS 82966NED x 82972NED, rounded to 5",
    ),
    "verblijf_trajectories_subtitle": (
        "lopende trajecten op de peildatum; een jongere kan er meer hebben",
        "running trajectories on the reference date; a youth may have several",
    ),
    # analysis.doelgroepen
    "doelgroep": ("doelgroep", "target group"),
    "team_sociaal": ("Buurtteam Sociaal", "Social neighbourhood team"),
    "team_jeugd_en_gezin": ("Buurtteam Jeugd en Gezin", "Youth and family neighbourhood team"),
    "team_aanvullende_zorg": ("Aanvullende zorg Sociaal", "Additional social care"),
    "doelgroep_kinderen_0_11": ("kinderen (0-11 jaar)", "children (0-11 years)"),
    "doelgroep_jongeren_12_17": ("jongeren (12-17 jaar)", "young people (12-17 years)"),
    "doelgroep_jongvolwassenen_18_22": (
        "jongvolwassenen (18 tot 23 jaar)",
        "young adults (18 to 23 years)",
    ),
    "doelgroep_volwassenen_23_64": ("volwassenen (23-64 jaar)", "adults (23-64 years)"),
    "doelgroep_ouderen_65_74": ("ouderen (65-74 jaar)", "older people (65-74 years)"),
    "doelgroep_ouderen_75_plus": ("ouderen (75 jaar en ouder)", "older people (75 and over)"),
    "doelgroep_beschermd_wonen": ("beschermd wonen", "sheltered housing"),
    "doelgroep_maatschappelijke_opvang": ("maatschappelijke opvang", "shelter"),
    # analysis.claims
    "claim_quote": (
        "Bewering: '{quote}' ({publication}, {source_ref}).",
        "Claim: '{quote}' ({publication}, {source_ref}).",
    ),
    "claim_check": (
        "{what}, {region}: {claimed} volgens de bewering; CBS: {first} ({first_period}) naar {last} ({last_period}): "
        "{verdict} (CBS {source}).",
        "{what}, {region}: claimed to {claimed}; CBS: {first} ({first_period}) to {last} ({last_period}): "
        "{verdict} (CBS {source}).",
    ),
    "claim_stijgt": ("stijgt", "rise"),
    "claim_daalt": ("daalt", "fall"),
    "claim_holds": ("klopt", "holds"),
    "claim_fails": ("klopt niet", "does not hold"),
    "claim_no_data": (
        "{what}, {region}: geen CBS-cijfers voor deze periodes in de selectie.",
        "{what}, {region}: no CBS figures for these periods in the selection.",
    ),
    "claim_scope": ("Wat CBS hiervan meet: {scope}.", "What CBS measures of it: {scope}."),
    "wijk_rounded_five": (
        "In {periods} zijn ook de cijfers per 1.000 inwoners door CBS op 5 afgerond.",
        "In {periods} CBS rounded the figures per 1,000 inhabitants to 5 as well.",
    ),
    "reach_no_cbs": (
        "{indicator}: geen CBS-cijfers in deze bron. Importeer de CBS-tabellen met "
        "python -m analysis cbs import of kies een andere source.",
        "{indicator}: no CBS figures in this source. Import the CBS tables with "
        "python -m analysis cbs import or choose another source.",
    ),
    "reach_no_published": (
        "Geen gepubliceerde cijfers van {region} om naast het register te zetten.",
        "No published figures of {region} to set beside the register.",
    ),
    "reach_period_year": (
        "jaarcijfers: iedereen met zorg of ondersteuning in het jaar",
        "yearly figures: everyone with care or support during the year",
    ),
    "reach_period_halfyear": (
        "halfjaarcijfers: iedereen met zorg of ondersteuning in het halfjaar; niet te vergelijken met jaarcijfers",
        "half-yearly figures: everyone with care or support during the half year; not comparable with yearly figures",
    ),
    "page_stamp": (
        "Gemaakt op {date} om {time} in run {run_id} met analysis {version} (commit {commit}).",
        "Made on {date} at {time} in run {run_id} with analysis {version} (commit {commit}).",
    ),
    "page_stamp_no_commit": (
        "Gemaakt op {date} om {time} in run {run_id} met analysis {version}.",
        "Made on {date} at {time} in run {run_id} with analysis {version}.",
    ),
    "cbs_flow_caption_year": (
        "Jaarcijfers: stand aan het begin van het jaar, instroom en uitstroom in het jaar",
        "Yearly figures: stock at the start of the year, inflow and outflow during the year",
    ),
    "cbs_flow_caption_halfyear": (
        "Halfjaarcijfers: stand aan het begin van het halfjaar, instroom en uitstroom in het "
        "halfjaar; niet op te tellen tot jaarcijfers",
        "Half-yearly figures: stock at the start of the half year, inflow and outflow during the "
        "half year; they do not add up to the yearly figures",
    ),
    # --- trends and forecasts (analysis.trends) ----------------------------------------------
    "method_pooled": ("gepoolde trend", "pooled trend"),
    "method_naive": ("naïef (laatste waarde)", "naive (last value)"),
    "method_drift": ("drift (gemiddelde verandering)", "drift (mean change)"),
    "method_ets": ("exponentiële afvlakking (ETS)", "exponential smoothing (ETS)"),
    "method_arima": ("ARIMA", "ARIMA"),
    "method_uc": ("structureel tijdreeksmodel", "unobserved components"),
    "method_theta": ("Theta", "Theta"),
    "method_auto": ("automatische keuze", "automatic choice"),
    "method_combination": ("combinatie", "combination"),
    "method_weighted": (
        "gewogen gemiddelde van gepoolde trend en laatste waarde",
        "weighted average of the pooled trend and the last value",
    ),
    "trend_panel": ("over {n} gemeenten samen", "over {n} municipalities together"),
    "trend_from": (
        "reeks gebruikt vanaf {period} (trendbreuk of eerste Jeugdwetjaar ervoor)",
        "series used from {period} (a series break, or the first year of the Youth Act, lies before it)",
    ),
    "trend_leading": (
        "met {indicator} op de laatste dag van elke periode als voorlopende indicator: wie aan het eind van "
        "een periode nog zorg heeft, telt ook in de volgende mee",
        "with {indicator} on the last day of each period as a leading indicator: anyone still in care at the "
        "end of a period also counts in the next",
    ),
    "trend_level_break": (
        "tabelwissel in {period} gemodelleerd als niveausprong",
        "change of table in {period} modelled as a level shift",
    ),
    "trend_backtest": (
        "backtest over {origins} startpunten: MASE één periode vooruit {mase} (naïef {naive}), "
        "80%-interval bevatte {coverage} van de realisaties, 95%-interval {coverage95}",
        "backtest over {origins} origins: MASE one period ahead {mase} (naive {naive}), "
        "the 80% interval held {coverage} of the outcomes, the 95% interval {coverage95}",
    ),
    "trend_backtest_80": (
        "backtest over {origins} startpunten: MASE één periode vooruit {mase} (naïef {naive}), "
        "80%-interval bevatte {coverage} van de realisaties",
        "backtest over {origins} origins: MASE one period ahead {mase} (naive {naive}), "
        "the 80% interval held {coverage} of the outcomes",
    ),
    "trend_backtest_mase": (
        "backtest over {origins} startpunten: MASE één periode vooruit {mase} (naïef {naive})",
        "backtest over {origins} origins: MASE one period ahead {mase} (naive {naive})",
    ),
    "trend_no_interval95": (
        "geen 95%-interval: zo'n interval vraagt minstens {need} fouten uit eerdere startpunten "
        "om op te ijken, en deze reeks is daarvoor te kort",
        "no 95% interval: such an interval needs at least {need} errors from earlier origins "
        "to be calibrated, and this series is too short for that",
    ),
    "trend_no_interval": (
        "geen onzekerheidsmarge: de reeks is te kort om die op te ijken",
        "no uncertainty band: the series is too short to calibrate one",
    ),
    "trend_backtest_region": ("voor dit gebied MASE {mase}", "for this region MASE {mase}"),
    "trend_elapsed": (
        "Let op: een prognose begint na de laatste periode in de gegevens ({last}; {vintage}), niet op de "
        "datum van dit rapport ({today}). De voorspelde periode {periods} is dus al voorbij; de gegevens "
        "van dit rapport hebben er nog geen cijfers voor. Met nieuwere gegevens schuift de prognose op.",
        "Note: a forecast starts after the last period in the data ({last}; {vintage}), not at the date of "
        "this report ({today}). The forecast period {periods} is therefore already over; the data of this "
        "report do not hold its figures yet. With newer data the forecast moves on.",
    ),
    "trend_elapsed_many": (
        "Let op: een prognose begint na de laatste periode in de gegevens ({last}; {vintage}), niet op de "
        "datum van dit rapport ({today}). De voorspelde periodes {periods} zijn dus al voorbij; de gegevens "
        "van dit rapport hebben er nog geen cijfers voor. Met nieuwere gegevens schuift de prognose op.",
        "Note: a forecast starts after the last period in the data ({last}; {vintage}), not at the date of "
        "this report ({today}). The forecast periods {periods} are therefore already over; the data of this "
        "report do not hold their figures yet. With newer data the forecast moves on.",
    ),
    "trend_not_better": (
        "de methode was in de backtest niet beter dan de laatste waarde doortrekken",
        "in the backtest the method did no better than carrying the last value forward",
    ),
    "trend_no_backtest": (
        "te weinig waarnemingen voor een backtest",
        "too few observations for a backtest",
    ),
    "trend_naive_chosen": (
        "de prognose trekt de laatste waarde door, omdat dat in de backtest beter was dan {model} "
        "(gemiddelde MASE {naive} tegen {mase})",
        "the forecast carries the last value forward, because in the backtest that did better than {model} "
        "(mean MASE {naive} against {mase})",
    ),
    "trend_method_horizon": (
        "{method} voor {h} periode(s) vooruit",
        "{method} for {h} period(s) ahead",
    ),
    "trend_guard_naive": (
        "waar de gepoolde trend op de eerdere startpunten van de reeksen niet beter was dan de laatste waarde, "
        "trekt de prognose de laatste waarde door",
        "where the pooled trend did no better than the last value at the series' earlier origins, the forecast "
        "carries the last value forward",
    ),
    "trend_guard_weighted": (
        "de gepoolde trend telt per horizon mee met het gewicht dat op de eerdere startpunten van de reeksen "
        "met de meeste zekerheid beter was dan de laatste waarde, en minder naarmate er minder startpunten zijn",
        "per horizon the pooled trend counts with the weight that was most surely better than the last value "
        "at the series' earlier origins, and less the fewer origins there are",
    ),
    "trend_provisional_start": (
        "de prognose begint bij een voorlopige waarde ({period})",
        "the forecast starts from a provisional value ({period})",
    ),
    "trend_not_applicable": ("n.v.t.", "n/a"),
    "trend_col_model_mase": ("MASE model", "MASE model"),
    "trend_no_forecast": ("geen prognose", "no forecast"),
    "trend_too_short": (
        "te weinig waarnemingen (minder dan {n})",
        "too few observations (fewer than {n})",
    ),
    "trend_suppressed": (
        "kleine aantallen in de reeks zijn afgeschermd; geen prognose per wijk",
        "small counts in the series are withheld; no forecast for the district",
    ),
    "trend_no_last": (
        "geen waarde in de laatste periode, {period}",
        "no value in the last period, {period}",
    ),
    "trend_synthetic": (
        "reeks uit het synthetische register: de prognose is een illustratie, geen verwachting",
        "series from the synthetic register: the forecast illustrates the method, it predicts nothing",
    ),
    "trend_col_indicator": ("indicator", "indicator"),
    "trend_col_period_type": ("periode", "period"),
    "trend_col_method": ("methode", "method"),
    "trend_col_series": ("reeksen", "series"),
    "trend_col_origins": ("startpunten", "origins"),
    "trend_col_horizon": ("periodes vooruit", "periods ahead"),
    "trend_col_mase": ("MASE", "MASE"),
    "trend_col_naive_mase": ("MASE naïef", "MASE naive"),
    "trend_col_region_mase": ("MASE dit gebied", "MASE this region"),
    "trend_col_coverage80": ("dekking 80%-interval", "coverage 80% interval"),
    "trend_col_coverage95": ("dekking 95%-interval", "coverage 95% interval"),
    # --- checking published figures against their sources (notebook 06, analysis.reconcile) ----
    "reconcile_matches": ("klopt", "matches"),
    "reconcile_matches_other_period": ("klopt voor een andere periode", "matches another period"),
    "reconcile_matches_other_unit": ("klopt in een andere eenheid", "matches in another unit"),
    "reconcile_revised": ("herzien", "revised"),
    "reconcile_unexplained": ("onverklaard verschil", "unexplained difference"),
    "reconcile_no_source": ("geen bron", "no source"),
    "reconcile_published_value": ("gepubliceerde waarde", "published value"),
    "reconcile_source_table": ("brontabel", "source table"),
    "reconcile_source_period": ("bronperiode", "source period"),
    "reconcile_source_value": ("bronwaarde", "source value"),
    "reconcile_classification": ("oordeel", "verdict"),
    "reconcile_evidence": ("onderbouwing", "evidence"),
    "reconcile_publication_a": ("publicatie A", "publication A"),
    "reconcile_value_a": ("waarde A", "value A"),
    "reconcile_source_a": ("bron A", "source A"),
    "reconcile_publication_b": ("publicatie B", "publication B"),
    "reconcile_value_b": ("waarde B", "value B"),
    "reconcile_source_b": ("bron B", "source B"),
    "reconcile_basis_cbs": ("CBS", "CBS"),
    "reconcile_basis_register": ("register", "register"),
    "reconcile_basis_synthetic_register": ("synthetisch register", "synthetic register"),
    "reconcile_ev_synthetic": (
        "Alleen vergeleken met het synthetische register (verzonnen gegevens, gekalibreerd op gepubliceerde "
        "cijfers): geen verificatie",
        "Only compared with the synthetic register (made-up data, calibrated to published figures): not a "
        "verification",
    ),
    "reconcile_ev_match": (
        "gelijk aan {source} {period}: {value} (verschil {diff}, afronding ±{tol})",
        "equal to {source} {period}: {value} (difference {diff}, rounding ±{tol})",
    ),
    "reconcile_ev_other_period": (
        "gelijk aan {source} {source_period}: {value}, niet aan {period}",
        "equal to {source} {source_period}: {value}, not to {period}",
    ),
    "reconcile_ev_itself": ("{period} zelf: {value}", "{period} itself: {value}"),
    "reconcile_ev_other_unit": (
        "gelijk aan {source} {source_period} in een andere eenheid: {value}, "
        "maar gepubliceerd als {unit}",
        "equal to {source} {source_period} in another unit: {value}, but published as {unit}",
    ),
    "reconcile_ev_revised": (
        "{source} {period}: {value} (verschil {diff}); een andere versie van hetzelfde cijfer",
        "{source} {period}: {value} (difference {diff}); another vintage of the same figure",
    ),
    "reconcile_ev_provisional": (
        "gepubliceerd als {status}, in de bron {source_status}",
        "published as {status}, in the source {source_status}",
    ),
    "reconcile_ev_own_table": (
        "de publicatie is een tabelpagina van {table} zelf; de cache heeft versie {vintage}",
        "the publication is a table page of {table} itself; the cache holds vintage {vintage}",
    ),
    "reconcile_ev_other_publication": (
        "{publication} geeft {value}",
        "{publication} gives {value}",
    ),
    "reconcile_ev_other_table": (
        "de publicatie noemt tabel {cited}, vergeleken met {table} (definitie kan verschillen)",
        "the publication cites table {cited}, compared with {table} (the definition may differ)",
    ),
    "reconcile_ev_unexplained": (
        "{source} {period}: {value}; verschil {diff} groter dan de afronding (±{tol})",
        "{source} {period}: {value}; difference {diff} beyond rounding (±{tol})",
    ),
    "reconcile_ev_no_value": (
        "de publicatie geeft geen waarde ({status})",
        "the publication gives no value ({status})",
    ),
    "reconcile_ev_no_series": (
        "geen bronreeks: de indicator staat niet in de CBS-catalogus en komt niet uit het register",
        "no source series: the indicator is not in the CBS catalogue and does not come from "
        "the register",
    ),
    "reconcile_ev_no_cache": (
        "geen CBS-cache: importeer CBS-tabellen met python -m analysis cbs import PATH",
        "no CBS cache: import CBS tables with python -m analysis cbs import PATH",
    ),
    "reconcile_ev_not_cached": (
        "CBS-tabel {tables} niet in de cache",
        "CBS table {tables} not in the cache",
    ),
    "reconcile_ev_no_region": (
        "de bron heeft geen cijfers voor {region}",
        "the source has no figures for {region}",
    ),
    "reconcile_ev_no_period": (
        "{sources}: geen cijfer voor {period}",
        "{sources}: no figure for {period}",
    ),
    "reconcile_ev_nearest": (
        "dichtstbij: {source} {period}: {value}",
        "nearest: {source} {period}: {value}",
    ),
    "reconcile_summary_total": (
        "{n} gepubliceerde cijfers uit {k} publicaties gecontroleerd:",
        "{n} published figures from {k} publications checked:",
    ),
    "reconcile_summary_synthetic": (
        "{n} cijfers zijn alleen vergeleken met het **synthetische** register en tellen hierboven niet mee. Dat "
        "register is verzonnen en gekalibreerd op gepubliceerde cijfers: dat ze kloppen bewijst niets, het is geen "
        "verificatie. Ze staan apart, onder 'Vergelijkingen met het synthetische register'.",
        "{n} figures were compared only with the **synthetic** register and are not counted above. That register is "
        "made up and calibrated to published figures: that they match proves nothing, it is not a verification. "
        "They are listed apart, under 'Comparisons with the synthetic register'.",
    ),
    "reconcile_summary_no_cache": (
        "Geen CBS-cache: de {n} cijfers met een CBS-bron staan op 'geen bron'. Importeer CBS-tabellen met "
        "python -m analysis cbs import PATH, of geef met de parameter source een map met CBS-bestanden.",
        "No CBS cache: the {n} figures with a CBS source are 'no source'. Import CBS tables with "
        "python -m analysis cbs import PATH, or pass a folder of CBS files with the parameter source.",
    ),
    "reconcile_summary_real": (
        "Tegen een echte bron gecontroleerd (CBS, een echt register) of zonder bron: {n} cijfers.",
        "Checked against a real source (CBS, a real register) or without source: {n} figures.",
    ),
    "reconcile_synthetic_caveat": (
        "**Geen verificatie.** Deze {n} cijfers zijn alleen vergeleken met het **synthetische** register: verzonnen "
        "gegevens, gekalibreerd op dezelfde gepubliceerde cijfers. Dat ze kloppen zegt niets over de publicatie; "
        "ze tellen niet mee in de samenvatting.",
        "**No verification.** These {n} figures were compared only with the **synthetic** register: made-up data "
        "calibrated to the same published figures. That they match says nothing about the publication; they are "
        "not counted in the summary.",
    ),
    "reconcile_synthetic_heading": (
        "Vergelijkingen met het synthetische register",
        "Comparisons with the synthetic register",
    ),
    "reconcile_no_synthetic": (
        "Geen vergelijkingen met het synthetische register.",
        "No comparisons with the synthetic register.",
    ),
    "reconcile_no_figures": (
        "Geen gepubliceerde cijfers over dit gebied in deze perioden.",
        "No published figures about this area in these periods.",
    ),
    "reconcile_no_conflicts": (
        "Geen publicaties die elkaar tegenspreken.",
        "No publications that contradict each other.",
    ),
    # --- charts and reader tables (analysis.plotting) ---
    "target": ("streefwaarde", "target"),
    "yes": ("ja", "yes"),
    "region_code": ("gebied", "area"),
    "n": ("aantal", "number"),
    "no": ("nee", "no"),
    "synthetic_series": ("synthetische reeks", "synthetic series"),
    "alt_from_to": ("van {a} naar {b}", "from {a} to {b}"),
    "alt_chart": ("Grafiek", "Chart"),
    "alt_highest": ("hoogste", "highest"),
    "alt_lowest": ("laagste", "lowest"),
    "alt_more": ("en {n} andere", "and {n} more"),
    "alt_between": ("{what} tussen {a} en {b}", "{what} between {a} and {b}"),
    "alt_forecast": (
        "prognose {period}: {value} (95%-interval {low} tot {high})",
        "forecast {period}: {value} (95% interval {low} to {high})",
    ),
    "alt_forecast_80": (
        "prognose {period}: {value} (80%-interval {low} tot {high}; geen 95%-interval)",
        "forecast {period}: {value} (80% interval {low} to {high}; no 95% interval)",
    ),
    "alt_forecast_point": (
        "prognose {period}: {value} (zonder interval)",
        "forecast {period}: {value} (without an interval)",
    ),
    "alt_median": ("mediaan {value} dagen", "median {value} days"),
    "alt_withheld": ("{n} niet getoond (te weinig)", "{n} withheld (too few)"),
    "waiting_definition_2018": (
        "gepubliceerd t/m 2018: van melding tot start ondersteuning",
        "published until 2018: from report to start of support",
    ),
    "waiting_definition_2023": (
        "gepubliceerd vanaf 2023: van aanmelding tot keukentafelgesprek",
        "published from 2023: from application to first conversation",
    ),
    "publication_change": ("bronwissel", "change of source"),
    "publication_change_break": (
        "bronwissel: {a} \u2192 {b}, die voor dezelfde jaren andere cijfers geven",
        "change of source: {a} \u2192 {b}, which give other figures for the same years",
    ),
    "definition_break": (
        "trendbreuk: andere definitie ({a}; {b})",
        "series break: different definition ({a}; {b})",
    ),
    # --- table switches of a stitched CBS series (analysis.cbs.seams_table) ----------------
    "seam_kind": ("Soort cijfer", "Kind of figure"),
    "seam_until": ("Tot en met (oude tabel)", "Up to (old table)"),
    "seam_from": ("Vanaf (nieuwe tabel)", "From (new table)"),
    "seams_caption": (
        "Tabelwissels: waar een reeks van de ene CBS-tabel op de volgende overgaat",
        "Changes of table: where a series moves from one CBS table to the next",
    ),
    "headline_real": ("Gepubliceerde en CBS-cijfers", "Published and CBS figures"),
    "headline_synthetic": (
        "Registercijfers (synthetisch: verzonnen, niet echt)",
        "Register figures (synthetic: made up, not real)",
    ),
}

# Axis titles per unit key of analysis.indicators.UNITS.
_UNIT_AXIS: dict[str, tuple[str, str]] = {
    "aantal": ("Aantal", "Number"),
    "procent": ("Percentage (%)", "Percentage (%)"),
    "per 1000 inwoners": ("Per 1.000 inwoners", "Per 1,000 inhabitants"),
    "per 10000 inwoners": ("Per 10.000 inwoners", "Per 10,000 inhabitants"),
    "werkdagen": ("Werkdagen", "Working days"),
    "rapportcijfer": ("Rapportcijfer (1-10)", "Mark (1-10)"),
    "euro x 1000": ("x € 1.000", "x € 1,000"),
    "euro x 1000 per 1000 inwoners": (
        "x € 1.000 per 1.000 inwoners",
        "x € 1,000 per 1,000 inhabitants",
    ),
    "euro": ("Euro", "Euro"),
    "code": ("Code", "Code"),
}

# Text after a formatted value, per unit: (Dutch, English).
_UNIT_SUFFIX: dict[str, tuple[str, str]] = {
    "aantal": ("", ""),
    "procent": ("%", "%"),
    "per 1000 inwoners": (" per 1.000 inwoners", " per 1,000 inhabitants"),
    "per 10000 inwoners": (" per 10.000 inwoners", " per 10,000 inhabitants"),
    "werkdagen": (" werkdagen", " working days"),
    "rapportcijfer": ("", ""),
    "euro x 1000": (" x € 1.000", " x € 1,000"),
    "euro x 1000 per 1000 inwoners": (
        " x € 1.000 per 1.000 inwoners",
        " x € 1,000 per 1,000 inhabitants",
    ),
    "euro": (" euro", " euro"),
    "code": ("", ""),
}

UNIT_DECIMALS: dict[str, int] = {
    "aantal": 0,
    "procent": 1,
    "per 1000 inwoners": 1,
    "per 10000 inwoners": 0,
    "werkdagen": 1,  # a mean of 5,4 working days must not read "5", the norm
    "rapportcijfer": 1,
    "euro x 1000": 0,
    "euro x 1000 per 1000 inwoners": 0,
    "euro": 0,
    "code": 0,
}
"""Default number of decimals per unit in :func:`format_value`."""

_MONTHS = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
_MONTHS_SHORT = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_EN_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}
PERIOD_STYLES = ("standard", "short", "long")


def check_language(language: str) -> str:
    """Return ``language`` if it is supported.

    Raises
    ------
    ValueError
        Naming the parameter and the supported languages.
    """
    if language not in LANGUAGES:
        raise ValueError(
            f"parameter 'language': {language!r} is not supported; use one of {', '.join(LANGUAGES)}"
        )
    return language


_session_language: str = DEFAULT_LANGUAGE


def set_language(language: str) -> str:
    """Set the language of every text shown from now on (like a pandas option).

    :func:`analysis.notebook.start` calls it once per notebook session; functions
    that take ``language=None`` then use it, so notebooks need not pass it around.

    Returns
    -------
    str
        The language that was in effect before (to restore it, e.g. in tests).
    """
    global _session_language
    previous = _session_language
    _session_language = check_language(language)
    return previous


def get_language() -> str:
    """The language set by :func:`set_language` (``'nl'`` unless set)."""
    return _session_language


def resolve_language(language: str | None) -> str:
    """``language`` if given (and supported), else the session language.

    Every public function that shows text takes ``language: str | None = None``
    and starts with ``language = resolve_language(language)``.
    """
    return _session_language if language is None else check_language(language)


def _index(language: str | None) -> int:
    return LANGUAGES.index(resolve_language(language))


def normalise_key(key: str) -> str:
    """The catalogue form of a key: lower case, spaces and hyphens as underscores."""
    return "_".join(str(key).strip().lower().replace("-", " ").split())


def label(key: str, language: str | None = None) -> str:
    """The text for ``key`` in ``language``.

    Parameters
    ----------
    key : str
        A key of :data:`LABELS`; case, spaces and hyphens are forgiven
        (``"Jeugd en Gezin"``, ``"nader voorlopig"``).
    language : {'nl', 'en'}, optional
        Language of the text; default the session language (:func:`set_language`).

    Returns
    -------
    str

    Raises
    ------
    KeyError
        For an unknown key, listing the closest known keys.
    ValueError
        For an unsupported language.
    """
    idx = _index(language)
    norm = normalise_key(key)
    try:
        return LABELS[norm][idx]
    except KeyError:
        close = difflib.get_close_matches(norm, list(LABELS), n=5, cutoff=0.6)
        hint = f"did you mean {', '.join(map(repr, close))}?" if close else "no close match"
        raise KeyError(
            f"unknown label key {key!r}; {hint} (known keys: analysis.labels.LABELS)"
        ) from None


def indicator_label(indicator_id: str, language: str | None = None) -> str:
    """The label of an indicator from :mod:`analysis.indicators`.

    Raises
    ------
    KeyError
        For an unknown indicator id.
    ValueError
        For an unsupported language.
    """
    language = resolve_language(language)
    return get_indicator(indicator_id).label(language)


def unit_label(unit: str, language: str | None = None) -> str:
    """The unit text of :data:`analysis.indicators.UNITS` (``'per 1.000 inwoners'``)."""
    idx = _index(language)
    return _known_unit(unit, UNITS)[idx]


def unit_axis_label(unit: str, language: str | None = None) -> str:
    """An axis title for a unit (``'Aantal'``, ``'Percentage (%)'``, ``'Per 1.000 inwoners'``)."""
    idx = _index(language)
    return _known_unit(unit, _UNIT_AXIS)[idx]


def _known_unit(unit: str, table: dict[str, tuple[str, str]]) -> tuple[str, str]:
    try:
        return table[unit]
    except KeyError:
        raise KeyError(f"unknown unit {unit!r}; known units: {', '.join(table)}") from None


# --- periods ---------------------------------------------------------------------------


def period_label(period: str, language: str | None = None, *, style: str = "standard") -> str:
    """The reader's name of a period in project notation.

    Parameters
    ----------
    period : str
        ``2024``, ``2024H1``, ``2023Q1``, ``2023-06`` or ``2023-06-30``.
    language : {'nl', 'en'}, optional
        Default: the session language (:func:`set_language`).
    style : {'standard', 'short', 'long'}
        ``standard``: ``1e halfjaar 2024`` / ``H1 2024``, ``1e kwartaal 2023`` /
        ``Q1 2023``, ``juni 2023`` / ``June 2023``, ``30 juni 2023`` / ``30 June 2023``.
        ``short`` (axis ticks): ``1e hj 2024`` / ``H1 2024``, ``1e kw 2023`` /
        ``Q1 2023``, ``jun 2023``, ``30 jun 2023``.
        ``long`` (running text): as standard in Dutch; English spells out
        ``1st half 2024`` and ``1st quarter 2023``. A year is always ``2024``.

    Raises
    ------
    ValueError
        If ``period`` is not in project notation, or for an unknown language or style.
    """
    language = resolve_language(language)
    if style not in PERIOD_STYLES:
        raise ValueError(f"parameter 'style': {style!r}; use one of {', '.join(PERIOD_STYLES)}")
    kind = period_type_of(period)
    year = period[:4]
    if kind == "year":
        return year
    if kind in ("halfyear", "quarter"):
        return _part_of_year(kind, int(period[-1]), year, language, style)
    month = int(period[5:7])
    months = _MONTHS_SHORT if style == "short" else _MONTHS
    name = months[language][month - 1]
    if kind == "month":
        return f"{name} {year}"
    return f"{int(period[8:10])} {name} {year}"


def _part_of_year(kind: str, n: int, year: str, language: str, style: str) -> str:
    if language == "nl":
        word = {
            ("halfyear", False): "halfjaar",
            ("halfyear", True): "hj",
            ("quarter", False): "kwartaal",
            ("quarter", True): "kw",
        }[kind, style == "short"]
        return f"{n}e {word} {year}"
    if style == "long":
        return f"{_EN_ORDINALS[n]} {'half' if kind == 'halfyear' else 'quarter'} {year}"
    return f"{'H' if kind == 'halfyear' else 'Q'}{n} {year}"


# --- vintages ---------------------------------------------------------------------------

#: Dutch words and phrases of texts recorded with the data (sources, vintages, locations),
#: with their English; longer phrases first, replaced as whole words.
_RECORDED_TERMS: tuple[tuple[str, str], ...] = (
    ("ingebedde gepubliceerde cijfers", "embedded published figures"),
    ("de te controleren cijfers", "the figures to check"),
    ("gepubliceerde cijfers", "published figures"),
    ("synthetisch register", "synthetic register"),
    ("niet gecontroleerd", "not checked"),
    ("geen CBS-gegevens", "no CBS data"),
    ("geen CBS-tabel", "no CBS table"),
    ("CBS-bestanden", "CBS files"),
    ("CBS-extract", "CBS extract"),
    ("CBS-cache", "CBS cache"),
    ("CBS-versie", "CBS version"),
    ("bestand van", "file of"),
    ("casusregister", "case register"),
    ("peildatum", "reference date"),
    ("opgehaald", "retrieved"),
    ("gegenereerd", "generated"),
    ("synthetisch", "synthetic"),
    ("versie", "version"),
)
_RECORDED_WORD = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(nl) for nl, _ in _RECORDED_TERMS) + r")(?![\w-])",
    re.IGNORECASE,
)
_RECORDED_EN = {nl.lower(): en for nl, en in _RECORDED_TERMS}


def recorded_text(text: object, language: str | None = None) -> str:
    """A text recorded with the data (a source, vintage or location) for readers in ``language``.

    Sources and vintages are written in Dutch when data are stored
    (``'CBS StatLine, opgehaald 2025-04-22'``, ``'synthetisch, gegenereerd v1.0'``,
    ``'synthetisch register (analysis.synthetic, seed 20150101)'``); in English
    their Dutch words are translated (``'CBS StatLine, retrieved 2025-04-22'``).
    Names of publications and CBS table titles are proper names and are not
    passed through this function.

    Parameters
    ----------
    text : object
        The recorded text; None or a missing value gives ``''``.
    language : {'nl', 'en'}, optional
        Default: the session language.

    Returns
    -------
    str
    """
    language = resolve_language(language)
    out = "" if text is None or is_missing(text) else str(text)
    if language == "nl":
        return out

    def english(m: re.Match) -> str:
        en = _RECORDED_EN[m.group(1).lower()]
        return en[0].upper() + en[1:] if m.group(1)[0].isupper() else en

    return _RECORDED_WORD.sub(english, out)


def capitalised(text: str) -> str:
    """``text`` with its first letter in upper case (the rest untouched, unlike ``str.capitalize``)."""
    return text[:1].upper() + text[1:]


def join_words(items: Iterable[str], language: str | None = None) -> str:
    """``'a, b en c'``: items joined with commas and the language's *and*."""
    language = resolve_language(language)
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {label('and', language)} {items[-1]}"


def vintage_text(vintage: object, language: str | None = None) -> str:
    """A vintage as recorded with the data, for readers in ``language`` (:func:`recorded_text`)."""
    return recorded_text(vintage, language)


# --- numbers ---------------------------------------------------------------------------


def is_missing(value: object) -> bool:
    """Whether ``value`` is None, NaN or pandas' NA."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, Decimal):
        return value.is_nan()
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return math.isnan(float(value))
    return False


def format_number(
    value: float | int | None,
    decimals: int = 0,
    language: str | None = None,
    *,
    signed: bool = False,
    missing: str = MISSING,
) -> str:
    """Write a number for readers: Dutch ``12.163`` and ``7,6``, English ``12,163`` and ``7.6``.

    Parameters
    ----------
    value : number or None
        The number; None, NaN and NA give ``missing``.
    decimals : int, default 0
        Decimals shown; halves are rounded away from zero.
    language : {'nl', 'en'}, optional
        Default: the session language (:func:`set_language`).
    signed : bool, default False
        Prefix ``+`` to positive numbers (for changes); zero gets no sign.
    missing : str
        Text for a missing value, :data:`MISSING` by default.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For a negative or non-integer ``decimals`` or an unsupported language.
    TypeError
        If ``value`` is not a number.
    """
    language = resolve_language(language)
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or decimals < 0:
        raise ValueError(f"parameter 'decimals': {decimals!r} must be a whole number >= 0")
    if is_missing(value):
        return missing
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise TypeError(f"format_number needs a number, got {value!r}")
    if isinstance(value, numbers.Real) and math.isinf(float(value)):
        return ("-" if value < 0 else "+" if signed else "") + "\u221e"
    if isinstance(value, Decimal):
        exact = value
    elif isinstance(value, numbers.Integral):
        exact = Decimal(int(value))
    else:  # the shortest repr, so 2.675 rounds as written, to 2.68
        exact = Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.{int(decimals)}f}"  # '12,163.5'
    if language == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if rounded == 0:
        return text
    if rounded < 0:
        return "-" + text
    return "+" + text if signed else text


def format_value(
    value: float | int | None,
    unit: str,
    language: str | None = None,
    *,
    decimals: int | None = None,
    signed: bool = False,
    missing: str = MISSING,
) -> str:
    """A number with its unit: ``'7,6%'``, ``'12.163'``, ``'13,1 per 1.000 inwoners'``.

    Parameters
    ----------
    value : number or None
    unit : str
        A unit key of :data:`analysis.indicators.UNITS`. Counts (``aantal``)
        and marks (``rapportcijfer``) get no unit text.
    language : {'nl', 'en'}, optional
        Default: the session language (:func:`set_language`).
    decimals : int, optional
        Default per unit from :data:`UNIT_DECIMALS` (percentages 1, counts 0).
    signed : bool, default False
        Prefix ``+`` to positive numbers. For a change in a percentage, use
        :func:`format_change`, which writes percentage points.
    missing : str
        Text for a missing value (no unit is added to it).

    Raises
    ------
    KeyError
        For an unknown unit.
    """
    idx = _index(language)
    suffix = _known_unit(unit, _UNIT_SUFFIX)[idx]
    places = UNIT_DECIMALS[unit] if decimals is None else decimals
    text = format_number(value, places, language, signed=signed, missing=missing)
    return text if is_missing(value) else text + suffix


def format_change(
    change: float | int | None,
    unit: str,
    language: str | None = None,
    *,
    decimals: int | None = None,
    missing: str = MISSING,
) -> str:
    """A signed change: ``'+123'``, ``'-1,2 %-punt'`` (percentage points), ``'+0,3'``.

    A change in a percentage is written in percentage points (``%-punt``,
    English ``pp``), never as ``%``, so it is not read as a relative change.
    """
    if unit == "procent":
        idx = _index(language)
        places = UNIT_DECIMALS[unit] if decimals is None else decimals
        text = format_number(change, places, language, signed=True, missing=missing)
        return text if is_missing(change) else f"{text} {LABELS['percentage_point'][idx]}"
    return format_value(change, unit, language, decimals=decimals, signed=True, missing=missing)
