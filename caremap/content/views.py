"""Public pages of the policy library, articles and the benefit navigator."""

import uuid

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from caremap.regions.models import Division

from .forms import NavigatorForm, PolicySearchForm
from .models import Article, Policy
from .navigator import Situation, navigate
from .policy_search import PolicyFilters, search_policies


@require_safe
def policy_list(request):
    form = PolicySearchForm(request.GET or None)
    filters = PolicyFilters()
    if form.is_valid():
        filters = PolicyFilters(**{k: v or "" for k, v in form.cleaned_data.items()})
    return render(request, "content/policy_list.html", {
        "form": form, "policies": search_policies(filters), "searched": bool(request.GET),
    })


@require_safe
def policy_detail(request, policy_id: uuid.UUID):
    policy = get_object_or_404(Policy, id=policy_id)
    return render(request, "content/policy_detail.html", {
        "policy": policy,
        "categories": policy.child_categories.all(),
        "apply_categories": policy.apply_categories.all(),
        "apply_locations": policy.apply_locations.public(),
        "benefits": policy.benefits.filter(active=True),
        "articles": policy.articles.filter(is_published=True),
    })


def _article_list(request, kind: str):
    return render(request, "content/article_list.html", {
        "kind": kind,
        "kind_label": Article.Kind(kind).label,
        "articles": Article.objects.filter(kind=kind, is_published=True),
    })


@require_safe
def news_list(request):
    return _article_list(request, Article.Kind.NEWS)


@require_safe
def case_list(request):
    return _article_list(request, Article.Kind.CASE)


@require_safe
def article_detail(request, article_id: uuid.UUID):
    article = get_object_or_404(Article, id=article_id, is_published=True)
    return render(request, "content/article_detail.html", {"article": article})


def situation_from_form(data: dict) -> Situation:
    near = None
    if data.get("street"):
        street = Division.objects.filter(code=data["street"]).first()
        if street is None or street.anchor_lat is None:
            raise Http404("street not found")
        near = (street.anchor_lat, street.anchor_lng)
    flags = {name: data[name] for name in (
        "orphan", "de_facto_unsupported", "disability", "serious_illness", "migrant",
        "left_behind", "family_difficulty")}
    return Situation(age=data["age"], local_hukou=data["local_hukou"], near=near, **flags)


@require_safe
def navigator_page(request):
    form = NavigatorForm(request.GET or None)
    matches = None
    if form.is_valid():
        matches = navigate(situation_from_form(form.cleaned_data))
    return render(request, "content/navigator.html", {"form": form, "matches": matches})
