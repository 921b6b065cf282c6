"""Realistic synthetic SSDA903 returns, for demos, tests and benchmarks. They describe no real child.

`generate_return` simulates periods of care for a fixed number of children over the collection years
asked for, then cuts one return per year exactly as a local authority would submit it: every episode
open at some time during the year or ending in it, an episode still open on 31 March shown with DEC and
REC blank, so an episode spanning years appears (same CHILD and DECOM) in several years' returns.

The shape follows the national picture (DfE "Children looked after in England", roughly): about 70% of
children in foster care on 31 March (a fifth with relatives or friends, about a third with agency
carers), about 13% in residential or semi-independent placements, about 7% placed with parents, about
3% placed for adoption; ages skewed to 10–15 and 16+; starts and ceases each about a third of the
number looked after; about 10% with three or more placements in the year; about 5% unaccompanied
asylum-seeking children; about a fifth placed more than 20 miles from home. Changes of legal status only
(X1 then RNE L), temporary placements (T0–T4) followed by a return to the same placement, adoption
placements before adoption orders, and leaving care at 18 all occur. Codes respect their validity by
collection year (K3 from 2024/25, H5 and Z1 to 2024/25, Z11–Z14 from 2025/26, P2 only before
28/10/2023; SEX 1/2 to 2023/24 and M/F from 2024/25).

Home postcodes are real Norfolk postcodes and placement postcodes real postcodes near home or
elsewhere in England, drawn from the ONS postcode directory so that they resolve to coordinates.
Everything is vectorised with numpy: 100,000 children over one year take a few seconds.

The simulation of periods of care is in `synthetic_care`, the placements and postcodes in
`synthetic_placements`; this module gives each child an identity and cuts the yearly returns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from placements.ssda903 import postcodes
from placements.ssda903.synthetic_care import simulate
from placements.ssda903.synthetic_common import YEAR, day_number, fmt_days, pick
from placements.ssda903.synthetic_placements import (
    FAR_ADOPTION,
    FAR_CHANCE,
    FAR_OTHER,
    NORFOLK_DISTRICTS,
    Pools,
    upper_tier_la,
)

__all__ = ["generate_return", "write_return"]


def generate_return(
    *, children: int, first_year: int, last_year: int, seed: int = 0
) -> dict[int, dict[str, pd.DataFrame]]:
    """Synthetic raw 903 tables per collection year: {year: {"Header", "Episodes", "UASC": DataFrame}}.

    Values are strings as an authority would submit them (dates DD/MM/YYYY, blank = NaN). `children` is
    the number of distinct children across all the years. Every year passes `validate_return` without
    errors.
    """
    if children < 1 or first_year > last_year:
        raise ValueError("children must be at least 1 and first_year not after last_year")
    rng = np.random.default_rng(seed)
    sim = simulate(rng, children, first_year, last_year)
    kids = sim["kids"]
    n = len(kids)
    ep = sim["episodes"]
    pl = sim["placements"]

    # Identities and header fields of each child.
    ids = rng.choice(np.arange(100_000, 100_000 + max(10 * n, 1_000_000)), size=n, replace=False).astype(str)
    uasc = kids["uasc"].to_numpy()
    male = np.where(uasc, rng.random(n) < 0.92, rng.random(n) < 0.56)
    ethnic = np.where(
        uasc,
        pick(rng, n, ["AOTH", "BAFR", "OOTH", "BOTH", "WOTH"], [0.3, 0.25, 0.3, 0.1, 0.05]),
        pick(
            rng,
            n,
            [
                "WBRI",
                "WOTH",
                "MWBC",
                "MOTH",
                "MWBA",
                "MWAS",
                "BAFR",
                "BCRB",
                "BOTH",
                "APKN",
                "ABAN",
                "AIND",
                "AOTH",
                "WROM",
                "WIRT",
                "OOTH",
                "REFU",
            ],
            [
                0.74,
                0.05,
                0.045,
                0.03,
                0.012,
                0.012,
                0.02,
                0.01,
                0.008,
                0.008,
                0.004,
                0.004,
                0.006,
                0.006,
                0.003,
                0.01,
                0.008,
            ],
        ),
    )
    upn = np.char.add(
        pick(rng, n, list("ABCDEFGHJKLMNPRTUVWXYZ"), [1] * 22).astype(str),
        np.char.zfill(rng.integers(0, 10**12, size=n).astype(str), 12),
    ).astype(object)
    upn[uasc & (rng.random(n) < 0.7)] = "UN1"
    cin = np.where(
        uasc,
        "N8",
        pick(
            rng,
            n,
            ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"],
            [0.62, 0.03, 0.03, 0.08, 0.15, 0.02, 0.002, 0.068],
        ),
    )

    # Postcodes: a home per child, each placement near home or far away.
    pools = Pools(rng, size=min(max(2000, n // 4), 25_000))
    home_idx = pools.homes(rng, n)
    far_p = np.array([FAR_CHANCE.get(c, FAR_ADOPTION if c == "adoption" else FAR_OTHER) for c in pl["cat"]])
    is_far = (rng.random(len(pl)) < far_p) & (pl["cat"] != "temp").to_numpy()
    p_child = pl["child"].to_numpy()
    near_idx = pools.near(rng, home_idx[p_child])
    far_idx = rng.integers(0, len(pools.far), size=len(pl))
    home_rows = pools.home.iloc[home_idx[p_child]].reset_index(drop=True)
    near_rows = pools.home.iloc[near_idx].reset_index(drop=True)
    far_rows = pools.far.iloc[far_idx].reset_index(drop=True)
    pc = np.where(is_far, far_rows["postcode"], near_rows["postcode"]).astype(object)
    lat = np.where(is_far, far_rows["lat"], near_rows["lat"])
    lon = np.where(is_far, far_rows["lon"], near_rows["lon"])
    la = np.where(is_far, far_rows["la"], near_rows["la"]).astype(object)
    parents = (pl["cat"] == "parents").to_numpy()
    pc[parents] = home_rows["postcode"].to_numpy()[parents]
    lat[parents] = home_rows["lat"].to_numpy()[parents]
    lon[parents] = home_rows["lon"].to_numpy()[parents]
    la[parents] = home_rows["la"].to_numpy()[parents]
    temp = (pl["cat"] == "temp").to_numpy()
    pc[temp] = np.nan
    miles = postcodes.distance_miles(
        pd.DataFrame({"lat": home_rows["lat"], "lon": home_rows["lon"]}),
        pd.DataFrame({"lat": lat, "lon": lon}),
    ).to_numpy()
    given = (rng.random(len(pl)) < 0.65) & ~temp
    pl_distance = np.where(given, pd.Series(np.round(miles, 1)).astype(str).to_numpy(dtype=object), np.nan)
    pl_la = upper_tier_la(la)
    pl_la[temp] = np.nan
    location = np.where(pd.Series(la).isin(NORFOLK_DISTRICTS), "IN", "OUT").astype(object)
    location[temp] = np.nan
    urn = np.where(
        np.isin(pl["place"].to_numpy(dtype=object), ["K1", "K2", "R1", "S1", "H5", "K3"]),
        np.char.add("SC", np.char.zfill(rng.integers(0, 999_999, size=len(pl)).astype(str), 6)).astype(
            object
        ),
        "XXXXXXX",
    ).astype(object)
    urn[temp] = np.nan

    ppos = np.searchsorted(pl["pid"].to_numpy(), ep["placement"].to_numpy())
    e_child = ep["child"].to_numpy()
    next_is_move = np.zeros(len(ep), dtype=bool)
    rne = ep["rne"].to_numpy(dtype=object)
    same_child_next = np.zeros(len(ep), dtype=bool)
    same_child_next[:-1] = e_child[1:] == e_child[:-1]
    next_is_move[:-1] = same_child_next[:-1] & np.isin(rne[1:], ["P", "B"])
    next_temp = np.zeros(len(ep), dtype=bool)
    next_temp[:-1] = same_child_next[:-1] & (pl["cat"].to_numpy()[ppos[1:]] == "temp")
    rpc = np.where(
        next_is_move & ~next_temp & ~(pl["cat"].to_numpy()[ppos] == "temp"),
        pick(
            rng,
            len(ep),
            [
                "CARPL",
                "CREQB",
                "CREQO",
                "ALLEG",
                "STAND",
                "APPRR",
                "LAREQ",
                "PLACE",
                "CLOSE",
                "CUSTOD",
                "OTHER",
            ],
            [0.2, 0.08, 0.05, 0.03, 0.05, 0.02, 0.25, 0.17, 0.03, 0.02, 0.10],
        ),
        None,
    ).astype(object)
    rpc[next_temp | (pl["cat"].to_numpy()[ppos] == "temp")] = "PLACE"

    full = pd.DataFrame(
        {
            "CHILD": ids[e_child],
            "DECOM_d": ep["decom"].to_numpy(),
            "DEC_d": ep["dec"].to_numpy(),
            "RNE": rne,
            "LS": ep["ls"].to_numpy(dtype=object),
            "CIN": cin[e_child],
            "PLACE": pl["place"].to_numpy(dtype=object)[ppos],
            "PLACE_PROVIDER": pl["provider"].to_numpy(dtype=object)[ppos],
            "REC": ep["rec"].to_numpy(dtype=object),
            "REASON_PLACE_CHANGE": rpc,
            "HOME_POST": pools.home["postcode"].to_numpy(dtype=object)[home_idx[e_child]],
            "PL_POST": pc[ppos],
            "URN": urn[ppos],
            "PL_DISTANCE": pl_distance[ppos],
            "PL_LA": pl_la[ppos],
            "PL_LOCATION": location[ppos],
            "kid": e_child,
        }
    )
    full["DECOM"] = fmt_days(full["DECOM_d"].to_numpy())
    full["DEC_full"] = fmt_days(full["DEC_d"].to_numpy())

    dob = kids["dob"].to_numpy()
    dob_text = fmt_days(dob)
    duc_text = fmt_days(kids["eighteen"].to_numpy())
    mother = np.where(rng.random(n) < 0.015, "1", "0").astype(object)
    mother[male] = np.nan
    mother[(~male) & (kids["end"].to_numpy() - dob < 12 * YEAR)] = np.nan
    mc_dob = np.where(mother == "1", fmt_days(kids["start"].to_numpy() + 60), np.nan).astype(object)

    out: dict[int, dict[str, pd.DataFrame]] = {}
    for year in range(first_year, last_year + 1):
        s = day_number(dt.date(year - 1, 4, 1))
        r = day_number(dt.date(year, 3, 31))
        d0 = full["DECOM_d"].to_numpy()
        d1 = full["DEC_d"].to_numpy()
        rows = (d0 <= r) & (d1 >= s)
        ep_y = full[rows]
        still_open = ep_y["DEC_d"].to_numpy() > r
        episodes = pd.DataFrame(
            {
                "CHILD": ep_y["CHILD"].to_numpy(),
                "DECOM": ep_y["DECOM"].to_numpy(),
                "RNE": ep_y["RNE"].to_numpy(),
                "LS": ep_y["LS"].to_numpy(),
                "CIN": ep_y["CIN"].to_numpy(),
                "PLACE": ep_y["PLACE"].to_numpy(),
                "PLACE_PROVIDER": ep_y["PLACE_PROVIDER"].to_numpy(),
                "DEC": np.where(still_open, np.nan, ep_y["DEC_full"].to_numpy()),
                "REC": np.where(still_open, np.nan, ep_y["REC"].to_numpy()),
                "REASON_PLACE_CHANGE": np.where(still_open, np.nan, ep_y["REASON_PLACE_CHANGE"].to_numpy()),
                "HOME_POST": ep_y["HOME_POST"].to_numpy(),
                "PL_POST": ep_y["PL_POST"].to_numpy(),
                "URN": ep_y["URN"].to_numpy(),
                "PL_DISTANCE": ep_y["PL_DISTANCE"].to_numpy(),
                "PL_LA": ep_y["PL_LA"].to_numpy(),
                "PL_LOCATION": ep_y["PL_LOCATION"].to_numpy(),
            }
        )
        present = np.unique(ep_y["kid"].to_numpy())
        sex_codes = ("1", "2") if year <= 2024 else ("M", "F")  # male, female
        sex = np.where(male[present], *sex_codes)
        header = pd.DataFrame(
            {
                "CHILD": ids[present],
                "SEX": sex,
                "DOB": dob_text[present],
                "ETHNIC": ethnic[present],
                "UPN": upn[present],
                "MOTHER": mother[present],
                "MC_DOB": mc_dob[present],
            }
        )
        u = present[uasc[present]]
        uasc_table = pd.DataFrame(
            {
                "CHILD": ids[u],
                "SEX": np.where(male[u], *sex_codes),
                "DOB": dob_text[u],
                "DUC": duc_text[u],
            }
        )
        out[year] = {"Header": header, "Episodes": episodes.reset_index(drop=True), "UASC": uasc_table}
    return out


def csv_uploads(tables: dict[str, pd.DataFrame]) -> list[tuple[str, bytes]]:
    """One year's tables as the files an upload sends: [("header.csv", bytes), ("episodes.csv", ...)]."""
    return [(f"{name.lower()}.csv", frame.to_csv(index=False).encode()) for name, frame in tables.items()]


def write_return(
    out_dir: str | Path, *, children: int, first_year: int, last_year: int, seed: int = 0
) -> list[Path]:
    """Generate and write one folder per collection year (header.csv, episodes.csv, uasc.csv); returns
    the folders."""
    out_dir = Path(out_dir)
    folders = []
    returns = generate_return(children=children, first_year=first_year, last_year=last_year, seed=seed)
    for year, tables in sorted(returns.items()):
        folder = out_dir / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            frame.to_csv(folder / f"{name.lower()}.csv", index=False)
        folders.append(folder)
    return folders
