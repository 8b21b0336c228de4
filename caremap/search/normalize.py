"""Text normalisation and n-gram tokens for Chinese search.

Queries and indexed text go through the same `normalize`: Unicode NFKC folds full-width letters,
digits and punctuation to half-width, OpenCC's t2s table folds traditional characters to
simplified, then case and whitespace are folded. CJK text is indexed as unigrams plus bigrams,
so 1- and 2-character queries match without a word-segmentation dictionary; Latin text as words.
"""

import re
import unicodedata
from functools import lru_cache

import opencc
from pypinyin import lazy_pinyin
from pypinyin.seg.simpleseg import seg

# CJK Unified Ideographs and Extension A; enough for names and addresses.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_RUN = re.compile(f"[{_CJK}]+|[a-z0-9]+")
_CJK_RUN = re.compile(f"^[{_CJK}]+$")
# Pinyin tokens cover at most this many syllables from each start, which bounds index size.
_PINYIN_SPAN = 6

# Field terms that users write in short or long form; each group is matched as one.
SYNONYMS = [
    ["特教", "特殊教育"],
    ["未保", "未成年人保护", "未成年人救助保护"],
    ["心理", "心理健康", "心理咨询"],
    ["残疾", "残障"],
    ["康复", "复健"],
    ["妇幼", "妇女儿童"],
    ["救助站", "救助管理站"],
    ["社工", "社会工作"],
    ["党群", "党群服务中心"],
]


@lru_cache(maxsize=1)
def _converter():
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Return text folded for matching: half-width, simplified, lower case, single spaces."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = _converter().convert(folded)
    return " ".join(folded.split())


def runs(text: str) -> list[str]:
    """Split normalised text into CJK runs and Latin/digit words; punctuation separates."""
    return _RUN.findall(text)


def is_cjk(run: str) -> bool:
    return bool(_CJK_RUN.match(run))


def grams(text: str) -> list[str]:
    """Return the index tokens of normalised text: CJK unigrams and bigrams, Latin words."""
    tokens: list[str] = []
    for run in runs(text):
        if is_cjk(run):
            tokens.extend(run)
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            tokens.append(run)
    return tokens


@lru_cache(maxsize=65536)
def _word_syllables(word: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(word, errors="ignore"))


def syllables(run: str) -> list[str]:
    """Return the pinyin syllables of a CJK run, read phrase by phrase as pypinyin reads it.

    pypinyin splits a run into words and reads each word. Words such as 社区, 街道 and 儿童之家
    recur across names, so each word's reading is cached and a run's reading is joined from them.
    """
    result: list[str] = []
    for word in seg(run):
        result.extend(_word_syllables(word))
    return result


def pinyin_tokens(text: str, syllables_of=None) -> list[str]:
    """Return pinyin and initials tokens starting at every character of each CJK run.

    '福田区' gives 'futianqu', 'tianqu', 'qu', 'ftq', 'tq', 'q', so the query 'futian', 'tian'
    or 'ft' finds it as a token prefix. `syllables_of(run)` may replace pypinyin's phrase-aware
    reading (the national benchmark set reads character by character, which is much faster).
    """
    tokens: list[str] = []
    for run in runs(text):
        if not is_cjk(run):
            continue
        readings = (syllables_of or syllables)(run)
        initials = [s[0] for s in readings if s]
        for i in range(len(readings)):
            tokens.append("".join(readings[i : i + _PINYIN_SPAN]))
            tokens.append("".join(initials[i : i + _PINYIN_SPAN]))
    return [t for t in tokens if t.isascii() and t.isalnum()]


def compact(text: str) -> str:
    """Return normalised text without spaces and punctuation, for whole-name comparison."""
    return "".join(runs(text))


def synonyms_of(term: str) -> list[str]:
    """Return the term and every synonym of it (normalised)."""
    for group in SYNONYMS:
        if term in group:
            return list(dict.fromkeys([term, *group]))
    return [term]


def matching_alternatives(alternatives: list[str]) -> list[str]:
    """Drop alternatives that contain another one: wherever they occur, the shorter one does.

    '心理健康' and '心理咨询' always contain '心理', so matching '心理' alone finds the same
    entries. Ranking still scores every alternative (an exact name may be the longer one).
    """
    return [a for a in alternatives if not any(b != a and b in a for b in alternatives)]


def query_terms(query: str) -> list[list[str]]:
    """Parse a query into terms (ANDed), each a list of alternatives (ORed): its synonyms.

    Whitespace separates terms; punctuation inside a term splits it into more terms.
    """
    terms: list[list[str]] = []
    for word in normalize(query).split():
        for run in runs(word):
            terms.append(synonyms_of(run))
    return terms
