"""The data admin's pages: import returns, follow their progress, read their problems, reference data."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from placements import services
from placements.forms import ReferenceUploadForm, ReturnUploadForm
from placements.models import ImportJob, MeasureValue, Population, Return
from placements.selectors import import_jobs
from placements.tasks import import_job_task
from sufficiency.roles import DATA_ADMIN, has_role


def data_admin_required(view):
    """Only data admins; everyone else gets the 403 page."""

    def check(user):
        if not has_role(user, DATA_ADMIN):
            raise PermissionDenied
        return True

    return user_passes_test(check)(view)


@require_GET
@data_admin_required
def index(request):
    returns = Return.objects.current().select_related("la").order_by("la__name", "-collection_year")
    return render(
        request,
        "placements/data_index.html",
        {
            "jobs": import_jobs()[:10],
            "returns": returns,
            "populations": Population.objects.select_related("la").order_by("la__name", "-year")[:50],
            "comparator_count": MeasureValue.objects.filter(
                source__in=[MeasureValue.Source.COMPARATOR, MeasureValue.Source.SN_AVERAGE]
            ).count(),
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
    return render(request, "placements/import_list.html", {"jobs": import_jobs()[:200]})


@require_GET
@data_admin_required
def import_detail(request, pk):
    job = get_object_or_404(ImportJob.objects.select_related("la", "created_by"), pk=pk)
    problems = job.problems.all()
    from placements.measures import MEASURES
    from placements.selectors import computed_measures, format_value

    measures_rows = []
    if job.status == ImportJob.Status.SUCCEEDED or job.status == ImportJob.Status.UNCHANGED:
        measures_rows = [
            {"measure": m, "title": MEASURES[m].title if m in MEASURES else m, "value": format_value(m, v)}
            for y, m, v in computed_measures(la=job.la, year=job.collection_year)
        ]
    return render(
        request,
        "placements/import_detail.html",
        {
            "job": job,
            "errors": problems.filter(severity="error")[:500],
            "warnings": problems.filter(severity="warning")[:500],
            "measures_rows": measures_rows,
        },
    )


@require_GET
@data_admin_required
def import_status(request, pk):
    job = get_object_or_404(ImportJob, pk=pk)
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
    job = get_object_or_404(ImportJob, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-problems.csv"'
    writer = csv.writer(response)
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
            saved, problems = importer(name=upload.name, content=upload.read())
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
