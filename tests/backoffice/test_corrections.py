"""The public correction form, its anti-abuse guards and the back-office queue, end to end."""

from django.core.cache import caches
from django.urls import reverse

from caremap.backoffice import workflow
from caremap.backoffice.models import AuditEvent, ChangeSet, Correction
from caremap.directory.models import Location

from .conftest import form_data


def _report(client, location, **data):
    return client.post(reverse("backoffice:correction_report", args=[location.pk]),
                       {"topic": "phone", "message": "电话已停机", **data},
                       REMOTE_ADDR=data.pop("addr", "127.0.0.9"))


def test_point_page_carries_the_form(client, futian_point):
    html = client.get(f"/points/{futian_point.pk}/").content.decode()
    assert f'action="/points/{futian_point.pk}/correction/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="website"' in html  # the honeypot


def test_correction_from_report_to_published_fix(client, users, futian_point, education_point):
    caches["shared"].clear()
    response = _report(client, futian_point, contact="13800000000")
    assert response.status_code == 200
    assert "感谢您的反馈" in response.content.decode()
    correction = Correction.objects.get(location=futian_point)

    # Routed by district and department: the 福田 administrator sees it, the education
    # editor does not (the record is not theirs).
    client.force_login(users["department_editor"])
    assert "电话已停机" not in client.get(reverse("backoffice:corrections")).content.decode()
    client.force_login(users["district_admin"])
    queue = client.get(reverse("backoffice:corrections")).content.decode()
    assert futian_point.name in queue
    detail = client.get(reverse("backoffice:correction", args=[correction.pk])).content.decode()
    assert "13800000000" in detail  # staff see the reporter's contact

    response = client.post(reverse("backoffice:correction_accept", args=[correction.pk]))
    assert response["Location"] == reverse("backoffice:record_edit", args=[futian_point.pk])
    correction.refresh_from_db()
    assert correction.status == Correction.Status.ACCEPTED
    draft = correction.changeset
    assert draft.kind == ChangeSet.Kind.CORRECTION
    assert draft.status == ChangeSet.Status.DRAFT

    # The editor's edit goes into the correction's draft, then to review.
    client.post(reverse("backoffice:record_edit", args=[futian_point.pk]),
                {**form_data(futian_point, hours_text="周一至周日 8:00-20:00"), "submit": "1"})
    draft.refresh_from_db()
    assert draft.status == ChangeSet.Status.SUBMITTED
    workflow.publish(users["reviewer"], draft)
    assert Location.objects.get(pk=futian_point.pk).hours_text == "周一至周日 8:00-20:00"
    assert AuditEvent.objects.filter(action="correction_accepted",
                                     object_id=str(correction.pk)).exists()

    # The contact never reaches a public page or the API.
    client.logout()
    assert "13800000000" not in client.get(f"/points/{futian_point.pk}/").content.decode()
    assert "13800000000" not in client.get(f"/api/v1/points/{futian_point.pk}").content.decode()


def test_dismiss_needs_a_reason_and_is_audited(client, users, education_point):
    correction = Correction.objects.create(location=education_point, message="名称不对")
    client.force_login(users["department_editor"])
    client.post(reverse("backoffice:correction_dismiss", args=[correction.pk]), {"reason": ""})
    correction.refresh_from_db()
    assert correction.status == Correction.Status.OPEN
    client.post(reverse("backoffice:correction_dismiss", args=[correction.pk]),
                {"reason": "名称与营业执照一致"})
    correction.refresh_from_db()
    assert correction.status == Correction.Status.DISMISSED
    assert correction.dismiss_reason == "名称与营业执照一致"
    assert AuditEvent.objects.filter(action="correction_dismissed").exists()


def test_honeypot_is_thanked_and_dropped(client, futian_point):
    caches["shared"].clear()
    response = _report(client, futian_point, website="http://spam.example")
    assert response.status_code == 200
    assert not Correction.objects.exists()


def test_length_limits(client, futian_point):
    caches["shared"].clear()
    response = _report(client, futian_point, message="长" * 1001)
    assert response.status_code == 400
    response = _report(client, futian_point, contact="1" * 101)
    assert response.status_code == 400
    assert not Correction.objects.exists()


def test_reports_are_rate_limited_per_client(client, futian_point, settings):
    caches["shared"].clear()
    settings.CAREMAP_RATE_LIMITS = {**settings.CAREMAP_RATE_LIMITS, "forms": (3, 600)}
    codes = [_report(client, futian_point, addr="127.0.0.10").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Another client is not affected.
    assert _report(client, futian_point, addr="127.0.0.11").status_code == 200
    assert Correction.objects.count() == 4
