"""Imports by district administrators and department editors: one change set, reviewed whole."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from caremap.backoffice import workflow
from caremap.backoffice.access import Denied
from caremap.backoffice.models import AuditEvent, ChangeSet, Version
from caremap.directory.models import Department, Location
from caremap.imports.models import ImportRun
from caremap.imports.pipeline import _snapshot, run_import
from caremap.imports.review import pending_changes
from tests.imports import sheets

from .conftest import EDUCATION, edit_values

NEW_HOURS = "周一至周六 8:30-18:00"


def _sheet(rows, headers=sheets.HEADERS) -> bytes:
    return sheets.utf8_bom_csv(rows, headers)


def _import(user, rows, department=EDUCATION, dry_run=False, headers=sheets.HEADERS):
    return run_import(_sheet(rows, headers), "sheet.csv", Department.objects.get(code=department),
                      dry_run=dry_run, user=user)


def _state(department=EDUCATION) -> dict:
    """{source id: import snapshot} of the department's imported (non-demo) records."""
    records = (Location.objects.filter(department_id=department, is_demo=False)
               .select_related("category", "organization")
               .prefetch_related("phones", "target_groups",
                                 "service_links__service__taxonomy_terms"))
    return {location.source_id: _snapshot(location) for location in records}


def _edited_sheet() -> list:
    """CLEAN with MZ-001's hours changed: one update, one unchanged row and one new record."""
    rows = [list(row) for row in sheets.CLEAN]
    rows[0][7] = NEW_HOURS
    return rows


@pytest.fixture
def base(users):
    """The first two CLEAN rows, imported directly by a city administrator."""
    report = _import(users["city_admin"], sheets.CLEAN[:2])
    assert report.counts["created"] == 2
    return _state()


def test_editor_import_one_submitted_changeset(client, users, base):
    editor = users["department_editor"]
    report = _import(editor, _edited_sheet())
    changeset = report.run.changeset
    assert changeset.kind == ChangeSet.Kind.IMPORT
    assert changeset.status == ChangeSet.Status.SUBMITTED
    assert changeset.author == editor
    assert ChangeSet.objects.filter(kind=ChangeSet.Kind.IMPORT).count() == 1
    # The check counts what publishing would write, but nothing is written yet.
    assert (report.counts["created"], report.counts["updated"],
            report.counts["unchanged"]) == (1, 1, 1)
    assert _state() == base
    assert not Location.objects.filter(source_id="MZ-003").exists()
    assert AuditEvent.objects.filter(action="import", object_id=str(changeset.pk),
                                     actor=editor).exists()
    # The public sees neither the new record nor the new hours.
    response = client.get("/api/v1/points", {"q": "光明街道测试儿童之家"}).json()
    assert "光明街道测试儿童之家" not in [p["name"] for p in response["results"]]
    updated = Location.objects.get(department_id=EDUCATION, source_id="MZ-001")
    assert client.get(f"/api/v1/points/{updated.pk}").json()["hours_text"] != NEW_HOURS


def test_publish_equals_direct_import(users, base):
    rows = _edited_sheet()
    with transaction.atomic():
        _import(users["city_admin"], rows)
        expected = _state()
        transaction.set_rollback(True)
    assert _state() == base
    assert expected["MZ-001"]["hours_text"] == NEW_HOURS

    changeset = _import(users["department_editor"], rows).run.changeset
    workflow.publish(users["reviewer"], changeset)
    assert _state() == expected
    changeset.refresh_from_db()
    assert changeset.status == ChangeSet.Status.PUBLISHED
    assert changeset.reviewer == users["reviewer"]
    run = ImportRun.objects.get(changeset=changeset)
    assert (run.counts["created"], run.counts["updated"], run.counts["unchanged"]) == (1, 1, 1)
    event = AuditEvent.objects.get(action="publish", object_id=str(changeset.pk))
    assert event.detail["counts"]["created"] == 1


def test_return_writes_nothing(users, base):
    changeset = _import(users["department_editor"], _edited_sheet()).run.changeset
    workflow.return_changeset(users["reviewer"], changeset, "MZ-001 的时间写错了")
    changeset.refresh_from_db()
    assert changeset.status == ChangeSet.Status.RETURNED
    assert changeset.return_reason == "MZ-001 的时间写错了"
    assert _state() == base
    # A returned import is redone with a corrected sheet, not resubmitted.
    with pytest.raises(workflow.WorkflowError):
        workflow.submit(users["department_editor"], changeset)


