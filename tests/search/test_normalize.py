import pytest

from caremap.search.normalize import grams, matching_alternatives, normalize, pinyin_tokens, query_terms


@pytest.mark.parametrize(("raw", "expected"), [
    ("ＦＵＴＩＡＮ", "futian"),
    ("福田　区", "福田 区"),
    ("兒童", "儿童"),
    ("  心理\t咨询 ", "心理 咨询"),
])
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_grams_of_cjk_and_latin():
    assert grams("福田区 abc") == ["福", "田", "区", "福田", "田区", "abc"]


def test_grams_drop_punctuation():
    assert "（" not in "".join(grams("儿童之家（演示）"))


def test_pinyin_tokens_cover_suffixes_and_initials():
    tokens = pinyin_tokens("福田区")
    assert "futianqu" in tokens
    assert "tianqu" in tokens
    assert "ftq" in tokens


def test_query_terms_expand_synonyms():
    assert query_terms("特教") == [["特教", "特殊教育"]]
    assert query_terms("福田 心理") == [["福田"], ["心理", "心理健康", "心理咨询"]]


def test_matching_alternatives_drop_longer_forms():
    assert matching_alternatives(["心理", "心理健康", "心理咨询"]) == ["心理"]
    assert matching_alternatives(["特教", "特殊教育"]) == ["特教", "特殊教育"]
