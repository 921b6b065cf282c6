from django.urls import path

from placements import forecast_views as views

# Included by placements/urls.py under forecast/ (names live in the "placements" namespace).
urlpatterns = [
    path("", views.forecast, name="forecast"),
    path("run/", views.forecast_start, name="forecast_start"),
    path("runs/<int:pk>/status.json", views.forecast_run_status, name="forecast_run_status"),
    path("runs/<int:pk>/tables/<slug:table_id>.csv", views.forecast_table_csv, name="forecast_table_csv"),
    path("runs/<int:pk>/forecast.xlsx", views.forecast_xlsx, name="forecast_xlsx"),
    path("scenarios/", views.scenario_list, name="forecast_scenarios"),
    path("scenarios/new/", views.scenario_create, name="forecast_scenario_create"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="forecast_scenario"),
    path("scenarios/<int:pk>/run/", views.scenario_run, name="forecast_scenario_run"),
    path("scenarios/<int:pk>/delete/", views.scenario_delete, name="forecast_scenario_delete"),
    path(
        "scenarios/<int:pk>/comparison.<str:fmt>", views.scenario_download, name="forecast_scenario_download"
    ),
    path("costs/", views.costs, name="forecast_costs"),
    path("costs/unit-costs/new/", views.unit_cost_create, name="forecast_unit_cost_create"),
    path("costs/capacities/new/", views.capacity_create, name="forecast_capacity_create"),
]
