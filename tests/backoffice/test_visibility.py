"""Visibility tiers: staff-only and hidden records and fields never reach the public.

A protection site keeps its exact address and position staff-only: the public sees its
district, an approximate position (its street's anchor) and its hotline. Checked through
every public read that exists: pages, point detail and list, distance filter and ordering,
markers (which the map clusters), facets and the search index.
"""

import pytest
from django.urls import reverse

from caremap.directory.models import Location, Phone
from caremap.search.index import index_locations
from caremap.search.models import SearchEntry

pytestmark = pytest.mark.django_db

SECRET_ADDRESS = "保密巷 99 号"
SECRET_NOTE = "夜间值班室在三楼"


@pytest.fixture
def protection_site(futian_point):
    """A public record whose address, position and description are staff-only."""
    Location.objects.filter(pk=futian_point.pk).update(
        address=SECRET_ADDRESS, description=SECRET_NOTE, latitude=22.531234, longitude=114.061234,
        field_visibility={"address": "staff", "latitude": "staff", "longitude": "staff",
                          "description": "staff"},
    )
    Phone.objects.filter(location=futian_point).delete()
    Phone.objects.create(location=futian_point, number="12355", tel="12355",
                         description="求助热线")
    index_locations([futian_point.pk])
    return Location.objects.get(pk=futian_point.pk)


def _leaks(text: str) -> list[str]:
    return [s for s in (SECRET_ADDRESS, "保密巷", SECRET_NOTE, "22.531234", "114.061234",
                        "22.53123", "114.06123") if s in text]


def test_point_detail_shows_district_coarse_position_and_hotline(client, protection_site):
    body = client.get(f"/api/v1/points/{protection_site.pk}").json()
    assert "address" not in body
    assert "description" not in body
    assert body["region"]["district"]["name"] == "福田区"
    assert body["location"]["approximate"] is True
    street = protection_site.street
    assert body["location"]["lat"] == round(street.anchor_lat, 3)
    assert [p["tel"] for p in body["phones"]] == ["12355"]
    assert _leaks(str(body)) == []


def test_public_page_leaks_nothing(client, protection_site):
    html = client.get(f"/points/{protection_site.pk}/").content.decode()
    assert "福田区" in html
    assert "12355" in html
    assert _leaks(html) == []


def test_distance_search_ordering_and_facets_leak_nothing(client, protection_site):
    near = {"near": "22.531234,114.061234", "radius": "300"}
    body = client.get("/api/v1/points", near).json()
    assert str(protection_site.pk) not in [r["id"] for r in body["results"]]
    assert all(r.get("distance_m", 0) > 0 for r in body["results"])
    # Facets count only what the distance filter found, without the protection site.
    assert sum(body["facets"]["district"].values()) == body["count"]
    wide = client.get("/api/v1/points", {"near": "22.531234,114.061234", "radius": "50000",
                                         "page_size": "100"}).json()
    assert str(protection_site.pk) not in [r["id"] for r in wide["results"]]
    # Found by name, it has no distance to order by.
    named = client.get("/api/v1/points", {"q": protection_site.name[:6]}).json()
    row = next(r for r in named["results"] if r["id"] == str(protection_site.pk))
    assert "distance_m" not in row
    assert row["location"]["approximate"] is True
    assert _leaks(str(body) + str(wide) + str(named)) == []


def test_markers_and_clusters_leave_it_out(client, protection_site):
    body = client.get("/api/v1/markers").json()
    assert str(protection_site.pk) not in [m[0] for m in body["markers"]]
    assert _leaks(str(body)) == []


def test_search_index_holds_no_staff_only_value(client, protection_site):
    entry = SearchEntry.objects.get(location=protection_site)
    assert entry.latitude is None
    assert entry.longitude is None
    assert "保密" not in entry.address
    assert "保密" not in entry.grams
    assert client.get("/api/v1/points", {"q": "保密巷"}).json()["count"] == 0


@pytest.mark.parametrize("tier", ["staff", "hidden"])
def test_staff_only_and_hidden_records_are_absent_everywhere(client, users, futian_point, tier):
    name = futian_point.name
    Location.objects.filter(pk=futian_point.pk).update(visibility=tier)
    index_locations([futian_point.pk])
    assert client.get(f"/api/v1/points/{futian_point.pk}").status_code == 404
    assert client.get(f"/points/{futian_point.pk}/").status_code == 404
    assert client.get(f"/points/{futian_point.pk}/correction/").status_code == 404
    listing = client.get("/api/v1/points", {"q": name, "page_size": "100"}).json()
    assert str(futian_point.pk) not in [r["id"] for r in listing["results"]]
    assert str(futian_point.pk) not in str(client.get("/api/v1/markers").json())
    near = f"{futian_point.latitude},{futian_point.longitude}"
    close = client.get("/api/v1/points", {"near": near, "radius": "100"}).json()
    assert str(futian_point.pk) not in [r["id"] for r in close["results"]]
    assert not SearchEntry.objects.filter(location=futian_point).exists()
    # Staff still find and read it in the back office.
    client.force_login(users["analyst"])
    page = client.get(reverse("backoffice:record", args=[futian_point.pk]))
    assert page.status_code == 200
    assert name in page.content.decode()


def test_exports_leak_nothing(client, protection_site):
    query = {"q": protection_site.name}
    for path in ("/api/v1/export.csv", "/api/v1/export.geojson"):
        response = client.get(path, query)
        text = b"".join(response.streaming_content).decode("utf-8-sig") \
            if response.streaming else response.content.decode("utf-8-sig")
        assert response.status_code == 200, path
        assert protection_site.name in text, path  # the record is there ...
        assert _leaks(text) == [], path  # ... without its staff-only fields


def test_hsds_output_leaks_nothing(client, protection_site):
    response = client.get("/api/hsds/service_at_locations",
                          {"search": protection_site.name, "per_page": "50"})
    assert response.status_code == 200
    text = response.content.decode()
    assert protection_site.name in text
    assert _leaks(text) == []


@pytest.mark.parametrize("tier", ["staff", "hidden"])
def test_exports_and_hsds_leave_out_non_public_records(client, futian_point, tier):
    Location.objects.filter(pk=futian_point.pk).update(visibility=tier)
    index_locations([futian_point.pk])
    csv_text = client.get("/api/v1/export.csv", {"q": futian_point.name}).content.decode("utf-8-sig")
    assert str(futian_point.pk) not in csv_text
    hsds = client.get("/api/hsds/service_at_locations", {"search": futian_point.name}).content
    assert str(futian_point.pk) not in hsds.decode()
