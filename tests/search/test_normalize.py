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


def test_syllables_match_whole_run_reading():
    # The per-word cache must not change a reading: every Shenzhen division name, and names
    # whose characters read differently by phrase (长/重/行/乐/会/都/朝).
    import csv
    from pathlib import Path

    from pypinyin import lazy_pinyin

    from caremap.search.normalize import is_cjk, runs, syllables

    data = Path(__file__).resolve().parents[2] / "caremap/regions/data/shenzhen_divisions.csv"
    with data.open(encoding="utf-8") as f:
        names = [row["name"] for row in csv.DictReader(f)]
    names += ["长安街道重庆路银行营业厅", "行政服务中心", "会展中心社区", "乐园路都市花园",
              "朝阳社区长者服务站", "重点青少年成长营", "银行家园", "长大成人"]
    checked = 0
    for name in names:
        for run in runs(name):
            if is_cjk(run):
                assert syllables(run) == lazy_pinyin(run, errors="ignore"), run
                checked += 1
    assert checked > 850
