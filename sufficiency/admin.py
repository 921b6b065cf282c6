from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from sufficiency.models import LocalAuthority, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Portal", {"fields": ("job_title", "teams", "local_authorities")}),
    )
    filter_horizontal = ("groups", "user_permissions", "teams", "local_authorities")
    list_display = ("username", "first_name", "last_name", "email", "is_active")
    list_filter = ("groups", "teams", "is_active")


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
