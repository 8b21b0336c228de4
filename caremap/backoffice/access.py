"""Who may do what to which record: roles, scopes and the object-level checks.

City administrators may do everything. A district administrator edits and reviews the records
whose public district is theirs; a department editor edits the records of their department in
every district; a reviewer publishes or returns any change set; an analyst reads. The same
functions guard the back office, the import pipeline (imports.pipeline.run_import) and the
Django admin (through ScopeBackend), so a scope is enforced in one place.
"""

import logging

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from caremap.directory.models import Location

from .models import ChangeSet, Role, StaffRole

logger = logging.getLogger(__name__)

EDITOR_ROLES = {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.DEPARTMENT_EDITOR}
REVIEWER_ROLES = {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.REVIEWER}


def staff_role(user) -> StaffRole | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return StaffRole(user=user, role=Role.CITY_ADMIN)
    try:
        return user.staff_role
    except StaffRole.DoesNotExist:
        return None


def role_of(user) -> str | None:
    role = staff_role(user)
    return role.role if role else None


def in_scope(role: StaffRole, location: Location) -> bool:
    """True when the record lies in the role's editing scope."""
    if role.role == Role.CITY_ADMIN:
        return True
    if role.role == Role.DISTRICT_ADMIN:
        return role.district_id is not None and location.district_id == role.district_id
    if role.role == Role.DEPARTMENT_EDITOR:
        return role.department_id is not None and location.department_id == role.department_id
    return False


def row_in_scope(role: StaffRole, payload: dict) -> bool:
    """True when a cleaned import row (see imports.validate) lies in the role's editing scope.

    The same rule as `in_scope`, read from the row's district and department codes.
    """
    if role.role == Role.CITY_ADMIN:
        return True
    if role.role == Role.DISTRICT_ADMIN:
        return role.district_id is not None and payload.get("district") == role.district_id
    if role.role == Role.DEPARTMENT_EDITOR:
        return role.department_id is not None and payload.get("department") == role.department_id
    return False


def scope_filter(role: StaffRole, queryset):
    """Narrow a Location queryset (or one with a `location` relation) to the role's records."""
    prefix = "" if queryset.model is Location else "location__"
    if role.role == Role.DISTRICT_ADMIN:
        return queryset.filter(**{f"{prefix}district_id": role.district_id})
    if role.role == Role.DEPARTMENT_EDITOR:
        return queryset.filter(**{f"{prefix}department_id": role.department_id})
    return queryset


# --- checks ---

def can_use_backoffice(user) -> bool:
    return staff_role(user) is not None


def can_view_record(user, location: Location) -> bool:
    # Every staff role reads every record: reviewers and analysts work city-wide.
    return staff_role(user) is not None


def can_edit(user, location: Location) -> bool:
    role = staff_role(user)
    return role is not None and role.role in EDITOR_ROLES and in_scope(role, location)


def can_import(user) -> bool:
    """Upload a sheet: the editing roles. Rows outside the user's scope are rejected."""
    return role_of(user) in EDITOR_ROLES


def can_review(user, changeset) -> bool:
    """Publish or return: a reviewing role whose scope covers every record in the set.

    Nobody but a city administrator reviews their own change set. For an import change set,
    the records are its stored rows and the live records they would update.
    """
    role = staff_role(user)
    if role is None or role.role not in REVIEWER_ROLES:
        return False
    if changeset.author_id == user.pk and role.role != Role.CITY_ADMIN:
        return False
    if role.role == Role.DISTRICT_ADMIN:
        if changeset.kind == ChangeSet.Kind.IMPORT:
            from caremap.imports.review import run_in_scope

            run = getattr(changeset, "import_run", None)
            return run is not None and run_in_scope(role, run)
        return all(in_scope(role, change.location) for change in changeset.changes.all())
    return True


def can_view_import_run(user, run) -> bool:
    """Read an import run's report: city administrators, its importer, and its reviewers."""
    role = staff_role(user)
    if role is None:
        return False
    if role.role == Role.CITY_ADMIN or (run.user_id is not None and run.user_id == user.pk):
        return True
    return run.changeset is not None and can_review(user, run.changeset)


def can_handle_correction(user, correction) -> bool:
    return can_edit(user, correction.location)


def can_view_audit(user) -> bool:
    return role_of(user) == Role.CITY_ADMIN


def can_handle_corrections(user) -> bool:
    """Open the list of the public's corrections: the editing roles, each within their scope."""
    return role_of(user) in EDITOR_ROLES


def can_manage_import_records(user) -> bool:
    """Merge cross-department duplicates and list stale records: city administrators only."""
    return role_of(user) == Role.CITY_ADMIN


def can_view_staff_statistics(user) -> bool:
    """Return whether the user may open the staff statistics dashboard and data sets.

    Every back-office role may, because the data sets are counts over records every role may
    read. The dashboard's list of stale records is narrowed to the role's editing scope.
    """
    return staff_role(user) is not None


class Denied(PermissionDenied):
    def __init__(self, what: str, object_id: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.object_id = str(object_id)


def require(allowed: bool, user, what: str, object_id: str = "") -> None:
    """Raise Denied unless `allowed`.

    The audit row is written by DenialAuditMiddleware once the failed transaction has been
    rolled back, so the denial itself is never rolled back with it.
    """
    if allowed:
        return
    logger.warning("permission denied what=%s object=%s", what, object_id)
    raise Denied(what, object_id)


class DenialAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Denied):
            from .audit import record

            record("permission_denied", request.user, object_type=exception.what,
                   object_id=exception.object_id, path=request.path)
        return None


class ScopeBackend(ModelBackend):
    """Object-level permissions: `user.has_perm("directory.change_location", location)`."""

    OBJECT_CHECKS = {
        "directory.change_location": can_edit,
        "directory.view_location": can_view_record,
    }

    def authenticate(self, request, **credentials):
        return None  # Only answers permission questions; LockoutBackend logs users in.

    def has_perm(self, user_obj, perm, obj=None):
        if obj is None or perm not in self.OBJECT_CHECKS:
            return False
        return self.OBJECT_CHECKS[perm](user_obj, obj)
