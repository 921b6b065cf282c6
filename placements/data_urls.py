from django.urls import path

from placements import data_views

app_name = "data"

urlpatterns = [
    path("", data_views.index, name="index"),
]
