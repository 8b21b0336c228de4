"""HTML, script and SQL in every text field and query parameter: stored as text, shown escaped,
never a server error."""

import pytest
from django.urls import reverse

from caremap.api.params import KNOWN
from caremap.backoffice import workflow
from caremap.backoffice.models import Correction
from caremap.directory.models import Location

from .conftest import form_data

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>' OR 1=1; DROP TABLE directory_location;--"
RAW = ("<script>alert", "<img src=x")
TEXT_FIELDS = ["name", "alternate_name", "description", "address", "hours_text",
               "fee_description", "accessibility", "application_process"]


def _assert_escaped(html: str):
    for raw in RAW:
        assert raw not in html
    assert "&lt;script&gt;" in html


def test_edit_fields_stored_and_escaped(client, users, futian_point):
    values = {field: HOSTILE for field in TEXT_FIELDS}
    client.force_login(users["city_admin"])
    response = client.post(reverse("backoffice:record_edit", args=[futian_point.pk]),
                           {**form_data(futian_point, **values), "submit": "1"})
    assert response.status_code == 302
    changeset = workflow.ChangeSet.objects.get(author=users["city_admin"])
    _assert_escaped(client.get(response["Location"]).content.decode())
    workflow.publish(users["city_admin"], changeset)
    stored = Location.objects.get(pk=futian_point.pk)
    for field in TEXT_FIELDS:
        assert getattr(stored, field) == HOSTILE
    assert Location.objects.count() > 1000  # no table was dropped
    _assert_escaped(client.get(reverse("backoffice:record", args=[futian_point.pk]))
                    .content.decode())
    _assert_escaped(client.get(reverse("backoffice:records"), {"q": "script"}).content.decode())
    client.logout()
    _assert_escaped(client.get(f"/points/{futian_point.pk}/").content.decode())
    body = client.get(f"/api/v1/points/{futian_point.pk}").json()
    assert body["name"] == HOSTILE
    assert body["address"] == HOSTILE


def test_correction_fields_are_stored_as_text_and_escaped(client, users, futian_point):
    from django.core.cache import caches

    caches["shared"].clear()
    message, contact = HOSTILE[:1000], HOSTILE[:100]
    client.post(reverse("backoffice:correction_report", args=[futian_point.pk]),
                {"topic": "other", "message": message, "contact": contact})
    correction = Correction.objects.get()
    assert (correction.message, correction.contact) == (message, contact)
    client.force_login(users["city_admin"])
    _assert_escaped(client.get(reverse("backoffice:correction", args=[correction.pk]))
                    .content.decode())
    # A bad topic re-shows the form with the text escaped.
    client.logout()
    caches["shared"].clear()
    response = client.post(reverse("backoffice:correction_report", args=[futian_point.pk]),
                           {"topic": HOSTILE, "message": HOSTILE})
    assert response.status_code == 400
    _assert_escaped(response.content.decode())


@pytest.mark.parametrize("param", sorted(KNOWN))
@pytest.mark.parametrize("path", ["/api/v1/points", "/api/v1/markers"])
def test_every_api_query_parameter(client, path, param):
    response = client.get(path, {param: HOSTILE})
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        error = response.json()["error"]
        assert error["message_zh"]
        assert error["message_en"]
        assert error["code"]
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/api/v1/regions", "/api/v1/policies", "/api/v1/regions/x",
                                  "/api/v1/points/x", "/api/v1/policies/x"])
@pytest.mark.parametrize("param", ["q", "level", "parent", "theme", "include_special", "crs"])
def test_other_api_parameters(client, path, param):
    response = client.get(path, {param: HOSTILE})
    assert response.status_code in (200, 400, 404)
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message_zh", "message_en", "field"}


@pytest.mark.parametrize("path", ["/", "/policies/", "/help/", "point", "/backoffice/login/",
                                  "/backoffice/records/", "/backoffice/audit/",
                                  "/backoffice/changes/", "/backoffice/corrections/"])
def test_page_query_parameters_are_escaped(client, users, futian_point, path):
    if path != "/backoffice/login/":  # signed in, the login page redirects to `next`
        client.force_login(users["city_admin"])
    if path == "point":
        path = f"/points/{futian_point.pk}/"
    params = {name: HOSTILE for name in ["q", "next", "status", "action", "user", "object_id",
                                         "since", "page", "district", "category"]}
    response = client.get(path, params)
    assert response.status_code == 200
    for raw in RAW:
        assert raw not in response.content.decode()
