from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from sufficiency.models import LocalAuthority, Team, User
from sufficiency.roles import DATA_ADMIN, has_role


def _admin_has_permission(request) -> bool:
    """Data admins keep reference data (authorities, teams, users' teams) in the admin."""
    user = request.user
    return user.is_active and (user.is_staff or has_role(user, DATA_ADMIN))


admin.site.has_permission = _admin_has_permission


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Portal", {"fields": ("job_title", "teams", "local_authorities")}),
    )
    filter_horizontal = ("groups", "user_permissions", "teams", "local_authorities")
    list_display = ("username", "first_name", "last_name", "email", "is_active")
    list_filter = ("groups", "teams", "is_active")

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may grant superuser or staff status or individual permissions.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("is_superuser", "is_staff", "user_permissions", "last_login", "date_joined")


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "dfe_number", "kind", "region", "is_synthetic")
    list_filter = ("kind", "is_synthetic")
    search_fields = ("name", "code", "dfe_number")
    filter_horizontal = ("statistical_neighbours",)


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
