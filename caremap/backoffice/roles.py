"""Giving a user a role: the StaffRole row, the Django group of the same name, staff access.

`assign_role` (createadmin, tests, scripts) and the StaffRole page of the Django admin both
go through `StaffRole.clean()` for the checks and `apply_role_access` for the group and flags.
"""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Role, StaffRole


@transaction.atomic
def assign_role(user, role: str, district=None, department=None) -> StaffRole:
    """Create or change the user's role, after the same checks as the admin form.

    Raises ValidationError for an unknown role, a district administrator without a public
    district or a department editor without a department.
    """
    staff = StaffRole.objects.filter(user=user).first() or StaffRole(user=user)
    staff.role = role
    staff.district = district
    staff.department = department
    save_role(staff)
    return staff


@transaction.atomic
def save_role(staff: StaffRole) -> None:
    """Check and save a StaffRole, then give its user the role's group and flags."""
    staff.clean()
    staff.save()
    apply_role_access(staff.user, staff.role)


def apply_role_access(user, role: str | None) -> None:
    """Put the user in the role's group alone, and set is_staff and is_superuser for it.

    Only city administrators enter the Django admin, and there they may do everything. With
    `role` None (the role was deleted) the user leaves every group and loses both flags.
    """
    groups = [Group.objects.get_or_create(name=role)[0]] if role else []
    user.groups.set(groups)
    user.is_staff = user.is_superuser = role == Role.CITY_ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def remove_role(staff: StaffRole) -> None:
    """Delete a StaffRole and take the role's group and flags from its user."""
    user = staff.user
    staff.delete()
    apply_role_access(user, None)
