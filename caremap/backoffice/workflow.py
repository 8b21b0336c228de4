"""The review workflow: propose → submit → publish or return; versions, diffs and rollback.

A change never touches the live record until it is published. Each Change remembers the
version it was based on; publishing one whose record has moved on since raises Conflict
instead of overwriting the other person's work (optimistic locking).
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.directory.models import Location

from . import access
from .audit import record
from .models import AuditEvent, Change, ChangeSet, Correction, Role, Version

logger = logging.getLogger(__name__)

# The fields of a service point the back office edits, in display order.
EDITABLE_FIELDS = (
    "name", "alternate_name", "description", "address", "latitude", "longitude", "email",
    "hours_text", "min_age", "max_age", "is_free", "fee_description", "accessibility",
    "wheelchair_accessible", "application_process", "status", "last_verified", "visibility",
    "field_visibility",
)


class Conflict(Exception):
    """The record was changed by someone else after this change was written."""


class WorkflowError(Exception):
    """A step that the change set's state does not allow."""


def _json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def snapshot(location: Location) -> dict:
    return {field: _json_value(getattr(location, field)) for field in EDITABLE_FIELDS}


def current_version(location: Location) -> int:
    """The published version number; 1 for a record no reviewed change has touched yet."""
    latest = Version.objects.filter(location=location).order_by("-number").first()
    return latest.number if latest else 1


def field_label(field: str) -> str:
    return str(Location._meta.get_field(field).verbose_name)


def diff(before: dict, after: dict) -> list[dict]:
    """Readable field differences: [{"field", "label", "before", "after"}] for changed fields."""
    rows = []
    for field in EDITABLE_FIELDS:
        if field in after and before.get(field) != after.get(field):
            rows.append({"field": field, "label": field_label(field),
                         "before": before.get(field), "after": after.get(field)})
    return rows


def _changed_fields(location: Location, values: dict) -> dict:
    live = snapshot(location)
    return {f: _json_value(v) for f, v in values.items()
            if f in EDITABLE_FIELDS and live.get(f) != _json_value(v)}


@transaction.atomic
def propose(user, location: Location, values: dict, base_version: int, *,
            kind: str = ChangeSet.Kind.EDIT, title: str = "", changeset: ChangeSet | None = None
            ) -> ChangeSet:
    """Write a draft change of one record; raise Conflict when `base_version` is stale."""
    access.require(access.can_edit(user, location), user, "location", location.pk)
    if base_version != current_version(location):
        raise Conflict(location.pk)
    fields = _changed_fields(location, values)
    if changeset is None:
        changeset = ChangeSet.objects.create(author=user, kind=kind,
                                             title=title or location.name[:200])
    Change.objects.create(changeset=changeset, location=location, base_version=base_version,
                          fields=fields, previous={f: snapshot(location)[f] for f in fields})
    return changeset


@transaction.atomic
def save_draft(user, location: Location, values: dict, base_version: int) -> ChangeSet:
    """Write the user's edit of a record into their open draft of it, or a new draft."""
    access.require(access.can_edit(user, location), user, "location", location.pk)
    if base_version != current_version(location):
        raise Conflict(location.pk)
    change = (Change.objects.select_related("changeset")
              .filter(location=location, changeset__author=user,
                      changeset__status__in=[ChangeSet.Status.DRAFT, ChangeSet.Status.RETURNED])
              .order_by("-changeset__created").first())
    if change is None:
        return propose(user, location, values, base_version)
    fields = _changed_fields(location, values)
    live = snapshot(location)
    change.fields, change.previous = fields, {f: live[f] for f in fields}
    change.base_version = base_version
    change.save(update_fields=["fields", "previous", "base_version"])
    return change.changeset


def _require_status(changeset: ChangeSet, *allowed: str) -> None:
    if changeset.status not in allowed:
        raise WorkflowError(changeset.status)


