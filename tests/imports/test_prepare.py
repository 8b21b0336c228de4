"""Rows checked in worker processes give the same report, records and index as in one process."""

import os

import pytest

from caremap.directory.models import (
    Department,
    Location,
    Organization,
    Service,
    TaxonomyTerm,
    Visibility,
)
from caremap.imports import prepare
from caremap.imports.models import ColumnMapping, ImportRun
from caremap.imports.pipeline import run_import
from caremap.search.index import index_locations
from caremap.search.models import SearchEntry

from . import sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def civil():
    return Department.objects.get(code="civil-affairs")


def _log_calls(monkeypatch, name: str, log, line) -> None:
    """Patch `prepare.<name>` to add `line(argument)` to the file `log` at each call.

    Patched before the workers fork, so calls in the workers are logged too.
    """
    original = getattr(prepare, name)

    def logged(argument):
        with open(log, "a") as f:
            f.write(f"{line(argument)}\n")
        return original(argument)

    monkeypatch.setattr(prepare, name, logged)


@pytest.fixture
def worker_pids(settings, tmp_path, monkeypatch):
    """Check every sheet in two worker processes; return a function listing their pids."""
    settings.CAREMAP_IMPORT_WORKERS = 2
    settings.CAREMAP_IMPORT_PARALLEL_ROWS = 1
    log = tmp_path / "pids"
    _log_calls(monkeypatch, "_check", log, lambda rows: os.getpid())
    return lambda: set(log.read_text().split()) if log.exists() else set()


def _checked_in_workers(pids: set) -> bool:
    """Tell whether rows were checked, and only in processes other than this one.

    A worker that finishes its chunk first may take the next, so one pid can be all there is.
    """
    return bool(pids) and str(os.getpid()) not in pids


def _messy_sheet() -> bytes:
    rows = [list(row) for row in sheets.CLEAN]
    rows.append(["MZ-101", "", "儿童之家", "深圳市福田区莲花街道", "12", "", "", "", "", ""])
    rows.append(["MZ-102", "坏时间儿童之家", "儿童之家", "深圳市福田区莲花街道福中路2号",
                 "0755-83331234", "114.06", "22.55", "看情况", "社区儿童", "亲子关系促进"])
    rows.append(list(rows[0]))  # the same source id again
    return sheets.utf8_bom_csv(rows)


def _state(department):
    locations = Location.objects.filter(department=department, is_demo=False)
    records = sorted(locations.values_list("source_id", "name", "address", "latitude",
                                           "longitude", "hours_text", "is_free"))
    columns = [f.attname for f in SearchEntry._meta.concrete_fields
               if f.attname not in ("id", "location_id")]
    entries = sorted(tuple(e) for e in SearchEntry.objects.filter(
        location__in=locations).values_list(*columns))
    return records, entries


@pytest.mark.parametrize(("name", "build", "code", "defaults"), [
    ("民政.csv", sheets.gbk_csv, "civil-affairs", {}),
    ("教育.xlsx", sheets.merged_header_xlsx, "education", {"category": "special-education-school"}),
    ("民政.csv", _messy_sheet, "civil-affairs", {}),
])
def test_workers_give_the_same_import(settings, worker_pids, name, build, code, defaults):
    department = Department.objects.get(code=code)
    ColumnMapping.objects.create(department=department, defaults=defaults)
    parallel = run_import(build(), name, department, dry_run=False)
    pids = worker_pids()
    assert _checked_in_workers(pids)
    assert parallel.counts["created"] > 0
    parallel_state = _state(department)
    Location.objects.filter(department=department, is_demo=False).delete()

    settings.CAREMAP_IMPORT_WORKERS = 1
    single = run_import(build(), name, department, dry_run=False)
    assert worker_pids() == pids | {str(os.getpid())}  # checked in this process
    assert parallel.as_rows() == single.as_rows()
    assert parallel.counts == single.counts
    assert parallel_state == _state(department)


# Five rows pass their checks; the last repeats a source id and is dropped after.
@pytest.mark.parametrize(("dry_run", "built"), [(True, 0), (False, 5)])
def test_worker_text_only_when_writing(civil, worker_pids, tmp_path, monkeypatch, dry_run,
                                       built):
    log = tmp_path / "texts"
    _log_calls(monkeypatch, "source_text", log, lambda source: source.name)
    report = run_import(_messy_sheet(), "民政.csv", civil, dry_run=dry_run)
    assert _checked_in_workers(worker_pids())
    assert report.counts["valid"] == 4
    assert (len(log.read_text().split()) if log.exists() else 0) == built
    if not dry_run:
        # Again: every row matches a record now, so no text is built.
        log.unlink()
        again = run_import(_messy_sheet(), "民政.csv", civil, dry_run=False)
        assert again.counts["unchanged"] == 4
        assert not log.exists()


