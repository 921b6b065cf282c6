from django.urls import path

from placements import regional_views

app_name = "regional"

urlpatterns = [
    path("", regional_views.region, name="region"),
    path("ranking.csv", regional_views.region_csv, name="region_csv"),
]
