"""Every URL pattern, back-office view, write endpoint and admin action, for every role.

CASES says, per URL name, which roles are allowed; every other role must be refused.
test_every_url_pattern_has_a_permission_case fails when a pattern or an admin action has no
case, so a new view cannot ship unguarded.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from caremap.backoffice.models import AuditEvent

from .conftest import ROLES, form_data

ALL_ROLES = ["anonymous", "no_role", *ROLES]
STAFF = set(ROLES)
EVERYONE = set(ALL_ROLES)
IMPORTERS = {"city_admin", "district_admin", "department_editor"}


@dataclass
class Case:
    name: str
    allowed: set
    method: str = "get"
    kwargs: callable = lambda o: {}
    data: callable = lambda o: {}
    label: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def id(self):
        return f"{self.name}{'-' + self.label if self.label else ''}-{self.method}"


def _point(key):
    return lambda o: {"point_id": o[key].pk}


def _cs(key):
    return lambda o: {"changeset_id": o[key].pk}


def _corr(key):
    return lambda o: {"correction_id": o[key].pk}


def _upload() -> dict:
    """The upload form's POST data for a dry run of one clean row."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.imports import sheets

    return {"file": SimpleUploadedFile("sheet.csv", sheets.utf8_bom_csv(sheets.CLEAN[:1])),
            "department": "education", "crs": "wgs84"}


def _import_objects(users) -> dict:
    """A department editor's dry run, and their import of a 南山区 row waiting for review."""
    from caremap.directory.models import Department
    from caremap.imports.models import ImportRun
    from caremap.imports.pipeline import run_import
    from tests.imports import sheets

    education = Department.objects.get(code="education")
    editor = users["department_editor"]
    report = run_import(sheets.utf8_bom_csv(sheets.CLEAN[1:2]), "points.csv", education,
                        dry_run=False, user=editor)
    assert report.run.changeset is not None
    return {
        "import_run": ImportRun.objects.create(department=education, filename="points.csv",
                                               source_crs="wgs84", user=editor),
        "import_changeset": report.run.changeset,
    }


