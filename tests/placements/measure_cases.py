"""Hand-built SSDA903 rows for the measure rule tests: one episode, the three tables, and a year's measures.

Collection year 2020 throughout unless said: start(Y) = 1 April 2019, ref(Y) = 31 March 2020.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placements import measures

UNSET = object()


def ep(
    child: str = "A",
    decom: str = "2019-01-01",
    dec: str | None = None,
    *,
    rne: str | None = "S",
    place: str | None = "U4",
    provider: str | None = "PR1",
    rec: object = UNSET,
    ls: str | None = "C2",
    cin: str | None = "N1",
    key: str | None = None,
    distance: float = np.nan,
    year: int = 2020,
) -> dict:
    """One episode row; REC defaults to E11 for a closed episode and blank for an open one."""
    if rec is UNSET:
        rec = None if dec is None else "E11"
    return {
        "child": child,
        "collection_year": year,
        "decom": decom,
        "dec": dec,
        "rne": rne,
        "ls": ls,
        "cin": cin,
        "place": place,
        "place_provider": provider,
        "rec": rec,
        "pl_post_key": key,
        "distance": distance,
    }


def episodes(*rows: dict) -> pd.DataFrame:
    df = pd.DataFrame(list(rows), columns=measures.EPISODE_COLUMNS)
    df["decom"] = pd.to_datetime(df["decom"])
    df["dec"] = pd.to_datetime(df["dec"])
    df["distance"] = df["distance"].astype("float64")
    df["collection_year"] = df["collection_year"].astype("int64")
    return df


def header(*rows: tuple) -> pd.DataFrame:
    """rows of (child, sex, dob[, collection_year])."""
    records = [
        {"child": r[0], "sex": r[1], "dob": r[2], "collection_year": r[3] if len(r) > 3 else 2020}
        for r in rows
    ]
    df = pd.DataFrame(records, columns=["child", "collection_year", "sex", "dob"])
    df["dob"] = pd.to_datetime(df["dob"])
    return df


def uasc(*rows: tuple) -> pd.DataFrame:
    """rows of (child, duc[, collection_year])."""
    records = [{"child": r[0], "duc": r[1], "collection_year": r[2] if len(r) > 2 else 2020} for r in rows]
    df = pd.DataFrame(records, columns=["child", "collection_year", "duc"])
    df["duc"] = pd.to_datetime(df["duc"])
    return df


def run(
    rows: list[dict] | pd.DataFrame,
    year: int = 2020,
    *,
    head: pd.DataFrame | None = None,
    uas: pd.DataFrame | None = None,
    population: int | None = None,
) -> dict:
    df = rows if isinstance(rows, pd.DataFrame) else episodes(*rows)
    return measures.compute_year(
        measures.build_longitudinal(df),
        header() if head is None else head,
        uasc() if uas is None else uas,
        year,
        population,
    )
