"""Admin views of the priorities data, for support. Nothing here deletes: retire by archiving."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from priorities.models import Action, Portfolio, PortfolioTheme, Priority, StatusUpdate, Theme


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Portfolio)
class PortfolioAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Theme)
class ThemeAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "code", "order"]


@admin.register(PortfolioTheme)
class PortfolioThemeAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["row_label", "theme", "text", "portfolio"]
    list_select_related = ["theme", "portfolio"]


@admin.register(Priority)
class PriorityAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["title", "portfolio", "order", "archived_at"]
    list_filter = ["portfolio"]
    list_select_related = ["portfolio"]
    search_fields = ["title"]


@admin.register(Action)
class ActionAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """Read-mostly: status changes go through the portal's forms so they are recorded as updates."""

    list_display = ["__str__", "owner_team", "timescale_text", "status", "archived_at"]
    list_filter = ["status", "priority__portfolio", "owner_team"]
    list_select_related = ["owner_team", "priority"]
    search_fields = ["description", "priority__title"]
    readonly_fields = ["status", "version", "rag_override", "rag_override_reason", "created_at", "updated_at"]
    filter_horizontal = ["themes", "co_owner_teams"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["action", "created_at", "user", "from_status", "to_status"]
    list_select_related = ["action", "user"]

    def has_change_permission(self, request, obj=None):
        return False  # append-only

    def has_add_permission(self, request):
        return False
