"""The eight placement groups of the reference and the PLACE / PLACE_PROVIDER rule that assigns them.

One definition, used by the measures (``placement_<key>``), the dashboard charts, the forecast's states,
unit costs and capacities. Pure: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

IN_HOUSE_PROVIDERS = ("PR1", "PR2", "PR3")
EXTERNAL_PROVIDERS = ("PR4", "PR5")
FOSTER_PLACES = ("U4", "U5", "U6")


@dataclass(frozen=True)
class PlacementGroup:
    key: str  # e.g. "fostered_in_house": the forecast's state, a unit cost's or capacity's group
    title: str
    rule: str  # the reference's rule, in words

    @property
    def measure(self) -> str:
        """The measure code counting children in the group at 31 March."""
        return f"placement_{self.key}"


GROUPS: tuple[PlacementGroup, ...] = (
    PlacementGroup("fostered_relative_friend", "Fostered by relatives or friends", "PLACE U1, U2 or U3."),
    PlacementGroup(
        "fostered_in_house",
        "Fostered by the local authority (in-house)",
        "PLACE U4, U5 or U6 with PLACE_PROVIDER PR1, PR2 or PR3.",
    ),
    PlacementGroup(
        "fostered_agency",
        "Fostered through an agency",
        "PLACE U4, U5 or U6 with PLACE_PROVIDER PR4 or PR5, or with PLACE_PROVIDER blank.",
    ),
    PlacementGroup("adoption", "Placed for adoption", "PLACE A3, A4, A5 or A6."),
    PlacementGroup("with_parents", "Placed with parents", "PLACE P1."),
    PlacementGroup(
        "residential", "Residential (children's homes, secure, schools)", "PLACE K1, K2, R1 or S1."
    ),
    PlacementGroup("semi_independent", "Semi-independent or supported living", "PLACE H5, K3 or P2."),
    PlacementGroup(
        "other",
        "Other placements",
        "every other PLACE code (including temporary placements T0-T4, R2, R3, R5, P3, Z1, Z11-Z14 and a "
        "blank PLACE), and also U4, U5 or U6 with any PLACE_PROVIDER other than PR1-PR5 or blank "
        "(for example PR0): the reference names in-house as PR1-PR3 only and agency as PR4, PR5 or "
        "blank, and the eight groups must sum to children looked after, so such episodes are put here.",
    ),
)

GROUP_KEYS: list[str] = [g.key for g in GROUPS]
GROUP_MEASURES: list[str] = [g.measure for g in GROUPS]
GROUP_CHOICES: list[tuple[str, str]] = [(g.key, g.title) for g in GROUPS]
GROUP_LABELS: dict[str, str] = dict(GROUP_CHOICES)
# A group in a sentence: "moves children from residential care to in-house fostering".
GROUP_SHORT_NAMES: dict[str, str] = {
    "fostered_relative_friend": "fostering by relatives or friends",
    "fostered_in_house": "in-house fostering",
    "fostered_agency": "agency fostering",
    "adoption": "placement for adoption",
    "with_parents": "placement with parents",
    "residential": "residential care",
    "semi_independent": "semi-independent or supported living",
    "other": "other placements",
}
OTHER = GROUP_KEYS.index("other")


def clean_codes(values: Iterable[Any]) -> np.ndarray:
    """Stripped, upper-case codes ("" for missing) as an object array, cleaned once per distinct value."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    clean = pd.Series(uniques, dtype="string").str.strip().str.upper().fillna("").to_numpy(dtype=object)
    return np.append(clean, "")[codes]  # code -1 (missing) picks the appended ""


def group_index(place: np.ndarray, provider: np.ndarray) -> np.ndarray:
    """Index into GROUPS of each PLACE / PLACE_PROVIDER pair, given as cleaned codes ("" when blank)."""
    place = np.asarray(place, dtype=object)
    provider = np.asarray(provider, dtype=object)
    foster = np.isin(place, FOSTER_PLACES)
    conditions = [
        np.isin(place, ("U1", "U2", "U3")),
        foster & np.isin(provider, IN_HOUSE_PROVIDERS),
        foster & (np.isin(provider, EXTERNAL_PROVIDERS) | (provider == "")),
        np.isin(place, ("A3", "A4", "A5", "A6")),
        place == "P1",
        np.isin(place, ("K1", "K2", "R1", "S1")),
        np.isin(place, ("H5", "K3", "P2")),
    ]
    return np.select(conditions, list(range(OTHER)), default=OTHER).astype(np.int64)


def group_index_of_codes(
    place: np.ndarray, places: np.ndarray, provider: np.ndarray, providers: np.ndarray
) -> np.ndarray:
    """group_index for factorised columns (integer codes, -1 when blank, and their cleaned values).

    The rule is applied once per distinct (PLACE, PLACE_PROVIDER) pair, then spread back to the rows.
    """
    place_values = np.append(np.asarray(places, dtype=object).astype(str), "")  # code -1 picks ""
    provider_values = np.append(np.asarray(providers, dtype=object).astype(str), "")
    width = len(provider_values)
    pair = (np.asarray(place, dtype=np.int64) + 1) * width + (np.asarray(provider, dtype=np.int64) + 1)
    uniq, inverse = np.unique(pair, return_inverse=True)
    groups = group_index(place_values[uniq // width - 1], provider_values[uniq % width - 1])
    return groups[inverse.reshape(-1)] if len(pair) else np.zeros(0, dtype=np.int64)


def group_index_of_values(place: Iterable[Any], provider: Iterable[Any]) -> np.ndarray:
    """group_index of raw PLACE / PLACE_PROVIDER values: each column factorised and its distinct values
    cleaned once, then group_index_of_codes (the rule once per distinct pair, not once per row)."""

    def factorised(values: Iterable[Any]) -> tuple[np.ndarray, np.ndarray]:
        series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        return codes, clean_codes(pd.Series(uniques, dtype=object))

    place_codes, places = factorised(place)
    provider_codes, providers = factorised(provider)
    return group_index_of_codes(place_codes, places, provider_codes, providers)
