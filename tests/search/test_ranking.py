"""Search results on the demo data: a table of queries and their expected top results."""

import pytest

from caremap.search.query import PointQuery, run_query

pytestmark = pytest.mark.django_db

DEMO = "（演示）"

# (query, expected names of the top results in order, minimum result count)
QUERY_TABLE = [
    ("心理", ["盐田区青少年心理健康服务站", "龙岗区青少年心理健康服务站", "光明区人民医院儿童心理门诊"], 30),
    ("福田", ["福田区未成年人救助保护中心", "福田区特殊教育学校", "福田区青少年心理健康服务站"], 100),
    # 特教 is the short form of 特殊教育 (synonym).
    ("特教", ["龙华区特殊教育学校", "宝安区特殊教育学校", "光明区特殊教育学校"], 10),
    # Pinyin and initials of names.
    ("futian", ["福田区未成年人救助保护中心", "福田区特殊教育学校", "福田区青少年心理健康服务站"], 8),
    ("ft", ["福田区未成年人救助保护中心", "福田区特殊教育学校", "福田区青少年心理健康服务站"], 8),
    # Full-width Latin letters fold to half-width.
    ("ＸＩＮＬＩ", ["盐田区青少年心理健康服务站", "龙岗区青少年心理健康服务站", "光明区人民医院儿童心理门诊"], 20),
    # Traditional characters fold to simplified.
    ("兒童福利", ["深圳市儿童福利中心"], 1),
    # The whole name, as copied with its full-width brackets, ranks first.
    ("福田区特殊教育学校（演示）", ["福田区特殊教育学校"], 1),
    # Several terms are ANDed; a name match ranks before a service match.
    ("福田 心理", ["福田区青少年心理健康服务站", "福田区人民医院儿童心理门诊", "福田区妇幼保健院儿科"], 10),
    ("未保", ["罗湖区未成年人救助保护中心", "宝安区未成年人救助保护中心", "龙岗区未成年人救助保护中心"], 10),
    ("罗湖 儿童之家", ["罗湖桥社区儿童之家", "罗湖社区儿童之家", "罗湖区妇女儿童之家"], 10),
    ("xyzzy", [], 0),
    ("火星基地", [], 0),
]


@pytest.mark.parametrize(("q", "expected", "minimum"), QUERY_TABLE)
def test_query_top_results(q, expected, minimum):
    from caremap.directory.models import Location

    result = run_query(PointQuery(q=q, page_size=len(expected) or 1))
    names = list(
        Location.objects.filter(id__in=[h.location_id for h in result.hits]).values_list("id", "name")
    )
    by_id = dict(names)
    top = [by_id[h.location_id].removesuffix(DEMO) for h in result.hits][: len(expected)]
    assert top == expected
    assert result.count >= minimum
    if not expected:
        assert result.count == 0


def test_name_match_ranks_before_address_match():
    # 福田 is in the name of district-level points and in the address of every point there.
    result = run_query(PointQuery(q="福田", page_size=100))
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]


def test_bigram_false_positive_is_dropped():
    # 教育 and 特殊 both occur in the index, but no name or text contains 育特.
    assert run_query(PointQuery(q="育特")).count == 0


def test_index_follows_writes(django_capture_on_commit_callbacks):
    from caremap.directory.models import Location

    point = Location.objects.get(name="福田区特殊教育学校（演示）")
    with django_capture_on_commit_callbacks(execute=True):
        point.name = "福田区星光融合学校（演示）"
        point.save()
    assert run_query(PointQuery(q="星光融合")).count == 1
    with django_capture_on_commit_callbacks(execute=True):
        point.visibility = "staff"
        point.save()
    assert run_query(PointQuery(q="星光融合")).count == 0
