"""Review workflow, history and rollback, optimistic locking.

Import change sets are tested in test_import_changesets.py.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from caremap.backoffice import workflow
from caremap.backoffice.models import AuditEvent, ChangeSet, Version
from caremap.directory.models import Location

from .conftest import edit_values, form_data


def _public_name(client, location) -> str:
    return client.get(f"/api/v1/points/{location.pk}").json()["name"]


def test_public_sees_only_the_published_version(client, users, futian_point):
    editor, reviewer = users["district_admin"], users["reviewer"]
    published_name = futian_point.name
    client.force_login(editor)
    response = client.post(reverse("backoffice:record_edit", args=[futian_point.pk]),
                           {**form_data(futian_point, name="新名字（演示）"), "submit": "1"})
    assert response.status_code == 302
    changeset = ChangeSet.objects.get(author=editor)
    assert changeset.status == ChangeSet.Status.SUBMITTED
    client.logout()
    # Waiting for review: the live record, the API and the page still show the published name.
    assert Location.objects.get(pk=futian_point.pk).name == published_name
    assert _public_name(client, futian_point) == published_name
    assert "新名字" not in client.get(f"/points/{futian_point.pk}/").content.decode()

    client.force_login(reviewer)
    page = client.get(reverse("backoffice:changeset", args=[changeset.pk])).content.decode()
    assert "新名字（演示）" in page
    assert published_name in page
    client.post(reverse("backoffice:changeset_publish", args=[changeset.pk]))
    client.logout()
    changeset.refresh_from_db()
    assert changeset.status == ChangeSet.Status.PUBLISHED
    assert changeset.reviewer == reviewer
    assert _public_name(client, futian_point) == "新名字（演示）"
    assert AuditEvent.objects.filter(action="publish", actor=reviewer,
                                     object_id=str(changeset.pk)).exists()


def test_returned_change_keeps_the_reason_and_changes_nothing(users, futian_point):
    editor = users["district_admin"]
    cs = workflow.propose(editor, futian_point, edit_values(futian_point, address="错误地址"),
                          workflow.current_version(futian_point))
    workflow.submit(editor, cs)
    with pytest.raises(workflow.WorkflowError):
        workflow.return_changeset(users["reviewer"], cs, "  ")
    workflow.return_changeset(users["reviewer"], cs, "地址写错了")
    cs.refresh_from_db()
    assert (cs.status, cs.return_reason) == (ChangeSet.Status.RETURNED, "地址写错了")
    assert Location.objects.get(pk=futian_point.pk).address == futian_point.address


def test_author_cannot_publish_own_change(users, futian_point):
    editor = users["district_admin"]
    cs = workflow.propose(editor, futian_point, edit_values(futian_point, address="x 路 1 号"),
                          workflow.current_version(futian_point))
    workflow.submit(editor, cs)
    with pytest.raises(PermissionDenied):
        workflow.publish(editor, cs)
    assert Location.objects.get(pk=futian_point.pk).address == futian_point.address


def test_history_diff_and_rollback_as_a_reviewed_change(client, users, futian_point):
    city, reviewer = users["city_admin"], users["reviewer"]
    original = futian_point.hours_text
    for hours in ("周一至周五 9:00-17:00", "周一至周六 9:00-18:00"):
        location = Location.objects.get(pk=futian_point.pk)
        cs = workflow.propose(city, location, edit_values(location, hours_text=hours),
                              workflow.current_version(location))
        workflow.submit(city, cs)
        workflow.publish(reviewer, cs)
    location = Location.objects.get(pk=futian_point.pk)
    assert list(Version.objects.filter(location=location).values_list("number", flat=True)) \
        == [3, 2, 1]
    rows = workflow.versions_with_diffs(location)
    assert rows[0]["diff"][0]["before"] == "周一至周五 9:00-17:00"
    assert rows[0]["diff"][0]["after"] == "周一至周六 9:00-18:00"
    client.force_login(city)
    page = client.get(reverse("backoffice:record", args=[location.pk])).content.decode()
    assert "周一至周六 9:00-18:00" in page
    assert "回滚到版本 1" in page

    response = client.post(reverse("backoffice:record_rollback", args=[location.pk, 1]))
    rollback = ChangeSet.objects.get(kind=ChangeSet.Kind.ROLLBACK)
    assert response["Location"].endswith(f"/changes/{rollback.pk}/")
    # A rollback waits for review like any change.
    assert rollback.status == ChangeSet.Status.SUBMITTED
    assert Location.objects.get(pk=location.pk).hours_text == "周一至周六 9:00-18:00"
    workflow.publish(reviewer, rollback)
    assert Location.objects.get(pk=location.pk).hours_text == original
    assert workflow.current_version(location) == 4
    assert AuditEvent.objects.filter(action="rollback", object_id=str(rollback.pk)).exists()


def test_concurrent_edits_are_detected_not_overwritten(client, users, futian_point):
    first, second = users["city_admin"], users["district_admin"]
    base = workflow.current_version(futian_point)
    a = workflow.propose(first, futian_point, edit_values(futian_point, email="a@example.cn"), base)
    b = workflow.propose(second, futian_point, edit_values(futian_point, email="b@example.cn"), base)
    workflow.submit(first, a)
    workflow.submit(second, b)
    workflow.publish(users["reviewer"], a)
    with pytest.raises(workflow.Conflict):
        workflow.publish(users["reviewer"], b)
    assert Location.objects.get(pk=futian_point.pk).email == "a@example.cn"
    b.refresh_from_db()
    assert b.status == ChangeSet.Status.SUBMITTED

    # The edit form carries the version it was opened on: a stale form is refused with 409.
    client.force_login(second)
    stale = {**form_data(futian_point, email="c@example.cn"), "base_version": base}
    response = client.post(reverse("backoffice:record_edit", args=[futian_point.pk]), stale)
    assert response.status_code == 409
    assert "有人在您打开后修改了这条记录" in response.content.decode()
    assert Location.objects.get(pk=futian_point.pk).email == "a@example.cn"


@pytest.mark.parametrize(("stored", "posted", "change"), [
    (True, "true", {}),
    (None, "unknown", {}),
    (True, "unknown", {"is_free": None}),
    (None, "false", {"is_free": False}),
    (False, "true", {"is_free": True}),
])
def test_edit_form_fee_select(client, users, futian_point, stored, posted, change):
    Location.objects.filter(pk=futian_point.pk).update(is_free=stored)
    futian_point.refresh_from_db()
    client.force_login(users["city_admin"])
    data = {**form_data(futian_point, name="新名字（演示）"), "is_free": posted}
    response = client.post(reverse("backoffice:record_edit", args=[futian_point.pk]), data)
    assert response.status_code == 302
    fields = ChangeSet.objects.get(author=users["city_admin"]).changes.get().fields
    assert fields == {"name": "新名字（演示）", **change}


def test_edit_helper_keeps_fee(client, users, futian_point):
    # form_data posts the record as it is: only the name changes, the fee stays stated.
    assert futian_point.is_free is True
    client.force_login(users["city_admin"])
    client.post(reverse("backoffice:record_edit", args=[futian_point.pk]),
                form_data(futian_point, name="新名字（演示）"))
    fields = ChangeSet.objects.get(author=users["city_admin"]).changes.get().fields
    assert fields == {"name": "新名字（演示）"}


def test_diff_shows_fee_in_words(client, users, futian_point):
    assert futian_point.is_free is True
    city = users["city_admin"]
    changeset = workflow.propose(city, futian_point, edit_values(futian_point, is_free=False),
                                 workflow.current_version(futian_point))
    client.force_login(city)
    page = client.get(reverse("backoffice:changeset", args=[changeset.pk])).content.decode()
    assert "<del>是</del>" in page
    assert "<ins>否</ins>" in page
    assert "True" not in page
    assert "False" not in page

    workflow.submit(city, changeset)
    workflow.publish(city, changeset)
    page = client.get(reverse("backoffice:record", args=[futian_point.pk])).content.decode()
    assert "<del>是</del>" in page
    assert "<ins>否</ins>" in page
