"""Core pages: the overview (home), the accessibility statement and error pages."""

import importlib
import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sufficiency import front_pages, reminders
from sufficiency.roles import MANAGER, has_role

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


def _since(request, today: date) -> tuple[date, str, str]:
    """The manager's "changed since" day: ?since=YYYY-MM-DD, else their previous visit, else four weeks
    ago; with how it was chosen and an error for a date that cannot be read."""
    raw = request.GET.get("since", "").strip()
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            pass
        else:
            if day <= today:
                return day, "the date you chose", ""
            return today, "today", "Enter a date that is not in the future."
        error = "Enter the date as a real date, for example 2026-03-31."
    else:
        error = ""
    previous = front_pages.record_visit(request.user) if has_role(request.user, MANAGER) else None
    if previous is not None:
        return timezone.localdate(previous), "your previous visit", error
    return today - timedelta(days=front_pages.DEFAULT_SINCE_DAYS), "four weeks ago", error


@require_GET
def home(request):
    today = timezone.localdate()
    since, since_from, since_error = _since(request, today)
    sections = front_pages.sections_for(request.user, today=today, since=since)
    panels = _overview_panels(request.user)
    for panel in panels:
        panel["html"] = get_template(panel["template"]).render(
            {**panel.get("context", {}), "request": request, "user": request.user}, request
        )
    return render(
        request,
        "sufficiency/home.html",
        {
            "panels": panels,
            "sections": sections,
            "since": since,
            "since_from": since_from,
            "since_error": since_error,
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def reminder_preferences(request):
    """Switch the weekly reminder e-mail on or off."""
    error = ""
    if request.method == "POST":
        choice = request.POST.get("email_reminders", "")
        if choice in ("on", "off"):
            reminders.set_reminder_preference(user=request.user, enabled=choice == "on")
            messages.success(
                request, "Weekly reminder e-mails are on." if choice == "on" else "Weekly reminder e-mails are off."
            )
            return redirect("reminder_preferences")
        error = "Select whether you want the weekly reminder e-mail."
    return render(request, "sufficiency/reminder_preferences.html", {"error": error})


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
