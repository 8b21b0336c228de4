"""Build and maintain SearchEntry rows (and the backend's indexes) from service points.

Only public records and public fields are indexed, so nothing staff-only can be found by search,
by distance, in a facet count or in a map cluster.
"""

import logging
from collections import Counter

from django.db import connection, transaction

from caremap.directory.models import SERVICE_LINKS, Location, Visibility

from . import cells
from .backends import category_key, get_backend
from .models import GramCount, SearchEntry
from .normalize import compact, grams, normalize, pinyin_tokens
from .plan import NAME_PREFIX_KEY, TOTAL_KEY

logger = logging.getLogger(__name__)


def _locations(ids=None):
    qs = Location.objects.select_related(
        "category", "department", "district", "street", "community"
    ).prefetch_related("target_groups", SERVICE_LINKS, "service_links__service__taxonomy_terms")
    if ids is not None:
        qs = qs.filter(id__in=ids)
    return qs


def codes_field(codes) -> str:
    """Return codes as stored for LIKE '% code %' matching: a space on each side."""
    codes = sorted(set(codes))
    return f" {' '.join(codes)} " if codes else ""


def entry_fields(location: Location) -> dict:
    """Return the SearchEntry field values of one public location."""
    name = normalize(" ".join(filter(None, [location.name, location.alternate_name])))
    links = [
        link for link in location.service_links.all()
        if link.visibility == Visibility.PUBLIC and link.service.visibility == Visibility.PUBLIC
    ]
    groups = list(location.target_groups.all())
    body = normalize(" ".join([
        location.category.name,
        location.department.short_name,
        *(link.service.name for link in links),
        *(g.name for g in groups),
    ]))
    regions = [d.name for d in (location.district, location.street, location.community) if d]
    address_parts = [*regions]
    if location.field_is_public("address"):
        address_parts.insert(0, location.address)
    address = normalize(" ".join(address_parts))
    public_position = location.has_public_position
    lat = location.latitude if public_position else None
    lng = location.longitude if public_position else None
    return text_fields(name, body, address) | {
        "latitude": lat,
        "longitude": lng,
        **position_fields(lat, lng),
        "category": location.category.code,
        "category_key": category_key(location.category.code),
        "department": location.department_id,
        "district": location.district_id or "",
        "street": location.street_id or "",
        "community": location.community_id or "",
        "target_groups": codes_field(g.code for g in groups),
        "service_terms": codes_field(
            t.code for link in links for t in link.service.taxonomy_terms.all()
        ),
        "is_free": location.is_free,
        "min_age": location.min_age,
        "max_age": location.max_age,
        "verified": location.last_verified.toordinal() if location.last_verified else 0,
    }


def text_fields(name: str, body: str, address: str, syllables_of=None) -> dict:
    """Return the text columns of an entry from its normalised name, body and address."""
    name_pinyin = " ".join(dict.fromkeys(pinyin_tokens(name, syllables_of)))
    tokens = dict.fromkeys([*grams(name), *name_pinyin.split(), *grams(body), *grams(address)])
    return {
        "name": name,
        "name_compact": compact(name),
        # A leading space, so LIKE '% tian%' finds a token prefix at the start too.
        "name_pinyin": f" {name_pinyin}" if name_pinyin else "",
        "body": body,
        "address": address,
        "grams": " ".join(tokens),
    }


def position_fields(lat, lng) -> dict:
    if lat is None or lng is None:
        return {"merc_x": None, "merc_y": None}
    x, y = cells.mercator(lat, lng)
    return {"merc_x": x, "merc_y": y}


def _is_indexed(location: Location) -> bool:
    return location.visibility == Visibility.PUBLIC and location.status != Location.Status.CLOSED


@transaction.atomic
def index_locations(ids) -> None:
    """Bring the index rows of these locations in step with the records."""
    backend = get_backend()
    ids = list(ids)
    existing = {e.location_id: e for e in SearchEntry.objects.filter(location_id__in=ids)}
    written = []
    for location in _locations(ids):
        if not _is_indexed(location):
            continue
        old = existing.pop(location.id, None)
        if old is not None:
            cells.apply([old], -1)
        entry = SearchEntry(id=old.id if old else None, location=location, **entry_fields(location))
        entry.save()
        written.append(entry)
    cells.apply(written, +1)
    # Whatever is left in `existing` is no longer public or no longer exists. Deleting the rows
    # drops their backend index rows and cluster counts too (search.signals).
    if existing:
        for entry in existing.values():
            entry.delete()
    backend.write(written)


@transaction.atomic
def reindex_all(batch_size: int = 500) -> int:
    """Rebuild every index row from the records; return the number of indexed points."""
    backend = get_backend()
    backend.clear()
    # Plain DELETEs: a queryset delete would send a signal per row.
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {SearchEntry._meta.db_table}")
    count = 0
    gram_counts: Counter = Counter()
    all_ids = list(Location.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(all_ids), batch_size):
        batch = [
            SearchEntry(location=location, **entry_fields(location))
            for location in _locations(all_ids[start : start + batch_size])
            if _is_indexed(location)
        ]
        for entry in batch:
            count_grams(gram_counts, entry)
        count += _flush(batch, backend)
    cells.rebuild()
    gram_counts[TOTAL_KEY] = count
    store_gram_counts(gram_counts)
    logger.info("search index rebuilt entries=%d", count)
    return count


def count_grams(gram_counts: Counter, entry) -> None:
    """Add one entry's tokens, and its name's tokens under NAME_PREFIX_KEY, to the counts."""
    gram_counts.update(entry.grams.split())
    gram_counts.update(NAME_PREFIX_KEY + g for g in set(grams(entry.name)))


def store_gram_counts(gram_counts: Counter) -> None:
    """Replace the planner's token counts (see GramCount)."""
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {GramCount._meta.db_table}")
    GramCount.objects.bulk_create(
        [GramCount(gram=g[:64], entries=n) for g, n in gram_counts.items()], batch_size=2000,
        ignore_conflicts=True,
    )


def _flush(batch: list[SearchEntry], backend) -> int:
    if not batch:
        return 0
    created = SearchEntry.objects.bulk_create(batch)
    if created and created[0].id is None:
        # Backends that cannot return ids from bulk inserts: read them back.
        by_location = dict(
            SearchEntry.objects.filter(location_id__in=[e.location_id for e in batch])
            .values_list("location_id", "id")
        )
        for entry in created:
            entry.id = by_location[entry.location_id]
    backend.write(created)
    return len(created)


def forget_entries(entries) -> None:
    """Remove the backend index rows and cluster counts of deleted SearchEntry rows."""
    entries = list(entries)
    get_backend().delete([e.id for e in entries])
    cells.apply(entries, -1)
