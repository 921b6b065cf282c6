"""Every English local authority is held after migrating, with its ONS code, DfE number and region, and
the collection years of the counties replaced on 1 April 2023 and of their successors."""

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
        ("E10000006", "909", "Cumbria", "E12000002"),
        ("E10000023", "815", "North Yorkshire", "E12000003"),
        ("E10000027", "933", "Somerset", "E12000009"),
    ],
)
def test_spot_checked_authorities(code, number, name, region):
    la = LocalAuthority.objects.get(code=code)
    assert (la.dfe_number, la.name, la.kind, la.region.code) == (number, name, "la", region)


def test_every_upper_tier_authority_once_a_year_with_its_own_dfe_number():
    las = LocalAuthority.objects.las().filter(is_synthetic=False)
    assert las.current().count() == 153
    assert las.count() == 156  # and Cumbria, the county of North Yorkshire and the county of Somerset
    assert not las.filter(region__isnull=True).exists()
    for year, count in ((2010, 152), (2023, 152), (2024, 153), (2027, 153)):
        numbers = list(las.existing_in(year).values_list("dfe_number", flat=True))
        assert len(numbers) == len(set(numbers)) == count, year
        assert all(n.isdigit() and len(n) == 3 for n in numbers)


REPLACED_IN_2023 = {
    "E10000006": {"E06000063", "E06000064"},  # Cumbria: Cumberland, Westmorland and Furness
    "E10000023": {"E06000065"},  # North Yorkshire (county) to North Yorkshire (unitary)
    "E10000027": {"E06000066"},  # Somerset (county) to Somerset (unitary)
}


def test_the_counties_replaced_in_2023_end_with_2022_23_and_their_successors_start_with_2023_24():
    for code, successors in REPLACED_IN_2023.items():
        county = LocalAuthority.objects.get(code=code)
        assert (county.first_collection_year, county.last_collection_year) == (None, 2023)
        assert set(county.successors.values_list("code", flat=True)) == successors
        assert county.existed_in(2023) and not county.existed_in(2024)
        for successor in LocalAuthority.objects.filter(code__in=successors):
            assert (successor.first_collection_year, successor.last_collection_year) == (2024, None)
            assert successor.existed_in(2024) and not successor.existed_in(2023)
            assert list(successor.predecessors.all()) == [county]
    assert not LocalAuthority.objects.filter(first_collection_year__isnull=False).exclude(
        code__in=set().union(*REPLACED_IN_2023.values())
    )
    # Two authorities are named North Yorkshire, two Somerset: a chooser tells them apart.
    assert str(LocalAuthority.objects.get(code="E10000023")) == "North Yorkshire (until 31 March 2023)"
    assert str(LocalAuthority.objects.get(code="E06000065")) == "North Yorkshire"


def test_a_dfe_number_is_refused_to_an_authority_existing_in_the_same_years():
    from django.core.exceptions import ValidationError

    somerset = LocalAuthority.objects.get(code="E06000066")
    somerset.full_clean()  # 933 is the county's until 2022/23 and the unitary authority's from 2023/24
    somerset.first_collection_year = 2023
    with pytest.raises(ValidationError, match="Somerset \\(until 31 March 2023\\) has DfE LA number 933"):
        somerset.full_clean()
    suffolk = LocalAuthority.objects.get(code="E10000029")
    suffolk.dfe_number = "926"
    with pytest.raises(ValidationError, match="Norfolk has DfE LA number 926"):
        suffolk.full_clean()


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
    las = LocalAuthority.objects.las().current().filter(is_synthetic=False)
    members = {code: las.filter(region__code=code).count() for code in regions}
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
    before = LocalAuthority.objects.las().existing_in(2023).filter(is_synthetic=False)
    assert before.filter(region__code="E12000002").count() == 23  # Cumbria, not its two successors
    assert before.filter(region__code="E12000003").count() == 15
    assert before.filter(region__code="E12000009").count() == 15


def test_seed_updates_by_code_without_duplicating(seeded_core):
    """The seed's authorities (Norfolk, its neighbours, the demo county) land on the migrated rows."""
    norfolk = LocalAuthority.objects.get(code="E10000020")
    assert LocalAuthority.objects.filter(name="Norfolk").count() == 1
    assert norfolk.statistical_neighbours.count() == 10
    assert LocalAuthority.objects.las().current().filter(is_synthetic=False).count() == 153
    assert LocalAuthority.objects.get(code="Z99999999").is_synthetic


