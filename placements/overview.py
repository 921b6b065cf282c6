"""The placements panel on the overview page: the headline tiles of the default authority."""

from placements import presenters, selectors
from sufficiency.access import default_authority


def overview_panel(user) -> dict | None:
    la = default_authority(user, prefer=selectors.las_with_data(user))
    if la is None:
        return None
    values = selectors.dashboard_values(la=la)
    years = presenters.dashboard_years(values)
    latest = years[-1] if years else None
    return {
        "template": "placements/_overview_panel.html",
        "context": {"la": la, "latest_year": latest, "tiles": presenters.dashboard_tiles(values, latest)},
    }