@pytest.mark.parametrize("target", [
    "caremap.imports.pipeline._apply",  # the trial apply, inside its savepoint
    "caremap.imports.review.fingerprints",  # after the trial, before the rows are stored
    "caremap.backoffice.workflow.submit_import",  # after the run and its rows are saved
])
def test_failed_staging_leaves_no_run(users, base, monkeypatch, target):
    def fail(*args, **kwargs):
        raise RuntimeError("staging failed")

    monkeypatch.setattr(target, fail)
    runs = ImportRun.objects.count()
    changesets = ChangeSet.objects.count()
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="staging failed"):
        _import(users["department_editor"], _edited_sheet())
    assert ImportRun.objects.count() == runs
    assert not ImportRun.objects.exclude(pending_rows=[]).exists()
    assert ChangeSet.objects.count() == changesets
    assert AuditEvent.objects.count() == events
    assert _state() == base


def test_reviewer_sees_counts_and_field_diffs(client, users, base):
    changeset = _import(users["department_editor"], _edited_sheet()).run.changeset
    summary = pending_changes(changeset.import_run)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (1, 1, 1)
    updated = next(r for r in summary["records"] if r["action"] == "updated")
    assert updated["name"] == "莲花街道测试儿童之家"
    assert [(f["label"], f["after"]) for f in updated["fields"]
            if f["field"] == "hours_text"] == [("服务时间", NEW_HOURS)]
    assert [f["field"] for f in updated["fields"]] == ["hours_text"]
    created = next(r for r in summary["records"] if r["action"] == "created")
    assert {f["field"]: f["after"] for f in created["fields"]}["district"] == "光明区"

    client.force_login(users["reviewer"])
    page = client.get(reverse("backoffice:changeset", args=[changeset.pk])).content.decode()
    assert NEW_HOURS in page
    assert "光明街道测试儿童之家" in page
    assert reverse("imports:run", args=[changeset.import_run.pk]) in page


def test_out_of_scope_rows_rejected(users):
    # A 福田区 administrator: the 南山区 and 光明区 rows are rejected, the 福田区 row staged.
    report = _import(users["district_admin"], sheets.CLEAN, department="civil-affairs")
    refused = [f for f in report.findings if f.code == "district_outside_scope"]
    assert [(f.row, f.value) for f in refused] == [(3, "南山区"), (4, "光明区")]
    assert refused[0].as_dict()["message_en"] == "the row's district is outside your scope"
    assert (report.counts["valid"], report.counts["rejected"]) == (1, 2)
    assert [p["source_id"] for _, p in report.run.pending_rows] == ["MZ-001"]

    # An education editor: a row naming another department in its 部门 column is rejected.
    rows = [[*sheets.CLEAN[0], "民政"], [*sheets.CLEAN[1], ""]]
    report = _import(users["department_editor"], rows, headers=[*sheets.HEADERS, "部门"])
    assert [(f.row, f.code) for f in report.findings if f.level == "error"] == [
        (2, "department_outside_scope")]
    assert [p["source_id"] for _, p in report.run.pending_rows] == ["MZ-002"]


def test_row_moving_record_into_scope_rejected(users):
    _import(users["city_admin"], sheets.CLEAN[1:2], department="civil-affairs")
    # The 南山区 record MZ-002, given a 福田区 address and position by a 福田区 administrator.
    moved = list(sheets.CLEAN[0])
    moved[0] = "MZ-002"
    report = _import(users["district_admin"], [moved], department="civil-affairs")
    assert [(f.row, f.code, f.value) for f in report.findings if f.level == "error"] == [
        (2, "district_outside_scope", "南山区")]
    assert (report.counts["valid"], report.counts["rejected"]) == (0, 1)
    assert report.run.pending_rows == []
    # Nothing would change, so nothing goes to review.
    assert report.run.changeset is None
    assert AuditEvent.objects.filter(action="import", object_id=str(report.run.pk)).exists()


