"""Split Chinese queries typed without spaces into words of the index vocabulary.

People type 南山心理 or 福田区儿童之家 with no space. The index checks each term as one unbroken
string, so such a query would match nothing. When it does, the query is tried again with each
CJK run split by forward maximum matching over a vocabulary of place names, vocabulary terms and
synonyms; the parts then must all match, in any field.
"""

from functools import lru_cache

from .normalize import SYNONYMS, is_cjk, normalize, query_terms, runs, synonyms_of

# Division-name suffixes that people leave out: 福田区 → 福田, 南园街道 → 南园.
_SUFFIXES = ("社区居民委员会", "社区居委会", "居委会", "街道", "新区", "社区", "区", "市")
_MAX_WORD = 12


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Return the words a query may be split into (read once per process)."""
    from caremap.directory.models import TaxonomyTerm
    from caremap.regions.models import Division

    words: set[str] = set()
    for name in Division.objects.values_list("name", flat=True):
        name = normalize(name)
        words.add(name)
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                words.add(name.removesuffix(suffix))
                break
    for name in TaxonomyTerm.objects.values_list("name", flat=True):
        words.add(normalize(name))
    for group in SYNONYMS:
        words.update(group)
    return frozenset(w for w in words if len(w) >= 2 and is_cjk(w))


def split_run(run: str, words: frozenset[str]) -> list[str]:
    """Split a CJK run into the longest known words; unknown characters stay together."""
    parts: list[str] = []
    unknown = ""
    i = 0
    while i < len(run):
        for length in range(min(_MAX_WORD, len(run) - i), 1, -1):
            if run[i : i + length] in words:
                if unknown:
                    parts.append(unknown)
                    unknown = ""
                parts.append(run[i : i + length])
                i += length
                break
        else:
            unknown += run[i]
            i += 1
    if unknown:
        parts.append(unknown)
    return parts


def segmented_terms(query: str) -> list[list[str]] | None:
    """Return the query's terms with long CJK runs split into words, or None if nothing splits."""
    words = vocabulary()
    terms: list[list[str]] = []
    changed = False
    for word in normalize(query).split():
        for run in runs(word):
            parts = split_run(run, words) if is_cjk(run) and len(run) >= 3 else [run]
            changed = changed or len(parts) > 1
            terms.extend(synonyms_of(part) for part in parts)
    return terms if changed else None


__all__ = ["query_terms", "segmented_terms", "split_run", "vocabulary"]
