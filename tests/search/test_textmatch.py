"""The text matcher other lists (policies) share with point search."""

import pytest

from caremap.search.textmatch import rank, text_score

POLICIES = [
    ("中华人民共和国未成年人保护法", "国家层面的未成年人保护基本法律"),
    ("广东省特殊教育提升行动计划", "特殊教育学校与融合教育"),
    ("深圳市儿童友好城市建设规划", "福田 罗湖 儿童友好"),
    ("关于加强困境儿童保障工作的意见", "孤儿 事实无人抚养儿童 心理健康"),
]


@pytest.mark.parametrize(("query", "first"), [
    ("未保", "中华人民共和国未成年人保护法"),  # synonym
    ("特教", "广东省特殊教育提升行动计划"),  # synonym
    ("兒童友好", "深圳市儿童友好城市建设规划"),  # traditional
    ("ＳＺ", "深圳市儿童友好城市建设规划"),  # full-width initials
    ("shenzhen", "深圳市儿童友好城市建设规划"),  # pinyin
    ("心理", "关于加强困境儿童保障工作的意见"),  # body match
    ("儿童", "深圳市儿童友好城市建设规划"),  # title before body; input order breaks ties
])
def test_rank_puts_the_expected_text_first(query, first):
    assert rank(query, POLICIES, lambda p: p)[0][0] == first


def test_missing_term_scores_zero():
    assert text_score("火星", *POLICIES[0]) == 0
    assert text_score("", *POLICIES[0]) == 0
    assert rank("火星 儿童", POLICIES, lambda p: p) == []


def test_title_tiers_order():
    exact = text_score("特殊教育", "特殊教育")
    prefix = text_score("特殊教育", "特殊教育学校")
    contains = text_score("特殊教育", "广东省特殊教育学校")
    body = text_score("特殊教育", "学校", "特殊教育")
    assert exact > prefix > contains > body > 0
