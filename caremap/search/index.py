"""Build and maintain SearchEntry rows (and the backend's indexes) from service points.

Only public records and public fields are indexed, so nothing staff-only can be found by search
or by distance.
"""

import logging

from django.db import connection, transaction

from caremap.directory.models import SERVICE_LINKS, Location, Visibility

from .backends import get_backend
from .models import SearchEntry
from .normalize import grams, normalize, pinyin_tokens

logger = logging.getLogger(__name__)


def _locations(ids=None):
    qs = Location.objects.select_related(
        "category", "department", "district", "street", "community"
    ).prefetch_related("target_groups", SERVICE_LINKS)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    return qs


def entry_fields(location: Location) -> dict:
    """Return the SearchEntry field values of one public location."""
    name = normalize(" ".join(filter(None, [location.name, location.alternate_name])))
    services = [
        link.service.name for link in location.service_links.all()
        if link.visibility == Visibility.PUBLIC and link.service.visibility == Visibility.PUBLIC
    ]
    body = normalize(" ".join([
        location.category.name,
        location.department.short_name,
        *services,
        *(g.name for g in location.target_groups.all()),
    ]))
    regions = [d.name for d in (location.district, location.street, location.community) if d]
    address_parts = [*regions]
    if location.field_is_public("address"):
        address_parts.insert(0, location.address)
    address = normalize(" ".join(address_parts))
    name_pinyin = " ".join(dict.fromkeys(pinyin_tokens(name)))
    tokens = dict.fromkeys([*grams(name), *name_pinyin.split(), *grams(body), *grams(address)])
    public_position = location.has_public_position
    return {
        "name": name,
        "name_pinyin": name_pinyin,
        "body": body,
        "address": address,
        "grams": " ".join(tokens),
        "latitude": location.latitude if public_position else None,
        "longitude": location.longitude if public_position else None,
    }


def _is_indexed(location: Location) -> bool:
    return location.visibility == Visibility.PUBLIC and location.status != Location.Status.CLOSED


@transaction.atomic
def index_locations(ids) -> None:
    """Bring the index rows of these locations in step with the records."""
    backend = get_backend()
    ids = list(ids)
    existing = dict(SearchEntry.objects.filter(location_id__in=ids).values_list("location_id", "id"))
    written, removed = [], []
    for location in _locations(ids):
        if not _is_indexed(location):
            continue
        entry_id = existing.pop(location.id, None)
        entry = SearchEntry(id=entry_id, location=location, **entry_fields(location))
        entry.save()
        written.append(entry)
    # Whatever is left in `existing` is no longer public or no longer exists.
    removed = list(existing.values())
    if removed:
        # Deleting the rows drops their backend index rows too (search.signals).
        SearchEntry.objects.filter(id__in=removed).delete()
    backend.write(written)


@transaction.atomic
def reindex_all(batch_size: int = 500) -> int:
    """Rebuild every index row from the records; return the number of indexed points."""
    backend = get_backend()
    backend.clear()
    # A plain DELETE: a queryset delete would send a signal per row.
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {SearchEntry._meta.db_table}")
    count = 0
    all_ids = list(Location.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(all_ids), batch_size):
        batch = [
            SearchEntry(location=location, **entry_fields(location))
            for location in _locations(all_ids[start : start + batch_size])
            if _is_indexed(location)
        ]
        count += _flush(batch, backend)
    logger.info("search index rebuilt entries=%d", count)
    return count


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


def forget_entries(ids) -> None:
    """Remove backend index rows of deleted SearchEntry rows."""
    get_backend().delete(list(ids))
