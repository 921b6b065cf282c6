from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from placements import regional_views
from sufficiency import views

admin.site.site_header = "Sufficiency Planning Portal administration"
admin.site.site_title = "Sufficiency Planning Portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("account/reminders/", views.reminder_preferences, name="reminder_preferences"),
    path(
        "login/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("placements/", include("placements.urls")),
    path("forecast/", include("forecast.urls")),
    path("priorities/", include("priorities.urls")),
    path("flourish/", include("flourish.urls")),
    path("data/", include("placements.data_urls")),
    path("api/measures/", regional_views.measures_api, name="api_measures"),
    path("regional/", include("placements.regional_urls")),
    path("admin/", admin.site.urls),
]

handler403 = "sufficiency.views.permission_denied"
handler404 = "sufficiency.views.page_not_found"
handler500 = "sufficiency.views.server_error"
