"""The placements of synthetic 903 children: what kind of placement (and its PLACE and PLACE_PROVIDER
codes) by age, and real postcodes for homes (in Norfolk) and placements (near home or elsewhere in
England), drawn from the ONS postcode directory so that they resolve to coordinates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placements.ssda903 import postcodes
from placements.ssda903.synthetic_common import H5_Z1_UNTIL, K3_FROM, P2_LAST_START, Z1X_FROM, pick

HOME_PREFIXES = ["NR", "PE", "IP"]
NORFOLK_DISTRICTS = {f"E070001{n}" for n in range(43, 50)}
NORFOLK_CODE = "E10000020"
FAR_PREFIXES = [
    "IP",
    "CB",
    "CO",
    "CM",
    "LN",
    "NG",
    "LE",
    "NN",
    "MK",
    "B",
    "E",
    "N",
    "SE",
    "M",
    "S",
    "LS",
    "BS",
]


# ---- placements ---------------------------------------------------------------------------------------

_CATS = ["rel", "inhouse", "agency", "resid", "semi", "parents", "other"]
_CAT_BY_AGE = {  # age at placement start: under 5, 5–9, 10–15, 16+
    0: [0.20, 0.44, 0.22, 0.00, 0.00, 0.10, 0.04],
    1: [0.20, 0.41, 0.25, 0.04, 0.00, 0.07, 0.03],
    2: [0.13, 0.34, 0.25, 0.16, 0.00, 0.07, 0.05],
    3: [0.08, 0.24, 0.20, 0.09, 0.30, 0.04, 0.05],
}
FAR_CHANCE = {"rel": 0.12, "inhouse": 0.08, "agency": 0.30, "resid": 0.55, "semi": 0.30, "parents": 0.0}
FAR_OTHER, FAR_ADOPTION = 0.45, 0.40


def placement_kinds(
    rng: np.random.Generator, age: np.ndarray, uasc: np.ndarray, p_start: np.ndarray, p_end: np.ndarray
) -> pd.DataFrame:
    """PLACE, PLACE_PROVIDER and category of normal (not temporary, not adoption) placements."""
    n = len(age)
    group = np.digitize(age, [5, 10, 16])
    group = np.where(uasc, 3, group)
    cat = np.empty(n, dtype=object)
    for g, weights in _CAT_BY_AGE.items():
        idx = np.flatnonzero(group == g)
        cat[idx] = pick(rng, len(idx), _CATS, weights)
    place = np.empty(n, dtype=object)
    prov = np.full(n, np.nan, dtype=object)

    def fill(mask, options, weights, providers, pweights):
        idx = np.flatnonzero(mask)
        place[idx] = pick(rng, len(idx), options, weights)
        if providers:
            prov[idx] = pick(rng, len(idx), providers, pweights)

    fill(cat == "rel", ["U1", "U2", "U3"], [0.35, 0.02, 0.63], ["PR1", "PR2"], [0.9, 0.1])
    fill(cat == "inhouse", ["U4", "U5", "U6"], [0.35, 0.03, 0.62], ["PR1", "PR2", "PR3"], [0.85, 0.1, 0.05])
    fill(cat == "agency", ["U4", "U6"], [0.35, 0.65], ["PR4", "PR5"], [0.85, 0.15])
    fill(
        cat == "resid",
        ["K2", "R1", "K1", "S1"],
        [0.80, 0.06, 0.04, 0.10],
        ["PR4", "PR1", "PR5"],
        [0.75, 0.18, 0.07],
    )
    fill(cat == "parents", ["P1"], [1.0], ["PR0"], [1.0])

    # Semi-independent: the code depends on when the placement runs (see module docstring).
    semi = cat == "semi"
    fill(semi, ["H5"], [1.0], ["PR4", "PR1"], [0.8, 0.2])
    k3 = semi & (p_start >= K3_FROM)
    place[k3] = "K3"
    p2 = semi & ~k3 & (p_end <= P2_LAST_START) & (rng.random(n) < 0.25)
    place[p2] = "P2"
    stuck = semi & ~k3 & ~p2 & (p_end > H5_Z1_UNTIL)  # would be H5 in a 2025/26 return: use a home
    place[stuck] = "K2"

    other = cat == "other"
    fill(other, ["R3", "R2", "R5", "P3", "Z"], [0.3, 0.2, 0.15, 0.05, 0.3], ["PR4", "PR3"], [0.6, 0.4])
    z = other & (place == "Z")
    z1 = z & (p_end <= H5_Z1_UNTIL)
    z1x = z & ~z1 & (p_start >= Z1X_FROM)
    place[z1] = "Z1"
    place[z1x] = pick(rng, int(z1x.sum()), ["Z11", "Z12", "Z13", "Z14"], [0.4, 0.2, 0.2, 0.2])
    place[z & ~z1 & ~z1x] = "R3"
    prov[z1 | z1x] = np.nan
    return pd.DataFrame({"cat": cat, "place": place, "provider": prov})


# ---- postcodes ----------------------------------------------------------------------------------------


class Pools:
    """Real postcodes: Norfolk homes (bucketed into ~13 km cells for nearby placements) and far places."""

    def __init__(self, rng: np.random.Generator, size: int) -> None:
        home = postcodes.sample_postcodes(HOME_PREFIXES, size * 3, rng)
        home = home[home["la"].isin(NORFOLK_DISTRICTS)].reset_index(drop=True).iloc[:size]
        far = postcodes.sample_postcodes(FAR_PREFIXES, size, rng)
        far = far[~far["la"].isin(NORFOLK_DISTRICTS)].reset_index(drop=True)
        cell = (np.floor(home["lat"] / 0.12).astype(np.int64) * 100_000) + np.floor(home["lon"] / 0.2).astype(
            np.int64
        )
        order = np.argsort(cell.to_numpy(), kind="stable")
        self.home = home.iloc[order].reset_index(drop=True)
        self.cell = cell.to_numpy()[order]
        uniq, first, count = np.unique(self.cell, return_index=True, return_counts=True)
        self.cell_first = first[np.searchsorted(uniq, self.cell)]
        self.cell_count = count[np.searchsorted(uniq, self.cell)]
        self.far = far

    def homes(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.integers(0, len(self.home), size=n)

    def near(self, rng: np.random.Generator, home_idx: np.ndarray) -> np.ndarray:
        """A random home-pool postcode in the same cell as each home (index into self.home)."""
        first = self.cell_first[home_idx]
        count = self.cell_count[home_idx]
        return first + (rng.random(len(home_idx)) * count).astype(np.int64)


def upper_tier_la(la: np.ndarray) -> np.ndarray:
    """Upper-tier ONS code of a placement's district where it can be told without a lookup table."""
    la = pd.Series(la, dtype=object)
    out = pd.Series(np.nan, index=la.index, dtype=object)
    upper = la.str.match(r"^(E06|E08|E09|W06|S12|N09)").fillna(False).astype(bool)
    out[upper] = la[upper]
    out[la.isin(NORFOLK_DISTRICTS)] = NORFOLK_CODE
    return out.to_numpy(dtype=object, copy=True)
