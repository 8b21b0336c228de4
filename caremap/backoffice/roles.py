"""Giving a user a role: the StaffRole row, the Django group of the same name, staff access."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from caremap.regions.models import Level

from .models import Role, StaffRole


@transaction.atomic
def assign_role(user, role: str, district=None, department=None) -> StaffRole:
    if role not in Role.values:
        raise ValidationError(f"unknown role {role}")
    if role == Role.DISTRICT_ADMIN and (district is None or district.level != Level.DISTRICT):
        raise ValidationError("a district administrator needs a district")
    if role == Role.DEPARTMENT_EDITOR and department is None:
        raise ValidationError("a department editor needs a department")
    staff, _ = StaffRole.objects.update_or_create(
        user=user,
        defaults={
            "role": role,
            "district": district if role == Role.DISTRICT_ADMIN else None,
            "department": department if role == Role.DEPARTMENT_EDITOR else None,
        },
    )
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    # Only city administrators enter the Django admin, and there they may do everything.
    user.is_staff = user.is_superuser = role == Role.CITY_ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
    return staff
