# Placeholder until the flourish app lands: the navigation needs the name to resolve.
from django.urls import path
from django.views.generic import TemplateView

app_name = "flourish"

urlpatterns = [
    path("", TemplateView.as_view(template_name="includes/_coming_soon.html"), name="overview"),
]
