"""The action list table (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html

from priorities.models import Action


class ActionTable(tables.Table):
    action = tables.Column(
        verbose_name="Action", accessor="description", order_by=("priority__title", "description")
    )
    portfolio = tables.Column(accessor="priority__portfolio__name", order_by=("priority__portfolio__order",))
    owner_team = tables.Column(verbose_name="Owner team", order_by=("owner_team__name",))
    timescale = tables.Column(accessor="timescale_text", order_by=("due_end",), verbose_name="Timescale")
    status = tables.Column()
    rag = tables.Column(accessor="rag_code", verbose_name="RAG")
    updated_at = tables.DateTimeColumn(verbose_name="Last changed", format="j M Y")

    class Meta:
        model = Action
        fields = ["action", "portfolio", "owner_team", "timescale", "status", "rag", "updated_at"]
        order_by = ("portfolio",)
        empty_text = "No actions match these filters."
        attrs = {"class": "govuk-table"}
        # Our own copy of the GOV.UK table template (django-tables2 3 names its tag querystring_replace).
        template_name = "includes/_table.html"

    def __init__(self, *args, today=None, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def render_action(self, record):
        first = record.description.split("\n", 1)[0]
        text = first if len(first) <= 160 else first[:159] + "…"
        archived = " (archived)" if record.is_archived else ""
        return format_html(
            '<span class="govuk-body-s govuk-!-display-block govuk-!-margin-bottom-1">{}</span>'
            '<a class="govuk-link" href="{}">{}</a>{}',
            record.priority.title,
            record.get_absolute_url(),
            text,
            archived,
        )

    def render_owner_team(self, record):
        others = [t.name for t in record.co_owner_teams.all()]
        return ", ".join([record.owner_team.name, *others])

    def render_timescale(self, record):
        return render_to_string("priorities/_timescale.html", {"action": record})

    def render_status(self, record):
        return render_to_string("priorities/_status_tag.html", {"status": record.status})

    def render_rag(self, record):
        return render_to_string("priorities/_rag_tag.html", {"rag": record.rag(self.today)})
