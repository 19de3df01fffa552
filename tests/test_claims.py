"""Claims of direction in the publications, checked against CBS."""

from __future__ import annotations

import pandas as pd

from analysis import claims


def _obs(indicator, values):
    return pd.DataFrame(
        {
            "indicator": indicator,
            "region_code": "GM9999",
            "period": list(values),
            "value": list(values.values()),
            "status": "definitief",
            "source": "83268NED",
        }
    )


CLAIM = claims.Claim(
    "x",
    "het stijgt en het daalt",
    "Persbericht (2016)",
    "alinea 2",
    checks=(("wmo_instroom", claims.FALLS), ("wmo_uitstroom", claims.RISES)),
    periods=("2015H1", "2015H2", "2016H1"),
    scope=("alleen Wmo", "Wmo only"),
)


def test_a_direction_holds_only_when_every_step_goes_that_way():
    data = {
        "wmo_instroom": _obs("wmo_instroom", {"2015H1": 100, "2015H2": 80, "2016H1": 60}),
        "wmo_uitstroom": _obs("wmo_uitstroom", {"2015H1": 10, "2015H2": 20, "2016H1": 20}),
    }
    result = claims.check_claim(CLAIM, data, "GM9999").set_index("indicator")
    assert bool(result.loc["wmo_instroom", "holds"]) is True
    assert bool(result.loc["wmo_uitstroom", "holds"]) is False  # level in the last step: no rise
    assert result.loc["wmo_instroom", "first"] == 100 and result.loc["wmo_instroom", "last"] == 60


def test_a_missing_period_gives_no_verdict_and_the_text_says_so():
    data = {"wmo_instroom": _obs("wmo_instroom", {"2015H1": 100, "2015H2": 80})}
    result = claims.check_claim(CLAIM, data, "GM9999")
    assert result["holds"].isna().all()
    text = claims.claim_text(CLAIM, result, "Ergens", "en")
    assert "no CBS figures" in text and "Wmo only" in text and "het stijgt en het daalt" in text


def test_the_2015_claim_is_the_press_release_wording():
    claim = claims.CLAIMS["aanvullende_zorg_2015"]
    assert "uitstroom juist constant toeneemt" in claim.quote
    assert claim.publication == "Persbericht gemeente Utrecht (2016)"
    assert dict(claim.checks) == {"wmo_instroom": claims.FALLS, "wmo_uitstroom": claims.RISES}