def test_city_admin_row_scope_unlimited(users):
    report = _import(users["city_admin"], sheets.CLEAN, department="civil-affairs",
                     dry_run=True)
    assert report.counts["rejected"] == 0
    assert report.run.changeset is None


def test_publish_conflict_record_changed(users, base):
    changeset = _import(users["department_editor"], _edited_sheet()).run.changeset
    # Meanwhile a reviewed edit renames the record the import updates.
    record = Location.objects.get(department_id=EDUCATION, source_id="MZ-001")
    edit = workflow.propose(users["city_admin"], record, edit_values(record, name="莲花儿童之家"),
                            workflow.current_version(record))
    workflow.submit(users["city_admin"], edit)
    workflow.publish(users["city_admin"], edit)
    before = _state()

    with pytest.raises(workflow.Conflict):
        workflow.publish(users["reviewer"], changeset)
    assert _state() == before
    assert not Location.objects.filter(source_id="MZ-003").exists()
    changeset.refresh_from_db()
    assert changeset.status == ChangeSet.Status.SUBMITTED


def test_publish_conflict_record_created(users, base):
    changeset = _import(users["department_editor"], _edited_sheet()).run.changeset
    # Meanwhile a city administrator imports the row the change set would create.
    _import(users["city_admin"], [sheets.CLEAN[2]])
    before = _state()
    with pytest.raises(workflow.Conflict):
        workflow.publish(users["reviewer"], changeset)
    assert _state() == before


def test_edit_outside_import_fields_kept(users, base):
    changeset = _import(users["department_editor"], _edited_sheet()).run.changeset
    record = Location.objects.get(department_id=EDUCATION, source_id="MZ-001")
    edit = workflow.propose(users["city_admin"], record,
                            edit_values(record, accessibility="有无障碍坡道"),
                            workflow.current_version(record))
    workflow.submit(users["city_admin"], edit)
    workflow.publish(users["city_admin"], edit)
    workflow.publish(users["reviewer"], changeset)
    record.refresh_from_db()
    assert (record.hours_text, record.accessibility) == (NEW_HOURS, "有无障碍坡道")


@pytest.mark.parametrize("role", ["reviewer", "analyst", "no_role"])
def test_roles_that_may_not_import(users, role):
    with pytest.raises(Denied):
        _import(users[role], sheets.CLEAN, dry_run=True)
    assert not ImportRun.objects.exists()


def test_district_admin_review_scope(users):
    from caremap.backoffice import access

    reviewer = users["district_admin"]
    futian_only = _import(users["department_editor"], sheets.CLEAN[:1]).run.changeset
    city_wide = _import(users["department_editor"], sheets.CLEAN[1:]).run.changeset
    assert access.can_review(reviewer, futian_only)
    assert not access.can_review(reviewer, city_wide)


def test_district_reviewer_scope_covers_matched_records(users):
    from caremap.backoffice import access

    _import(users["city_admin"], sheets.CLEAN[1:2])
    record = Location.objects.get(department_id=EDUCATION, source_id="MZ-002")
    # An editor's row that moves the 南山区 record MZ-002 to a 福田区 address and position.
    moved = list(sheets.CLEAN[0])
    moved[0] = "MZ-002"
    changeset = _import(users["department_editor"], [moved]).run.changeset
    reviewer = users["district_admin"]
    assert not access.can_edit(reviewer, record)
    assert not access.can_review(reviewer, changeset)
    with pytest.raises(Denied):
        workflow.publish(reviewer, changeset)
    record.refresh_from_db()
    assert record.district_id != "440304"
    assert access.can_review(users["reviewer"], changeset)


def test_city_admin_import_written_and_audited(users):
    report = _import(users["city_admin"], sheets.CLEAN)
    assert report.run.changeset is None
    assert set(_state()) == {"MZ-001", "MZ-002", "MZ-003"}
    event = AuditEvent.objects.get(action="import")
    assert (event.actor, event.object_type, event.object_id) == (
        users["city_admin"], "import_run", str(report.run.pk))
    assert event.detail["counts"]["created"] == 3


