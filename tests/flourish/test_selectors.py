"""The reads of flourish/selectors.py, on factory-built areas, measures and values."""

from datetime import date

from django.utils import timezone

from flourish import selectors
from flourish.models import Commentary, HundredChildren
from tests.factories import (
    ActionFactory,
    ActionLinkFactory,
    DeterminantFactory,
    FlourishValueFactory,
    ImpactAreaFactory,
    MeasureFactory,
    OutcomeFactory,
    UserFactory,
)


def _value(measure, period, value, area="Norfolk", **fields):
    end = fields.pop("period_end") if "period_end" in fields else date(int(period[:4]), 12, 31)
    return FlourishValueFactory(measure=measure, period=period, period_end=end, value=value, area=area, **fields)


def test_attach_gives_the_home_areas_points_oldest_first_up_to_a_date(db):
    measure = MeasureFactory()
    _value(measure, "2023", 30.0)
    _value(measure, "2021", 10.0)
    _value(measure, "2022", 20.0)
    _value(measure, "2022", 99.0, area="England")
    _value(measure, "Autumn term", 5.0, period_end=None)
    [whole] = selectors.attach([measure])
    assert [(p.period, p.value) for p in whole.points if p.period_end] == [
        ("2021", 10.0),
        ("2022", 20.0),
        ("2023", 30.0),
    ]
    assert len(whole.points) == 4 and whole.assessment is not None
    [cut] = selectors.attach([MeasureFactory._meta.model.objects.get(pk=measure.pk)], upto=date(2022, 12, 31))
    assert [p.period for p in cut.points] == ["2021", "2022"]  # later and undated periods dropped


def test_overview_groups_measures_by_area_in_order_and_counts_them(db):
    second, first = ImpactAreaFactory(order=2), ImpactAreaFactory(order=1)
    a, b = MeasureFactory(area=first), MeasureFactory(area=first)
    c = MeasureFactory(area=second)
    loose = MeasureFactory(area=None)
    data = selectors.overview()
    assert [s.area for s in data["areas"]] == [first, second]
    assert {m.pk for m in data["areas"][0].measures} == {a.pk, b.pk}
    assert [m.pk for m in data["areas"][1].measures] == [c.pk]
    assert [m.pk for m in data["unplaced"].measures] == [loose.pk]
    assert data["total"] == 4 and sum(data["counts"].values()) == 4
    assert sum(data["areas"][0].counts.values()) == 2
    assert data["escalated"] == []  # no measure has an escalation rule


def test_area_detail_puts_measures_under_their_outcomes_and_links_actions(db):
    area, elsewhere = ImpactAreaFactory(), ImpactAreaFactory()
    reading, attendance = OutcomeFactory(area=area, order=1), OutcomeFactory(area=area, order=2)
    tied = MeasureFactory(area=area, outcomes=[reading])
    untied = MeasureFactory(area=area)
    MeasureFactory(area=elsewhere)
    determinant = DeterminantFactory(area=area)
    DeterminantFactory(area=elsewhere)
    action = ActionFactory()
    ActionLinkFactory(measure=None, outcome=reading, action=action)
    data = selectors.area_detail(code=area.code)
    assert data["area"] == area and data["determinants"] == [determinant]
    assert [(o, [m.pk for m in ms]) for o, ms in data["outcomes"]] == [(reading, [tied.pk]), (attendance, [])]
    assert [m.pk for m in data["without_outcome"]] == [untied.pk]
    assert data["outcome_actions"] == {reading.pk: [action]}
    assert {m.pk for m in data["measures"]} == {tied.pk, untied.pk}


def test_target_series_uses_staged_targets_period_by_period(db):
    measure = MeasureFactory(target=75.0)
    for year in ("2021", "2023", "2026"):
        _value(measure, year, 50.0)
    [plain] = selectors.attach([measure])
    assert selectors.target_series(plain) == 75.0
    measure.targets = [{"value": 60.0, "date": "2022-12-31"}, {"value": 70.0, "date": "2024-12-31"}]
    [staged] = selectors.attach([measure])
    # Each period is judged on the first target due on or after it; after the last, the last one.
    assert selectors.target_series(staged) == [60.0, 70.0, 70.0]


