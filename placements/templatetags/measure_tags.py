"""`{% load measure_tags %}` then `{{ code|measure_title }}`: a measure code ("cla_31_march") as the
title people read ("Children looked after on 31 March"); codes stay in the API and in their own
column of a download."""

from django import template

from placements.labels import measure_title as _measure_title

register = template.Library()


@register.filter
def measure_title(code: str) -> str:
    """The measure's title; an unknown code reads as words ("new_code" → "New code")."""
    return _measure_title(code) if code else ""
