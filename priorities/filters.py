"""The action list's filters (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from priorities import rag as rag_rules
from priorities.models import Action, Portfolio, Theme
from priorities.selectors import actions_changed_since
from sufficiency.models import Team

RAG_CHOICES = [(code, rag_rules.LABELS[code]) for code in [*rag_rules.RATINGS, rag_rules.NOT_RATED]]


class _Select(forms.Select):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, attrs={"class": "govuk-select"}, **kwargs)


class _Date(forms.DateInput):
    input_type = "date"

    def __init__(self, *args, **kwargs):
        super().__init__(
            *args, attrs={"class": "govuk-input govuk-input--width-10"}, format="%Y-%m-%d", **kwargs
        )


class _Check(forms.CheckboxInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, attrs={"class": "govuk-checkboxes__input"}, **kwargs)


class ActionFilter(django_filters.FilterSet):
    """Filter the action list. `request.user` is needed for "my team's actions"."""

    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        widget=forms.TextInput(attrs={"class": "govuk-input", "type": "search"}),
    )
    portfolio = django_filters.ModelChoiceFilter(
        label="Portfolio",
        queryset=Portfolio.objects.all(),
        field_name="priority__portfolio",
        empty_label="All",
        widget=_Select,
    )
    theme = django_filters.ModelChoiceFilter(
        label="Theme",
        queryset=Theme.objects.all(),
        field_name="themes",
        empty_label="All",
        widget=_Select,
        distinct=True,
    )
    team = django_filters.ModelChoiceFilter(
        label="Team (owner or co-owner)",
        queryset=Team.objects.all(),
        method="filter_team",
        empty_label="All",
        widget=_Select,
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=Action.Status.choices, empty_label="All", widget=_Select
    )
    rag = django_filters.ChoiceFilter(
        label="RAG", choices=RAG_CHOICES, field_name="rag_code", empty_label="All", widget=_Select
    )
    due_before = django_filters.DateFilter(
        label="Due on or before", field_name="due_end", lookup_expr="lte", widget=_Date
    )
    changed_since = django_filters.DateFilter(
        label="Changed since", method="filter_changed_since", widget=_Date
    )
    mine = django_filters.BooleanFilter(label="My team's actions", method="filter_mine", widget=_Check)
    late = django_filters.BooleanFilter(label="Late actions only", method="filter_late", widget=_Check)
    archived = django_filters.BooleanFilter(label="Include archived", method="filter_archived", widget=_Check)

    class Meta:
        model = Action
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(description__icontains=value)
            | Q(priority__title__icontains=value)
            | Q(lead_officer__icontains=value)
            | Q(progress_note__icontains=value)
            | Q(owner_team__name__icontains=value)
        )

    def filter_team(self, queryset, name, value):
        return queryset.for_teams([value]) if value else queryset

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.for_teams(self.request.user.teams.all())

    def filter_late(self, queryset, name, value):
        return queryset.late(timezone.localdate()) if value else queryset

    def filter_changed_since(self, queryset, name, value):
        return actions_changed_since(queryset, value) if value else queryset

    def filter_archived(self, queryset, name, value):
        # The view chooses the base queryset (archived or not) from this field; nothing to do here.
        return queryset
