"""Staff users, one per role, and records inside and outside their scopes."""

import pytest
from django.contrib.auth import get_user_model

from caremap.backoffice import workflow
from caremap.backoffice.models import ChangeSet, Correction, Role
from caremap.backoffice.roles import assign_role
from caremap.directory.models import Department, Location
from caremap.regions.models import Division

FUTIAN = "440304"
EDUCATION = "education"
ROLES = ["city_admin", "district_admin", "department_editor", "reviewer", "analyst"]
PASSWORD = "a-Long-test-passphrase-42"


@pytest.fixture
def users(db):
    made = {}
    for role in ROLES:
        # No password: hashing one costs a second per user; the tests use force_login.
        user = get_user_model().objects.create_user(role)
        assign_role(
            user, role,
            district=Division.objects.get(code=FUTIAN) if role == Role.DISTRICT_ADMIN else None,
            department=Department.objects.get(code=EDUCATION)
            if role == Role.DEPARTMENT_EDITOR else None,
        )
        made[role] = user
    made["no_role"] = get_user_model().objects.create_user("no_role")
    return made


@pytest.fixture
def futian_point(db):
    """A public record in 福田区 that is not the education department's."""
    return Location.objects.public().filter(district_id=FUTIAN).exclude(
        department_id=EDUCATION).order_by("name").first()


@pytest.fixture
def education_point(db):
    """A public record of the education department outside 福田区."""
    return Location.objects.public().filter(department_id=EDUCATION).exclude(
        district_id=FUTIAN).order_by("name").first()


def edit_values(location, **changes):
    values = workflow.snapshot(location)
    values.update(changes)
    return values


@pytest.fixture
def objects(users, futian_point, education_point):
    """One of each back-office object the permission cases act on."""
    city = users["city_admin"]
    published = workflow.propose(city, futian_point, edit_values(futian_point, email="a@b.cn"),
                                 workflow.current_version(futian_point))
    workflow.submit(city, published)
    workflow.publish(city, published)
    submitted = workflow.propose(city, futian_point,
                                 edit_values(futian_point, hours_text="周一至周五"),
                                 workflow.current_version(futian_point))
    workflow.submit(city, submitted)
    draft = workflow.propose(users["district_admin"], futian_point,
                             edit_values(futian_point, accessibility="有坡道"),
                             workflow.current_version(futian_point))
    return {
        "futian_point": futian_point,
        "education_point": education_point,
        "published": published,
        "submitted": submitted,
        "draft": draft,
        "futian_correction": Correction.objects.create(location=futian_point,
                                                       message="电话打不通"),
        "education_correction": Correction.objects.create(location=education_point,
                                                          message="地址错了"),
    }


def form_data(location, **changes) -> dict:
    """The edit form's POST data for a record as it is now, with `changes`."""
    data = {}
    for field, value in edit_values(location, **changes).items():
        if field == "field_visibility":
            continue
        if field in ("wheelchair_accessible", "is_free"):
            # Nullable booleans: the form shows a select of unknown, yes and no.
            data[field] = {True: "true", False: "false", None: "unknown"}[value]
        elif isinstance(value, bool):
            if value:
                data[field] = "on"
        elif value is None:
            data[field] = ""
        else:
            data[field] = value
    staff_only = changes.get("field_visibility", location.field_visibility) or {}
    data["staff_only_fields"] = [f for f, v in staff_only.items() if v != "public"]
    data["base_version"] = workflow.current_version(location)
    return data


__all__ = ["ChangeSet", "PASSWORD", "ROLES", "edit_values", "form_data"]