CASES = [
    # Public pages and the read-only API: everyone.
    Case("map", EVERYONE),
    Case("point", EVERYONE, kwargs=_point("futian_point")),
    Case("policies", EVERYONE),
    Case("help", EVERYONE),
    Case("outlines", EVERYONE),
    Case("api:openapi-json", EVERYONE),
    Case("api:openapi-view", EVERYONE),
    Case("api:api-root", EVERYONE, extra={"expect_404": True}),
    Case("api:list_points", EVERYONE),
    Case("api:list_markers", EVERYONE),
    Case("api:get_point", EVERYONE, kwargs=lambda o: {"point_id": str(o["futian_point"].pk)}),
    Case("api:list_regions", EVERYONE),
    Case("api:get_region", EVERYONE, kwargs=lambda o: {"code": "440304"}),
    Case("api:list_policies", EVERYONE),
    Case("api:get_policy", EVERYONE, kwargs=lambda o: {"policy_id": str(o["policy"].pk)}),
    Case("policy", EVERYONE, kwargs=lambda o: {"policy_id": o["policy"].pk}),
    Case("news", EVERYONE),
    Case("cases", EVERYONE),
    Case("article", EVERYONE, kwargs=lambda o: {"article_id": o["article"].pk}),
    Case("navigator", EVERYONE),
    Case("region", EVERYONE, kwargs=lambda o: {"code": "440304"}),
    Case("region-directory", EVERYONE, kwargs=lambda o: {"code": "440304001"}),
    Case("region-directory-pdf", EVERYONE, kwargs=lambda o: {"code": "440304001"}),
    Case("stats", EVERYONE),
    Case("stats-csv", EVERYONE, kwargs=lambda o: {"name": "points-by-district"}),
    Case("projects", EVERYONE),
    Case("project", EVERYONE, kwargs=lambda o: {"project_id": o["project"].pk}),
    Case("api:get_stats", EVERYONE),
    Case("api:list_projects", EVERYONE),
    Case("api:post_navigator", EVERYONE, "post", data=lambda o: {"age": 8, "local_hukou": True},
         extra={"json": True}),
    Case("api:list_clusters", EVERYONE, extra={"query": {"zoom": "10"}}),
    Case("offline", EVERYONE),
    Case("saved", EVERYONE),
    Case("service-worker", EVERYONE),
    Case("point-qr", EVERYONE, kwargs=_point("futian_point")),
    Case("api:export_csv", EVERYONE),
    Case("api:export_xlsx", EVERYONE),
    Case("api:export_geojson", EVERYONE),
    Case("api:hsds_root", EVERYONE),
    Case("api:hsds_services", EVERYONE),
    Case("api:hsds_service", EVERYONE, kwargs=lambda o: {"service_id": str(o["service"].pk)}),
    Case("api:hsds_organizations", EVERYONE),
    Case("api:hsds_organization", EVERYONE,
         kwargs=lambda o: {"organization_id": str(o["organization"].pk)}),
    Case("api:hsds_service_at_locations", EVERYONE),
    Case("api:hsds_taxonomies", EVERYONE),
    Case("api:hsds_taxonomy_terms", EVERYONE),
    # Imports: the editing roles upload, and a district administrator's or department
    # editor's import goes to review. A run's report is for its importer, its reviewers and
    # city administrators.
    Case("imports:upload", IMPORTERS),
    Case("imports:upload", IMPORTERS, "post", data=lambda o: _upload(),
         extra={"allowed_status": 302}),
    Case("imports:run", {"city_admin", "department_editor"},
         kwargs=lambda o: {"run_id": o["import_run"].pk}),
    Case("imports:run", {"city_admin", "department_editor", "reviewer"},
         kwargs=lambda o: {"run_id": o["import_changeset"].import_run.pk}, label="review"),
    Case("imports:report", {"city_admin", "department_editor"},
         kwargs=lambda o: {"run_id": o["import_run"].pk}),
    Case("imports:report", {"city_admin", "department_editor", "reviewer"},
         kwargs=lambda o: {"run_id": o["import_changeset"].import_run.pk}, label="review"),
    # Duplicates and stale records are for city administrators only; others get the back
    # office's 403 (tests/imports/test_pages.py checks the status).
    Case("imports:duplicates", {"city_admin"}),
    Case("imports:stale", {"city_admin"}),
    # Without an action the view returns 400 once past the permission check.
    Case("imports:resolve", {"city_admin"}, "post",
         lambda o: {"candidate_id": o["duplicate"].pk}, extra={"allowed_status": 400}),
    Case("backoffice:correction_report", EVERYONE, kwargs=_point("futian_point")),
    Case("backoffice:correction_report", EVERYONE, "post", _point("futian_point"),
         lambda o: {"topic": "phone", "message": "号码已停用"}),
    Case("backoffice:login", EVERYONE),
    Case("backoffice:logout", EVERYONE, "post"),
    # Back office: reading.
    Case("backoffice:home", STAFF),
    Case("backoffice:records", STAFF),
    Case("backoffice:record", STAFF, kwargs=_point("futian_point")),
    Case("backoffice:changesets", STAFF),
    Case("backoffice:changeset", STAFF, kwargs=_cs("submitted")),
    Case("backoffice:audit", {"city_admin"}),
    Case("backoffice:corrections", {"city_admin", "district_admin", "department_editor"}),
    # Back office: editing, by scope.
    Case("backoffice:record_edit", {"city_admin", "district_admin"}, kwargs=_point("futian_point"),
         label="district"),
    Case("backoffice:record_edit", {"city_admin", "department_editor"},
         kwargs=_point("education_point"), label="department"),
    Case("backoffice:record_edit", {"city_admin", "district_admin"}, "post",
         _point("futian_point"), lambda o: form_data(o["futian_point"], address="新地址 1 号"),
         label="district"),
    Case("backoffice:record_edit", {"city_admin", "department_editor"}, "post",
         _point("education_point"), lambda o: form_data(o["education_point"], address="新地址 2 号"),
         label="department"),
    Case("backoffice:record_rollback", {"city_admin", "district_admin"}, "post",
         lambda o: {"point_id": o["futian_point"].pk, "number": 1}),
    # Review: reviewing roles whose scope covers the set; authors do not review their own.
    Case("backoffice:changeset_submit", {"city_admin", "district_admin"}, "post", _cs("draft")),
    Case("backoffice:changeset_publish", {"city_admin", "district_admin", "reviewer"}, "post",
         _cs("submitted")),
    Case("backoffice:changeset_return", {"city_admin", "district_admin", "reviewer"}, "post",
         _cs("submitted"), lambda o: {"reason": "电话号码缺区号"}),
    # A department editor's import of a 南山区 record: outside the 福田区 administrator's scope.
    Case("backoffice:changeset", STAFF, kwargs=_cs("import_changeset"), label="import"),
    Case("backoffice:changeset_publish", {"city_admin", "reviewer"}, "post",
         _cs("import_changeset"), label="import"),
    Case("backoffice:changeset_return", {"city_admin", "reviewer"}, "post",
         _cs("import_changeset"), lambda o: {"reason": "地址有误"}, label="import"),
    # Corrections: routed to the record's district and department.
    Case("backoffice:correction", {"city_admin", "district_admin"},
         kwargs=_corr("futian_correction"), label="district"),
    Case("backoffice:correction", {"city_admin", "department_editor"},
         kwargs=_corr("education_correction"), label="department"),
    Case("backoffice:correction_accept", {"city_admin", "district_admin"}, "post",
         _corr("futian_correction"), label="district"),
    Case("backoffice:correction_accept", {"city_admin", "department_editor"}, "post",
         _corr("education_correction"), label="department"),
    Case("backoffice:correction_dismiss", {"city_admin", "district_admin"}, "post",
         _corr("futian_correction"), lambda o: {"reason": "信息无误"}, label="district"),
    Case("backoffice:correction_dismiss", {"city_admin", "department_editor"}, "post",
         _corr("education_correction"), lambda o: {"reason": "信息无误"}, label="department"),
]

