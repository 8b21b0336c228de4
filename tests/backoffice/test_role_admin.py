"""The StaffRole page of the Django admin checks and applies roles as assign_role does."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from caremap.backoffice.models import Role, StaffRole
from caremap.backoffice.roles import assign_role
from caremap.directory.models import Department
from caremap.regions.models import Division, Level

FUTIAN = "440304"
ADD_URL = reverse("admin:backoffice_staffrole_add")


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["city_admin"])
    return client


@pytest.fixture
def newcomer(db):
    return get_user_model().objects.create_user("newcomer")


def _street():
    return Division.objects.filter(level=Level.STREET, public_district_id=FUTIAN).first()


def _add(client, user, role, district="", department=""):
    return client.post(ADD_URL, {"user": user.pk, "role": role, "district": district,
                                 "department": department})


def test_admin_rejects_editor_without_department(admin_client, newcomer):
    response = _add(admin_client, newcomer, Role.DEPARTMENT_EDITOR)
    assert response.status_code == 200
    assert "部门编辑必须指定所属部门。" in response.content.decode()
    assert not StaffRole.objects.filter(user=newcomer).exists()


def test_admin_rejects_district_admin_without_district(admin_client, newcomer):
    response = _add(admin_client, newcomer, Role.DISTRICT_ADMIN)
    assert "区级管理员必须指定所属区。" in response.content.decode()
    assert not StaffRole.objects.filter(user=newcomer).exists()


def test_admin_rejects_street_as_district(admin_client, newcomer):
    response = _add(admin_client, newcomer, Role.DISTRICT_ADMIN, district=_street().pk)
    assert response.status_code == 200
    assert not StaffRole.objects.filter(user=newcomer).exists()


def test_admin_offers_only_public_districts(admin_client):
    form = admin_client.get(ADD_URL).context["adminform"].form
    offered = set(form.fields["district"].queryset.values_list("code", flat=True))
    districts = Division.objects.public().filter(level=Level.DISTRICT)
    assert offered == set(districts.values_list("code", flat=True))
    assert FUTIAN in offered
    assert _street().pk not in offered
    assert len(offered) < 20


def test_model_clean_rejects_street(newcomer):
    with pytest.raises(ValidationError) as raised:
        assign_role(newcomer, Role.DISTRICT_ADMIN, district=_street())
    assert "district" in raised.value.message_dict
    assert not StaffRole.objects.filter(user=newcomer).exists()


def test_model_clean_drops_unused_scope(newcomer):
    staff = assign_role(newcomer, Role.REVIEWER, district=Division.objects.get(code=FUTIAN),
                        department=Department.objects.get(code="education"))
    staff.refresh_from_db()
    assert staff.district is None
    assert staff.department is None


def test_admin_add_sets_group_and_flags(admin_client, newcomer):
    response = _add(admin_client, newcomer, Role.CITY_ADMIN)
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.is_staff
    assert newcomer.is_superuser
    assert list(newcomer.groups.values_list("name", flat=True)) == [Role.CITY_ADMIN]


def test_admin_change_moves_group_and_flags(admin_client, newcomer):
    staff = assign_role(newcomer, Role.CITY_ADMIN)
    url = reverse("admin:backoffice_staffrole_change", args=[staff.pk])
    response = admin_client.post(url, {"role": Role.DISTRICT_ADMIN, "district": FUTIAN,
                                       "department": ""})
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert not newcomer.is_staff
    assert not newcomer.is_superuser
    assert list(newcomer.groups.values_list("name", flat=True)) == [Role.DISTRICT_ADMIN]
    assert StaffRole.objects.get(user=newcomer).district_id == FUTIAN


def test_admin_delete_removes_group_and_flags(admin_client, newcomer):
    staff = assign_role(newcomer, Role.CITY_ADMIN)
    url = reverse("admin:backoffice_staffrole_delete", args=[staff.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert not StaffRole.objects.filter(user=newcomer).exists()
    assert not newcomer.is_staff
    assert not newcomer.groups.exists()


def test_admin_labels_in_chinese(admin_client):
    page = admin_client.get(ADD_URL).content.decode()
    for label in ("增加 工作人员角色", "角色:", "区:", "部门:", "仅部门编辑填写。"):
        assert label in page, label
    index = admin_client.get(reverse("admin:index")).content.decode()
    for name in ("管理后台", "工作人员角色", "审计日志", "纠错报告"):
        assert name in index, name
