"""Every query plan gives the same answer: forced plans are compared with the full ranking."""

import pytest

from caremap.geo.distance import haversine_m
from caremap.search import plan, query
from caremap.search.models import SearchEntry
from caremap.search.query import PointQuery, run_query

pytestmark = pytest.mark.django_db

TEXTS = ["心理", "儿童", "社区", "福田", "儿童之家", "futian", "ft", "福田 心理", "罗湖 儿童之家",
         "特教", "中心"]
SHENZHEN_EAST = (114.0, 22.45, 114.6, 22.8)


def _answer(q: PointQuery):
    result = run_query(q)
    return ([(h.location_id, h.score, h.distance_m and round(h.distance_m, 3)) for h in result.hits],
            result.count, result.facets)


@pytest.fixture
def full_plan(monkeypatch):
    monkeypatch.setattr(plan, "RARE_LIMIT", 10**9)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("page", [1, 2])
def test_ranking_walk_equals_full_ranking(monkeypatch, text, page):
    q = PointQuery(q=text, page=page, page_size=10)
    monkeypatch.setattr(plan, "RARE_LIMIT", 10**9)
    expected = _answer(q)
    walked = []
    real_walk = plan.Planner._walk

    def spy(self, need):
        rows = real_walk(self, need)
        walked.append(rows is not None)
        return rows

    monkeypatch.setattr(plan.Planner, "_walk", spy)
    monkeypatch.setattr(plan, "RARE_LIMIT", -1)
    monkeypatch.setattr(plan, "GIN_LIMIT", -1)
    monkeypatch.setattr(plan, "WALK_BUDGET", 10**9)
    assert _answer(q) == expected
    # The walk is tried for one Chinese term (its estimate counts name tokens, not pinyin,
    # and a product of two small name estimates rounds to zero); where
    # it answered, the answer was checked above.
    assert walked or text.isascii() or " " in text


def test_walk_answers_common_name_terms(monkeypatch):
    monkeypatch.setattr(plan, "RARE_LIMIT", -1)
    monkeypatch.setattr(plan, "WALK_BUDGET", 10**9)
    for text in ("儿童", "社区", "中心"):
        p = plan.Planner(PointQuery(q=text), [[text]], text)
        assert p._walk(20) is not None, text


@pytest.mark.parametrize("text", ["儿童", "心理", "福田 心理", ""])
def test_box_plan_equals_text_index_plan(monkeypatch, text):
    base = dict(q=text, bbox=SHENZHEN_EAST, category=["children-home", "community-service-center"],
                page_size=15)
    monkeypatch.setattr(plan, "RARE_LIMIT", 10**9)
    expected = _answer(PointQuery(**base))
    monkeypatch.setattr(plan, "RARE_LIMIT", -1)
    monkeypatch.setattr(plan, "GIN_LIMIT", -1)
    assert _answer(PointQuery(**base)) == expected


@pytest.mark.parametrize(("text", "category"), [("", []), ("儿童", []), ("", ["hospital"])])
def test_nearest_without_radius_is_exact(text, category):
    near = (22.55, 114.06)
    result = run_query(PointQuery(q=text, category=category, near=near, page_size=20), facets=False)
    rows = SearchEntry.objects.filter(latitude__isnull=False)
    if category:
        rows = rows.filter(category__in=category)
    if text:
        rows = rows.filter(location_id__in=[h.location_id for h in run_query(
            PointQuery(q=text, page_size=5000), facets=False).hits])
    distances = sorted(haversine_m(*near, lat, lng) for lat, lng in rows.values_list("latitude", "longitude"))
    assert [round(h.distance_m, 3) for h in result.hits] == [round(d, 3) for d in distances[:20]]


def test_radius_text_category():
    near = (22.55, 114.06)
    result = run_query(PointQuery(q="儿童", category=["children-home"], near=near, radius=2500,
                                  page_size=100))
    assert result.hits
    assert all(h.distance_m <= 2500 for h in result.hits)
    assert [h.distance_m for h in result.hits] == sorted(h.distance_m for h in result.hits)
    assert result.count == len(result.hits)
    assert sum(result.facets["category"].values()) >= result.count


def test_counts_and_facets_stop_at_their_caps(monkeypatch):
    full = run_query(PointQuery(q="社区"))
    assert full.count > 100
    assert not full.count_capped
    monkeypatch.setattr(query, "COUNT_CAP", 100)
    monkeypatch.setattr(query, "FACET_SAMPLE", 50)
    capped = run_query(PointQuery(q="社区"))
    assert capped.count == 100
    assert capped.count_capped
    assert capped.facets_capped
    assert sum(capped.facets["category"].values()) == 50
    for name, counter in capped.facets.items():
        for value, n in counter.items():
            assert n <= full.facets[name][value], (name, value)
