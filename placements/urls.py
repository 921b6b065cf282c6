from django.urls import include, path

from placements import views

app_name = "placements"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("charts/<slug:chart_id>.csv", views.chart_csv, name="chart_csv"),
    path("charts/<slug:chart_id>/about/", views.chart_about, name="chart_about"),
    path("measures.csv", views.measures_csv, name="measures_csv"),
    path("measures.xlsx", views.measures_xlsx, name="measures_xlsx"),
    path("comparators-template.csv", views.comparators_template_csv, name="comparators_template"),
    path("forecast/", include("placements.forecast_urls")),
]
