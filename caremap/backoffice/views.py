"""Back-office pages and the public correction form. Thin: checks live in access.py, the
steps in workflow.py."""

import logging
import uuid

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caremap.directory.models import Location

from . import access, workflow
from .forms import AuditFilterForm, CorrectionForm, LocationEditForm, ReasonForm
from .models import AuditEvent, ChangeSet, Correction

logger = logging.getLogger(__name__)

# Records of an import change set whose field diffs are shown; the counts cover all rows.
IMPORT_DIFF_LIMIT = 200


def staff_required(view):
    """Send anonymous users to the login page; refuse signed-in users without a role."""

    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('backoffice:login')}?next={request.path}")
        access.require(access.can_use_backoffice(request.user), request.user, "backoffice")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


class LoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("backoffice:home")


@require_GET
@staff_required
def home(request):
    role = access.staff_role(request.user)
    corrections = access.scope_filter(role, Correction.objects.filter(status="open"))
    return render(request, "backoffice/home.html", {
        "role": role,
        "submitted": ChangeSet.objects.filter(status=ChangeSet.Status.SUBMITTED).count(),
        "open_corrections": corrections.count(),
        "can_audit": access.can_view_audit(request.user),
        "can_handle_corrections": access.can_handle_corrections(request.user),
        "can_import": access.can_import(request.user),
    })


@require_GET
@staff_required
def record_list(request):
    role = access.staff_role(request.user)
    records = Location.objects.select_related("district", "department").order_by("name")
    if role.role in access.EDITOR_ROLES:
        records = access.scope_filter(role, records)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        records = records.filter(Q(name__icontains=q) | Q(address__icontains=q))
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/record_list.html", {"page": page, "q": q})


@require_GET
@staff_required
def record_detail(request, point_id: uuid.UUID):
    location = get_object_or_404(Location.objects.select_related("district", "department"),
                                 pk=point_id)
    access.require(access.can_view_record(request.user, location), request.user, "location",
                   location.pk)
    return render(request, "backoffice/record_detail.html", {
        "point": location,
        "fields": [(workflow.field_label(f), v) for f, v in workflow.snapshot(location).items()],
        "version": workflow.current_version(location),
        "versions": workflow.versions_with_diffs(location),
        "can_edit": access.can_edit(request.user, location),
        "pending": ChangeSet.objects.filter(
            changes__location=location,
            status__in=[ChangeSet.Status.DRAFT, ChangeSet.Status.SUBMITTED,
                        ChangeSet.Status.RETURNED]).distinct(),
    })


@require_http_methods(["GET", "POST"])
@staff_required
def record_edit(request, point_id: uuid.UUID):
    location = get_object_or_404(Location, pk=point_id)
    access.require(access.can_edit(request.user, location), request.user, "location",
                   location.pk)
    version = workflow.current_version(location)
    if request.method == "GET":
        form = LocationEditForm(instance=location, initial={"base_version": version})
        return render(request, "backoffice/record_edit.html", {"form": form, "point": location})
    # Validate against a copy so the live row is never touched by the form.
    form = LocationEditForm(request.POST, instance=Location.objects.get(pk=location.pk))
    if not form.is_valid():
        return render(request, "backoffice/record_edit.html", {"form": form, "point": location},
                      status=400)
    try:
        changeset = workflow.save_draft(request.user, location, form.proposed_values(),
                                        form.cleaned_data["base_version"])
    except workflow.Conflict:
        messages.error(request, _("Someone else changed this record after you opened it. "
                                  "Your edit was not saved; the form now shows the current "
                                  "version."))
        form = LocationEditForm(instance=location, initial={"base_version": version})
        return render(request, "backoffice/record_edit.html",
                      {"form": form, "point": location, "conflict": True}, status=409)
    if "submit" in request.POST:
        workflow.submit(request.user, changeset)
    return redirect("backoffice:changeset", changeset_id=changeset.pk)


@require_POST
@staff_required
def record_rollback(request, point_id: uuid.UUID, number: int):
    location = get_object_or_404(Location, pk=point_id)
    access.require(access.can_edit(request.user, location), request.user, "location",
                   location.pk)
    try:
        changeset = workflow.rollback(request.user, location, number)
    except workflow.Version.DoesNotExist:
        raise Http404("no such version") from None
    return redirect("backoffice:changeset", changeset_id=changeset.pk)


@require_GET
@staff_required
def changeset_list(request):
    status = request.GET.get("status", ChangeSet.Status.SUBMITTED)
    if status not in ChangeSet.Status.values:
        status = ChangeSet.Status.SUBMITTED
    changesets = ChangeSet.objects.filter(status=status).select_related("author")[:200]
    return render(request, "backoffice/changeset_list.html",
                  {"changesets": changesets, "status": status,
                   "statuses": ChangeSet.Status.choices})


def _changeset(changeset_id):
    return get_object_or_404(ChangeSet.objects.select_related("author", "reviewer"),
                             pk=changeset_id)


@require_GET
@staff_required
def changeset_detail(request, changeset_id: uuid.UUID):
    return _render_changeset(request, _changeset(changeset_id), ReasonForm())


def _render_changeset(request, changeset, reason_form):
    changes = [
        {"change": c, "diff": workflow.diff(c.previous, c.fields)}
        for c in changeset.changes.select_related("location")
    ]
    is_import = changeset.kind == ChangeSet.Kind.IMPORT
    run = getattr(changeset, "import_run", None) if is_import else None
    return render(request, "backoffice/changeset_detail.html", {
        "changeset": changeset, "changes": changes, "run": run,
        # Diffs against the live records, while the import still waits to be written.
        "pending": _pending_import(run) if run and changeset.status == ChangeSet.Status.SUBMITTED
        else None,
        "run_counts": _import_counts(run) if run else [],
        "can_view_run": run is not None and access.can_view_import_run(request.user, run),
        "can_review": access.can_review(request.user, changeset)
        and changeset.status == ChangeSet.Status.SUBMITTED,
        "can_submit": changeset.author_id == request.user.pk and not is_import
        and changeset.status in (ChangeSet.Status.DRAFT, ChangeSet.Status.RETURNED),
        "reason_form": reason_form,
    })


