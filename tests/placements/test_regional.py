"""Figures for a region or England computed from the returns held, the comparator fallback, the ranking
of a region's authorities, and the interface (export_measures, /api/measures/) for areas."""

import csv
import io

import pytest
from django.core.management import call_command

from placements import regional
from placements.models import ImportJob, Population, Return, YearlyFigure
from placements.services import import_job_create, import_job_run
from sufficiency.models import LocalAuthority
from tests.placements.returns import EPISODE_COLUMNS, HEADER_COLUMNS, child, csv_bytes, episode

pytestmark = pytest.mark.django_db

EAST = "E12000006"


def a_return(extra: int, moves: int) -> list[tuple[str, bytes]]:
    """2019/20: `extra` + 1 children looked after on 31 March and one who left; the first `moves` of the
    extra children have had three placements in the year and one lives over 20 miles away."""
    children = [child("C1"), child("C2", "2", "15/09/2005")]
    episodes = [
        episode("C1", "01/05/2018"),
        episode("C2", "01/04/2017", place="K2", provider="PR4", dec="10/10/2019", rec="E4A"),
    ]
    for i in range(extra):
        cid = f"X{i}"
        children.append(child(cid, "2" if i % 2 else "1", "01/01/2012"))
        if i < moves:
            episodes += [
                episode(cid, "01/05/2019", place="U4", dec="01/07/2019", rec="X1"),
                episode(cid, "01/07/2019", place="U5", rne="P", dec="01/10/2019", rec="X1"),
                episode(cid, "01/10/2019", place="U6", rne="P", pl="TR1 1AA"),
            ]
        else:
            episodes.append(episode(cid, "01/02/2020", place="U1", cin="N2"))
    return [
        ("header.csv", csv_bytes(HEADER_COLUMNS, children)),
        ("episodes.csv", csv_bytes(EPISODE_COLUMNS, episodes)),
    ]


def import_return(la, year, uploads):
    job = import_job_run(import_job_create(la=la, collection_year=year, uploads=uploads))
    assert job.status == ImportJob.Status.SUCCEEDED, job.summary
    return job


def computed(la, year):
    return dict(
        YearlyFigure.objects.filter(la=la, year=year, source="computed").values_list("measure", "value")
    )


@pytest.fixture(autouse=True)
def english_authorities(db):
    """Every English authority, as the data migration loads them (again, should a transactional test's
    flush have removed them)."""
    from importlib import import_module

    from django.apps import apps

    import_module("sufficiency.migrations.0002_load_english_authorities").load(apps, None)
    import_module("sufficiency.migrations.0005_load_counties_replaced_in_2023").load(apps, None)


@pytest.fixture
def east(seeded_core):
    return LocalAuthority.objects.get(code=EAST)


@pytest.fixture
def east_members(east):
    members = list(regional.members(east).order_by("name"))
    assert len(members) == 11 and all(not la.is_synthetic for la in members)
    return members


# ---- pooling rules -------------------------------------------------------------------------------------


def test_pooling_sums_counts_and_takes_the_ratio_of_sums_never_an_average_of_percentages():
    a = {"cla_31_march": 2, "stability_3plus_count": 1, "long_term_eligible": 0, "long_term_stable_count": 0}
    b = {"cla_31_march": 8, "stability_3plus_count": 1, "long_term_eligible": 4, "long_term_stable_count": 3}
    for row in (a, b):
        for code in regional.measures.MEASURE_CODES:
            row.setdefault(code, 0 if regional.measures.MEASURES[code].unit == "count" else 99.9)
    pooled = regional.pool([a, b], [1_000, 3_000])
    assert pooled["cla_31_march"] == 10
    assert pooled["stability_3plus_pct"] == 20.0  # 2 of 10, not the mean of 50.0% and 12.5%
    assert pooled["long_term_stability_pct"] == 75.0  # 3 of 4: an authority with none eligible adds nothing
    assert pooled["rate_per_10k"] == 25.0  # 10 per 4,000 children
    assert regional.pool([a, b], [1_000, None])["rate_per_10k"] is None  # one population missing


