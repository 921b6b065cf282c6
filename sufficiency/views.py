"""Core pages: the overview (home), the accessibility statement and error pages."""

import importlib
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.template.loader import get_template
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

PANEL_APPS = ["placements", "priorities", "flourish"]


def _overview_panels(user) -> list[dict]:
    """Ask each app for its overview panel (`<app>.overview.overview_panel(user)`)."""
    panels = []
    for app in PANEL_APPS:
        try:
            module = importlib.import_module(f"{app}.overview")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.overview":
                raise
            continue
        panel = module.overview_panel(user)
        if panel:
            panels.append({"app": app, **panel})
    return panels


@require_GET
def home(request):
    panels = _overview_panels(request.user)
    for panel in panels:
        panel["html"] = get_template(panel["template"]).render(
            {**panel.get("context", {}), "request": request, "user": request.user}, request
        )
    return render(request, "sufficiency/home.html", {"panels": panels})


@login_not_required
@require_GET
def accessibility(request):
    return render(request, "sufficiency/accessibility.html")


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", {"service_name": settings.SERVICE_NAME}, status=500)
