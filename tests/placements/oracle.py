"""A second, deliberately plain implementation of the SSDA903 measure rules (one child at a time).

It is written straight from shared/reference/ssda903.md, independently of placements/measures.py, and
used only by the tests: on random episode histories the two implementations must agree exactly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction

import pandas as pd

TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}
ADOPTION = {"A3", "A4", "A5", "A6"}
NEW_CARER = {"S", "P", "B"}


def _d(value) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _s(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    value = str(value).strip().upper()
    return value or None


def _half_up(numerator: int, denominator: int, scale: int) -> float | None:
    if not denominator:
        return None
    value = Fraction(numerator * scale, denominator) * 10
    whole = int(value)
    if value - whole >= Fraction(1, 2):
        whole += 1
    return whole / 10


def group_of(place: str | None, provider: str | None) -> str:
    if place in {"U1", "U2", "U3"}:
        return "placement_fostered_relative_friend"
    if place in {"U4", "U5", "U6"}:
        if provider in {"PR1", "PR2", "PR3"}:
            return "placement_fostered_in_house"
        if provider in {"PR4", "PR5", None}:
            return "placement_fostered_agency"
        return "placement_other"
    if place in ADOPTION:
        return "placement_adoption"
    if place == "P1":
        return "placement_with_parents"
    if place in {"K1", "K2", "R1", "S1"}:
        return "placement_residential"
    if place in {"H5", "K3", "P2"}:
        return "placement_semi_independent"
    return "placement_other"


GROUPS = [
    "placement_fostered_relative_friend", "placement_fostered_in_house", "placement_fostered_agency",
    "placement_adoption", "placement_with_parents", "placement_residential", "placement_semi_independent",
    "placement_other",
]


def longitudinal(episodes: pd.DataFrame) -> dict[str, list[dict]]:
    """V3/V4 dropped, then the latest collection year wins per (child, decom); per child by DECOM."""
    best: dict[tuple[str, dt.date], dict] = {}
    for row in episodes.to_dict("records"):
        if _s(row.get("ls")) in {"V3", "V4"}:
            continue
        key = (row["child"], _d(row["decom"]))
        if key not in best or row["collection_year"] > best[key]["collection_year"]:
            best[key] = row
    by_child: dict[str, list[dict]] = defaultdict(list)
    for (child, decom), row in best.items():
        by_child[child].append({
            "decom": decom, "dec": _d(row.get("dec")), "rne": _s(row.get("rne")), "ls": _s(row.get("ls")),
            "cin": _s(row.get("cin")), "place": _s(row.get("place")),
            "provider": _s(row.get("place_provider")), "rec": _s(row.get("rec")),
            "pl_post_key": _s(row.get("pl_post_key")) if row.get("pl_post_key") is not None else None,
            "distance": None if row.get("distance") is None or pd.isna(row.get("distance"))
            else float(row["distance"]),
        })
    for rows in by_child.values():
        rows.sort(key=lambda e: e["decom"])
    return by_child


def latest(df: pd.DataFrame) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for row in df.to_dict("records"):
        if row["child"] not in out or row["collection_year"] >= out[row["child"]]["collection_year"]:
            out[row["child"]] = row
    return out


def _is_return(eps: list[dict], i: int) -> bool:
    if i == 0 or eps[i - 1]["place"] not in TEMPORARY:
        return False
    j = i - 1
    while j >= 0 and eps[j]["place"] in TEMPORARY:
        j -= 1
    if j < 0:
        return False
    before = eps[j]
    return (before["place"] == eps[i]["place"] and eps[i]["pl_post_key"] is not None
            and before["pl_post_key"] == eps[i]["pl_post_key"])


def _new_placement(eps: list[dict], i: int) -> bool:
    e = eps[i]
    return e["place"] not in TEMPORARY and e["rne"] in NEW_CARER and not _is_return(eps, i)


def _period_start(eps: list[dict], ref: dt.date) -> dict:
    starts = [e for e in eps if e["rne"] == "S" and e["decom"] <= ref]
    return starts[-1] if starts else eps[0]


def _placement_begin(eps: list[dict], ref: dt.date, before: dt.date | None = None) -> dt.date:
    limit = [i for i, e in enumerate(eps) if e["decom"] <= ref and (before is None or e["decom"] < before)]
    news = [i for i in limit if _new_placement(eps, i)]
    return eps[news[-1]]["decom"] if news else eps[0]["decom"]


def _age(dob: dt.date | None, on: dt.date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def compute_year(by_child: dict[str, list[dict]], header: dict[str, dict], uasc: dict[str, dict], year: int,
                 population: int | None) -> dict:
    ref, start = dt.date(year, 3, 31), dt.date(year - 1, 4, 1)
    out: dict[str, float | int | None] = defaultdict(int)
    cla = starts = ceases = 0
    over3 = eligible = stable = known = over20 = 0
    for code in GROUPS + ["age_under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_plus", "sex_male",
                          "sex_female", "uasc_31_march"] + [f"cin_N{i}" for i in range(1, 9)]:
        out[code] = 0
    for child, eps in by_child.items():
        if any(e["rne"] == "S" and start <= e["decom"] <= ref for e in eps):
            starts += 1
        if any(e["dec"] is not None and start <= e["dec"] <= ref and e["rec"] not in (None, "X1") for e in eps):
            ceases += 1
        open_eps = [e for e in eps if e["decom"] <= ref and (e["dec"] is None or e["dec"] > ref)]
        if not open_eps:
            continue
        cla += 1
        current = open_eps[-1]
        out[group_of(current["place"], current["provider"])] += 1
        h = header.get(child, {})
        dob = _d(h.get("dob"))
        age = _age(dob, ref)
        if age is not None:
            band = ("age_under_1" if age < 1 else "age_1_4" if age < 5 else "age_5_9" if age < 10
                    else "age_10_15" if age < 16 else "age_16_plus")
            out[band] += 1
        sex = _s(h.get("sex"))
        if sex in {"1", "M"}:
            out["sex_male"] += 1
        elif sex in {"2", "F"}:
            out["sex_female"] += 1
        u = uasc.get(child)
        if u is not None and (_d(u.get("duc")) is None or _d(u.get("duc")) > ref):
            out["uasc_31_march"] += 1
        period = _period_start(eps, ref)
        if period["cin"] in {f"N{i}" for i in range(1, 9)}:
            out[f"cin_{period['cin']}"] += 1
        # placements during the year
        count, first = 0, True
        for i, e in enumerate(eps):
            if not (e["decom"] <= ref and (e["dec"] is None or e["dec"] >= start)) or e["place"] in TEMPORARY:
                continue
            if first:
                count, first = 1, False
            elif e["rne"] in NEW_CARER and not _is_return(eps, i):
                count += 1
        if count >= 3:
            over3 += 1
        # long-term stability
        if age is not None and age < 16 and period["decom"] <= dt.date(year - 3, 9, 30):
            eligible += 1
            begin = _placement_begin(eps, ref)
            if current["place"] in ADOPTION:
                begin = _placement_begin(eps, ref, before=begin)
            if begin <= dt.date(year - 2, 3, 31):
                stable += 1
        if current["distance"] is not None:
            known += 1
            if current["distance"] > 20.0:
                over20 += 1
    out.update({
        "cla_31_march": cla, "starts": starts, "ceases": ceases,
        "rate_per_10k": _half_up(cla, population, 10_000) if population else None,
        "stability_3plus_count": over3, "stability_3plus_pct": _half_up(over3, cla, 100),
        "long_term_eligible": eligible, "long_term_stable_count": stable,
        "long_term_stability_pct": _half_up(stable, eligible, 100),
        "distance_known_count": known, "distance_over_20_count": over20,
        "distance_over_20_pct": _half_up(over20, known, 100),
    })
    return dict(out)