def test_choosers_list_authorities_with_figures_or_granted_first(seeded_core, make_user):
    from placements.models import YearlyFigure

    suffolk = LocalAuthority.objects.get(code="E10000029")
    YearlyFigure.objects.create(la=suffolk, year=2020, measure="cla_31_march", value=900, source="published")
    unlimited = make_user("Data admin")
    codes = list(LocalAuthority.objects.for_choosers(unlimited).values_list("code", flat=True))
    assert codes[0] == "E10000029" and len(codes) == 157  # then the other 152, the three counties replaced
    assert codes[1] == "E09000002" and codes[-1] == "Z99999999"  # in 2023 and the demo authority
    assert codes[-4:-1] == ["E10000006", "E10000023", "E10000027"]  # Cumbria, North Yorkshire, Somerset
    granted = make_user("Data admin", las=["E10000020", "E06000063"])
    assert list(LocalAuthority.objects.for_choosers(granted).values_list("name", flat=True)) == [
        "Cumberland",
        "Norfolk",
    ]
    superuser = make_user(las=["E06000063"], is_superuser=True)  # sees every authority, its grant first
    codes = list(LocalAuthority.objects.for_choosers(superuser).values_list("code", flat=True))
    assert codes[:2] == ["E06000063", "E10000029"]  # Cumberland (granted), Suffolk (figures held)


def test_the_authorities_are_the_ons_lookup_with_the_2023_changes():
    """The authorities agree, code for code and name for name, with the ONS lookup they were transcribed
    from (as redistributed on PyPI), the three counties replaced in 2023 among them, and the lookup's
    authorities are all held in 2022/23; from 2023/24 the counties' successors take their places."""
    import qlacref_authorities

    ons = {r["UTLA21CD"]: r["UTLA21NM"] for r in qlacref_authorities.records if r["UTLA21CD"].startswith("E")}
    las = LocalAuthority.objects.las().filter(is_synthetic=False)
    held = dict(las.values_list("code", "name"))
    assert {code: held.get(code) for code in ons} == ons
    assert {code: ons[code] for code in REPLACED_IN_2023} == {
        "E10000006": "Cumbria",
        "E10000023": "North Yorkshire",
        "E10000027": "Somerset",
    }
    successors = set().union(*REPLACED_IN_2023.values())
    assert set(held) == set(ons) | successors
    assert set(las.existing_in(2023).values_list("code", flat=True)) == set(ons)
    assert (
        set(las.existing_in(2024).values_list("code", flat=True))
        == set(ons) - set(REPLACED_IN_2023) | successors
    )


# ---- a return only for a year its authority existed ----------------------------------------------------


@pytest.mark.parametrize(
    "code, year, error",
    [
        ("E10000006", 2023, None),
        ("E10000006", 2010, None),
        ("E06000063", 2024, None),
        (
            "E10000006",
            2024,
            "Cumbria (until 31 March 2023) has no return for 2023/24: "
            "from 1 April 2023 choose Cumberland or Westmorland and Furness",
        ),
        (
            "E06000064",
            2023,
            "Westmorland and Furness was formed on 1 April 2023 and has no return for 2022/23: "
            "before then choose Cumbria (until 31 March 2023)",
        ),
        (
            "E10000023",
            2025,
            "North Yorkshire (until 31 March 2023) has no return for 2024/25: "
            "from 1 April 2023 choose North Yorkshire",
        ),
        (
            "E06000066",
            2020,
            "Somerset was formed on 1 April 2023 and has no return for 2019/20: "
            "before then choose Somerset (until 31 March 2023)",
        ),
    ],
)
def test_a_return_is_refused_for_a_year_its_authority_did_not_exist(code, year, error):
    from placements.forms import authority_year_error

    assert authority_year_error(LocalAuthority.objects.get(code=code), year) == error


def test_the_upload_refuses_a_county_s_return_after_2023_and_names_its_successors(data_admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from placements.models import ImportJob

    def upload(code, year):
        files = [SimpleUploadedFile("header.csv", b"CHILD,SEX,DOB\n", content_type="text/csv")]
        return data_admin_client.post(
            reverse("data:import_upload"), {"la": code, "collection_year": str(year), "files": files}
        )

    response = upload("E10000006", 2024)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "collection_year": [
            "Cumbria (until 31 March 2023) has no return for 2023/24: "
            "from 1 April 2023 choose Cumberland or Westmorland and Furness"
        ]
    }
    assert "from 1 April 2023 choose Cumberland or Westmorland and Furness" in response.content.decode()
    assert not ImportJob.objects.exists()
    response = upload("E10000006", 2023)  # the county's own year: queued like any other return
    assert response.status_code == 302
    assert ImportJob.objects.get().la.code == "E10000006"
