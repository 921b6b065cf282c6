from django.urls import path, re_path
from django.views.generic import RedirectView

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
    # The forecast moved to its own app at /forecast/: old bookmarks still arrive.
    re_path(
        r"^forecast/(?P<rest>.*)$",
        RedirectView.as_view(url="/forecast/%(rest)s", query_string=True),
        name="forecast_moved",
    ),
]
