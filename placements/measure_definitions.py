"""The headline measures' codes and definitions: what each measure is, for the UI and exports.

The `rule` of each definition is shown verbatim on the measure's "About this measure" page; the
computation that follows it is placements.measures (which offers every name here too).
"""

from __future__ import annotations

from dataclasses import dataclass

from placements.groups import GROUP_MEASURES, GROUPS

# ---- codes ---------------------------------------------------------------------------------------------

CIN_CODES = tuple(f"N{i}" for i in range(1, 9))

PLACEMENT_GROUPS = GROUP_MEASURES  # placements/groups.py holds the groups and their rule
AGE_BANDS = ["age_under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_plus"]

MEASURE_CODES: list[str] = [
    "cla_31_march",
    "starts",
    "ceases",
    "rate_per_10k",
    "uasc_31_march",
    *PLACEMENT_GROUPS,
    *AGE_BANDS,
    "sex_male",
    "sex_female",
    *[f"cin_{c}" for c in CIN_CODES],
    "stability_3plus_count",
    "stability_3plus_pct",
    "long_term_eligible",
    "long_term_stable_count",
    "long_term_stability_pct",
    "distance_known_count",
    "distance_over_20_count",
    "distance_over_20_pct",
]

# The measures that are ratios of other measures; every other measure counts children, so it is a sum over
# children of what each child contributes (see compute_counts and from_counts).
DERIVED_CODES = ("rate_per_10k", "stability_3plus_pct", "long_term_stability_pct", "distance_over_20_pct")
COUNT_CODES: list[str] = [c for c in MEASURE_CODES if c not in DERIVED_CODES]


# ---- measure definitions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureDef:
    """What a measure is, for the UI and exports: the rule is shown verbatim on "About this measure"."""

    code: str
    title: str
    unit: str  # "count" | "percent" | "rate"
    polarity: str | None  # "higher_better" | "lower_better" | None
    group: str
    rule: str
    denominator: str | None = None
    caveats: str = ""


_OPEN = (
    "An episode is open on a date D when DECOM is on or before D and DEC is blank or after D "
    "(an episode that ceased on 31 March is not open on 31 March)."
)
_LONGITUDINAL = (
    "Computed from the longitudinal record: every imported return of the authority, with episodes "
    "whose legal status is V3 or V4 (short breaks) dropped first, then, where the same child and DECOM "
    "appear in several returns, the row from the latest collection year kept."
)
_CLA = "the children counted in children looked after on 31 March"
_CURRENT = (
    "the episode open on 31 March of the collection year (the one with the latest DECOM if a child has "
    "more than one open)"
)
_HEADER = (
    "Date of birth and sex come from the Header row of the latest return that holds the child "
    "(the latest collection year wins, so corrections in later returns apply to every year)."
)
_PERIOD = (
    "The period of care open on 31 March begins at the child's latest episode with RNE = S whose DECOM "
    "is on or before 31 March, or at the child's earliest held episode where no such episode is held."
)
_RETURN = (
    "An episode is a return, not a new placement, when the child's immediately preceding held episode "
    "(by DECOM, in the whole longitudinal record) is a temporary placement (PLACE T0-T4) and the episode "
    "has the same PLACE and the same PL_POST as the last non-temporary episode before that run of "
    "consecutive temporary episodes; PLACE and PL_POST must both be given (not blank) on both episodes "
    "to be the same."
)
_NEW_PLACEMENT = (
    "An episode counts as a new placement when its PLACE is not temporary (T0-T4), its RNE is S, P or B "
    "(a new carer) and it is not a return. " + _RETURN
)
_PCT = "Given to one decimal place, rounded half up on the exact ratio (0.25 becomes 0.3)."
_BLANK = "Blank, not 0, when the denominator is zero."


def _m(code, title, unit, group, rule, polarity=None, denominator=None, caveats="") -> MeasureDef:
    return MeasureDef(code, title, unit, polarity, group, rule, denominator, caveats)