def test_renamed_service_text_equals_rebuild(civil, worker_pids):
    # The row's 亲子关系促进 service already exists under another name: the text built in the
    # worker (named after the term) is dropped and the entry names the service as saved.
    organization = Organization.objects.create(name="已有机构", credit_code=sheets.CREDIT_OK)
    renamed = Service.objects.create(organization=organization, name="周末亲子营",
                                     visibility=Visibility.PUBLIC)
    renamed.taxonomy_terms.add(TaxonomyTerm.objects.get(name="亲子关系促进"))
    run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    assert _checked_in_workers(worker_pids())
    ids = list(Location.objects.filter(department=civil, is_demo=False)
               .values_list("id", flat=True))
    linked = Location.objects.get(department=civil, source_id="MZ-001")
    assert linked.organization == organization
    columns = [f.attname for f in SearchEntry._meta.concrete_fields if f.attname != "id"]
    from_import = {e["location_id"]: e for e in
                   SearchEntry.objects.filter(location_id__in=ids).values(*columns)}
    assert "周末亲子营" in from_import[linked.id]["body"]
    index_locations(ids)
    assert {e["location_id"]: e for e in
            SearchEntry.objects.filter(location_id__in=ids).values(*columns)} == from_import


def test_small_sheet_checked_in_this_process(settings):
    settings.CAREMAP_IMPORT_WORKERS = 4
    settings.CAREMAP_IMPORT_PARALLEL_ROWS = 5000
    assert prepare.worker_count(4999) == 1
    assert prepare.worker_count(5000) == 4
    settings.CAREMAP_IMPORT_WORKERS = 1
    assert prepare.worker_count(100_000) == 1


def test_batched_writes_give_same_import(civil, monkeypatch):
    from caremap.imports import pipeline

    single = run_import(_messy_sheet(), "民政.csv", civil, dry_run=False)
    single_state = _state(civil)
    Location.objects.filter(department=civil, is_demo=False).delete()

    batches = []
    create_many = pipeline.Writer.create_many

    def counted(writer, payloads, texts=None):
        batches.append(len(payloads))
        return create_many(writer, payloads, texts)

    monkeypatch.setattr(pipeline.Writer, "create_many", counted)
    monkeypatch.setattr(pipeline, "WRITE_BATCH_ROWS", 2)
    batched = run_import(_messy_sheet(), "民政.csv", civil, dry_run=False)
    assert batches == [2, 2, 0]
    assert batched.as_rows() == single.as_rows()
    assert batched.counts == single.counts
    assert _state(civil) == single_state


def test_later_batch_update_reuses_organization(civil, monkeypatch):
    from caremap.imports import pipeline

    headers = [*sheets.HEADERS[:10], "运营机构"]
    first = [*sheets.CLEAN[0][:10], "旧机构"]
    run_import(sheets.utf8_bom_csv([first], headers), "民政.csv", civil, dry_run=False)
    monkeypatch.setattr(pipeline, "WRITE_BATCH_ROWS", 1)
    new = [*sheets.CLEAN[1][:10], "新机构"]
    moved = [*sheets.CLEAN[0][:10], "新机构"]
    report = run_import(sheets.utf8_bom_csv([new, moved], headers), "民政.csv", civil,
                        dry_run=False)
    assert (report.counts["created"], report.counts["updated"]) == (1, 1)
    organization = Organization.objects.get(name="新机构")
    assert set(Location.objects.filter(department=civil, is_demo=False)
               .values_list("source_id", "organization")) == {
        ("MZ-001", organization.id), ("MZ-002", organization.id)}


def test_import_page_cache_restored(civil, monkeypatch):
    from django.db import connection

    from caremap.imports import pipeline

    if connection.vendor != "sqlite":
        # The page cache is SQLite's: on PostgreSQL the import sends no PRAGMA.
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            report = run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
        assert report.counts["created"] == 4
        assert not [q for q in queries.captured_queries if "PRAGMA" in q["sql"]]
        return
    sizes = []
    create_many = pipeline.Writer.create_many

    def noted(writer, payloads, texts=None):
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size")
            sizes.append(cur.fetchone()[0])
        return create_many(writer, payloads, texts)

    monkeypatch.setattr(pipeline.Writer, "create_many", noted)
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        (before,) = cur.fetchone()
    run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    assert sizes == [-pipeline.IMPORT_PAGE_CACHE_KIB]
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        assert cur.fetchone()[0] == before


@pytest.mark.parametrize("batch_rows", [5000, 1])
def test_service_created_by_an_earlier_batch_is_reused(civil, monkeypatch, batch_rows):
    # The new record MZ-010 gets a 心理服务网络搭建 service for an organization that already
    # exists. The row after it moves that organization's older record MZ-001 to the same
    # service. Written in one batch or in two, both records must link that one service.
    from caremap.imports import pipeline

    first = list(sheets.CLEAN[0])
    run_import(sheets.utf8_bom_csv([first]), "民政.csv", civil, dry_run=False)
    new = [*first]
    new[0], new[1], new[3] = "MZ-010", "福中路第二儿童之家", "深圳市福田区莲花街道福中路10号"
    new[9] = "心理服务网络搭建"
    changed = [*first]
    changed[9] = "心理服务网络搭建"
    monkeypatch.setattr(pipeline, "WRITE_BATCH_ROWS", batch_rows)
    report = run_import(sheets.utf8_bom_csv([new, changed]), "民政.csv", civil, dry_run=False)
    assert (report.counts["created"], report.counts["updated"]) == (1, 1)
    organization = Organization.objects.get(credit_code=sheets.CREDIT_OK)
    assert sorted(Service.objects.filter(organization=organization)
                  .values_list("name", flat=True)) == ["亲子关系促进", "心理服务网络搭建"]
    linked = set(Location.objects.filter(department=civil, source_id__in=["MZ-001", "MZ-010"])
                 .values_list("service_links__service", flat=True))
    assert len(linked) == 1


