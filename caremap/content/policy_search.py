"""Search and filter the policy library with the same Chinese normalisation as service points.

A few hundred policies fit in memory, so the query is matched exactly against the normalised
text instead of the points' n-gram index. Every query term, or one of its synonyms, must occur
in the title, number, issuing body, theme, summary or body. A Latin term may instead be a
prefix of a pinyin or initials token of the title, as for point names.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from caremap.search.normalize import normalize, pinyin_tokens, query_terms

from .models import Policy


@dataclass
class PolicyFilters:
    q: str = ""
    level: str = ""
    theme: str = ""
    # Target-group term code (孤儿, 困境儿童 ...).
    category: str = ""
    # "in_force", "repealed" or "" for both.
    status: str = ""


def _searchable_text(policy: Policy) -> str:
    parts = [policy.title, policy.doc_number, policy.issuing_body, policy.theme, policy.summary,
             policy.body]
    parts += [term.name for term in policy.child_categories.all()]
    return normalize(" ".join(parts))


def policy_matches(policy: Policy, terms: list[list[str]]) -> bool:
    """Return whether every query term, or a synonym of it, matches the policy."""
    text = _searchable_text(policy)
    title_pinyin = pinyin_tokens(normalize(policy.title))
    for alternatives in terms:
        found = any(
            alt in text or (alt.isascii() and any(tok.startswith(alt) for tok in title_pinyin))
            for alt in alternatives
        )
        if not found:
            return False
    return True


def filtered_policies(filters: PolicyFilters) -> QuerySet:
    qs = Policy.objects.prefetch_related("child_categories")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.theme:
        qs = qs.filter(theme=filters.theme)
    if filters.category:
        qs = qs.filter(child_categories__code=filters.category,
                       child_categories__taxonomy__code="target-group")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.distinct()


def search_policies(filters: PolicyFilters) -> list[Policy]:
    """Return the policies that pass the filters and match the query, in library order."""
    rows = list(filtered_policies(filters))
    terms = query_terms(filters.q) if filters.q else []
    if not terms:
        return rows
    return [policy for policy in rows if policy_matches(policy, terms)]