# --- Staff statistics: every back-office role ---
CASES += [
    Case("stats-dashboard", STAFF),
    # A staff-only data set returns 404 to others, so its name is not confirmed.
    Case("stats-csv", STAFF, kwargs=lambda o: {"name": "points-by-street"},
         label="staff", extra={"denied_status": 404}),
    Case("stats-csv", STAFF, kwargs=lambda o: {"name": "stale-by-district"},
         label="stale", extra={"denied_status": 404}),
]

# Admin pages other than the per-model ones: the Django admin is for city administrators.
ADMIN_CASES = {
    "admin:index": "", "admin:app_list": "auth", "admin:password_change": "",
    "admin:password_change_done": "", "admin:jsi18n": "", "admin:autocomplete": "",
}
ADMIN_PUBLIC = {"admin:login", "admin:logout", "admin:view_on_site"}
ADMIN_MODEL_VIEWS = ("changelist", "add", "change", "delete", "history")
# Every admin action of every registered model, and who may run it.
ADMIN_ACTIONS = {
    "auth.group": {"delete_selected"},
    "auth.user": {"delete_selected"},
    "regions.division": {"delete_selected"},
    "content.policy": {"delete_selected"},
    "content.hotline": {"delete_selected"},
    "backoffice.staffrole": {"delete_selected"},
    "backoffice.auditevent": set(),
    "backoffice.correction": {"delete_selected"},
    "content.article": {"delete_selected"},
    "content.benefit": {"delete_selected"},
    "network.childpopulation": {"delete_selected"},
    "network.post": {"delete_selected"},
    "projects.project": {"delete_selected"},
    "imports.columnmapping": {"delete_selected"},
    "imports.importrun": {"delete_selected"},
}

# --- Directory reference tables in the admin ---
ADMIN_ACTIONS["directory.holiday"] = {"delete_selected"}


def _reference_object(model):
    from caremap.directory.models import Holiday

    if model is Holiday:
        return Holiday.objects.create(date="2027-01-01", kind=Holiday.Kind.PUBLIC_HOLIDAY)
    return None


def _login(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])


def _refused(response, role) -> bool:
    """A 403, or a redirect to a login page (the only refusal anonymous visitors get)."""
    to_login = response.status_code == 302 and "login" in response["Location"]
    if role == "anonymous":
        return to_login
    return response.status_code == 403 or to_login


@pytest.fixture
def policy(db):
    from caremap.content.models import Policy

    return Policy.objects.first()


def _each_role(client, users):
    """Yield each role signed in, undoing whatever its requests wrote before the next one."""
    for role in ALL_ROLES:
        client.logout()
        _login(client, users, role)
        with transaction.atomic():
            yield role
            transaction.set_rollback(True)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_view_permission(client, users, objects, policy, case):
    from caremap.content.models import Article
    from caremap.directory.models import Department, Organization, Service
    from caremap.imports.models import DuplicateCandidate, ImportRun
    from caremap.projects.models import Project

    run = ImportRun.objects.create(department=Department.objects.get(code="education"),
                                   filename="points.csv", source_crs="wgs84")
    duplicate = DuplicateCandidate.objects.create(
        run=run, existing=objects["education_point"], department_id="education",
        source_key="row-1", reason="same_name", payload={})
    if case.name.startswith("imports:") or case.label == "import":
        objects = {**objects, **_import_objects(users)}
    objects = {**objects, "policy": policy, "article": Article.objects.first(),
               "project": Project.objects.first(), "duplicate": duplicate,
               "service": Service.objects.public().first(),
               "organization": Organization.objects.public().first()}
    url = reverse(case.name, kwargs=case.kwargs(objects))
    for role in _each_role(client, users):
        if case.extra.get("json"):
            response = client.post(url, case.data(objects), content_type="application/json")
        else:
            data = case.extra.get("query") or case.data(objects)
            response = getattr(client, case.method)(url, data)
        where = (role, response.status_code, response.get("Location"))
        if role in case.allowed:
            if "allowed_status" in case.extra:
                assert response.status_code == case.extra["allowed_status"], where
            else:
                assert response.status_code < 400 or case.extra.get("expect_404"), where
            if case.name != "backoffice:logout":  # logging out lands on the login page
                assert not _refused(response, role), where
                if response.status_code == 302:
                    assert "/login" not in response["Location"], where
        elif "denied_status" in case.extra:
            assert response.status_code == case.extra["denied_status"], where
        else:
            assert _refused(response, role), where


