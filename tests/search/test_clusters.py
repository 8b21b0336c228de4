"""Map clusters: pre-aggregated cells, on-the-fly grouping, upkeep on writes, the API."""

import pytest

from caremap.search import cells
from caremap.search.clusters import _grouped, clusters
from caremap.search.models import SearchEntry
from caremap.search.query import PointQuery, run_query

pytestmark = pytest.mark.django_db

CLUSTERS = "/api/v1/clusters"
SHENZHEN = (113.7, 22.4, 114.7, 22.9)


def _positioned():
    return SearchEntry.objects.filter(latitude__isnull=False).count()


@pytest.mark.parametrize("zoom", [4, 8, 11])
def test_precomputed_cells_equal_grouping_on_the_fly(zoom):
    query = PointQuery()
    pre = clusters(query, zoom)
    fly = _grouped(query, zoom, (-180.0, -85.0, 180.0, 85.0))
    assert sum(c.count for c in pre) == _positioned()
    pre = sorted((c.count, c.lat, c.lng) for c in pre)
    fly = sorted((c.count, c.lat, c.lng) for c in fly)
    assert [c[0] for c in pre] == [c[0] for c in fly]
    assert all(abs(a[1] - b[1]) < 1e-4 and abs(a[2] - b[2]) < 1e-4 for a, b in zip(pre, fly, strict=True))


def test_zoom_out_gives_fewer_larger_clusters():
    assert len(clusters(PointQuery(), 4)) < len(clusters(PointQuery(), 11))


def test_filtered_clusters_count_the_same_points_as_search():
    for query in (PointQuery(category=["hospital"]), PointQuery(q="儿童", bbox=SHENZHEN),
                  PointQuery(q="心理", department=["health"], bbox=SHENZHEN)):
        expected = run_query(query, facets=False).count
        assert expected > 0
        assert sum(c.count for c in clusters(query, 11)) == expected


def test_open_now_clusters_count_the_open_points():
    import datetime
    from zoneinfo import ZoneInfo

    # Early on a Saturday: a few points are open, most are closed.
    now = datetime.datetime(2026, 12, 5, 6, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    for wanted in (True, False):
        query = PointQuery(open_now=wanted, now=now)
        expected = run_query(query, facets=False).count
        assert expected > 0
        assert sum(c.count for c in clusters(query, 9)) == expected
    # With a facet filter too: the filter applies after the opening-hours check.
    query = PointQuery(open_now=False, now=now, department=["civil-affairs"])
    assert sum(c.count for c in clusters(query, 9)) == run_query(query, facets=False).count


def test_cells_follow_writes_and_drop_staff_only_positions(django_capture_on_commit_callbacks):
    from caremap.directory.models import Location

    before = sum(c.count for c in clusters(PointQuery(), 6))
    point = Location.objects.filter(latitude__isnull=False, visibility="public").first()
    with django_capture_on_commit_callbacks(execute=True):
        point.field_visibility = {"latitude": "staff", "longitude": "staff"}
        point.save()
    assert sum(c.count for c in clusters(PointQuery(), 6)) == before - 1
    with django_capture_on_commit_callbacks(execute=True):
        point.field_visibility = {}
        point.latitude += 0.2
        point.save()
    assert sum(c.count for c in clusters(PointQuery(), 6)) == before
    # Counts kept by writes equal a full recount.
    kept = sorted(cells.ClusterCell.objects.values_list("zoom", "x", "y", "category", "count"))
    cells.rebuild()
    assert sorted(cells.ClusterCell.objects.values_list("zoom", "x", "y", "category", "count")) == kept


def test_clusters_api(api_get):
    status, body = api_get(CLUSTERS, zoom=10, bbox="113.7,22.4,114.7,22.9")
    assert status == 200
    assert body["count"] == sum(c["count"] for c in body["clusters"]) > 1000
    first = body["clusters"][0]
    assert set(first) == {"lat", "lng", "count"}
    assert 22.4 <= first["lat"] <= 22.9


@pytest.mark.parametrize("params", [{}, {"zoom": "19"}, {"zoom": "x"}, {"zoom": "5", "bbox": "1,2"}])
def test_clusters_api_rejects_bad_parameters(api_get, params):
    status, body = api_get(CLUSTERS, **params)
    assert status == 400
    assert set(body["error"]) == {"code", "message_zh", "message_en", "field"}