def _database_state(department):
    return (Location.objects.filter(department=department, is_demo=False).count(),
            ImportRun.objects.count())


def _cache_size():
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        return cur.fetchone()[0]


def test_error_in_a_worker_fails_the_import_cleanly(civil, worker_pids, monkeypatch):
    import gc
    import multiprocessing

    from caremap.imports import pipeline

    parent = os.getpid()
    check = prepare._check

    def failing(rows):
        if os.getpid() != parent and rows[0][0] >= 5:
            raise RuntimeError("check failed")
        return check(rows)

    monkeypatch.setattr(prepare, "_check", failing)
    # The first rows are written before the failing chunk comes back.
    monkeypatch.setattr(prepare, "CHUNK_ROWS", 1)
    monkeypatch.setattr(pipeline, "WRITE_BATCH_ROWS", 1)
    before = _database_state(civil)
    cache_size = _cache_size()
    with pytest.raises(RuntimeError, match="check failed"):
        run_import(_messy_sheet(), "民政.csv", civil, dry_run=False)
    assert _database_state(civil) == before
    assert multiprocessing.active_children() == []
    assert gc.isenabled()
    assert _cache_size() == cache_size


def test_failed_write_stops_the_workers(civil, worker_pids, monkeypatch):
    import multiprocessing

    from caremap.imports import pipeline

    def failing(applier, rows, texts=None):
        raise RuntimeError("write failed")

    monkeypatch.setattr(pipeline.Applier, "add", failing)
    monkeypatch.setattr(pipeline, "WRITE_BATCH_ROWS", 1)
    monkeypatch.setattr(prepare, "CHUNK_ROWS", 1)
    before = _database_state(civil)
    with pytest.raises(RuntimeError, match="write failed") as raised:
        run_import(_messy_sheet(), "民政.csv", civil, dry_run=False)
    # The error's traceback keeps the import's frames, and so its workers, alive until now.
    assert raised.tb is not None
    assert multiprocessing.active_children() == []
    assert _database_state(civil) == before


def test_killed_worker_fails_the_import(civil, worker_pids, monkeypatch):
    import multiprocessing
    import signal

    parent = os.getpid()
    check = prepare._check

    def killed(rows):
        if os.getpid() != parent and rows[0][0] == 4:
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
        return check(rows)

    def timed_out(signum, frame):
        raise TimeoutError("the import waits for the killed worker")

    monkeypatch.setattr(prepare, "_check", killed)
    monkeypatch.setattr(prepare, "CHUNK_ROWS", 1)
    before = _database_state(civil)
    previous = signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(20)
    try:
        with pytest.raises(prepare.WorkerDied):
            run_import(_messy_sheet(), "民政.csv", civil, dry_run=False)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert _database_state(civil) == before
    assert multiprocessing.active_children() == []


@pytest.fixture
def dying_workers(settings, monkeypatch):
    """Make every worker process end at its first chunk, as if killed."""
    settings.CAREMAP_IMPORT_WORKERS = 2
    settings.CAREMAP_IMPORT_PARALLEL_ROWS = 1
    parent = os.getpid()
    check = prepare._check

    def dying(rows):
        if os.getpid() != parent:
            os._exit(1)
        return check(rows)

    monkeypatch.setattr(prepare, "_check", dying)


def test_dead_worker_message_on_upload(client, civil, dying_workers):
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile

    from caremap.backoffice.models import Role
    from caremap.backoffice.roles import assign_role

    user = User.objects.create(username="staff")
    assign_role(user, Role.CITY_ADMIN)
    client.force_login(user)
    count = Location.objects.count()
    response = client.post("/backoffice/imports/", {
        "file": SimpleUploadedFile("民政.csv", _messy_sheet()), "department": civil.code,
        "crs": "wgs84", "apply": "on"})
    assert response.status_code == 200
    assert "工作进程意外结束" in response.content.decode()
    assert Location.objects.count() == count


def test_dead_worker_message_on_command(tmp_path, dying_workers):
    import io

    from django.core.management import CommandError, call_command

    source = tmp_path / "民政.csv"
    source.write_bytes(_messy_sheet())
    with pytest.raises(CommandError, match="worker process ended unexpectedly"):
        call_command("import", str(source), "--department", "民政", stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert not ImportRun.objects.exists()
