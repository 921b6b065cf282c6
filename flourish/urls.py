from django.urls import path

from flourish import views

app_name = "flourish"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("framework/", views.framework, name="framework"),
    path("areas/<str:code>/", views.area_detail, name="area_detail"),
    path("measures/<slug:code>/", views.measure_detail, name="measure_detail"),
    path("measures/<slug:code>/values.csv", views.measure_csv, name="measure_csv"),
    path("measures/<slug:code>/values/add/", views.value_add, name="value_add"),
    path("measures/<slug:code>/register/", views.register_edit, name="register_edit"),
    path("measures/<slug:code>/actions/", views.action_link_form, name="action_link_form"),
    path("measures/<slug:code>/actions/add/", views.action_link_add, name="action_link_add"),
    path(
        "measures/<slug:code>/actions/<int:pk>/remove/", views.action_link_remove, name="action_link_remove"
    ),
    path(
        "outcomes/<str:code>/actions/", views.action_link_form, {"kind": "outcome"}, name="outcome_link_form"
    ),
    path(
        "outcomes/<str:code>/actions/add/",
        views.action_link_add,
        {"kind": "outcome"},
        name="outcome_link_add",
    ),
    path(
        "outcomes/<str:code>/actions/<int:pk>/remove/",
        views.action_link_remove,
        {"kind": "outcome"},
        name="outcome_link_remove",
    ),
    path("upload/", views.values_upload, name="values_upload"),
    path("report/", views.annual_report, name="report"),
    path("report.xlsx", views.annual_report_xlsx, name="report_xlsx"),
    path("report.pdf", views.annual_report_pdf, name="report_pdf"),
]
