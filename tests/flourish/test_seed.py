import json

from flourish.models import (
    Determinant,
    HundredChildren,
    ImpactArea,
    Measure,
    MeasureValue,
    Outcome,
    PartnershipPriority,
    SuccessStatement,
)
from flourish.seed import load_framework, load_measures, load_seed, read_json
from tests.flourish.conftest import FRAMEWORK, MEASURES


def test_seed_loads_framework_and_register(sample):
    assert ImpactArea.objects.count() == 2
    assert Outcome.objects.count() == 3
    assert Determinant.objects.count() == 2
    assert PartnershipPriority.objects.count() == 1
    assert SuccessStatement.objects.filter(audience="families").count() == 2
    assert SuccessStatement.objects.get(audience="agencies").text == "Agencies share data."
    assert Determinant.objects.get(name="Youth work").area.code == "F"
    assert Determinant.objects.get(name="Housing").area is None
    assert [(h.statement, h.value) for h in HundredChildren.objects.all()] == [
        ("51 would be boys", 51),
        ("49 would be girls", None),
    ]
    ks2 = Measure.objects.get(code="ks2_rwm_pct")
    assert ks2.area.code == "L"
    assert [o.code for o in ks2.outcomes.all()] == ["L1"]
    assert ks2.owner_team.name == "Commissioning and Resources"
    assert ks2.target == 65 and str(ks2.target_date) == "2026-03-31"
    assert ks2.values.count() == 2
    first = ks2.values.first()
    assert first.period == "2022" and first.england == 59 and str(first.period_end) == "2022-12-31"


def test_partial_measure_gets_defaults(sample):
    m = Measure.objects.get(code="partial_measure")
    assert m.area is None and m.polarity == "neutral" and m.status_rule == {"kind": "none"}


def test_placement_linked_measure_has_no_copied_values(sample):
    m = Measure.objects.get(code="cla_rate")
    assert m.placements_measure == "rate_per_10k"
    assert not m.values.exists()


def test_seed_is_idempotent_and_keeps_portal_changes(sample):
    value = MeasureValue.objects.get(measure__code="ks2_rwm_pct", period="2023")
    value.value = 58
    value.save()
    summary = load_seed(framework=FRAMEWORK, measures=MEASURES)
    assert "0 measures added" in summary and "0 values added" in summary
    assert MeasureValue.objects.count() == 3
    value.refresh_from_db()
    assert value.value == 58


def test_missing_or_broken_files_are_skipped(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"areas": [')
    assert read_json(broken) == {}
    assert read_json(tmp_path / "absent.json") == {}
    assert load_seed(framework=tmp_path / "absent.json", measures=broken).startswith("0 areas added")


def test_later_run_fills_in_area_when_framework_arrives(db):
    measures = json.loads(MEASURES.read_text())
    load_measures(measures)
    assert Measure.objects.get(code="ks2_rwm_pct").area is None
    load_framework(json.loads(FRAMEWORK.read_text()))
    load_measures(measures)
    ks2 = Measure.objects.get(code="ks2_rwm_pct")
    assert ks2.area.code == "L" and ks2.outcomes.count() == 1


def test_real_fixtures_load(db):
    """Whatever state fixtures/ is in, the seed loads it."""
    load_seed()
    load_seed()
    assert Measure.objects.count() >= 1
