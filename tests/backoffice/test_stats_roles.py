"""The staff statistics dashboard for each back-office role, and the stale records each sees."""

import pytest
from django.urls import reverse

from caremap.directory.models import Location
from caremap.network import statistics

from .conftest import EDUCATION, FUTIAN

STAFF_DATASETS = set(statistics.STAFF_DATASETS)


def _dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("stats-dashboard"))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("role", ["city_admin", "reviewer", "analyst"])
def test_citywide_roles_see_every_stale_record(client, users, role):
    response = _dashboard(client, users[role])

    assert {d.name for d in response.context["datasets"]} == STAFF_DATASETS
    assert response.context["stale"] == statistics.stale_records()
    assert not response.context["stale_scoped"]


def test_district_admin_sees_own_district(client, users):
    response = _dashboard(client, users["district_admin"])

    stale = response.context["stale"]
    expected = statistics.stale_records(locations=Location.objects.filter(district_id=FUTIAN))
    assert {d.name for d in response.context["datasets"]} == STAFF_DATASETS
    assert stale
    assert stale == expected
    assert {point.district_id for point in stale} == {FUTIAN}
    assert "仅列出您有权编辑的记录。" in response.content.decode()


def test_department_editor_sees_own_department(client, users):
    response = _dashboard(client, users["department_editor"])

    stale = response.context["stale"]
    expected = statistics.stale_records(
        locations=Location.objects.filter(department_id=EDUCATION))
    assert stale
    assert stale == expected
    assert {point.department_id for point in stale} == {EDUCATION}


@pytest.mark.parametrize("role", ["district_admin", "department_editor", "reviewer", "analyst"])
def test_staff_dataset_csv_for_role(client, users, role):
    client.force_login(users[role])

    response = client.get(reverse("stats-csv", kwargs={"name": "stale-by-district"}))

    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0] == "区,服务点,未核实"


@pytest.mark.parametrize(("who", "shown"), [
    ("anonymous", False), ("no_role", False), ("analyst", True), ("department_editor", True),
])
def test_public_page_links_dashboard(client, users, who, shown):
    if who != "anonymous":
        client.force_login(users[who])

    page = client.get(reverse("stats")).content.decode()

    assert ('href="/stats/dashboard/"' in page) is shown


def test_backoffice_home_links_dashboard(client, users):
    client.force_login(users["analyst"])

    page = client.get(reverse("backoffice:home")).content.decode()

    assert reverse("stats-dashboard") in page
