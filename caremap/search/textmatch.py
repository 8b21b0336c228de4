"""Match and rank arbitrary texts with the same normalisation and tiers as point search.

For lists that are small enough to rank in Python (policies, hotlines, help pages): full-width,
traditional characters, pinyin and initials of the title, and the synonym table all work as in
the map's search.

    from caremap.search.textmatch import rank, text_score
    text_score("未保", "深圳市未成年人保护条例", "summary ...")  # > 0
    rank("ft", policies, lambda p: (p.title, p.summary, p.doc_number))
"""

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TypeVar

from .normalize import compact, is_cjk, normalize, pinyin_tokens, query_terms
from .query import (
    ADDRESS,
    EXACT_NAME,
    NAME_CONTAINS,
    NAME_PINYIN,
    NAME_PREFIX,
    SERVICES_OR_GROUPS,
    WHOLE_NAME_BONUS,
    WHOLE_PREFIX_BONUS,
)

T = TypeVar("T")


@lru_cache(maxsize=2048)
def _title_forms(title: str) -> tuple[str, str, tuple[str, ...]]:
    name = normalize(title)
    return name, compact(name), tuple(dict.fromkeys(pinyin_tokens(name)))


def text_score(query: str, title: str, *others: str) -> int:
    """Return the rank score of a text for a query, or 0 when some query term is missing.

    `title` takes the name tiers (exact > prefix > contains > pinyin or initials); the first
    of `others` counts like a point's services, the rest like its address.
    """
    terms = query_terms(query)
    if not terms:
        return 0
    name, name_compact, pinyin = _title_forms(title or "")
    bodies = [normalize(t) for t in others if t]
    total = 0
    for alternatives in terms:
        best = 0
        for alt in alternatives:
            if name_compact == alt:
                score = EXACT_NAME
            elif name_compact.startswith(alt):
                score = NAME_PREFIX
            elif alt in name:
                score = NAME_CONTAINS
            elif not is_cjk(alt) and any(t.startswith(alt) for t in pinyin):
                score = NAME_PINYIN
            elif bodies and alt in bodies[0]:
                score = SERVICES_OR_GROUPS
            elif any(alt in b for b in bodies[1:]):
                score = ADDRESS
            else:
                score = 0
            best = max(best, score)
        if best == 0:
            return 0
        total += best
    whole = compact(normalize(query))
    if name_compact == whole:
        total += WHOLE_NAME_BONUS
    elif name_compact.startswith(whole):
        total += WHOLE_PREFIX_BONUS
    return total


def rank(query: str, items: Iterable[T], texts: Callable[[T], Sequence[str]]) -> list[T]:
    """Return the items that match the query, best first (ties keep the input order)."""
    scored = []
    for position, item in enumerate(items):
        score = text_score(query, *texts(item))
        if score:
            scored.append((-score, position, item))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [item for _, _, item in scored]