def test_refusals_are_audited(client, users, objects):
    client.force_login(users["analyst"])
    client.post(reverse("backoffice:changeset_publish", kwargs={"changeset_id":
                                                                 objects["submitted"].pk}))
    event = AuditEvent.objects.get(action="permission_denied")
    assert event.actor == users["analyst"]
    assert event.object_id == str(objects["submitted"].pk)


def _admin_models():
    return [(f"{m._meta.app_label}.{m._meta.model_name}", m, ma)
            for m, ma in admin.site._registry.items()]


def _admin_object(model):
    obj = model.objects.first()
    if obj is None:
        from caremap.backoffice.models import Correction
        from caremap.directory.models import Location

        if model is Correction:
            obj = Correction.objects.create(location=Location.objects.first(), message="x")
        if model is AuditEvent:
            obj = AuditEvent.objects.create(action="login", username="someone")
        from caremap.imports.models import ColumnMapping, ImportRun

        if model is ColumnMapping:
            obj = ColumnMapping.objects.create(department_id="education")
        if model is ImportRun:
            obj = ImportRun.objects.create(department_id="education", filename="a.csv",
                                           source_crs="wgs84")
        obj = obj or _reference_object(model)
    return obj


@pytest.mark.parametrize("label", sorted(ADMIN_ACTIONS))
def test_admin_model_views_and_actions(client, users, label):
    model = next(m for lbl, m, _ in _admin_models() if lbl == label)
    obj = _admin_object(model)
    info = (model._meta.app_label, model._meta.model_name)
    urls = [reverse(f"admin:{info[0]}_{info[1]}_changelist"),
            reverse(f"admin:{info[0]}_{info[1]}_history", args=[obj.pk])]
    for role in _each_role(client, users):
        for url in urls:
            response = client.get(url)
            if role == "city_admin":
                assert response.status_code == 200, (role, url)
            else:
                assert response.status_code == 302, (role, url)
                assert "/admin/login/" in response["Location"], (role, url)
        for action in ADMIN_ACTIONS[label]:
            response = client.post(urls[0], {"action": action, "_selected_action": [obj.pk]})
            if role == "city_admin":
                # The confirmation page: the action is available to this role.
                assert response.status_code == 200, (role, action)
                assert b"<form" in response.content
            else:
                assert response.status_code == 302, (role, action)
                assert "/admin/login/" in response["Location"]
            assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("name", sorted(ADMIN_CASES))
def test_admin_pages(client, users, name):
    args = [ADMIN_CASES[name]] if ADMIN_CASES[name] else []
    for role in _each_role(client, users):
        response = client.get(reverse(name, args=args))
        where = (role, response.status_code)
        if role == "city_admin":
            # No model has autocomplete fields, so the admin refuses the bare request: past
            # the login check, for want of a field to complete.
            ok = (200, 302, 403) if name == "admin:autocomplete" else (200, 302)
            assert response.status_code in ok, where
            assert "/admin/login/" not in response.get("Location", ""), where
        else:
            assert response.status_code == 302, where
            assert "/admin/login/" in response["Location"], where


def _pattern_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _pattern_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield ":".join(filter(None, [namespace, pattern.name or str(pattern.pattern)]))


def test_every_url_pattern_has_a_permission_case():
    covered = {case.name for case in CASES} | set(ADMIN_CASES) | ADMIN_PUBLIC
    for label, _model, _ in _admin_models():
        prefix = label.replace(".", "_")
        covered |= {f"admin:{prefix}_{view}" for view in ADMIN_MODEL_VIEWS}
    # Extra admin views of models: the password change of a user is a city admin's.
    covered.add("admin:auth_user_password_change")
    # The admin's catch-all pattern and each model's bare object address only redirect (to
    # the login page, or to the change page checked per model above).
    covered |= {"admin:(?P<url>.*)$", "admin:<path:object_id>/"}
    missing = sorted(set(_pattern_names()) - covered)
    assert missing == [], f"URL patterns without a permission case: {missing}"
    # Every non-public case has a denied role and an allowed one.
    for case in CASES:
        assert case.allowed, case.id
        if case.allowed != EVERYONE:
            assert EVERYONE - case.allowed, case.id


def test_every_admin_action_has_a_permission_case(users):
    request = RequestFactory().get("/admin/")
    request.user = users["city_admin"]
    actual = {label: set(model_admin.get_actions(request)) for label, _, model_admin
              in _admin_models()}
    assert actual == ADMIN_ACTIONS
