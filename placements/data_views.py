"""The data admin's pages: import returns, follow their progress, read their problems, reference data."""

from django.contrib import messages
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from placements import presenters, selectors, services
from placements.forms import ReferenceUploadForm, ReturnUploadForm
from placements.labels import measure_title
from placements.models import ImportJob, ImportProblem, Population, Return, YearlyFigure
from placements.tasks import import_job_task
from sufficiency import csvsafe
from sufficiency.access import scope_to_user, visible_authorities
from sufficiency.models import LocalAuthority
from sufficiency.roles import DATA_ADMIN, has_role

# Problems of one kind shown on the import page; the CSV holds every one.
EXAMPLES_PER_KIND = 5


def data_admin_required(view):
    """Only data admins; everyone else gets the 403 page."""

    def check(user):
        if not has_role(user, DATA_ADMIN):
            raise PermissionDenied
        return True

    return user_passes_test(check)(view)


def _jobs(user):
    """The imports of the authorities the user may see, newest first."""
    return scope_to_user(selectors.import_jobs(), user)


def _job_for_user(request, pk) -> ImportJob:
    """The import, if it belongs to an authority the user may see; 404 otherwise (existence not revealed)."""
    return get_object_or_404(_jobs(request.user), pk=pk)


def _comparators_for(user):
    """Comparator figures the user's authorities are compared with: England's and the regions' (not any
    one authority's), and those held against the user's authorities or their statistical neighbours."""
    visible = visible_authorities(user)
    neighbours = LocalAuthority.objects.filter(pk__in=visible.values("statistical_neighbours"))
    return YearlyFigure.objects.filter(
        Q(la__in=visible) | Q(la__in=neighbours) | ~Q(la__kind=LocalAuthority.Kind.LA),
        source__in=[YearlyFigure.Source.COMPARATOR, YearlyFigure.Source.SN_AVERAGE],
    )


@require_GET
@data_admin_required
def index(request):
    services.import_jobs_expire_stale()  # a job a killed worker left shows as failed
    user = request.user
    returns = scope_to_user(Return.objects.current(), user).select_related("la")
    populations = scope_to_user(Population.objects.all(), user).select_related("la")
    return render(
        request,
        "placements/data_index.html",
        {
            "jobs": _jobs(user)[:10],
            "returns": returns.order_by("la__name", "-collection_year"),
            "populations": populations.order_by("la__name", "-year")[:50],
            "comparator_count": _comparators_for(user).count(),
        },
    )


@require_http_methods(["GET", "POST"])
@data_admin_required
def import_upload(request):
    form = ReturnUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        job = services.import_job_create(
            la=form.cleaned_data["la"],
            collection_year=form.cleaned_data["collection_year"],
            uploads=[(f.name, f) for f in form.cleaned_data["files"]],
            user=request.user,
        )
        transaction.on_commit(lambda: import_job_task.enqueue(str(job.pk)))
        return redirect("data:import_detail", pk=job.pk)
    return render(request, "placements/import_upload.html", {"form": form})


@require_GET
@data_admin_required
def import_list(request):
    services.import_jobs_expire_stale()  # a job a killed worker left shows as failed
    return render(request, "placements/import_list.html", {"jobs": _jobs(request.user)[:200]})


@require_GET
@data_admin_required
def import_detail(request, pk):
    services.import_jobs_expire_stale()  # a job a killed worker left shows as failed
    job = _job_for_user(request, pk)
    measures_rows = []
    if job.status in (ImportJob.Status.SUCCEEDED, ImportJob.Status.UNCHANGED):
        measures_rows = [
            {"measure": m, "title": measure_title(m), "value": presenters.format_value(m, v)}
            for _, m, v in selectors.computed_measures(la=job.la, year=job.collection_year)
        ]
    moves = []
    if job.status == ImportJob.Status.SUCCEEDED:
        year = job.collection_year
        codes = list(presenters.HEADLINE_MOVES)
        held = selectors.headline_figures(la=job.la, years=[year - 1, year], codes=codes)
        moves = presenters.headline_moves(held, year)
    errors = _problem_kinds(job, ImportProblem.Severity.ERROR)
    warnings = _problem_kinds(job, ImportProblem.Severity.WARNING)
    return render(
        request,
        "placements/import_detail.html",
        {
            "job": job,
            "errors": errors,
            "warnings": warnings,
            "problem_sections": [("Errors", errors), ("Warnings", warnings)],
            "examples_per_kind": EXAMPLES_PER_KIND,
            "measures_rows": measures_rows,
            "moves": moves,
        },
    )


def _kind_message(message: str, value: str) -> str:
    """The message with the row's own value taken out, so rows wrong in the same way share a kind."""
    if len(value) >= 2 and value in message:
        return message.replace(value, "…")
    return message


def _problem_kinds(job: ImportJob, severity: str) -> list[dict]:
    """The job's problems of one severity grouped by kind (table, column, message without the row's
    value), most frequent first, each with its count and its first EXAMPLES_PER_KIND rows.

    A job holds at most the validator's MAX_PROBLEMS problems, so they are grouped here in one pass.
    """
    kinds: dict[tuple[str, str, str], dict] = {}
    rows = (
        job.problems.filter(severity=severity)
        .order_by("id")
        .values_list("table", "row", "column", "value", "message")
    )
    for table, row, column, value, message in rows.iterator(chunk_size=2000):
        key = (table, column, _kind_message(message, value))
        kind = kinds.get(key)
        if kind is None:
            kind = kinds[key] = {
                "table": table,
                "column": column,
                "message": key[2],
                "count": 0,
                "examples": [],
            }
        kind["count"] += 1
        if len(kind["examples"]) < EXAMPLES_PER_KIND:
            kind["examples"].append({"row": row, "value": value, "message": message})
    return sorted(kinds.values(), key=lambda kind: -kind["count"])  # stable: first seen first among equals


@require_GET
@data_admin_required
def import_status(request, pk):
    services.import_jobs_expire_stale()  # a job a killed worker left shows as failed
    job = _job_for_user(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "progress": job.progress,
            "stage": job.stage,
            "finished": job.is_finished,
            "url": reverse("data:import_detail", args=[job.pk]),
        }
    )


@require_GET
@data_admin_required
def import_problems_csv(request, pk):
    job = _job_for_user(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-problems.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(["severity", "table", "row", "column", "value", "message"])
    for p in job.problems.all().iterator():
        writer.writerow(
            [p.severity, p.table, p.row if p.row is not None else "", p.column, p.value, p.message]
        )
    return response


def _reference_upload(request, *, importer, template, title, what):
    form = ReferenceUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            saved, problems = importer(name=upload.name, content=upload.read(), user=request.user)
        except ValueError as exc:
            form.add_error("file", str(exc))
        else:
            if not problems:
                messages.success(request, f"Imported {saved} {what}.")
                return redirect("data:index")
    return render(request, template, {"form": form, "problems": problems, "title": title})


@require_http_methods(["GET", "POST"])
@data_admin_required
def population_upload(request):
    return _reference_upload(
        request,
        importer=services.population_import,
        template="placements/reference_upload.html",
        title="Import population estimates",
        what="population figures",
    )


@require_http_methods(["GET", "POST"])
@data_admin_required
def comparators_upload(request):
    return _reference_upload(
        request,
        importer=services.comparators_import,
        template="placements/reference_upload.html",
        title="Import comparator figures",
        what="comparator figures",
    )