@transaction.atomic
def submit(user, changeset: ChangeSet) -> None:
    access.require(changeset.author_id == user.pk or access.role_of(user) == Role.CITY_ADMIN,
                   user, "changeset", changeset.pk)
    _require_status(changeset, ChangeSet.Status.DRAFT, ChangeSet.Status.RETURNED)
    if changeset.kind == ChangeSet.Kind.IMPORT and changeset.status == ChangeSet.Status.RETURNED:
        # A returned import is fixed by importing a corrected sheet, not by resubmitting it.
        raise WorkflowError(changeset.status)
    changeset.status = ChangeSet.Status.SUBMITTED
    changeset.submitted_at = timezone.now()
    changeset.save(update_fields=["status", "submitted_at"])
    record(AuditEvent.Action.SUBMIT, user, object_type="changeset", object_id=changeset.pk)


def _apply(change: Change, user, changeset: ChangeSet) -> None:
    if not change.fields:
        return
    location = Location.objects.select_for_update().get(pk=change.location_id)
    number = current_version(location)
    if change.base_version != number:
        raise Conflict(location.pk)
    if not Version.objects.filter(location=location).exists():
        # The state before the first reviewed change, so it can be rolled back to.
        Version.objects.create(location=location, number=1, data=snapshot(location))
    for field, value in change.fields.items():
        setattr(location, field, value)
    location.full_clean(exclude=["organization", "department", "category", "district",
                                 "street", "community"])
    location.save()
    Version.objects.create(location=location, number=number + 1, data=snapshot(location),
                           changeset=changeset, author=changeset.author)


@transaction.atomic
def publish(user, changeset: ChangeSet) -> None:
    """Apply every change of the set to the live records, all or none."""
    access.require(access.can_review(user, changeset), user, "changeset", changeset.pk)
    # Read the status under a row lock, so two reviewers cannot publish the same set twice.
    changeset.status = (ChangeSet.objects.select_for_update().filter(pk=changeset.pk)
                        .values_list("status", flat=True).get())
    _require_status(changeset, ChangeSet.Status.SUBMITTED)
    if changeset.kind == ChangeSet.Kind.IMPORT:
        detail = {"counts": _publish_import(changeset)}
    else:
        for change in changeset.changes.select_related("location"):
            _apply(change, user, changeset)
        detail = {"records": [str(c.location_id) for c in changeset.changes.all()]}
    changeset.status = ChangeSet.Status.PUBLISHED
    changeset.reviewer = user
    changeset.reviewed_at = timezone.now()
    changeset.save(update_fields=["status", "reviewer", "reviewed_at"])
    action = (AuditEvent.Action.ROLLBACK if changeset.kind == ChangeSet.Kind.ROLLBACK
              else AuditEvent.Action.PUBLISH)
    record(action, user, object_type="changeset", object_id=changeset.pk, **detail)


@transaction.atomic
def return_changeset(user, changeset: ChangeSet, reason: str) -> None:
    access.require(access.can_review(user, changeset), user, "changeset", changeset.pk)
    _require_status(changeset, ChangeSet.Status.SUBMITTED)
    if not reason.strip():
        raise WorkflowError(_("A returned change needs a reason."))
    changeset.status = ChangeSet.Status.RETURNED
    changeset.return_reason = reason.strip()
    changeset.reviewer = user
    changeset.reviewed_at = timezone.now()
    changeset.save(update_fields=["status", "return_reason", "reviewer", "reviewed_at"])
    record(AuditEvent.Action.RETURN, user, object_type="changeset", object_id=changeset.pk)


@transaction.atomic
def rollback(user, location: Location, number: int) -> ChangeSet:
    """Propose the record's state of version `number` as a change awaiting review."""
    version = Version.objects.get(location=location, number=number)
    changeset = propose(user, location, version.data, current_version(location),
                        kind=ChangeSet.Kind.ROLLBACK,
                        title=f"{location.name[:150]} → v{number}")
    submit(user, changeset)
    return changeset


def versions_with_diffs(location: Location) -> list[dict]:
    versions = list(Version.objects.filter(location=location).select_related("author",
                                                                            "changeset"))
    rows = []
    for i, version in enumerate(versions):
        older = versions[i + 1].data if i + 1 < len(versions) else {}
        rows.append({"version": version, "diff": diff(older, version.data) if older else []})
    return rows


