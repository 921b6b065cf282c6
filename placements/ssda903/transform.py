"""Turn a validated raw return into frames ready for storage and for placements/measures.py.

Privacy: CHILD becomes a keyed pseudonym (HMAC-SHA256 with the portal's secret key, first 32 hex
characters), the same for the same child in every year's return so years link up. No full postcode
leaves this module: only the outward code ("NR1"), a keyed hash of the placement postcode (for the
"same placement" test in the measures) and the distance. UPN, MOTHER and MC_DOB are dropped.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placements.ssda903 import codes, postcodes
from placements.ssda903.tables import Problem, RawReturn
from placements.ssda903.validate_checks import parse_dates

__all__ = ["CleanReturn", "pseudonymise", "transform_return"]

EPISODE_COLUMNS = [
    "child",
    "collection_year",
    "decom",
    "dec",
    "rne",
    "ls",
    "cin",
    "place",
    "place_provider",
    "rec",
    "reason_place_change",
    "home_outward",
    "pl_outward",
    "pl_post_key",
    "urn",
    "pl_la",
    "distance",
]
HEADER_COLUMNS = ["child", "collection_year", "sex", "dob", "ethnic"]
UASC_COLUMNS = ["child", "collection_year", "duc"]


@dataclass
class CleanReturn:
    """Storage-ready frames of one return.

    episodes: EPISODE_COLUMNS (dates datetime64[ns], distance float64 miles, codes upper-case str or NA).
    header: child, collection_year, sex, dob, ethnic. uasc: child, collection_year, duc.
    summary: rows_per_table {table: rows}, children (distinct in Episodes), episodes, first_decom,
    last_decom (datetime.date or None), distance_known (episodes with a distance).
    problems: warnings met while transforming (none are errors).
    """

    episodes: pd.DataFrame
    header: pd.DataFrame
    uasc: pd.DataFrame
    summary: dict
    problems: list[Problem] = field(default_factory=list)


def _hmac_hex(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def pseudonymise(values: pd.Series, secret_key: str, *, domain: str = "") -> pd.Series:
    """Keyed hash (HMAC-SHA256, 32 hex characters) of each stripped value; NA stays NA.

    CHILD uses no domain, so the pseudonym is HMAC(key, CHILD.strip()); other kinds of value (postcodes)
    pass a domain prefix so a postcode can never produce the same key as a child. Hashes each distinct
    value once.
    """
    if not secret_key:
        raise ValueError("A secret key is needed to pseudonymise")
    key = secret_key.encode("utf-8")
    s = pd.Series(values, copy=False).astype("str").str.strip()
    codes_, uniques = pd.factorize(s, use_na_sentinel=True)
    hashed = np.array([_hmac_hex(key, domain + u) for u in uniques], dtype=object)
    out = np.where(codes_ >= 0, hashed[np.maximum(codes_, 0)] if len(hashed) else None, None)
    return pd.Series(out, index=s.index, dtype="str")


def _code(df: pd.DataFrame, column: str) -> pd.Series:
    if column not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype="str")
    return codes.upper(df[column])


def _text(df: pd.DataFrame, column: str) -> pd.Series:
    if column not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype="str")

    def clean(u: pd.Series) -> pd.Series:
        t = u.str.strip()
        return t.mask(t == "")

    return codes.per_unique(df[column], clean)


def _episodes(raw: RawReturn, year: int, key: str) -> pd.DataFrame:
    df = raw.tables["Episodes"]
    home = _text(df, "HOME_POST")
    place = _text(df, "PL_POST")
    given = pd.to_numeric(_text(df, "PL_DISTANCE"), errors="coerce").astype("float64")
    distance = given.copy()
    need = distance.isna() & home.notna() & place.notna()
    if need.any():
        a = postcodes.resolve(home[need])
        b = postcodes.resolve(place[need])
        distance[need] = postcodes.distance_miles(a, b).round(2)
    norm_place = postcodes.normalise(place)
    out = pd.DataFrame(
        {
            "child": pseudonymise(df["CHILD"], key),
            "collection_year": np.int64(year),
            "decom": parse_dates(df["DECOM"]),
            "dec": parse_dates(df["DEC"]) if "DEC" in df.columns else pd.NaT,
            "rne": _code(df, "RNE"),
            "ls": _code(df, "LS"),
            "cin": _code(df, "CIN"),
            "place": _code(df, "PLACE"),
            "place_provider": _code(df, "PLACE_PROVIDER"),
            "rec": _code(df, "REC"),
            "reason_place_change": _code(df, "REASON_PLACE_CHANGE"),
            "home_outward": postcodes.outward(home).astype("str"),
            "pl_outward": postcodes.outward(place).astype("str"),
            "pl_post_key": pseudonymise(norm_place, key, domain="postcode\x00"),
            "urn": _text(df, "URN"),
            "pl_la": _code(df, "PL_LA"),
            "distance": distance,
        },
        index=df.index,
    )
    return out[EPISODE_COLUMNS].reset_index(drop=True)


def _header(raw: RawReturn, year: int, key: str) -> pd.DataFrame:
    df = raw.tables.get("Header")
    if df is None:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in HEADER_COLUMNS}).astype(
            {"collection_year": "int64", "dob": "datetime64[ns]"}
        )
    out = pd.DataFrame(
        {
            "child": pseudonymise(df["CHILD"], key),
            "collection_year": np.int64(year),
            "sex": _code(df, "SEX"),
            "dob": parse_dates(df["DOB"]),
            "ethnic": _code(df, "ETHNIC"),
        },
        index=df.index,
    )
    return out.reset_index(drop=True)


def _uasc(raw: RawReturn, year: int, key: str) -> pd.DataFrame:
    df = raw.tables.get("UASC")
    if df is None or "CHILD" not in df.columns:
        return pd.DataFrame(
            {
                "child": pd.Series(dtype="str"),
                "collection_year": pd.Series(dtype="int64"),
                "duc": pd.Series(dtype="datetime64[ns]"),
            }
        )
    df = df[df["CHILD"].notna()]
    out = pd.DataFrame(
        {
            "child": pseudonymise(df["CHILD"], key),
            "collection_year": np.int64(year),
            "duc": parse_dates(df["DUC"]) if "DUC" in df.columns else pd.NaT,
        },
        index=df.index,
    )
    return out.reset_index(drop=True)


def transform_return(raw: RawReturn, collection_year: int, *, secret_key: str) -> CleanReturn:
    """Storage-ready frames of a return that has passed `validate_return` (see CleanReturn)."""
    episodes = _episodes(raw, collection_year, secret_key)
    header = _header(raw, collection_year, secret_key)
    uasc = _uasc(raw, collection_year, secret_key)
    first = episodes["decom"].min() if len(episodes) else pd.NaT
    last = episodes["decom"].max() if len(episodes) else pd.NaT
    summary = {
        "rows_per_table": {name: int(len(df)) for name, df in raw.tables.items()},
        "children": int(episodes["child"].nunique()),
        "episodes": int(len(episodes)),
        "first_decom": None if pd.isna(first) else first.date(),
        "last_decom": None if pd.isna(last) else last.date(),
        "distance_known": int(episodes["distance"].notna().sum()),
    }
    return CleanReturn(episodes=episodes, header=header, uasc=uasc, summary=summary)