def test_command_user_option(users, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(_sheet(sheets.CLEAN))
    with pytest.raises(CommandError, match="may not import"):
        call_command("import", str(path), department=EDUCATION, user="analyst",
                     stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="user not found"):
        call_command("import", str(path), department=EDUCATION, user="nobody",
                     stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command("import", str(path), department=EDUCATION, user="department_editor",
                 stdout=out, stderr=io.StringIO())
    changeset = ChangeSet.objects.get(kind=ChangeSet.Kind.IMPORT)
    assert f"sent for review as change set {changeset.pk}" in out.getvalue()
    assert _state() == {}


def test_upload_page_editor_import_reviewed(client, users):
    client.force_login(users["department_editor"])
    form = client.get(reverse("imports:upload")).content.decode()
    assert 'value="civil-affairs"' not in form
    assert "审核" in form

    # Another department's sheet is not offered, so it is refused as a form error.
    response = client.post(reverse("imports:upload"), {
        "file": SimpleUploadedFile("a.csv", _sheet(sheets.CLEAN)), "department": "civil-affairs",
        "crs": "wgs84", "apply": "on"})
    assert response.status_code == 200
    assert not ImportRun.objects.exists()

    response = client.post(reverse("imports:upload"), {
        "file": SimpleUploadedFile("a.csv", _sheet(sheets.CLEAN)), "department": EDUCATION,
        "crs": "wgs84", "apply": "on"})
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("imports:run", args=[run.pk])
    assert run.changeset.status == ChangeSet.Status.SUBMITTED
    page = client.get(response["Location"]).content.decode()
    assert reverse("backoffice:changeset", args=[run.changeset.pk]) in page
    assert _state() == {}


def test_import_update_adds_version(users, base):
    record = Location.objects.get(department_id=EDUCATION, source_id="MZ-001")
    old_hours = record.hours_text
    # An edit written before the import, published after it: a conflict, not an overwrite.
    edit = workflow.propose(users["district_admin"], record,
                            edit_values(record, hours_text="全天开放"),
                            workflow.current_version(record))
    workflow.submit(users["district_admin"], edit)

    changeset = _import(users["department_editor"], _edited_sheet()).run.changeset
    workflow.publish(users["reviewer"], changeset)
    versions = {v.number: v for v in Version.objects.filter(location=record)}
    assert sorted(versions) == [1, 2]
    assert versions[1].data["hours_text"] == old_hours
    assert versions[2].data["hours_text"] == NEW_HOURS
    assert (versions[2].changeset, versions[2].author) == (changeset, users["department_editor"])
    with pytest.raises(workflow.Conflict):
        workflow.publish(users["reviewer"], edit)
    record.refresh_from_db()
    assert record.hours_text == NEW_HOURS


def test_direct_import_version_has_no_changeset(users, base):
    _import(users["city_admin"], _edited_sheet())
    record = Location.objects.get(department_id=EDUCATION, source_id="MZ-001")
    latest = Version.objects.filter(location=record).order_by("-number").first()
    assert (latest.number, latest.changeset, latest.author) == (2, None, users["city_admin"])
    # Rows that change nothing the back office edits add no version.
    created = Location.objects.get(department_id=EDUCATION, source_id="MZ-003")
    assert not Version.objects.filter(location=created).exists()


def test_run_staged_before_fee_column_publishes(users, base):
    from caremap.imports import pipeline, review

    run = _import(users["department_editor"], _edited_sheet()).run
    # What a run staged before imports wrote is_free stored: rows and digests without it.
    for _, payload in run.pending_rows:
        del payload["is_free"]
    existing = pipeline._existing({(p["department"], p["source_id"])
                                   for _, p in run.pending_rows})
    run.base_fingerprints = [
        [department, source_id, review._digest(
            {k: v for k, v in existing[(department, source_id)][1].items() if k != "is_free"})
         if (department, source_id) in existing else None]
        for department, source_id, _ in run.base_fingerprints
    ]
    run.save(update_fields=["pending_rows", "base_fingerprints"])

    workflow.publish(users["reviewer"], ChangeSet.objects.get(pk=run.changeset_id))
    assert _state()["MZ-001"]["hours_text"] == NEW_HOURS
    assert ChangeSet.objects.get(pk=run.changeset_id).status == ChangeSet.Status.PUBLISHED
