"""Public listings of a division: its service points, posts and sub-units."""

from django.db.models import Prefetch, Q

from caremap.directory.models import Location, Phone
from caremap.regions.models import Division, Level

from .coverage import points_of
from .directory_pdf import point_url
from .models import Post


def public_points(division: Division) -> list[Location]:
    """Return the division's public service points with their public phones, by name."""
    phones = Prefetch("phones", queryset=Phone.objects.public())
    return list(points_of(division).select_related("category").prefetch_related(phones)
                .order_by("category__order", "name"))


def directory_entries(division: Division, base_url: str) -> list[dict]:
    """Return one dict per public point, with only the fields the public may see.

    base_url prefixes each point's page address (the QR code target), e.g. https://map.example.org.
    """
    entries = []
    for location in public_points(division):
        phones = ", ".join(p.number for p in location.phones.all()) \
            if location.field_is_public("phones") else ""
        entries.append({
            "name": location.name,
            "category": location.category.name,
            "address": location.address if location.field_is_public("address") else "",
            "phones": phones,
            "hours": location.hours_text if location.field_is_public("hours_text") else "",
            "url": point_url(base_url, location),
            "is_demo": location.is_demo,
        })
    return entries


def posts_of(division: Division) -> list[Post]:
    """Return the posts of a street or community page.

    A street lists its supervisor post and the director posts of its communities; a community
    lists its own director post and any post based elsewhere that also covers it.
    """
    posts = Post.objects.select_related("division").prefetch_related("also_covers")
    if division.level == Level.STREET:
        return list(posts.filter(Q(division=division) | Q(division__parent=division))
                    .order_by("-kind", "division_id"))
    own = list(posts.filter(division=division))
    if division.level == Level.COMMUNITY:
        own += list(Post.objects.filter(also_covers=division).select_related("division"))
    return own


def sub_units(division: Division):
    public = Division.objects.public()
    if division.level == Level.CITY:
        return public.filter(level=Level.DISTRICT)
    if division.level == Level.DISTRICT:
        return public.filter(level=Level.STREET, public_district=division)
    if division.level == Level.STREET:
        return public.filter(parent=division)
    return public.none()


def breadcrumbs(division: Division) -> list[Division]:
    """Return the chain from the city down to the division's parent, as the public sees it."""
    chain = []
    current = division
    while current is not None:
        if current.level == Level.STREET and current.public_district_id:
            parent = current.public_district
        else:
            parent = current.parent
        if parent is not None:
            chain.append(parent)
        current = parent
    return list(reversed(chain))
