"""Counts beside shares: jeugdhulp met verblijf as numbers of youths, not only as a share.

CBS publishes jeugdhulp met verblijf as a share of the youths with jeugdhulp
(82972NED / 85098NED, indicator ``jeugdhulp_verblijf_pct``). Its denominator
changed in 2016, when CBS began to count the youths helped by the
buurtteams: Utrecht's share fell from 11,0 % (2015) to 6,9 % (2016) while the
number of youths with jeugdhulp almost doubled. A count is not affected by
that change. Two counts serve:

* **youths** with jeugdhulp met verblijf, derived as
  ``jeugdhulp_personen x jeugdhulp_verblijf_pct / 100`` for the periods where
  CBS publishes both (82966NED counts the youths with jeugdhulp for 2015 -
  2017), rounded to 5 like CBS's own counts (indicator
  ``jeugdhulp_verblijf_personen``);
* **trajectories** met verblijf running on each reference date, as CBS
  counts them (82968NED / 85094NED, ``jeugdhulptrajecten_verblijf``),
  2015 - 2024: a youth may have more than one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .forward import derived_rows, pair_rows

YOUTHS = "jeugdhulp_verblijf_personen"


def verblijf_youths(jeugdhulp_personen: pd.DataFrame, verblijf_pct: pd.DataFrame) -> pd.DataFrame:
    """Youths with jeugdhulp met verblijf: youths with jeugdhulp times their share with verblijf.

    Parameters
    ----------
    jeugdhulp_personen : DataFrame
        Observations of ``jeugdhulp_personen`` (CBS 82966NED).
    verblijf_pct : DataFrame
        Observations of ``jeugdhulp_verblijf_pct`` (82972NED / 85098NED),
        the share of the youths with jeugdhulp.

    Returns
    -------
    DataFrame
        Observations of ``jeugdhulp_verblijf_personen`` for every region and
        period that both hold (same period type), rounded to a multiple of 5,
        with the less final status and the derivation in ``source_ref``.
    """
    merged = pair_rows(jeugdhulp_personen, verblijf_pct)
    values = (
        np.round(
            merged["value"].to_numpy(dtype=float)
            * merged["value_2"].to_numpy(dtype=float)
            / 100
            / 5
        )
        * 5
    )
    return derived_rows(
        merged,
        YOUTHS,
        "aantal",
        values,
        "TotaalJeugdhulp x JongerenMetJeugdhMetVerblInNat / 100, op 5 afgerond",
    )


__all__ = ["YOUTHS", "verblijf_youths"]
