"""English through ?lang=en or the /en/ prefix, remembered in a cookie; Chinese by default."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def _title(response) -> str:
    html = response.content.decode()
    return html.split("<title>", 1)[1].split("</title>", 1)[0]


def test_default_is_chinese(client):
    response = client.get("/help/")
    assert _title(response).startswith("求助")
    assert COOKIE not in response.cookies


def test_lang_parameter_switches_and_sets_cookie(client):
    response = client.get("/help/", {"lang": "en"})
    assert _title(response).startswith("Help")
    assert response.cookies[COOKIE].value == "en"
    assert response.cookies[COOKIE]["samesite"] == "Lax"
    assert response.cookies[COOKIE]["httponly"]


def test_choice_is_remembered(client):
    client.get("/", {"lang": "en"})
    response = client.get("/policies/")
    assert '<html lang="en">' in response.content.decode()


def test_switch_back_to_chinese(client):
    client.get("/", {"lang": "en"})
    response = client.get("/help/", {"lang": "zh-hans"})
    assert _title(response).startswith("求助")
    assert response.cookies[COOKIE].value == "zh-hans"
    assert _title(client.get("/help/")).startswith("求助")


def test_en_prefix_serves_the_page_in_english(client):
    response = client.get("/en/help/")
    assert response.status_code == 200
    assert _title(response).startswith("Help")
    assert response.cookies[COOKIE].value == "en"
    assert client.get("/en").status_code == 200


def test_en_prefix_keeps_unknown_paths_404(client):
    assert client.get("/en/no-such-page/").status_code == 404


def test_unknown_lang_value_is_ignored(client):
    response = client.get("/help/", {"lang": "fr"})
    assert _title(response).startswith("求助")
    assert COOKIE not in response.cookies


def test_switch_link_points_to_same_page(client):
    html = client.get("/help/").content.decode()
    assert 'href="/help/?lang=en"' in html
    html = client.get("/en/help/").content.decode()
    assert 'href="/help/?lang=zh-hans"' in html


def test_english_page_names_places_in_chinese_with_pinyin(client):
    html = client.get("/", {"lang": "en"}).content.decode()
    assert "福田区 (Futian Qu)" in html
    assert "大鹏新区 (Dapeng Xinqu)" in html


def test_english_page_uses_english_vocabulary(client):
    from caremap.directory.models import TaxonomyTerm

    term = TaxonomyTerm.objects.filter(taxonomy__code="category").exclude(name_en="").first()
    assert term.name_en in client.get("/", {"lang": "en"}).content.decode()
    client.cookies.clear()
    assert f">{term.name}<" in client.get("/").content.decode()
