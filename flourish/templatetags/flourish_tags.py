"""Template filters for FLOURISH pages."""

from django import template

from sufficiency.templatetags.portal_format import one_in_n, unit_kind

register = template.Library()


@register.filter
def with_unit(value, unit: str = "") -> str:
    """A value with its unit as people write it: "54%", "65.1 per 10,000", "1083" (counts bare)."""
    if value is None or value == "":
        return "–"
    if unit_kind(unit) == "one_in_n":
        return one_in_n(value)  # "1 in 7", not "7 1 in N"
    number = f"{value:,.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    if unit == "%":
        return f"{number}%"
    if not unit or unit in ("count", "number"):
        return number
    return f"{number} {unit}"


@register.filter
def period(label) -> str:
    """A period as a reader writes it ("March 2020", "2020/21")."""
    from flourish.periods import period_label

    return period_label(str(label or ""))
