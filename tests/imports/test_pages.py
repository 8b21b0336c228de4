import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from caremap.backoffice.models import Role
from caremap.backoffice.roles import assign_role
from caremap.directory.models import Department, Location
from caremap.imports.models import DuplicateCandidate, ImportRun, SourceAlias
from caremap.imports.pipeline import run_import

from . import sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = User.objects.create(username="staff")
    assign_role(user, Role.CITY_ADMIN)
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/backoffice/imports/", "/backoffice/imports/duplicates/",
                                  "/backoffice/imports/stale/"])
def test_pages_need_staff(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "login" in response["Location"]
    client.force_login(User.objects.create(username="plain"))
    response = client.get(path)
    assert response.status_code == 403


def test_upload_dry_run_then_apply(staff_client):
    civil = Department.objects.get(code="civil-affairs")
    count = Location.objects.count()
    upload = SimpleUploadedFile("民政.csv", sheets.gbk_csv())
    response = staff_client.post("/backoffice/imports/", {
        "file": upload, "department": civil.code, "crs": "wgs84"})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.dry_run
    assert Location.objects.count() == count
    page = staff_client.get(response.url).content.decode()
    assert "服务时间无法解析" in page
    report = staff_client.get(f"/backoffice/imports/runs/{run.id}/report.xlsx")
    assert report.content[:2] == b"PK"
    staff_client.post("/backoffice/imports/", {
        "file": SimpleUploadedFile("民政.csv", sheets.gbk_csv()), "department": civil.code,
        "crs": "wgs84", "apply": "on"})
    assert Location.objects.count() == count + 4


def test_cross_department_duplicate_held_and_merged(staff_client):
    civil = Department.objects.get(code="civil-affairs")
    youth = Department.objects.get(code="youth-league")
    run_import(sheets.utf8_bom_csv(sheets.CLEAN), "a.csv", civil, dry_run=False)
    # The same place, 20 m away, listed by another department under its own id.
    row = list(sheets.CLEAN[1])
    row[0], row[4], row[6] = "TW-9", "0755-2666 1234", "22.5527"
    report = run_import(sheets.utf8_bom_csv([row]), "b.csv", youth, dry_run=False)
    assert report.as_rows() == [(2, "名称", "duplicate_across_departments")]
    assert not Location.objects.filter(department=youth, source_id="TW-9").exists()
    again = run_import(sheets.utf8_bom_csv([row]), "b.csv", youth, dry_run=False)
    assert DuplicateCandidate.objects.count() == 1
    assert again.counts["duplicates"] == 1
    candidate = DuplicateCandidate.objects.get()
    page = staff_client.get("/backoffice/imports/duplicates/").content.decode()
    assert "南头街道测试社工站" in page
    staff_client.post(f"/backoffice/imports/duplicates/{candidate.id}/", {"action": "merge"})
    existing = Location.objects.get(department=civil, source_id="MZ-002")
    assert SourceAlias.objects.get(department=youth, source_id="TW-9").location == existing
    assert "+86-755-26661234" in set(existing.phones.values_list("tel", flat=True))
    after = run_import(sheets.utf8_bom_csv([row]), "b.csv", youth, dry_run=False)
    assert (after.counts["unchanged"], after.counts["created"]) == (1, 0)


def test_stale_list(staff_client):
    civil = Department.objects.get(code="civil-affairs")
    rows = [list(r) + ["2020-01-02", "张三", "已核实"] for r in sheets.CLEAN]
    headers = [*sheets.HEADERS, "核实日期", "核实人", "核实结果"]
    run_import(sheets.utf8_bom_csv(rows, headers), "a.csv", civil, dry_run=False)
    loc = Location.objects.get(department=civil, source_id="MZ-001")
    assert (loc.verified_by, loc.verification_outcome) == ("张三", "verified")
    page = staff_client.get("/backoffice/imports/stale/").content.decode()
    assert "莲花街道测试儿童之家" in page


def test_upload_wrong_type_rejected(staff_client):
    response = staff_client.post("/backoffice/imports/", {
        "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4"), "department": "civil-affairs",
        "crs": "wgs84"})
    assert response.status_code == 200
    assert "只能上传 .xlsx、.csv 或 .json 文件" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_upload_disguised_xlsx_rejected(staff_client):
    response = staff_client.post("/backoffice/imports/", {
        "file": SimpleUploadedFile("sheet.xlsx", b"MZ\x90\x00 not a zip"), "department": "civil-affairs",
        "crs": "wgs84"})
    assert "文件内容与文件类型不符" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_upload_oversize_rejected(staff_client, settings):
    settings.CAREMAP_UPLOAD_MAX_BYTES = 1000
    response = staff_client.post("/backoffice/imports/", {
        "file": SimpleUploadedFile("big.csv", "名称,地址\n".encode() * 200), "department": "civil-affairs",
        "crs": "wgs84"})
    assert response.status_code == 200
    assert not ImportRun.objects.exists()
    assert "MB" in response.content.decode()


