"""Priorities pages. Thin: forms validate, services write, selectors read, templates show."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from priorities import boardpack, selectors, services
from priorities import rag as rag_rules
from priorities.filters import ActionFilter
from priorities.forms import (
    ActionDetailsForm,
    ActionForm,
    ArchiveForm,
    PriorityForm,
    RagOverrideForm,
    ReplanForm,
    StatusUpdateForm,
)
from priorities.models import Action, Priority
from priorities.tables import ActionTable
from sufficiency.concurrency import locked_edit
from sufficiency.forms import add_service_errors

BOARD_PACK_DEFAULT_DAYS = 28


def _action_or_404(pk: int, selector=selectors.action_detail) -> Action:
    try:
        return selector(pk=pk)
    except Action.DoesNotExist as exc:
        raise Http404("No such action") from exc


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


@require_GET
def action_list(request):
    today = timezone.localdate()
    include_archived = request.GET.get("archived") in ("on", "true", "True", "1")
    base = selectors.actions_for_list(today=today, include_archived=include_archived)
    action_filter = ActionFilter(request.GET, queryset=base, request=request)
    qs = action_filter.qs
    table = ActionTable(qs, today=today, request=request)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "priorities/action_list.html",
        {
            "filter": action_filter,
            "table": table,
            "rag_counts": selectors.counts_by_rag(qs),
            "result_count": table.paginator.count if table.page else len(table.rows),
            "can_manage": request.user.has_perm("priorities.manage_strategy"),
            "has_filters": any(v for k, v in request.GET.items() if k not in ("sort", "page")),
            "rule_lines": rag_rules.RULE_LINES,
        },
    )


ACTION_PAGE_LATEST = 20


@require_GET
def action_detail(request, pk: int):
    action = _action_or_404(pk)
    # The latest changes by default (the page a status save returns to stays quick however long the
    # history grows); every change with ?history=all.
    everything = request.GET.get("history") == "all"
    limit = None if everything else ACTION_PAGE_LATEST
    timeline, timeline_total = selectors.action_latest_updates(action=action, limit=limit)
    history, history_total = selectors.action_history_page(action=action, limit=limit)
    # The RAG's "last updated" (the latest status update, else when the action was added), not read again.
    action.last_updated_at = timeline[0].created_at if timeline else action.created_at
    return render(
        request,
        "priorities/action_detail.html",
        {
            "action": action,
            "rag": action.rag(),
            "timeline": timeline,
            "timeline_total": timeline_total,
            "history": history,
            "history_total": history_total,
            "showing_all": everything,
            "latest": ACTION_PAGE_LATEST,
            "can_edit": request.user.has_perm("priorities.edit_action", action),
            # Asked of the action: the same rule (lead commissioners), and Django's ModelBackend, which grants
            # no permission on an object, then reads no permission tables.
            "can_manage": request.user.has_perm("priorities.manage_strategy", action),
            "rule_lines": rag_rules.RULE_LINES,
        },
    )


@require_http_methods(["GET", "POST"])
def action_status_update(request, pk: int):
    action = _action_or_404(pk, selectors.action_for_form)
    _require(request, "priorities.edit_action", action)
    conflict = None
    if request.method == "POST":
        edit = locked_edit(
            StatusUpdateForm(request.POST),
            lambda data: services.action_update_status(
                action=action,
                user=request.user,
                to_status=data["status"],
                comment=data["comment"],
                evidence_url=data["evidence_url"],
                progress_note=data["progress_note"],
                expected_version=data["version"],
            ),
        )
        if edit.saved:
            messages.success(request, f"Status updated to {edit.form.cleaned_data['status']}.")
            return redirect(action.get_absolute_url())
        form, conflict = edit.form, edit.conflict
        if conflict:
            action = conflict.current  # the action as it is now, read by the service
    else:
        form = StatusUpdateForm(
            initial={
                "status": action.status,
                "version": action.version,
                "progress_note": action.progress_note,
            }
        )
    return render(
        request,
        "priorities/action_status_form.html",
        {"action": action, "form": form, "conflict": conflict, "comment_required": Action.COMMENT_REQUIRED},
    )


@require_http_methods(["GET", "POST"])
def action_rag_override(request, pk: int):
    action = _action_or_404(pk)
    _require(request, "priorities.edit_action", action)
    conflict = None
    if request.method == "POST":
        edit = locked_edit(
            RagOverrideForm(request.POST),
            lambda data: services.action_override_rag(
                action=action,
                user=request.user,
                rag=data["rag"],
                reason=data["reason"],
                expected_version=data["version"],
            ),
        )
        if edit.saved:
            saved = "RAG override saved." if edit.form.cleaned_data["rag"] else "RAG override removed."
            messages.success(request, saved)
            return redirect(action.get_absolute_url())
        form, conflict = edit.form, edit.conflict
        if conflict:
            action = _action_or_404(pk)
    else:
        form = RagOverrideForm(
            initial={
                "rag": action.rag_override,
                "reason": action.rag_override_reason,
                "version": action.version,
            }
        )
    return render(
        request,
        "priorities/action_rag_form.html",
        {
            "action": action,
            "form": form,
            "conflict": conflict,
            "computed": action.rag().computed or action.rag(),
        },
    )


@require_http_methods(["GET", "POST"])
def action_edit(request, pk: int):
    action = _action_or_404(pk)
    _require(request, "priorities.edit_action", action)
    can_move_team = request.user.has_perm("priorities.manage_strategy")
    conflict = None
    if request.method == "POST":
        edit = locked_edit(
            ActionDetailsForm(request.POST, can_move_team=can_move_team),
            lambda data: services.action_update_details(
                action=action,
                user=request.user,
                expected_version=data["version"],
                description=data["description"],
                lead_officer=data["lead_officer"],
                timescale_text=data["timescale_text"],
                themes=data["themes"],
                owner_team=data.get("owner_team"),
            ),
            can_move_team=can_move_team,
        )
        if edit.saved:
            messages.success(request, "Action details saved.")
            return redirect(action.get_absolute_url())
        form, conflict = edit.form, edit.conflict
        if conflict:
            action = _action_or_404(pk)
    else:
        form = ActionDetailsForm(
            initial={
                "description": action.description,
                "lead_officer": action.lead_officer,
                "timescale_text": action.timescale_text,
                "themes": list(action.themes.all()),
                "owner_team": action.owner_team_id,
                "version": action.version,
            },
            can_move_team=can_move_team,
        )
    return render(
        request, "priorities/action_edit_form.html", {"action": action, "form": form, "conflict": conflict}
    )


@require_http_methods(["GET", "POST"])
def action_archive(request, pk: int):
    action = _action_or_404(pk)
    _require(request, "priorities.manage_strategy")
    conflict = None
    restore = action.archived_at is not None
    if request.method == "POST":
        service = services.action_unarchive if restore else services.action_archive
        edit = locked_edit(
            ArchiveForm(request.POST),
            lambda data: service(action=action, user=request.user, expected_version=data["version"]),
            resubmit=False,
        )
        if edit.saved:
            messages.success(
                request,
                "Action restored." if restore else "Action archived. It is kept with its history.",
            )
            return redirect(action.get_absolute_url())
        form, conflict = edit.form, edit.conflict
    else:
        form = ArchiveForm(initial={"version": action.version})
    return render(
        request,
        "priorities/action_archive.html",
        {"action": action, "form": form, "conflict": conflict, "restore": restore},
    )


@require_http_methods(["GET", "POST"])
def priority_archive(request, pk: int):
    priority = get_object_or_404(Priority.objects.select_related("portfolio"), pk=pk)
    _require(request, "priorities.manage_strategy")
    if request.method == "POST":
        services.priority_archive(priority=priority, user=request.user)
        messages.success(request, "Priority archived with its actions. They are kept with their history.")
        return redirect("priorities:action_list")
    return render(request, "priorities/priority_archive.html", {"priority": priority})


@require_http_methods(["GET", "POST"])
def priority_create(request):
    _require(request, "priorities.manage_strategy")
    form = PriorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Priority added. Now add its actions.")
            return redirect("priorities:action_create")
    return render(request, "priorities/priority_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def action_create(request):
    _require(request, "priorities.manage_strategy")
    form = ActionForm(request.POST or None, initial={"priority": request.GET.get("priority")})
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Action added.")
            return redirect(action.get_absolute_url())
    return render(request, "priorities/action_form.html", {"form": form})


@require_GET
def matrix(request):
    themes, rows = selectors.strategy_matrix()
    _, counts = selectors.action_matrix()
    return render(
        request,
        "priorities/matrix.html",
        {"themes": themes, "rows": rows, "counts": counts, "list_url": reverse("priorities:action_list")},
    )


def _since(request) -> tuple[date, str]:
    """The board pack's "updates since" date from ?since=YYYY-MM-DD, else four weeks ago; and an error."""
    default = timezone.localdate() - timedelta(days=BOARD_PACK_DEFAULT_DAYS)
    raw = request.GET.get("since", "")
    if not raw:
        return default, ""
    try:
        return date.fromisoformat(raw), ""
    except ValueError:
        return default, "Enter the date as a real date, for example 2025-03-31."


