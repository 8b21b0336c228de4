"""Queries typed without spaces are split into known words when they match nothing as typed."""

import pytest

from caremap.directory.models import Location
from caremap.search.query import PointQuery, run_query
from caremap.search.segment import split_run

pytestmark = pytest.mark.django_db

WORDS = frozenset({"南山", "南山区", "心理", "儿童之家", "福田区"})


@pytest.mark.parametrize(("run", "parts"), [
    ("南山心理", ["南山", "心理"]),
    ("南山区心理", ["南山区", "心理"]),
    ("福田区儿童之家", ["福田区", "儿童之家"]),
    ("心理咨询", ["心理", "咨询"]),
    ("咨询", ["咨询"]),
])
def test_split_run_longest_words(run, parts):
    assert split_run(run, WORDS) == parts


def _names(q: str, size: int = 3) -> list[str]:
    result = run_query(PointQuery(q=q, page_size=size))
    by_id = dict(Location.objects.filter(id__in=[h.location_id for h in result.hits]).values_list("id", "name"))
    return [by_id[h.location_id].removesuffix("（演示）") for h in result.hits]


@pytest.mark.parametrize(("typed", "spaced"), [
    ("南山心理", "南山 心理"),
    ("福田特教", "福田 特教"),
    ("福田区儿童之家", "福田区 儿童之家"),
    ("罗湖心理", "罗湖 心理"),
])
def test_unspaced_query_matches_spaced(typed, spaced):
    assert _names(typed, 20)
    assert _names(typed, 20) == _names(spaced, 20)


def test_query_matching_as_typed_is_not_split():
    # 心理门诊 occurs as written in names, so it is not read as 心理 + 门诊.
    assert all("心理门诊" in name for name in _names("心理门诊", 10))


def test_unknown_text_still_matches_nothing():
    assert _names("火星基地") == []