def test_upload_unreadable_file_shows_error(staff_client):
    response = staff_client.post("/backoffice/imports/", {
        "file": SimpleUploadedFile("a.csv", b"\xff\xfe\x00garbage\x01\x02"), "department": "civil-affairs",
        "crs": "wgs84"})
    assert response.status_code == 200
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("apply", [{}, {"apply": "on"}])
def test_upload_sheet_without_rows_shows_message(staff_client, apply):
    response = staff_client.post("/backoffice/imports/", {
        "file": SimpleUploadedFile("空表.csv", sheets.utf8_bom_csv([])),
        "department": "civil-affairs", "crs": "wgs84", **apply})
    assert response.status_code == 200
    assert "空表.csv 只有表头，没有数据行。请在表头下方填写数据，然后重新导入。" in (
        response.content.decode())


def test_duplicate_kept_separate(staff_client):
    civil = Department.objects.get(code="civil-affairs")
    youth = Department.objects.get(code="youth-league")
    run_import(sheets.utf8_bom_csv(sheets.CLEAN), "a.csv", civil, dry_run=False)
    row = list(sheets.CLEAN[0])
    row[0] = "TW-1"
    run_import(sheets.utf8_bom_csv([row]), "b.csv", youth, dry_run=False)
    candidate = DuplicateCandidate.objects.get(department=youth)
    assert candidate.reason == "same_organization_address"
    staff_client.post(f"/backoffice/imports/duplicates/{candidate.id}/", {"action": "separate"})
    separate = Location.objects.get(department=youth, source_id="TW-1")
    assert separate.name == "莲花街道测试儿童之家"
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.SEPARATE
    again = run_import(sheets.utf8_bom_csv([row]), "b.csv", youth, dry_run=False)
    assert (again.counts["unchanged"], again.counts["duplicates"]) == (1, 0)


def test_duplicate_held_before_fee_column_kept_separate(staff_client):
    civil = Department.objects.get(code="civil-affairs")
    youth = Department.objects.get(code="youth-league")
    run_import(sheets.utf8_bom_csv(sheets.CLEAN), "a.csv", civil, dry_run=False)
    row = list(sheets.CLEAN[0])
    row[0] = "TW-1"
    run_import(sheets.utf8_bom_csv([row]), "b.csv", youth, dry_run=False)
    candidate = DuplicateCandidate.objects.get(department=youth)
    # A row held before imports read a fee column has no is_free in its payload.
    del candidate.payload["is_free"]
    candidate.save(update_fields=["payload"])
    response = staff_client.post(f"/backoffice/imports/duplicates/{candidate.id}/",
                                 {"action": "separate"})
    assert response.status_code == 302
    separate = Location.objects.get(department=youth, source_id="TW-1")
    assert separate.is_free is None
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.SEPARATE


