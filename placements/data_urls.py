from django.urls import path

from placements import data_views

app_name = "data"

urlpatterns = [
    path("", data_views.index, name="index"),
    path("imports/", data_views.import_list, name="import_list"),
    path("imports/new/", data_views.import_upload, name="import_upload"),
    path("imports/<uuid:pk>/", data_views.import_detail, name="import_detail"),
    path("imports/<uuid:pk>/status.json", data_views.import_status, name="import_status"),
    path("imports/<uuid:pk>/problems.csv", data_views.import_problems_csv, name="import_problems_csv"),
    path("population/", data_views.population_upload, name="population_upload"),
    path("comparators/", data_views.comparators_upload, name="comparators_upload"),
]
