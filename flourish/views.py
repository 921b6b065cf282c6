"""FLOURISH pages. Thin: forms validate, services write, selectors read, templates show."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flourish import charts, report, selectors, services
from flourish.forms import ActionLinkForm, RegisterForm, UploadForm, ValueForm
from flourish.models import ActionLink, ImpactArea, Measure, Outcome
from flourish.upload import COLUMNS, Problem, check_rows, read_table
from sufficiency.concurrency import locked_edit


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _measure_or_404(code: str) -> Measure:
    try:
        return selectors.measure_detail(code=code)
    except Measure.DoesNotExist as exc:
        raise Http404("No such measure") from exc


@require_GET
def overview(request):
    return render(
        request,
        "flourish/overview.html",
        {**selectors.overview(), "can_upload": request.user.has_perm("flourish.upload_values")},
    )


@require_GET
def framework(request):
    return render(request, "flourish/framework.html", selectors.framework())


@require_GET
def area_detail(request, code: str):
    try:
        data = selectors.area_detail(code=code)
    except ImpactArea.DoesNotExist as exc:
        raise Http404("No such area") from exc
    return render(
        request,
        "flourish/area_detail.html",
        {**data, "can_link": request.user.has_perm("flourish.link_actions")},
    )


@require_GET
def measure_detail(request, code: str):
    measure = _measure_or_404(code)
    points = measure.points
    commentary = selectors.commentary_for(measure=measure)
    return render(
        request,
        "flourish/measure_detail.html",
        {
            "measure": measure,
            "a": measure.assessment,
            "points": [(p, commentary.get(p.period)) for p in reversed(points)],
            "figure": charts.figure(points, unit=measure.unit, target=selectors.target_series(measure)),
            "table": charts.table(points, target=selectors.target_series(measure)),
            "other_values": selectors.measure_other_values(measure=measure),
            "commentary_history": selectors.commentary_history(measure=measure),
            "value_history": selectors.value_history(measure=measure),
            "register_history": selectors.register_history(measure=measure),
            "actions": selectors.linked_actions(measure=measure),
            "links": {link.action_id: link for link in measure.action_links.all()},
            "can_edit": request.user.has_perm("flourish.edit_measure", measure),
            "can_link": request.user.has_perm("flourish.link_actions"),
            "can_manage": request.user.has_perm("flourish.manage_register"),
        },
    )


@require_GET
def measure_csv(request, code: str):
    measure = _measure_or_404(code)
    response = HttpResponse(
        charts.table_csv(measure.points, target=selectors.target_series(measure)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="flourish-{measure.code}.csv"'
    return response


def _without_version(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "version"}


@require_http_methods(["GET", "POST"])
def value_add(request, code: str):
    measure = _measure_or_404(code)
    _require(request, "flourish.edit_measure", measure)
    if measure.placements_measure:
        messages.error(
            request, "This measure's values come from the placements app; they cannot be entered here."
        )
        return redirect(measure.get_absolute_url())
    conflict = None
    if request.method == "POST":
        edit = locked_edit(
            ValueForm(request.POST),
            lambda data: services.measure_record_value(
                measure=measure, user=request.user, expected_version=data["version"], **_without_version(data)
            ),
        )
        if edit.saved:
            recorded = edit.result
            verb = "added" if recorded.created else "corrected"
            messages.success(request, f"Value for {recorded.value.period} {verb}.")
            return redirect(measure.get_absolute_url())
        form, conflict = edit.form, edit.conflict
    else:
        initial = {"version": measure.version}
        existing = measure.values.filter(
            area=selectors.HOME_AREA, period=request.GET.get("period", "")
        ).first()
        if existing is not None:  # "Change" from the measure page: correct a value or its commentary
            comment = measure.commentaries.filter(period=existing.period).first()
            initial |= {
                "period": existing.period,
                "value": existing.value,
                "provisional": existing.provisional,
                "note": existing.note,
                "england": existing.england,
                "region": existing.region,
                "sn_average": existing.sn_average,
                "commentary": comment.text if comment else "",
            }
        form = ValueForm(initial=initial)
    return render(
        request,
        "flourish/value_form.html",
        {
            "measure": measure,
            "form": form,
            "conflict": conflict,
            "correcting": bool(form.initial.get("period")),
        },
    )


@require_http_methods(["GET", "POST"])
def register_edit(request, code: str):
    measure = _measure_or_404(code)
    _require(request, "flourish.manage_register")
    conflict = None
    if request.method == "POST":
        edit = locked_edit(
            RegisterForm(request.POST),
            lambda data: services.measure_update_register(
                measure=measure, user=request.user, expected_version=data["version"], **_without_version(data)
            ),
        )
        if edit.saved:
            messages.success(request, "Register entry saved.")
            return redirect(measure.get_absolute_url())
        form, conflict = edit.form, edit.conflict
    else:
        form = RegisterForm(
            initial={name: getattr(measure, name) for name in services.REGISTER_FIELDS}
            | {"version": measure.version}
        )
    return render(
        request, "flourish/register_form.html", {"measure": measure, "form": form, "conflict": conflict}
    )


@require_http_methods(["GET", "POST"])
def values_upload(request):
    _require(request, "flourish.upload_values")
    problems: list[Problem] = []
    result = None
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            header, rows = read_table(f.read(), f.name)
        except Exception:  # any unreadable file: say so plainly rather than fail
            problems = [
                Problem(None, "", f.name, "The file could not be read as a CSV (UTF-8) or XLSX file.")
            ]
        else:
            known = dict(Measure.objects.values_list("code", "placements_measure"))
            good, problems = check_rows(header, rows, measures={c: not p for c, p in known.items()})
            if not problems:
                result = services.values_import(user=request.user, rows=good)
                added = result["added"]
                messages.success(
                    request,
                    f"Upload saved: {added} value{'' if added == 1 else 's'} added, {result['changed']} changed, "
                    f"{result['unchanged']} unchanged.",
                )
                return redirect("flourish:values_upload")
        if problems:
            form.add_error(
                "file",
                f"The file has {len(problems)} problem{'s' if len(problems) != 1 else ''}. Nothing was saved.",
            )
    return render(
        request, "flourish/values_upload.html", {"form": form, "problems": problems, "columns": COLUMNS}
    )


def _link_target(kind: str, code: str) -> tuple[dict, str, str]:
    """The measure or outcome being linked: (service kwargs, title, page to go back to)."""
    if kind == "outcome":
        outcome = get_object_or_404(Outcome.objects.select_related("area"), code=code)
        return (
            {"outcome": outcome},
            str(outcome),
            outcome.area.get_absolute_url() + f"#outcome-{outcome.code}",
        )
    measure = get_object_or_404(Measure, code=code)
    return {"measure": measure}, measure.title, measure.get_absolute_url() + "#actions"


@require_POST
def action_link_add(request, code: str, kind: str = "measure"):
    target, _, back = _link_target(kind, code)
    _require(request, "flourish.link_actions")
    actions = selectors.linkable_actions()
    form = ActionLinkForm(request.POST, actions=actions)
    if form.is_valid():
        action = actions.get(pk=form.cleaned_data["action"])
        services.action_link_add(user=request.user, action=action, **target)
        messages.success(request, "Action linked.")
    else:
        messages.error(request, "Select an action to link.")
    return redirect(back)


@require_POST
def action_link_remove(request, code: str, pk: int, kind: str = "measure"):
    target, _, back = _link_target(kind, code)
    link = get_object_or_404(ActionLink, pk=pk, **target)
    _require(request, "flourish.link_actions")
    services.action_link_remove(user=request.user, link=link)
    messages.success(request, "Link removed. The action itself is unchanged.")
    return redirect(back)


@require_GET
def action_link_form(request, code: str, kind: str = "measure"):
    target, title, back = _link_target(kind, code)
    _require(request, "flourish.link_actions")
    links = ActionLink.objects.filter(**target).select_related(
        "action__priority__portfolio", "action__owner_team"
    )
    return render(
        request,
        "flourish/action_link_form.html",
        {
            "kind": kind,
            "code": code,
            "title": title,
            "back": back,
            "links": links,
            "form": ActionLinkForm(actions=selectors.linkable_actions()),
        },
    )


def _year(request) -> tuple[int, list[int]]:
    years = selectors.report_years()
    default = years[0] if years else timezone.localdate().year
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        year = default
    if not 1990 <= year <= 2100:
        year = default
    return year, years


@require_GET
def annual_report(request):
    year, years = _year(request)
    return render(request, "flourish/report.html", {**selectors.annual_report(year=year), "years": years})


@require_GET
def annual_report_xlsx(request):
    year, _ = _year(request)
    content = report.report_xlsx(selectors.annual_report(year=year), selectors.all_values())
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="flourish-report-{year}.xlsx"'
    return response


@require_GET
def annual_report_pdf(request):
    year, _ = _year(request)
    data = selectors.annual_report(year=year)
    report.attach_svgs(data)
    html = render_to_string("flourish/report_pdf.html", {**data, "request": request})
    pdf = report.report_pdf(html, css=render_to_string("flourish/report_pdf.css"))
    if pdf is None:
        messages.error(
            request, "The PDF could not be made on this server. Use this printable page and print it to PDF."
        )
        return redirect(f"{reverse('flourish:report')}?year={year}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="flourish-report-{year}.pdf"'
    return response