_GROUP_RULES = {g.measure: (g.title, g.rule) for g in GROUPS}

_AGE_RULES = {
    "age_under_1": ("Aged under 1", "under 1 (a date of birth after 31 March also falls here)"),
    "age_1_4": ("Aged 1 to 4", "1 to 4"),
    "age_5_9": ("Aged 5 to 9", "5 to 9"),
    "age_10_15": ("Aged 10 to 15", "10 to 15"),
    "age_16_plus": ("Aged 16 and over", "16 or over"),
}

_CIN_TITLES = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental illness or disability",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
}


def _definitions() -> dict[str, MeasureDef]:
    defs = [
        _m(
            "cla_31_march",
            "Children looked after on 31 March",
            "count",
            "Children looked after",
            f"Distinct children with an episode open on 31 March of the collection year. {_OPEN} "
            f"{_LONGITUDINAL}",
        ),
        _m(
            "starts",
            "Children who started to be looked after",
            "count",
            "Children looked after",
            "Distinct children with an episode with RNE = S and DECOM from 1 April to 31 March of the "
            "collection year (both dates included). A child who started twice in the year counts once. "
            + _LONGITUDINAL,
        ),
        _m(
            "ceases",
            "Children who ceased to be looked after",
            "count",
            "Children looked after",
            "Distinct children with an episode with DEC from 1 April to 31 March of the collection year "
            "(both dates included) and REC not blank and not X1 (X1 means care continues in a new "
            "episode). A child who ceased twice in the year counts once. " + _LONGITUDINAL,
        ),
        _m(
            "rate_per_10k",
            "Children looked after per 10,000 children",
            "rate",
            "Children looked after",
            "Children looked after on 31 March divided by the authority's population aged 0 to 17 for "
            "that year, times 10,000, to one decimal place rounded half up on the exact ratio.",
            caveats="The population is reference data (ONS mid-year estimate) entered or imported per "
            "authority and year; the rate is blank where no population (or a population of 0) is held.",
        ),
        _m(
            "uasc_31_march",
            "Unaccompanied asylum-seeking children looked after on 31 March",
            "count",
            "UASC",
            f"Of {_CLA}, those who appear in the UASC table with DUC (date UASC status ceased) blank or "
            "after 31 March of the collection year. The UASC row of the latest return that holds the "
            "child is used.",
            caveats="The UASC table is optional: where an authority's returns do not include it, this "
            "count is 0.",
        ),
    ]
    for code in PLACEMENT_GROUPS:
        title, rule = _GROUP_RULES[code]
        defs.append(
            _m(
                code,
                title,
                "count",
                "Placement mix",
                f"Of {_CLA}, by the PLACE and PLACE_PROVIDER of {_CURRENT}: {rule} Codes are compared "
                "case-insensitively. The eight placement groups sum to children looked after on 31 March.",
            )
        )
    for code in AGE_BANDS:
        title, band = _AGE_RULES[code]
        defs.append(
            _m(
                code,
                title,
                "count",
                "Age",
                f"Of {_CLA}, those aged {band} on 31 March of the collection year, in whole years from "
                "the date of birth (a child whose birthday is 31 March has had it; a 29 February "
                f"birthday is compared as month and day). {_HEADER}",
                caveats="Children with no date of birth are in no age band, so the bands may sum to "
                "less than children looked after.",
            )
        )
    defs += [
        _m(
            "sex_male",
            "Boys",
            "count",
            "Sex",
            f"Of {_CLA}, those whose SEX is 1 or M (case-insensitive). {_HEADER}",
            caveats="SEX U, blank or any other value is counted in neither boys nor girls.",
        ),
        _m(
            "sex_female",
            "Girls",
            "count",
            "Sex",
            f"Of {_CLA}, those whose SEX is 2 or F (case-insensitive). {_HEADER}",
            caveats="SEX U, blank or any other value is counted in neither boys nor girls.",
        ),
    ]
    for c in CIN_CODES:
        defs.append(
            _m(
                f"cin_{c}",
                f"Category of need: {_CIN_TITLES[c]} ({c})",
                "count",
                "Category of need",
                f"Of {_CLA}, those whose CIN is {c} on the first episode of the period of care open on "
                f"31 March. {_PERIOD}",
                caveats="A blank or unrecognised CIN on that episode is counted in no category.",
            )
        )
    placements_rule = (
        "Placements during the year, for each of " + _CLA + ": take the child's episodes that overlap the "
        "collection year (DECOM on or before 31 March and DEC blank or on or after 1 April), ignoring "
        "temporary placements (PLACE T0-T4). The first such episode counts as one placement; each later "
        "one counts only if its RNE is S, P or B (a new carer) and it is not a return. " + _RETURN
    )
    defs += [
        _m(
            "stability_3plus_count",
            "Children with 3 or more placements in the year",
            "count",
            "Stability",
            placements_rule + " Counted: children with 3 or more placements.",
        ),
        _m(
            "stability_3plus_pct",
            "Children with 3 or more placements in the year (%)",
            "percent",
            "Stability",
            "Children with 3 or more placements during the year divided by children looked after on "
            f"31 March, times 100. {placements_rule} {_PCT} {_BLANK}",
            polarity="lower_better",
            denominator="cla_31_march",
        ),
    ]
    long_term = (
        f"Eligible: {_CLA} who are aged under 16 on 31 March (by date of birth; children with no date of "
        "birth are not eligible) and whose period of care began on or before 30 September three years "
        f"before the end of the collection year (2½ years before 31 March). {_PERIOD} "
        "Stable: eligible children whose current placement began on or before 31 March two years before "
        "the end of the collection year. The current placement begins at the latest episode with DECOM "
        "on or before 31 March that counts as a new placement, or at the child's earliest held episode "
        f"where there is none. {_NEW_PLACEMENT} When the open episode is an adoption placement (PLACE "
        "A3-A6), the placement before the adoption placement counts as its beginning: find the adoption "
        "placement's own beginning as above, then take the latest episode counting as a new placement "
        "whose DECOM is strictly before that beginning, or the child's earliest held episode where there "
        "is none."
    )
    defs += [
        _m(
            "long_term_eligible",
            "Children eligible for the long-term stability measure",
            "count",
            "Stability",
            long_term,
        ),
        _m(
            "long_term_stable_count",
            "Children in a long-term stable placement",
            "count",
            "Stability",
            long_term,
        ),
        _m(
            "long_term_stability_pct",
            "Children in a long-term stable placement (%)",
            "percent",
            "Stability",
            f"Stable children divided by eligible children, times 100. {long_term} {_PCT} {_BLANK}",
            polarity="higher_better",
            denominator="long_term_eligible",
        ),
    ]
    distance = (
        f"Of {_CLA}, the distance from home of the placement of {_CURRENT}: PL_DISTANCE where the "
        "Episodes table gives it, otherwise the straight-line distance between HOME_POST and PL_POST "
        "where both resolve to coordinates; unknown otherwise."
    )
    defs += [
        _m(
            "distance_known_count",
            "Children whose placement distance is known",
            "count",
            "Distance",
            distance + " Counted: children whose distance is known.",
        ),
        _m(
            "distance_over_20_count",
            "Children placed more than 20 miles from home",
            "count",
            "Distance",
            distance + " Counted: children whose distance is strictly more than 20.0 miles (exactly "
            "20.0 is not over).",
        ),
        _m(
            "distance_over_20_pct",
            "Children placed more than 20 miles from home (%)",
            "percent",
            "Distance",
            "Children placed strictly more than 20.0 miles from home divided by children whose distance "
            f"is known, times 100. {distance} {_PCT} {_BLANK}",
            polarity="lower_better",
            denominator="distance_known_count",
            caveats="Children whose distance is unknown are left out of both the count and the denominator.",
        ),
    ]
    out = {d.code: d for d in defs}
    assert list(out) == MEASURE_CODES
    return out


MEASURES: dict[str, MeasureDef] = _definitions()
