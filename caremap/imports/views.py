"""Back-office pages: upload a sheet, read a run's report, merge duplicates, list stale records.

The editing roles upload, within their scope. A run's report is for its importer, its
reviewers and city administrators. Duplicates and stale records are for city administrators
only. The upload page calls the same `run_import` as the command line.
"""

import logging

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from caremap.backoffice import access
from caremap.backoffice.models import Role
from caremap.backoffice.uploads import check_upload
from caremap.backoffice.views import staff_required
from caremap.directory.models import Department
from caremap.geo.crs import SYSTEMS

from . import duplicates
from .freshness import stale_locations
from .models import DuplicateCandidate, ImportRun
from .pipeline import run_import
from .prepare import WorkerDied
from .readers import UnreadableFile
from .report import labelled_counts, no_data_rows_message, report_xlsx

logger = logging.getLogger(__name__)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (xlsx or csv)"))
    department = forms.ModelChoiceField(Department.objects.all(), label=_("Department"))
    crs = forms.ChoiceField(choices=[(s, s.upper()) for s in SYSTEMS], label=_("Coordinate system"))
    apply = forms.BooleanField(required=False, label=_("Write the good rows (not a dry run)"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        role = access.staff_role(user)
        if role is not None and role.role == Role.DEPARTMENT_EDITOR:
            # A department editor imports their own department's sheets only.
            self.fields["department"].queryset = Department.objects.filter(pk=role.department_id)
        choices = list(self.fields["department"].queryset[:2])
        if len(choices) == 1:
            # One department to choose from: select it rather than show an empty choice.
            self.fields["department"].initial = choices[0].pk
            self.fields["department"].empty_label = None
        if role is not None and role.role != Role.CITY_ADMIN:
            self.fields["apply"].label = _("Send the good rows for review (not a dry run)")

    def clean_file(self):
        # Size, extension and leading bytes are checked before the file is parsed at all.
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


@staff_required
def upload(request):
    access.require(access.can_import(request.user), request.user, "import")
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            report = run_import(uploaded.read(), uploaded.name, form.cleaned_data["department"],
                                form.cleaned_data["crs"],
                                dry_run=not form.cleaned_data["apply"], user=request.user)
        except UnreadableFile as exc:
            logger.info("upload rejected file=%s error=%s", uploaded.name, exc)
            form.add_error("file", _("The file cannot be read: %(error)s") % {"error": exc})
        except WorkerDied:
            # prepare.check_rows has logged it; nothing was written.
            form.add_error("file", _(
                "Checking stopped because a worker process ended unexpectedly (often for lack "
                "of memory). Nothing was imported. Try again; if it happens again, ask the "
                "administrator to set CAREMAP_IMPORT_WORKERS=1."))
        else:
            if report.counts["rows"]:
                return redirect("imports:run", run_id=report.run.id)
            # An empty report would not say why nothing was imported.
            logger.info("upload has no data rows run=%s file=%s", report.run.id, uploaded.name)
            form.add_error("file", no_data_rows_message(uploaded.name))
    runs = ImportRun.objects.select_related("department")
    if access.role_of(request.user) != Role.CITY_ADMIN:
        runs = runs.filter(user=request.user)
    return render(request, "imports/upload.html", {"form": form, "runs": runs[:20]})


def _run(request, run_id) -> ImportRun:
    run = get_object_or_404(ImportRun.objects.select_related("changeset"), id=run_id)
    access.require(access.can_view_import_run(request.user, run), request.user, "import_run",
                   run.pk)
    return run


@staff_required
def run_detail(request, run_id):
    run = _run(request, run_id)
    return render(request, "imports/run.html", {"run": run, "counts": labelled_counts(run.counts)})


@staff_required
def run_report(request, run_id):
    run = _run(request, run_id)
    response = HttpResponse(
        report_xlsx(run),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="import-report-{run.id}.xlsx"'
    return response


def _require_records_manager(request, what: str, object_id: str = "") -> None:
    access.require(access.can_manage_import_records(request.user), request.user, what, object_id)


@staff_required
def duplicate_list(request):
    _require_records_manager(request, "duplicates")
    candidates = DuplicateCandidate.objects.filter(
        status=DuplicateCandidate.Status.OPEN
    ).select_related("existing__department", "department")
    return render(request, "imports/duplicates.html", {"candidates": candidates})


@require_POST
@staff_required
def duplicate_resolve(request, candidate_id):
    _require_records_manager(request, "duplicate", candidate_id)
    candidate = get_object_or_404(DuplicateCandidate, id=candidate_id,
                                  status=DuplicateCandidate.Status.OPEN)
    if request.POST.get("action") == "merge":
        duplicates.merge(candidate, request.user)
    elif request.POST.get("action") == "separate":
        duplicates.keep_separate(candidate, request.user)
    else:
        return HttpResponse(status=400)
    logger.info("duplicate resolved candidate=%s action=%s user=%s", candidate.id,
                request.POST["action"], request.user.pk)
    return redirect("imports:duplicates")


@staff_required
def stale(request):
    _require_records_manager(request, "stale")
    return render(request, "imports/stale.html", {"locations": stale_locations()[:500]})