def test_duplicate_resolve_needs_post_and_action(staff_client):
    civil = Department.objects.get(code="civil-affairs")
    youth = Department.objects.get(code="youth-league")
    run_import(sheets.utf8_bom_csv(sheets.CLEAN), "a.csv", civil, dry_run=False)
    row = list(sheets.CLEAN[0])
    row[0] = "TW-1"
    run_import(sheets.utf8_bom_csv([row]), "b.csv", youth, dry_run=False)
    candidate = DuplicateCandidate.objects.get(department=youth)
    url = f"/backoffice/imports/duplicates/{candidate.id}/"
    assert staff_client.get(url).status_code == 405
    assert staff_client.post(url, {"action": "delete"}).status_code == 400


@pytest.fixture
def editor_client(client):
    user = User.objects.create(username="editor")
    assign_role(user, Role.DEPARTMENT_EDITOR,
                department=Department.objects.get(code="civil-affairs"))
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/backoffice/imports/duplicates/",
                                  "/backoffice/imports/stale/"])
def test_city_admin_pages_refuse_editor(editor_client, path):
    response = editor_client.get(path)
    # The back office's 403, not a redirect to the Django admin's login page.
    assert response.status_code == 403


def test_resolve_refuses_editor(editor_client):
    civil = Department.objects.get(code="civil-affairs")
    youth = Department.objects.get(code="youth-league")
    run_import(sheets.utf8_bom_csv(sheets.CLEAN), "a.csv", civil, dry_run=False)
    row = list(sheets.CLEAN[0])
    row[0] = "TW-1"
    run_import(sheets.utf8_bom_csv([row]), "b.csv", youth, dry_run=False)
    candidate = DuplicateCandidate.objects.get(department=youth)
    response = editor_client.post(f"/backoffice/imports/duplicates/{candidate.id}/",
                                  {"action": "merge"})
    assert response.status_code == 403
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.OPEN


def _dry_run(client) -> ImportRun:
    client.post("/backoffice/imports/", {
        "file": SimpleUploadedFile("民政.csv", sheets.gbk_csv()), "department": "civil-affairs",
        "crs": "wgs84"})
    return ImportRun.objects.get()


def test_import_pages_use_backoffice_layout(staff_client):
    run = _dry_run(staff_client)
    for path in ["/backoffice/imports/", f"/backoffice/imports/runs/{run.id}/",
                 "/backoffice/imports/duplicates/", "/backoffice/imports/stale/"]:
        page = staff_client.get(path).content.decode()
        assert "backoffice/backoffice.css" in page, path
        assert 'class="bo-header"' in page, path


def test_run_page_counts_in_chinese(staff_client):
    run = _dry_run(staff_client)
    page = staff_client.get(f"/backoffice/imports/runs/{run.id}/").content.decode()
    for label in ["行数", "有效行", "新建记录", "拒绝的行", "警告"]:
        assert f"<th>{label}</th>" in page, label
    for key in run.counts:
        assert f"<th>{key}</th>" not in page, key


def test_report_labels_in_chinese(staff_client):
    run = _dry_run(staff_client)
    data = staff_client.get(f"/backoffice/imports/runs/{run.id}/report.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(data))
    summary_labels = [row[0].value for row in book["汇总"].iter_rows()]
    assert "行数" in summary_labels
    assert "有效行" in summary_labels
    assert not set(run.counts) & set(summary_labels)
    findings = book["问题"]
    level_column = [cell.value for cell in findings["E"]][1:]
    assert findings["E1"].value == "级别"
    assert level_column
    assert set(level_column) <= {"错误", "警告"}
    assert "警告" in level_column


def test_upload_preselects_only_department(editor_client):
    page = editor_client.get("/backoffice/imports/").content.decode()
    assert '<option value="civil-affairs" selected>' in page


def test_upload_leaves_department_open_for_city_admin(staff_client):
    page = staff_client.get("/backoffice/imports/").content.decode()
    select = page.split('name="department"')[1].split("</select>")[0]
    assert '<option value="" selected>' in select
    assert '<option value="civil-affairs">' in select