def test_measure_detail_and_other_areas_values(db):
    measure = MeasureFactory()
    _value(measure, "2022", 20.0)
    east = _value(measure, "2022", 22.0, area="East of England")
    england_old, england_new = _value(measure, "2021", 25.0, area="England"), _value(measure, "2022", 26.0, area="England")
    detail = selectors.measure_detail(code=measure.code)
    assert [p.value for p in detail.points] == [20.0]
    assert list(selectors.measure_other_values(measure=measure)) == [east, england_old, england_new]


def test_commentary_current_per_period_and_every_version_newest_first(db):
    measure = MeasureFactory()
    author = UserFactory()
    note = Commentary.objects.create(measure=measure, period="2022", text="First words", updated_by=author)
    note.text = "Second words"
    note.save()
    Commentary.objects.create(measure=MeasureFactory(), period="2022", text="Another measure's")
    assert {p: c.text for p, c in selectors.commentary_for(measure=measure).items()} == {"2022": "Second words"}
    history = selectors.commentary_history(measure=measure)
    assert [(e.kind, e.text) for e in history] == [("Changed", "Second words"), ("Added", "First words")]


def test_linked_actions_for_a_measure_or_an_outcome(db):
    measure, outcome = MeasureFactory(), OutcomeFactory()
    one, two = ActionFactory(), ActionFactory()
    ActionLinkFactory(measure=measure, action=one)
    ActionLinkFactory(measure=measure, action=two)
    ActionLinkFactory(measure=None, outcome=outcome, action=two)
    assert set(selectors.linked_actions(measure=measure)) == {one, two}
    assert selectors.linked_actions(outcome=outcome) == [two]
    assert selectors.linked_actions(measure=MeasureFactory()) == []


def test_linkable_actions_are_the_active_ones(db):
    live = ActionFactory()
    ActionFactory(archived_at=timezone.now())
    assert list(selectors.linkable_actions()) == [live]


def test_report_years_are_the_dated_years_newest_first(db):
    measure = MeasureFactory()
    for period in ("2019", "2021", "2021/22"):
        _value(measure, period, 1.0, period_end=date(int(period[:4]), 3, 31))
    _value(measure, "Autumn", 1.0, period_end=None)
    assert selectors.report_years() == [2021, 2019]


def test_annual_report_holds_that_years_points_and_the_latest_commentary(db):
    area = ImpactAreaFactory()
    measure = MeasureFactory(area=area)
    _value(measure, "2021", 10.0)
    _value(measure, "2022", 20.0)
    _value(measure, "2023", 30.0)
    Commentary.objects.create(measure=measure, period="2022", text="Rising")
    Commentary.objects.create(measure=measure, period="2023", text="Not yet in the report")
    report = selectors.annual_report(year=2022)
    [section] = [a for a in report["areas"] if a.area == area]
    [shown] = section.measures
    assert [p.period for p in shown.points] == ["2021", "2022"]
    assert [p.period for p in shown.report_points] == ["2022"]
    assert shown.commentary.text == "Rising"
    assert report["upto"] == date(2022, 12, 31) and report["year"] == 2022


def test_framework_splits_universal_and_tailored_determinants(db):
    area = ImpactAreaFactory()
    OutcomeFactory(area=area)
    universal = DeterminantFactory(kind="universal", area=None)
    tailored = DeterminantFactory(kind="tailored", area=area)
    HundredChildren.objects.create(statement="51 would be boys", value=51, order=1)
    data = selectors.framework()
    assert data["universal"] == [universal] and data["tailored"] == [tailored]
    assert data["areas"] == [area] and len(data["areas"][0].outcomes.all()) == 1
    assert [h.statement for h in data["hundred"]] == ["51 would be boys"]