@transaction.atomic
def submit_import(user, run) -> ChangeSet:
    """Send a checked import (an imports.models.ImportRun staged by review.stage) to review.

    The change set has no Change rows: its content is the run's stored rows, applied as a
    whole when it is published.
    """
    access.require(access.can_import(user), user, "import", run.pk)
    changeset = ChangeSet.objects.create(author=user, kind=ChangeSet.Kind.IMPORT,
                                         title=f"{run.department.short_name}：{run.filename}"[:200])
    run.changeset = changeset
    run.save(update_fields=["changeset"])
    record(AuditEvent.Action.IMPORT, user, object_type="changeset", object_id=changeset.pk,
           run=str(run.pk), department=run.department_id, counts=run.counts)
    submit(user, changeset)
    return changeset


def _publish_import(changeset: ChangeSet) -> dict:
    """Write an import change set's stored rows; raise Conflict when a record moved on."""
    from caremap.imports import pipeline, review

    run = getattr(changeset, "import_run", None)
    if run is None:
        raise WorkflowError(_("This import has no stored rows."))
    stale = review.changed_since_check(run)
    if stale:
        logger.info("import conflict changeset=%s records=%s", changeset.pk, stale[:20])
        raise Conflict(stale)
    counts, findings = pipeline.apply_stored(run, changeset.author)
    run.counts = {**run.counts, **counts}
    known = {(f["row"], f["column"], f["code"]) for f in run.findings}
    run.findings += [f.as_dict() for f in findings
                     if (f.row, f.column, f.code) not in known]
    run.save(update_fields=["counts", "findings"])
    return counts


def record_import_version(sender, action: str, location: Location, changes: dict, user=None,
                          run=None, **kwargs) -> None:
    """Record an import's update of back-office fields as a new published version.

    Connected to imports.pipeline.location_changed. The history then shows the import, and an
    edit written against the version before it raises Conflict instead of overwriting it.
    """
    if action != "updated":
        return
    edited = {field: pair for field, pair in changes.items() if field in EDITABLE_FIELDS}
    if not edited:
        return
    number = current_version(location)
    if not Version.objects.filter(location=location).exists():
        before = snapshot(location)
        before.update({field: _json_value(old) for field, (old, _new) in edited.items()})
        Version.objects.create(location=location, number=1, data=before)
    Version.objects.create(location=location, number=number + 1, data=snapshot(location),
                           changeset=run.changeset if run is not None else None, author=user)


# --- corrections ---

@transaction.atomic
def accept_correction(user, correction: Correction) -> ChangeSet:
    """Accept a report: an empty draft change of the record for the editor to fill in."""
    access.require(access.can_handle_correction(user, correction), user, "correction",
                   correction.pk)
    if correction.status != Correction.Status.OPEN:
        raise WorkflowError(correction.status)
    changeset = propose(user, correction.location, {}, current_version(correction.location),
                        kind=ChangeSet.Kind.CORRECTION,
                        title=f"纠错：{correction.location.name[:150]}")
    correction.status = Correction.Status.ACCEPTED
    correction.handled_by, correction.handled_at = user, timezone.now()
    correction.changeset = changeset
    correction.save()
    record(AuditEvent.Action.CORRECTION_ACCEPTED, user, object_type="correction",
           object_id=correction.pk, changeset=str(changeset.pk))
    return changeset


@transaction.atomic
def dismiss_correction(user, correction: Correction, reason: str) -> None:
    access.require(access.can_handle_correction(user, correction), user, "correction",
                   correction.pk)
    if correction.status != Correction.Status.OPEN:
        raise WorkflowError(correction.status)
    if not reason.strip():
        raise WorkflowError(_("A dismissed report needs a reason."))
    correction.status = Correction.Status.DISMISSED
    correction.dismiss_reason = reason.strip()
    correction.handled_by, correction.handled_at = user, timezone.now()
    correction.save()
    record(AuditEvent.Action.CORRECTION_DISMISSED, user, object_type="correction",
           object_id=correction.pk)
