from django.urls import path

from forecast import cost_views, scenario_views, views

app_name = "forecast"

urlpatterns = [
    path("", views.forecast, name="forecast"),
    path("run/", views.forecast_start, name="start"),
    path("runs/<int:pk>/status.json", views.forecast_run_status, name="run_status"),
    path("runs/<int:pk>/tables/<slug:table_id>.csv", views.forecast_table_csv, name="table_csv"),
    path("runs/<int:pk>/forecast.xlsx", views.forecast_xlsx, name="xlsx"),
    path("scenarios/", scenario_views.scenario_list, name="scenarios"),
    path("scenarios/new/", scenario_views.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/", scenario_views.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/run/", scenario_views.scenario_run, name="scenario_run"),
    path("scenarios/<int:pk>/delete/", scenario_views.scenario_delete, name="scenario_delete"),
    path(
        "scenarios/<int:pk>/comparison.<str:fmt>", scenario_views.scenario_download, name="scenario_download"
    ),
    path("costs/", cost_views.costs, name="costs"),
    path("costs/unit-costs/", cost_views.unit_costs, name="unit_costs"),
    path("costs/unit-costs/new/", cost_views.unit_cost_create, name="unit_cost_create"),
    path("costs/capacities/new/", cost_views.capacity_create, name="capacity_create"),
    path("costs/capacities/<int:pk>/at-risk/", views.capacity_at_risk, name="capacity_at_risk"),
]
