"""The back-office header shows each role only the pages it may open; errors are visible."""

import pytest
from django.urls import reverse

from caremap.backoffice.models import ChangeSet

from .conftest import ROLES

# Menu entries by URL name, and the roles whose page opens rather than returning 403.
MENU_ROLES = {
    "backoffice:records": set(ROLES),
    "backoffice:changesets": set(ROLES),
    "backoffice:corrections": {"city_admin", "district_admin", "department_editor"},
    "imports:upload": {"city_admin", "district_admin", "department_editor"},
    "imports:duplicates": {"city_admin"},
    "imports:stale": {"city_admin"},
    "backoffice:audit": {"city_admin"},
}


def _menu(page: str) -> str:
    return page.split('<header class="bo-header">', 1)[1].split("</header>", 1)[0]


@pytest.mark.parametrize("role", ROLES)
def test_menu_lists_only_allowed_pages(client, users, role):
    client.force_login(users[role])
    menu = _menu(client.get(reverse("backoffice:home")).content.decode())
    for name, allowed in MENU_ROLES.items():
        url = reverse(name)
        if role in allowed:
            assert f'href="{url}"' in menu, (role, name)
            assert client.get(url).status_code == 200, (role, name)
        else:
            assert f'href="{url}"' not in menu, (role, name)
            assert client.get(url).status_code == 403, (role, name)


def test_home_hides_corrections_from_reviewer(client, users):
    client.force_login(users["reviewer"])
    page = client.get(reverse("backoffice:home")).content.decode()
    assert reverse("backoffice:corrections") not in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_without_reason_shows_error(client, users, objects, reason):
    changeset = objects["submitted"]
    client.force_login(users["reviewer"])
    response = client.post(reverse("backoffice:changeset_return", args=[changeset.pk]),
                           {"reason": reason})
    page = response.content.decode()
    assert response.status_code == 200
    assert "退回变更需要填写理由" in page
    # The error also sits next to the reason field, where the reviewer is looking.
    form = page.split('action="' + reverse("backoffice:changeset_return", args=[changeset.pk]))[1]
    assert 'class="errorlist"' in form.split("</form>")[0]
    changeset.refresh_from_db()
    assert changeset.status == ChangeSet.Status.SUBMITTED
