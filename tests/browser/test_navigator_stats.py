"""The benefit navigator and the statistics dashboard in headless Chromium."""

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import SERVER_ENV

pytestmark = pytest.mark.browser

STAFF_USER = "statsadmin"
STAFF_PASSWORD = "browser-test-password-6"  # noqa: S105 - a throw-away user of the test server
# An analyst: the dashboard is open to every back-office role, not only Django staff.
CREATE_STAFF = (
    "from django.contrib.auth.models import User\n"
    "from caremap.backoffice.roles import assign_role\n"
    f"User.objects.filter(username='{STAFF_USER}').delete()\n"
    f"assign_role(User.objects.create_user('{STAFF_USER}', password='{STAFF_PASSWORD}'), "
    "'analyst')\n"
)


def _record_failed_response(errors, response):
    # Browsers ask for /favicon.ico on their own; the site has none.
    if response.status >= 400 and not response.url.endswith("/favicon.ico"):
        errors.append(f"{response.status} {response.url}")


def _watch_errors(page):
    """Collect script errors, console errors and failed requests of the page."""
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    page.on("response", lambda response: _record_failed_response(errors, response))
    return errors


def test_navigator_lists_benefits(page, demo_server):
    errors = _watch_errors(page)
    page.goto(demo_server + "/navigator/")
    page.fill("input[name=age]", "9")
    page.check("input[name=local_hukou][value=yes]")
    page.check("input[name=de_facto_unsupported]")
    page.select_option("select[name=street]", "440304001")
    page.click("#navigator-form button[type=submit]")

    names = page.locator("#navigator-results .benefit-name")
    expect(names).to_have_text(["儿童之家和儿童主任服务", "事实无人抚养儿童基本生活补贴", "未成年人救助保护"])
    allowance = page.locator("#benefit-de-facto-unsupported-allowance")
    expect(allowance).to_contain_text("关于进一步加强事实无人抚养儿童保障工作的意见")
    expect(allowance.locator(".nearest li")).to_have_count(3)
    expect(page.locator("#navigator-results")).to_contain_text("不是资格认定")
    assert errors == []


def test_dashboard_draws_charts(page, demo_server):
    subprocess.run([sys.executable, "-m", "caremap.cli", "shell", "-c", CREATE_STAFF],
                   env=SERVER_ENV, check=True, capture_output=True,
                   cwd=Path(__file__).resolve().parents[2])
    errors = _watch_errors(page)
    page.goto(demo_server + "/backoffice/login/?next=/stats/dashboard/")
    page.fill("input[name=username]", STAFF_USER)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/stats/dashboard/")

    canvases = page.locator("canvas[data-dataset]")
    expect(canvases).to_have_count(7)
    expect(page.locator("canvas[data-rendered=true]")).to_have_count(7)
    box = page.locator("#chart-points-by-district").bounding_box()
    assert box["width"] > 200
    assert box["height"] > 200
    expect(page.locator("#vacant-posts li").first).to_be_visible()
    assert errors == []


def test_public_stats_page_draws_charts(page, demo_server):
    errors = _watch_errors(page)
    page.goto(demo_server + "/stats/")
    expect(page.locator("canvas[data-rendered=true]")).to_have_count(5)
    assert page.locator("a.csv-link").count() == 5
    assert errors == []