@require_GET
def board_pack(request):
    since, error = _since(request)
    pack = selectors.board_pack(since=since)
    return render(request, "priorities/board_pack.html", {**pack, "since_error": error})


@require_GET
def board_pack_xlsx(request):
    since, _ = _since(request)
    content = boardpack.board_pack_xlsx(selectors.board_pack(since=since))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="board-pack-{timezone.localdate():%Y-%m-%d}.xlsx"'
    )
    return response


@require_GET
def board_pack_pdf(request):
    since, _ = _since(request)
    pack = selectors.board_pack(since=since)
    html = render_to_string("priorities/board_pack_pdf.html", {**pack, "request": request})
    css = render_to_string("priorities/board_pack_pdf.css")
    pdf = boardpack.board_pack_pdf(html, base_url=request.build_absolute_uri("/"), css=css)
    if pdf is None:
        messages.error(
            request, "The PDF could not be made on this server. Use this printable page and print it to PDF."
        )
        return redirect(f"{reverse('priorities:board_pack')}?since={since:%Y-%m-%d}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="board-pack-{timezone.localdate():%Y-%m-%d}.pdf"'
    return response


@require_GET
def print_css(request):
    """The board pack's print stylesheet, served from our templates (no inline styles under the CSP)."""
    response = render(request, "priorities/print.css", content_type="text/css")
    response["Cache-Control"] = "max-age=3600"
    return response


@require_GET
def my_actions(request):
    """The actions of the user's own teams: those needing attention first, then the rest."""
    data = selectors.team_actions(user=request.user)
    return render(request, "priorities/my_actions.html", {**data, "rule_lines": rag_rules.RULE_LINES})


@require_http_methods(["GET", "POST"])
def action_replan(request, pk: int):
    action = _action_or_404(pk, selectors.action_for_form)
    _require(request, "priorities.manage_strategy")
    conflict = None
    if request.method == "POST":
        edit = locked_edit(
            ReplanForm(request.POST),
            lambda data: services.action_replan(
                action=action,
                user=request.user,
                expected_version=data["version"],
                revised_due_date=data["revised_due_date"],
                review_date=data["review_date"],
                reason=data["reason"],
            ),
        )
        if edit.saved:
            messages.success(request, "Action re-planned.")
            return redirect(action.get_absolute_url())
        form, conflict = edit.form, edit.conflict
        if conflict:
            action = conflict.current  # the action as it is now, read by the service
    else:
        form = ReplanForm(
            initial={
                "revised_due_date": action.revised_due_date,
                "review_date": action.review_date,
                "reason": action.replan_reason,
                "version": action.version,
            }
        )
    return render(
        request,
        "priorities/action_replan_form.html",
        {"action": action, "form": form, "conflict": conflict, "rag": action.rag()},
    )