def test_every_percentage_or_rate_has_a_pooling_rule():
    for code, definition in regional.measures.MEASURES.items():
        if definition.unit != "count":
            numerator, denominator, _ = regional.RATIOS[code]
            assert numerator in regional.measures.MEASURES
            assert denominator == "population" or denominator in regional.measures.MEASURES


# ---- a region computed from its authorities' returns ---------------------------------------------------


def test_region_figure_is_the_sum_over_its_authorities(east, east_members, data_admin):
    for i, la in enumerate(east_members):
        import_return(la, 2020, a_return(extra=i % 4, moves=i % 3))
        Population.objects.create(la=la, year=2020, population=10_000 + 1_000 * i)
    per_la = [computed(la, 2020) for la in east_members]
    assert len({row["cla_31_march"] for row in per_la}) > 1  # the authorities differ

    rows = regional.computed_measures(area=east, year=2020)
    region = {measure: value for year, measure, value in rows if year == 2020}
    assert [m for _, m, _ in rows] == regional.measures.MEASURE_CODES
    for code in ["cla_31_march", "starts", "ceases", "stability_3plus_count", "distance_over_20_count"]:
        assert region[code] == sum(row[code] for row in per_la), code
    cla = int(sum(row["cla_31_march"] for row in per_la))
    three = sum(row["stability_3plus_count"] for row in per_la)
    assert three > 0
    assert region["stability_3plus_pct"] == regional.measures.round_half_up(three, cla)
    population = sum(10_000 + 1_000 * i for i in range(11))
    assert region["rate_per_10k"] == regional.measures.round_half_up(cla, population, 10_000)

    figures = regional.area_figures(area=east, year=2020)
    assert figures.computed and figures.source_text == "Computed from 11 authorities' returns"

    # The interface: export_measures and /api/measures/ give the same rows in the authority's shape.
    out = io.StringIO()
    call_command("export_measures", "--la", EAST, "--year", "2020", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "year,measure,value"
    assert f"2020,cla_31_march,{cla}" in lines
    assert len(lines) == 1 + len(regional.measures.MEASURE_CODES)

    from django.test import Client

    client = Client()
    client.force_login(data_admin)
    body = client.get("/api/measures/", {"la": EAST}).json()
    assert body["la"]["code"] == EAST and body["computed_from"] == 11
    assert {"year": 2020, "measure": "cla_31_march", "value": cla, "display": str(cla)} in body["measures"]


def test_a_region_with_one_authority_missing_falls_back_to_the_comparator_and_says_so(
    east, east_members, manager_client
):
    missing = east_members[3]
    for la in east_members:
        if la != missing:
            import_return(la, 2020, a_return(extra=1, moves=1))
    YearlyFigure.objects.create(
        la=east,
        year=2020,
        measure="cla_31_march",
        value=6_800,
        source=YearlyFigure.Source.COMPARATOR,
        source_document="Children looked after in England 2020",
    )
    figures = regional.area_figures(area=east, year=2020)
    assert not figures.computed
    assert figures.missing == [missing]
    assert figures.values["cla_31_march"] == 6_800
    assert figures.source_text == "Published comparator figure"
    assert regional.computed_measures(area=east, year=2020) == []  # nothing computed is claimed

    out = io.StringIO()
    call_command("export_measures", "--la", EAST, "--format", "csv", stdout=out)
    assert out.getvalue().splitlines() == ["year,measure,value"]

    page = manager_client.get("/regional/", {"region": EAST, "year": 2020}).content.decode()
    assert "Returns are held for 10 of the region's 11 authorities" in page
    assert "published comparator figures" in page
    assert missing.name in page
    assert "6,800" in page


def test_england_needs_every_authority(seeded_core):
    england = LocalAuthority.objects.get(code="E92000001")
    assert regional.members(england).count() == 153
    assert regional.members(england, 2023).count() == 152  # Cumbria and the two counties, not successors
    norfolk = LocalAuthority.objects.get(code="E10000020")
    import_return(norfolk, 2020, a_return(extra=1, moves=0))
    assert regional.computed_measures(area=england) == []
    assert not regional.area_figures(area=england, year=2020).computed


def test_statistical_neighbours_computed_when_all_are_held(seeded_core):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    neighbours = list(regional.neighbours(norfolk))
    assert len(neighbours) == 10
    for la in neighbours[:-1]:
        import_return(la, 2020, a_return(extra=1, moves=0))
    assert not regional.area_figures(area=norfolk, year=2020, member_las=neighbours).computed
    import_return(neighbours[-1], 2020, a_return(extra=2, moves=0))
    figures = regional.area_figures(area=norfolk, year=2020, member_las=neighbours)
    assert figures.computed
    assert figures.values["cla_31_march"] == sum(computed(la, 2020)["cla_31_march"] for la in neighbours)


# ---- the ranking ---------------------------------------------------------------------------------------


def test_ranks_share_ties_and_quartiles_follow_the_rank():
    las = [LocalAuthority(code=f"E0{i}", name=f"LA {i}") for i in range(8)]
    rows = [
        regional.RankedRow(la, v, "published") for la, v in zip(las, [5, 1, 3, 3, None, 8, 2, 7], strict=True)
    ]
    regional._ranks(rows, descending=False)
    ranks = {r.la.name: (r.rank, r.quartile) for r in rows}
    assert ranks["LA 1"] == (1, 1)
    assert ranks["LA 2"] == ranks["LA 3"] == (3, 2)  # a tie shares the rank
    assert ranks["LA 5"] == (7, 4)
    assert ranks["LA 4"] == (None, None)  # no figure, no rank
    regional._ranks(rows, descending=True)
    assert {r.la.name: r.rank for r in rows}["LA 5"] == 1


def test_figures_of_authorities_outside_the_grants_are_published_ones_only(east, east_members, make_user):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    suffolk = LocalAuthority.objects.get(code="E10000029")
    import_return(norfolk, 2020, a_return(extra=1, moves=0))
    import_return(suffolk, 2020, a_return(extra=3, moves=0))
    YearlyFigure.objects.create(
        la=suffolk, year=2020, measure="cla_31_march", value=900, source=YearlyFigure.Source.PUBLISHED
    )
    user = make_user("Manager", las=["E10000020"])
    figures = regional.authority_figures(las=east_members, year=2020, user=user)
    assert figures[norfolk.pk]["cla_31_march"] == (2, "computed")
    assert figures[suffolk.pk]["cla_31_march"] == (900, "published")  # not its held return's 4


def test_regional_page_ranks_and_downloads(east, east_members, manager_client):
    for i, la in enumerate(east_members[:4]):
        import_return(la, 2020, a_return(extra=i, moves=0))
    response = manager_client.get("/regional/", {"region": EAST, "year": 2020})
    assert response.status_code == 200
    page = response.content.decode()
    assert "East of England: authorities ranked" in page
    assert "Quartile </span>1</strong>" in page and ">Returns</td>" in page
    assert "No figure is held for any of the region's authorities for 2019/20: the rate needs" in page

    download = manager_client.get("/regional/ranking.csv", {"region": EAST, "year": 2020})
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    cla = [r for r in rows if r["measure"] == "cla_31_march" and r["rank"]]
    assert [r["value"] for r in cla] == ["1", "2", "3", "4"]  # lowest first
    assert [r["quartile"] for r in cla] == ["1", "2", "3", "4"]


def test_regional_page_defaults_to_the_region_of_the_chosen_authority(seeded_core, manager_client):
    page = manager_client.get("/regional/", {"la": "E06000052"}).content.decode()  # Cornwall
    assert "South West: authorities ranked" in page
    assert manager_client.get("/regional/", {"region": "E99999999"}).status_code == 404
    assert (
        "North East: authorities ranked"
        in manager_client.get("/regional/", {"la": "E12000001"}).content.decode()
    )


def test_measures_api_for_an_area_needs_no_grant_but_an_unknown_code_is_404(seeded_core, make_user):
    from django.test import Client

    client = Client()
    client.force_login(make_user("Manager", las=["E10000020"]))
    assert client.get("/api/measures/", {"la": EAST}).status_code == 200
    assert client.get("/api/measures/", {"la": "E10000029"}).status_code == 403  # an authority: grants apply
    assert client.get("/api/measures/", {"la": "E99999999"}).status_code == 404
    client.logout()
    assert client.get("/api/measures/", {"la": EAST}).status_code in (302, 401, 403)


def test_regional_page_keeps_to_the_grants_for_a_named_authority(seeded_core, make_user):
    from django.test import Client

    client = Client()
    client.force_login(make_user("Manager", las=["E10000020"]))
    assert client.get("/regional/", {"la": "Z99999999"}).status_code == 403
    assert client.get("/regional/ranking.csv", {"la": "Z99999999"}).status_code == 403
    assert client.get("/regional/", {"la": "E10000020"}).status_code == 200


def test_computed_comparators_only_for_complete_years(east, east_members):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    for la in east_members:
        import_return(la, 2020, a_return(extra=1, moves=0))
        if la != norfolk:
            import_return(la, 2021, a_return(extra=2, moves=0))
    comparators = regional.computed_comparators(norfolk)
    assert set(comparators) == {"region"}  # England and the neighbours are not all held
    region = comparators["region"]
    assert region["members"] == 11
    total = int(sum(computed(la, 2020)["cla_31_march"] for la in east_members))
    assert region["values"]["cla_31_march"] == {2020: total}  # 2021 lacks Norfolk's return


def test_the_dashboard_draws_the_region_computed_where_every_return_is_held(east, east_members):
    from placements import presenters, selectors
    from placements.charts import CHARTS_BY_ID

    norfolk = LocalAuthority.objects.get(code="E10000020")
    for year, value in ((2019, 50.0), (2020, 48.0)):
        YearlyFigure.objects.create(
            la=east, year=year, measure="rate_per_10k", value=value, source="comparator"
        )
    for la in east_members:
        Population.objects.create(la=la, year=2020, population=10_000)
        import_return(la, 2020, a_return(extra=1, moves=0))
    values = selectors.dashboard_values(la=norfolk)
    assert values["computed_areas"] == {"region": 11}
    assert values["region"]["rate_per_10k"] == {2019: 50.0, 2020: 2.0}  # 22 per 110,000; 2019 published
    names = [s.name for s in presenters.chart_series(CHARTS_BY_ID["rate"], values, norfolk, None, None)]
    assert any(
        "East of England (computed from 11 authorities' returns where all are held" in n for n in names
    )


# ---- an area's authorities in a year: the counties replaced on 1 April 2023 ------------------------------


def held(la, year, cla):
    """A current return of `la` for `year` whose stored figures are `cla` children looked after (and
    every other count 0): what the pooling reads, without importing a return."""
    Return.objects.create(
        la=la, collection_year=year, state=Return.State.CURRENT, checksum=f"{la.code}{year}"
    )
    YearlyFigure.objects.bulk_create(
        YearlyFigure(
            la=la, year=year, measure=code, value=cla if code == "cla_31_march" else 0, source="computed"
        )
        for code, definition in regional.measures.MEASURES.items()
        if definition.unit == "count"
    )


def test_complete_years_take_each_year_s_own_authorities():
    periods = {1: (None, None), 2: (None, 2023), 3: (2024, None), 4: (2024, None)}
    held_ids = {2022: {1}, 2023: {1, 2}, 2024: {1, 3}, 2025: {1, 2, 3, 4}}
    assert regional.existing(periods, 2023) == [1, 2] and regional.existing(periods, 2024) == [1, 3, 4]
    assert regional.complete_years(periods, held_ids) == {2023: [1, 2], 2025: [1, 3, 4]}


def test_a_region_is_complete_with_the_county_before_2023_and_its_successors_after(make_user):
    from tests.factories import LocalAuthorityFactory

    region = LocalAuthorityFactory(name="Testshire region", kind="region")
    unchanged = LocalAuthorityFactory(name="Unchanged", region=region)
    county = LocalAuthorityFactory(name="County", region=region, last_collection_year=2023)
    east = LocalAuthorityFactory(name="East unitary", region=region, first_collection_year=2024)
    west = LocalAuthorityFactory(name="West unitary", region=region, first_collection_year=2024)
    county.successors.set([east, west])
    assert list(regional.members(region, 2023)) == [county, unchanged]
    assert list(regional.members(region, 2024)) == [east, unchanged, west]
    assert list(regional.members(region)) == [east, unchanged, west]  # today's

    held(unchanged, 2023, 10)
    held(county, 2023, 5)
    held(unchanged, 2024, 11)
    held(east, 2024, 2)
    before = regional.area_figures(area=region, year=2023)
    assert before.computed and before.values["cla_31_march"] == 15
    assert before.source_text == "Computed from 2 authorities' returns"
    after = regional.area_figures(area=region, year=2024)
    assert not after.computed and after.missing == [west]  # not the county, which had ended
    assert [y for y, m, _ in regional.computed_measures(area=region) if m == "cla_31_march"] == [2023]

    held(west, 2024, 4)
    after = regional.area_figures(area=region, year=2024)
    assert after.computed and after.values["cla_31_march"] == 17
    assert after.source_text == "Computed from 3 authorities' returns"
    rows = regional.computed_measures(area=region)
    assert [(y, v) for y, m, v in rows if m == "cla_31_march"] == [(2023, 15), (2024, 17)]
    assert regional.computed_measures(area=region, year=2024)[0][0] == 2024

    comparators = regional.computed_comparators(unchanged)
    assert comparators["region"]["values"]["cla_31_march"] == {2023: 15, 2024: 17}
    assert comparators["region"]["members"] == 3  # of the latest year computed
    page = regional.regional_page(region=region, year=2023, user=make_user("Manager"))
    assert page["members"] == [county, unchanged] and page["figures"].computed


def test_england_before_2023_needs_cumbria_and_the_two_counties_not_their_successors(seeded_core):
    england = LocalAuthority.objects.get(code="E92000001")
    north_west = LocalAuthority.objects.get(code="E12000002")
    cumbria = LocalAuthority.objects.get(code="E10000006")
    for la in regional.members(england, 2023):
        held(la, 2023, 1)
    assert regional.area_figures(area=england, year=2023).values["cla_31_march"] == 152
    assert regional.area_figures(area=north_west, year=2023).values["cla_31_march"] == 23
    assert cumbria in regional.area_figures(area=north_west, year=2023).members

    for la in regional.members(england, 2024).exclude(code="E06000064"):  # all but Westmorland and Furness
        held(la, 2024, 2)
    figures = regional.area_figures(area=england, year=2024)
    assert not figures.computed and [la.code for la in figures.missing] == ["E06000064"]
    comparators = regional.computed_comparators(LocalAuthority.objects.get(code="E10000020"))
    assert comparators["england"]["values"]["cla_31_march"] == {2023: 152}
    assert comparators["england"]["members"] == 152
    held(LocalAuthority.objects.get(code="E06000064"), 2024, 2)
    assert regional.area_figures(area=england, year=2024).values["cla_31_march"] == 306


def test_a_county_s_return_for_a_year_it_existed_is_imported(seeded_core):
    cumbria = LocalAuthority.objects.get(code="E10000006")
    import_return(cumbria, 2020, a_return(extra=1, moves=0))
    assert computed(cumbria, 2020)["cla_31_march"] == 2


def test_the_import_command_refuses_a_year_the_authority_did_not_exist_in(seeded_core, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "header.csv"
    path.write_bytes(csv_bytes(HEADER_COLUMNS, []))
    with pytest.raises(CommandError, match="from 1 April 2023 choose Cumberland or Westmorland and Furness"):
        call_command("import_903", "--la", "E10000006", "--year", "2024", str(path))
    with pytest.raises(CommandError, match="formed on 1 April 2023 .* before then choose Cumbria"):
        call_command("import_903", "--la", "E06000064", "--year", "2023", str(path))
    assert ImportJob.objects.count() == 0


def test_the_measures_api_counts_the_authorities_of_the_year_asked_for(seeded_core, make_user):
    from django.test import Client

    client = Client()
    client.force_login(make_user("Manager", las=["E10000020"]))
    north_west = "E12000002"
    assert client.get("/api/measures/", {"la": north_west, "year": "2023"}).json()["computed_from"] == 23
    assert client.get("/api/measures/", {"la": north_west, "year": "2024"}).json()["computed_from"] == 24
    assert client.get("/api/measures/", {"la": north_west}).json()["computed_from"] == 24
