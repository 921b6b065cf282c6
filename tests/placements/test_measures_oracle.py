"""Differential test: placements.measures agrees exactly with the plain oracle on random histories."""

import datetime as dt
import random

import pandas as pd
import pytest

from placements import measures
from tests.placements import oracle

PLACES = ["U1", "U4", "U4", "U5", "K2", "R1", "H5", "K3", "P1", "A3", "A5", "T0", "T2", "T4", "Z1", "R2"]
PROVIDERS = ["PR1", "PR2", "PR4", "PR5", None, "PR0"]
RNE = ["S", "P", "B", "L", "T", "U"]


def random_histories(seed: int, children: int = 400):
    rng = random.Random(seed)
    episodes, header, uasc = [], [], []
    for c in range(children):
        child = f"C{c}"
        day = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(0, 3000))
        rows = []
        for k in range(rng.randint(1, 7)):
            place = rng.choice(PLACES)
            if rows and rng.random() < 0.3 and rows[-1]["place"].startswith("T") and len(rows) > 1:
                place = rows[-2]["place"]  # back to the placement before a temporary one
            length = rng.choice([0, 1, 15, 60, 200, 400, 900])
            dec = day + dt.timedelta(days=length)
            rows.append({
                "child": child, "decom": day, "dec": dec, "rne": "S" if k == 0 else rng.choice(RNE),
                "ls": rng.choice(["C2"] * 8 + ["V2", "V3", "V4", "E1"]), "cin": rng.choice(
                    [f"N{i}" for i in range(1, 9)] + [None]),
                "place": place, "place_provider": rng.choice(PROVIDERS), "rec": "X1",
                "pl_post_key": rng.choice(["k1", "k2", None]) if not rows or rng.random() < 0.5
                else rows[-1]["pl_post_key"],
                "distance": rng.choice([None, 0.5, 19.9, 20.0, 20.1, 55.0]),
            })
            if rng.random() < 0.25:  # a gap: the period of care ends and later a new one starts
                rows[-1]["rec"] = rng.choice(["E11", "E4A", "E13"])
                day = dec + dt.timedelta(days=rng.randrange(1, 300))
            else:
                day = dec
        if rng.random() < 0.5:
            rows[-1]["dec"], rows[-1]["rec"] = None, None
        elif rows[-1]["rec"] == "X1":
            rows[-1]["rec"] = "E8"
        for row in rows:
            years = {2016 + i for i in range(9)
                     if row["decom"] <= dt.date(2016 + i, 3, 31)
                     and (row["dec"] is None or row["dec"] >= dt.date(2015 + i, 4, 1))}
            for year in sorted(years):
                copy = dict(row, collection_year=year)
                if rng.random() < 0.1:  # an earlier return that held a different value
                    copy["place"] = rng.choice(PLACES)
                episodes.append(copy)
        dob = dt.date(1999, 1, 1) + dt.timedelta(days=rng.randrange(0, 8000))
        for year in (2016, 2020, 2024):
            header.append({"child": child, "collection_year": year,
                           "sex": rng.choice(["1", "2", "M", "F", "U", None]), "dob": dob})
        if rng.random() < 0.1:
            uasc.append({"child": child, "collection_year": 2020,
                         "duc": rng.choice([None, dt.date(2019, 3, 31), dt.date(2021, 6, 1)])})
    episodes = pd.DataFrame(episodes)
    for col in ("decom", "dec"):
        episodes[col] = pd.to_datetime(episodes[col])
    header = pd.DataFrame(header)
    header["dob"] = pd.to_datetime(header["dob"])
    uasc = pd.DataFrame(uasc, columns=["child", "collection_year", "duc"])
    uasc["duc"] = pd.to_datetime(uasc["duc"])
    return episodes, header, uasc


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_measures_match_the_oracle(seed):
    episodes, header, uasc = random_histories(seed)
    years = list(range(2016, 2025))
    populations = {y: 5000 + 37 * y % 400 for y in years}
    table = measures.compute_years(episodes, header, uasc, years, populations)
    by_child = oracle.longitudinal(episodes)
    head, uas = oracle.latest(header), oracle.latest(uasc)
    for year in years:
        expected = oracle.compute_year(by_child, head, uas, year, populations[year])
        got = {r.measure: r.value for r in table[table["year"] == year].itertuples()}
        mismatches = {
            code: (got.get(code), expected[code]) for code in measures.MEASURE_CODES
            if not (got.get(code) == expected[code]
                    or (got.get(code) is None and expected[code] is None)
                    or (pd.isna(got.get(code)) and expected[code] is None))
        }
        assert not mismatches, f"year {year}: (measures, oracle) {mismatches}"
