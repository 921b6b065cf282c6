# Placeholder until the priorities app lands: the navigation needs the name to resolve.
from django.urls import path
from django.views.generic import TemplateView

app_name = "priorities"

urlpatterns = [
    path("", TemplateView.as_view(template_name="includes/_coming_soon.html"), name="action_list"),
]
