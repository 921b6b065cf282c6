"""Every English local authority is held after migrating, with its ONS code, DfE number and region."""

import pytest

from sufficiency.models import LocalAuthority

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "code, number, name, region",
    [
        ("E10000020", "926", "Norfolk", "E12000006"),
        ("E06000063", "942", "Cumberland", "E12000002"),
        ("E06000064", "943", "Westmorland and Furness", "E12000002"),
        ("E06000065", "815", "North Yorkshire", "E12000003"),
        ("E06000066", "933", "Somerset", "E12000009"),
        ("E09000001", "201", "City of London", "E12000007"),
        ("E06000053", "420", "Isles of Scilly", "E12000009"),
        ("E08000025", "330", "Birmingham", "E12000005"),
        ("E06000062", "941", "West Northamptonshire", "E12000004"),
    ],
)
def test_spot_checked_authorities(code, number, name, region):
    la = LocalAuthority.objects.get(code=code)
    assert (la.dfe_number, la.name, la.kind, la.region.code) == (number, name, "la", region)


def test_every_upper_tier_authority_once_and_none_replaced_in_2023():
    las = LocalAuthority.objects.las().filter(is_synthetic=False)
    assert las.count() == 153
    numbers = list(las.values_list("dfe_number", flat=True))
    assert len(set(numbers)) == 153 and all(n.isdigit() and len(n) == 3 for n in numbers)
    # Cumbria, the county of North Yorkshire and the county of Somerset ended on 31 March 2023.
    assert not LocalAuthority.objects.filter(code__in=["E10000006", "E10000023", "E10000027"]).exists()
    assert not las.filter(region__isnull=True).exists()


def test_regions_and_england():
    regions = dict(LocalAuthority.objects.filter(kind="region").values_list("code", "name"))
    assert regions == {
        "E12000001": "North East",
        "E12000002": "North West",
        "E12000003": "Yorkshire and The Humber",
        "E12000004": "East Midlands",
        "E12000005": "West Midlands",
        "E12000006": "East of England",
        "E12000007": "London",
        "E12000008": "South East",
        "E12000009": "South West",
    }
    assert LocalAuthority.objects.get(code="E92000001").kind == "national"
    members = {
        code: LocalAuthority.objects.las().filter(region__code=code, is_synthetic=False).count()
        for code in regions
    }
    assert members == {
        "E12000001": 12,
        "E12000002": 24,
        "E12000003": 15,
        "E12000004": 10,
        "E12000005": 14,
        "E12000006": 11,
        "E12000007": 33,
        "E12000008": 19,
        "E12000009": 15,
    }


def test_seed_updates_by_code_without_duplicating(seeded_core):
    """The seed's authorities (Norfolk, its neighbours, the demo county) land on the migrated rows."""
    norfolk = LocalAuthority.objects.get(code="E10000020")
    assert LocalAuthority.objects.filter(name="Norfolk").count() == 1
    assert norfolk.statistical_neighbours.count() == 10
    assert LocalAuthority.objects.las().filter(is_synthetic=False).count() == 153
    assert LocalAuthority.objects.get(code="Z99999999").is_synthetic


def test_choosers_list_authorities_with_figures_or_granted_first(seeded_core, make_user):
    from placements.models import YearlyFigure

    suffolk = LocalAuthority.objects.get(code="E10000029")
    YearlyFigure.objects.create(la=suffolk, year=2020, measure="cla_31_march", value=900, source="published")
    unlimited = make_user("Data admin")
    codes = list(LocalAuthority.objects.for_choosers(unlimited).values_list("code", flat=True))
    assert codes[0] == "E10000029" and len(codes) == 154  # then the other 152 and the demo authority
    assert codes[1] == "E09000002" and codes[-1] == "Z99999999"  # Barking and Dagenham; synthetic last
    granted = make_user("Data admin", las=["E10000020", "E06000063"])
    assert list(LocalAuthority.objects.for_choosers(granted).values_list("name", flat=True)) == [
        "Cumberland",
        "Norfolk",
    ]
    superuser = make_user(las=["E06000063"], is_superuser=True)  # sees every authority, its grant first
    codes = list(LocalAuthority.objects.for_choosers(superuser).values_list("code", flat=True))
    assert codes[:2] == ["E06000063", "E10000029"]  # Cumberland (granted), Suffolk (figures held)


REPLACED_IN_2023 = {
    "E10000006": {"E06000063", "E06000064"},  # Cumbria: Cumberland, Westmorland and Furness
    "E10000023": {"E06000065"},  # North Yorkshire (county) to North Yorkshire (unitary)
    "E10000027": {"E06000066"},  # Somerset (county) to Somerset (unitary)
}


def test_the_authorities_are_the_ons_lookup_with_the_2023_changes():
    """The fixture agrees, code for code and name for name, with the ONS lookup it was transcribed from
    (as redistributed on PyPI), apart from the three counties replaced by unitary authorities in 2023."""
    import qlacref_authorities

    ons = {
        r["UTLA21CD"]: r["UTLA21NM"] for r in qlacref_authorities.records if r["UTLA21CD"].startswith("E")
    }
    held = dict(LocalAuthority.objects.las().filter(is_synthetic=False).values_list("code", "name"))
    kept = {code: name for code, name in ons.items() if code not in REPLACED_IN_2023}
    assert {code: held.get(code) for code in kept} == kept
    successors = set().union(*REPLACED_IN_2023.values())
    assert set(held) == set(kept) | successors
