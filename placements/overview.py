"""The placements panel on the overview page: the headline tiles of the default authority."""

from django.conf import settings

from placements import presenters, selectors
from sufficiency.models import LocalAuthority


def overview_panel(user) -> dict | None:
    visible = LocalAuthority.objects.visible_to(user)
    la = visible.filter(code=settings.DEFAULT_LA_CODE).select_related("region").first()
    if la is None:
        la = selectors.las_with_data(user).select_related("region").first()
    if la is None:
        return None
    values = selectors.dashboard_values(la=la)
    years = presenters.dashboard_years(values)
    latest = years[-1] if years else None
    return {
        "template": "placements/_overview_panel.html",
        "context": {"la": la, "latest_year": latest, "tiles": presenters.dashboard_tiles(values, latest)},
    }