def _import_counts(run) -> list[tuple[str, int]]:
    from caremap.imports.report import labelled_counts

    return labelled_counts(run.counts)


def _pending_import(run) -> dict:
    from caremap.imports.review import pending_changes

    return pending_changes(run, limit=IMPORT_DIFF_LIMIT)


@require_POST
@staff_required
def changeset_submit(request, changeset_id: uuid.UUID):
    changeset = _changeset(changeset_id)
    try:
        workflow.submit(request.user, changeset)
    except workflow.WorkflowError:
        messages.error(request, _("This change cannot be submitted in its present state."))
    return redirect("backoffice:changeset", changeset_id=changeset.pk)


@require_POST
@staff_required
def changeset_publish(request, changeset_id: uuid.UUID):
    changeset = _changeset(changeset_id)
    try:
        workflow.publish(request.user, changeset)
        messages.success(request, _("Published."))
    except workflow.Conflict:
        messages.error(request, _("A record in this change was changed by someone else after "
                                  "the change was written. Return it so the editor can redo "
                                  "it on the current version."))
        return redirect("backoffice:changeset", changeset_id=changeset.pk)
    except workflow.WorkflowError:
        messages.error(request, _("This change cannot be published in its present state."))
    return redirect("backoffice:changeset", changeset_id=changeset.pk)


@require_POST
@staff_required
def changeset_return(request, changeset_id: uuid.UUID):
    changeset = _changeset(changeset_id)
    form = ReasonForm(request.POST)
    access.require(access.can_review(request.user, changeset), request.user, "changeset",
                   changeset.pk)
    if not form.is_valid():
        # The page is shown again with the bound form, so the error also appears next to the
        # reason field and not only at the top, above the diffs.
        messages.error(request, _("A returned change needs a reason."))
        return _render_changeset(request, changeset, form)
    try:
        workflow.return_changeset(request.user, changeset, form.cleaned_data["reason"])
    except workflow.WorkflowError:
        messages.error(request, _("This change cannot be returned in its present state."))
    return redirect("backoffice:changeset", changeset_id=changeset.pk)


@require_GET
@staff_required
def audit_log(request):
    access.require(access.can_view_audit(request.user), request.user, "audit")
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor")
    if form.is_valid():
        events = form.apply(events)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "backoffice/audit_log.html", {"form": form, "page": page})


@require_GET
@staff_required
def correction_list(request):
    role = access.staff_role(request.user)
    access.require(access.can_handle_corrections(request.user), request.user, "corrections")
    status = request.GET.get("status", Correction.Status.OPEN)
    if status not in Correction.Status.values:
        status = Correction.Status.OPEN
    corrections = access.scope_filter(
        role, Correction.objects.filter(status=status).select_related(
            "location", "location__district", "location__department")
    )[:200]
    return render(request, "backoffice/correction_list.html",
                  {"corrections": corrections, "status": status,
                   "statuses": Correction.Status.choices})


def _correction(request, correction_id):
    correction = get_object_or_404(Correction.objects.select_related("location"),
                                   pk=correction_id)
    access.require(access.can_handle_correction(request.user, correction), request.user,
                   "correction", correction.pk)
    return correction


@require_GET
@staff_required
def correction_detail(request, correction_id: uuid.UUID):
    correction = _correction(request, correction_id)
    return render(request, "backoffice/correction_detail.html",
                  {"correction": correction, "reason_form": ReasonForm()})


@require_POST
@staff_required
def correction_accept(request, correction_id: uuid.UUID):
    correction = _correction(request, correction_id)
    try:
        workflow.accept_correction(request.user, correction)
    except workflow.WorkflowError:
        messages.error(request, _("This report was already handled."))
        return redirect("backoffice:correction", correction_id=correction.pk)
    return redirect("backoffice:record_edit", point_id=correction.location_id)


@require_POST
@staff_required
def correction_dismiss(request, correction_id: uuid.UUID):
    correction = _correction(request, correction_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A dismissed report needs a reason."))
        return redirect("backoffice:correction", correction_id=correction.pk)
    try:
        workflow.dismiss_correction(request.user, correction, form.cleaned_data["reason"])
    except workflow.WorkflowError:
        messages.error(request, _("This report was already handled."))
    return redirect("backoffice:corrections")


# --- public ---

@require_http_methods(["GET", "POST"])
def correction_report(request, point_id: uuid.UUID):
    """The public correction form of one service point (no account needed)."""
    location = get_object_or_404(Location.objects.public(), pk=point_id)
    if request.method == "GET":
        return render(request, "backoffice/correction_page.html",
                      {"point": location, "correction_form": CorrectionForm()})
    form = CorrectionForm(request.POST)
    if form.is_spam():
        # Respond as if it worked, so the bot learns nothing.
        logger.info("correction honeypot filled")
        return render(request, "backoffice/correction_thanks.html", {"point": location})
    if not form.is_valid():
        return render(request, "backoffice/correction_page.html",
                      {"point": location, "correction_form": form}, status=400)
    correction = form.save(commit=False)
    correction.location = location
    correction.save()
    logger.info("correction received id=%s", correction.pk)
    return render(request, "backoffice/correction_thanks.html", {"point": location})
