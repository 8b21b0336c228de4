"""Production settings, login lockout, sessions, rate limits, uploads."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from caremap.backoffice.forms import UploadForm
from caremap.backoffice.models import AuditEvent, RateCounter, Role, StaffRole

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "caremap.settings_production",
           "CAREMAP_SECRET_KEY": secrets.token_urlsafe(50),
           "CAREMAP_ALLOWED_HOSTS": "caremap.example.org", **extra}
    return env


def test_check_deploy_reports_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "-m", "caremap.cli", "check", "--deploy", "--fail-level", "DEBUG"],
        env=_production_env(), cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_start_without_a_secret():
    env = _production_env()
    del env["CAREMAP_SECRET_KEY"]
    result = subprocess.run([sys.executable, "-m", "caremap.cli", "check"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "CAREMAP_SECRET_KEY must be set" in result.stderr


def test_production_settings_values():
    script = ("from django.conf import settings as s; "
              "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
              " s.STORAGES['staticfiles']['BACKEND'], s.LOGGING['handlers']['console']['formatter'])")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + script],
                            env=_production_env(), cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.split() == [
        "False", "True", "True", "31536000",
        "whitenoise.storage.CompressedManifestStaticFilesStorage", "json"]


@pytest.mark.django_db
def test_createadmin_makes_a_city_administrator(monkeypatch):
    monkeypatch.setenv("FIRST_ADMIN_PASSWORD", "Shenzhen-map-2026-admin")
    call_command("createadmin", "chief", "--password-env", "FIRST_ADMIN_PASSWORD")
    user = get_user_model().objects.get(username="chief")
    assert user.check_password("Shenzhen-map-2026-admin")
    assert user.is_superuser
    assert user.is_staff
    assert StaffRole.objects.get(user=user).role == Role.CITY_ADMIN
    assert list(user.groups.values_list("name", flat=True)) == ["city_admin"]


@pytest.mark.django_db
# getpass warns that it cannot hide the input, then reads standard input.
@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")
def test_createadmin_without_terminal_names_option(monkeypatch):
    import getpass
    import io

    from django.core.management.base import CommandError

    # Without a terminal getpass falls back to reading standard input, here empty like
    # /dev/null. The fallback is forced so that the test does not block in a terminal.
    monkeypatch.setattr(getpass, "getpass", getpass.fallback_getpass)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--password-env") as raised:
        call_command("createadmin", "nobody")
    assert "not a terminal" in str(raised.value)
    assert not get_user_model().objects.filter(username="nobody").exists()


@pytest.mark.django_db
def test_createadmin_applies_password_validation(monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setenv("WEAK", "12345678")
    with pytest.raises(CommandError):
        call_command("createadmin", "weak", "--password-env", "WEAK")
    assert not get_user_model().objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_lockout_refuses_right_password(client, settings):
    caches["shared"].clear()
    settings.CAREMAP_LOGIN_MAX_FAILURES = 3
    get_user_model().objects.create_user("clerk", password="Right-passphrase-2026")
    for _ in range(3):
        response = client.post("/backoffice/login/",
                               {"username": "clerk", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 200  # the form again, with an error
    response = client.post("/backoffice/login/",
                           {"username": "clerk", "password": "Right-passphrase-2026"},
                           REMOTE_ADDR="10.0.0.2")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed", username="clerk").count() == 4
    assert AuditEvent.objects.filter(action="locked_out", username="clerk").exists()
    # The admin's login form goes through the same backend.
    client.post("/admin/login/", {"username": "clerk", "password": "Right-passphrase-2026"})
    assert "_auth_user_id" not in client.session
    # The lockout ends when its counters are gone (as after CAREMAP_LOGIN_LOCKOUT_SECONDS).
    RateCounter.objects.filter(scope__startswith="login-").delete()
    client.post("/backoffice/login/", {"username": "clerk", "password": "Right-passphrase-2026"})
    assert "_auth_user_id" in client.session
    assert AuditEvent.objects.filter(action="login", username="clerk").exists()


def test_sessions_expire():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.CACHES[settings.CAREMAP_SHARED_CACHE]["BACKEND"].endswith("DatabaseCache")


@pytest.mark.django_db
def test_api_rate_limit_error_shape(client, settings):
    caches["shared"].clear()
    settings.CAREMAP_RATE_LIMITS = {**settings.CAREMAP_RATE_LIMITS, "api": (2, 60)}
    codes = [client.get("/api/v1/policies", REMOTE_ADDR="10.1.1.1").status_code for _ in range(2)]
    response = client.get("/api/v1/policies", REMOTE_ADDR="10.1.1.1")
    assert codes == [200, 200]
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["message_zh"]
    assert error["message_en"]
    assert response["Retry-After"] == "60"
    # The counter is a database row, shared by every worker process.
    from caremap.backoffice.models import RateCounter

    assert RateCounter.objects.get(scope="api", client="10.1.1.1").count == 3


@pytest.mark.parametrize(("name", "content", "message"), [
    ("big.csv", b"a,b\n" * 3_000_000, "上限为 10 MB"),
    ("points.exe", b"MZ\x90\x00", "只能上传 .xlsx、.csv 或 .json 文件"),
    ("points.xlsx", b"<html>not a workbook</html>", "文件内容与文件类型不符"),
    ("points.csv", b"a,b\x00\x01\x02", "文件内容与文件类型不符"),
])
def test_uploads_are_checked(name, content, message):
    form = UploadForm(files={"file": SimpleUploadedFile(name, content)})
    assert not form.is_valid()
    assert message in form.errors["file"][0]


def test_good_upload_passes():
    form = UploadForm(files={"file": SimpleUploadedFile("points.xlsx", b"PK\x03\x04rest")})
    assert form.is_valid()


@pytest.mark.django_db
def test_uploaded_files_are_never_served(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "upload.csv").write_text("name\n")
    assert client.get("/media/upload.csv").status_code == 404
    assert client.get("/upload.csv").status_code == 404


@pytest.mark.django_db
def test_api_response_cache_serves_repeats(client, settings):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    settings.CAREMAP_API_CACHE_SECONDS = 30
    first = client.get("/api/v1/policies", {"level": "city"})
    # The repeat costs only the rate-limit counter's queries, no query of the data.
    with CaptureQueriesContext(connection) as captured:
        second = client.get("/api/v1/policies", {"level": "city"})
    assert second.content == first.content
    assert not any("content_policy" in q["sql"] for q in captured.captured_queries)
    other = client.get("/api/v1/policies", {"level": "national"})
    assert other.content != first.content
    cache.clear()
