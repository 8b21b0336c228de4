"""Template filters that show vocabulary in the active language and place names with pinyin."""

from django import template
from django.utils.translation import get_language
from pypinyin import lazy_pinyin

register = template.Library()


def _english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def term_name(term) -> str:
    """Return a taxonomy term's or department's English name on English pages, else its Chinese."""
    if term is None:
        return ""
    if _english() and getattr(term, "name_en", ""):
        return term.name_en
    return getattr(term, "short_name", None) or term.name


# Generic endings of division names, written as a separate word in the romanised form.
_GENERIC_ENDINGS = ("新区", "街道", "社区", "区", "村")


def romanise(name: str) -> str:
    """Return the Hanyu Pinyin of a place name in map style: 福田区 → "Futian Qu"."""
    for ending in _GENERIC_ENDINGS:
        if name.endswith(ending) and len(name) > len(ending):
            proper, generic = name[: -len(ending)], ending
            break
    else:
        proper, generic = name, ""
    words = ["".join(lazy_pinyin(proper)).capitalize()]
    if generic:
        words.append("".join(lazy_pinyin(generic)).capitalize())
    return " ".join(words)


@register.filter
def place(division) -> str:
    """Return a division's Chinese name, followed on English pages by its pinyin: 福田区 (Futian Qu)."""
    if division is None:
        return ""
    if _english():
        return f"{division.name} ({romanise(division.name)})"
    return division.name
