import pandas as pd

from analysis.regions import (
    G4,
    UTRECHT_WIJKEN,
    RegionResolver,
    is_region_code,
    level_of,
    wijken_of,
)


def test_codes():
    for code in ("GM0344", "WK034401", "WK0363AA", "PV26", "NL01", "JZ22", "BU03440101"):
        assert is_region_code(code), code
    for code in ("Utrecht", "GM", "gm0344", "GM0344 ", "X1", ""):
        assert not is_region_code(code), code


def test_builtin_resolution_and_names():
    r = RegionResolver()
    assert r.code_for("Utrecht (gemeente)") == "GM0344"
    assert r.code_for("Utrecht (PV)") == "PV26"
    assert r.code_for("Nederland") == "NL01"
    assert r.code_for("Friesland (PV)") == "PV21"
    assert r.code_for("GM0599") == "GM0599"
    assert r.code_for("Aa en Hunze") is None
    assert r.name_of("GM0518") == "'s-Gravenhage"
    assert set(G4) <= set(r.codes())
    assert len(UTRECHT_WIJKEN) == 10 and wijken_of("GM0344") == UTRECHT_WIJKEN
    assert (
        level_of("WK034409") == "wijk"
        and level_of("GM0344") == "gemeente"
        and level_of("PV26") == "provincie"
    )


def test_crosswalk_extends_resolution():
    crosswalk = pd.DataFrame(
        {
            "region_code": ["GM1680", "JZ22"],
            "region_name": ["Aa en Hunze", "Utrecht Stad"],
            "label": ["Aa en Hunze", "Utrecht Stad (JZ)"],
        }
    )
    r = RegionResolver(crosswalk)
    assert r.code_for("aa en  hunze") == "GM1680"
    assert r.code_for("Utrecht Stad (JZ)") == "JZ22"
    assert r.knows("GM1680") and not r.knows("GM9999")
    # built-in names are not overridden by a crosswalk
    other = RegionResolver(
        pd.DataFrame({"region_code": ["GM0344"], "region_name": ["X"], "label": ["X"]})
    )
    assert other.name_of("GM0344") == "Utrecht"
