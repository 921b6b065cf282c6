"""Admin views of the FLOURISH framework and register, for support (with history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from flourish.models import (
    ActionLink,
    Commentary,
    Determinant,
    ImpactArea,
    Measure,
    MeasureValue,
    Outcome,
    PartnershipPriority,
    SuccessStatement,
)


@admin.register(ImpactArea)
class ImpactAreaAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "order"]


@admin.register(Outcome)
class OutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "area", "statement"]
    list_select_related = ["area"]


@admin.register(Determinant)
class DeterminantAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind"]


class SuccessStatementInline(admin.TabularInline):
    model = SuccessStatement
    extra = 0


@admin.register(PartnershipPriority)
class PartnershipPriorityAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "order"]
    inlines = [SuccessStatementInline]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "area", "owner_team", "polarity", "placements_measure"]
    list_select_related = ["area", "owner_team"]
    list_filter = ["area", "owner_team"]
    filter_horizontal = ["outcomes"]
    readonly_fields = ["version"]


@admin.register(MeasureValue)
class MeasureValueAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "period", "area", "value", "provisional"]
    list_select_related = ["measure"]
    list_filter = ["measure"]


@admin.register(Commentary)
class CommentaryAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "period", "updated_by", "updated_at"]


@admin.register(ActionLink)
class ActionLinkAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "outcome", "action"]
    raw_id_fields = ["action"]
