"""The forecast's models moved from placements to the forecast app keeping their tables and rows."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("placements", "0003_import_job_lease_and_report_retention")]
AFTER = [("forecast", "0001_forecast_models_from_placements_tables_kept")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_stored_run_scenario_and_unit_cost_survive_the_move():
    old = _migrate(BEFORE)
    # Only the placements app is rolled back: other apps' rows are made with today's models.
    from priorities.models import Action, Portfolio, Priority
    from sufficiency.models import LocalAuthority, Team

    la = LocalAuthority.objects.create(code="E06999991", name="Migrated county", kind="la")
    team = Team.objects.create(name="Migration team", slug="migration-team")
    portfolio = Portfolio.objects.create(name="Migration portfolio", slug="migration-portfolio")
    priority = Priority.objects.create(portfolio=portfolio, title="A priority")
    action = Action.objects.create(priority=priority, owner_team=team, description="An action")
    Scenario = old.get_model("placements", "ForecastScenario")
    scenario = Scenario.objects.create(la_id=la.pk, name="Fewer residential", adjustments=[{"kind": "x"}])
    scenario.actions.add(action.pk)
    HistoricalScenario = old.get_model("placements", "HistoricalForecastScenario")
    HistoricalScenario.objects.create(
        id=scenario.id,
        la_id=la.id,
        name=scenario.name,
        adjustments=[],
        created_at=scenario.created_at,
        updated_at=scenario.updated_at,
        history_date=scenario.created_at,
        history_type="+",
    )
    Run = old.get_model("placements", "ForecastRun")
    run = Run.objects.create(
        la_id=la.pk,
        ref_start=date(2018, 3, 31),
        ref_end=date(2021, 3, 31),
        horizon_months=24,
        scenario=scenario,
        status="succeeded",
        results={"total": [1, 2, 3]},
    )
    UnitCost = old.get_model("placements", "UnitCost")
    UnitCost.objects.create(
        la_id=la.pk,
        group="residential",
        provider="external",
        weekly_cost="4500.00",
        effective_from=date(2021, 4, 1),
    )

    new = _migrate(AFTER)
    try:
        moved_run = new.get_model("forecast", "ForecastRun").objects.get(pk=run.pk)
        assert moved_run.results == {"total": [1, 2, 3]} and moved_run.horizon_months == 24
        moved_scenario = new.get_model("forecast", "ForecastScenario").objects.get(pk=scenario.pk)
        assert moved_run.scenario_id == moved_scenario.pk
        assert list(moved_scenario.actions.values_list("pk", flat=True)) == [action.pk]
        assert (
            new.get_model("forecast", "HistoricalForecastScenario").objects.filter(id=scenario.pk).count()
            == 1
        )
        cost = new.get_model("forecast", "UnitCost").objects.get(la_id=la.pk)
        assert str(cost.weekly_cost) == "4500.00" and cost.group == "residential"
        tables = connection.introspection.table_names()
        assert "placements_forecastrun" in tables and "forecast_historicalforecastscenario_actions" in tables
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
