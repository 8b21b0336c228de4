"""Build and maintain SearchEntry rows (and the backend's indexes) from service points.

Only public records and public fields are indexed, so nothing staff-only can be found by search,
by distance, in a facet count or in a map cluster.
"""

import dataclasses
import datetime
import logging
from collections import Counter
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Max

from caremap.bulk import BulkInsert
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


@dataclasses.dataclass
class EntrySource:
    """The public facts an index entry is made of.

    `source_of` reads them from a saved record; an import builds them from its cleaned rows,
    so that new records are indexed without being read back.
    """

    location_id: object
    name: str
    alternate_name: str
    category_code: str
    category_name: str
    department_id: str
    department_short_name: str
    # Public services as (name, taxonomy term codes) and target groups as (name, code).
    services: list[tuple[str, list[str]]]
    groups: list[tuple[str, str]]
    # Names of the district, street and community, those that are set.
    regions: list[str]
    district_id: str | None
    street_id: str | None
    community_id: str | None
    # None where the field is not public.
    address: str | None
    latitude: float | None
    longitude: float | None
    # None where the record does not state whether it charges.
    is_free: bool | None
    min_age: int | None
    max_age: int | None
    last_verified: datetime.date | None
    # The entry's text columns where they were built ahead (see `imports.prepare`), else None.
    text: dict | None = None


def source_of(location: Location) -> EntrySource:
    """Read the public facts of one record (with its links prefetched, see `_locations`)."""
    links = [
        link for link in location.service_links.all()
        if link.visibility == Visibility.PUBLIC and link.service.visibility == Visibility.PUBLIC
    ]
    public_position = location.has_public_position
    return EntrySource(
        location_id=location.id, name=location.name, alternate_name=location.alternate_name,
        category_code=location.category.code, category_name=location.category.name,
        department_id=location.department_id,
        department_short_name=location.department.short_name,
        services=[(link.service.name, [t.code for t in link.service.taxonomy_terms.all()])
                  for link in links],
        groups=[(g.name, g.code) for g in location.target_groups.all()],
        regions=[d.name for d in (location.district, location.street, location.community) if d],
        district_id=location.district_id, street_id=location.street_id,
        community_id=location.community_id,
        address=location.address if location.field_is_public("address") else None,
        latitude=location.latitude if public_position else None,
        longitude=location.longitude if public_position else None,
        is_free=location.is_free, min_age=location.min_age, max_age=location.max_age,
        last_verified=location.last_verified,
    )


def entry_fields(source: EntrySource) -> dict:
    """Return the SearchEntry field values of one public location."""
    lat, lng = source.latitude, source.longitude
    return (source.text or source_text(source)) | {
        "latitude": lat,
        "longitude": lng,
        **position_fields(lat, lng),
        "category": source.category_code,
        "category_key": category_key(source.category_code),
        "department": source.department_id,
        "district": source.district_id or "",
        "street": source.street_id or "",
        "community": source.community_id or "",
        "target_groups": codes_field(code for _, code in source.groups),
        "service_terms": codes_field(code for _, codes in source.services for code in codes),
        "is_free": source.is_free,
        "min_age": source.min_age,
        "max_age": source.max_age,
        "verified": source.last_verified.toordinal() if source.last_verified else 0,
    }


def source_text(source: EntrySource) -> dict:
    """Return the text columns of one location's entry (see `text_fields`)."""
    name = normalize(" ".join(filter(None, [source.name, source.alternate_name])))
    # Sorted, so an entry built from an import's rows equals one built from the saved record,
    # whose links the database returns in no fixed order.
    services = sorted(source.services, key=lambda service: (service[1], service[0]))
    groups = sorted(source.groups, key=lambda group: group[1])
    body = normalize(" ".join([
        source.category_name,
        source.department_short_name,
        *(name for name, _ in services),
        *(name for name, _ in groups),
    ]))
    address_parts = list(source.regions)
    if source.address is not None:
        address_parts.insert(0, source.address)
    return text_fields(name, body, normalize(" ".join(address_parts)))


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
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        write_entries(chunk, [source_of(location) for location in _locations(chunk)
                              if _is_indexed(location)])


@transaction.atomic
def write_entries(location_ids, sources: list[EntrySource], replace: bool = True) -> None:
    """Replace the index rows of these locations by entries made from `sources`.

    `sources` contains the public ones among them, and a location without a source loses its
    entry. Rows are written in bulk, and their backend index rows and cluster counts follow.
    With `replace` false the locations are new, so there is no old entry to look for.
    """
    backend = get_backend()
    location_ids = list(location_ids) if replace else []
    old = []
    for start in range(0, len(location_ids), 500):
        old.extend(SearchEntry.objects.filter(location_id__in=location_ids[start:start + 500])
                   .only("id", "latitude", "longitude", "merc_x", "merc_y", "category"))
    if old:
        old_ids = [e.id for e in old]
        backend.delete(old)
        cells.apply(old, -1)
        # Plain DELETEs: a queryset delete would send a signal per row.
        with connection.cursor() as cur:
            for start in range(0, len(old_ids), 500):
                chunk = old_ids[start:start + 500]
                cur.execute(f"DELETE FROM {SearchEntry._meta.db_table} WHERE id IN "
                            f"({', '.join(['%s'] * len(chunk))})", chunk)
    rows = [{"location_id": source.location_id, **entry_fields(source)} for source in sources]
    if not rows:
        return
    if backend.needs_ids:
        # SQLite gives new rows ids above the largest one, and its transactions begin
        # IMMEDIATE (settings.py), so no other writer adds rows until this one commits.
        highest = SearchEntry.objects.aggregate(highest=Max("id"))["highest"] or 0
    BulkInsert(SearchEntry).insert(rows)
    written = [SimpleNamespace(**row) for row in rows]
    if backend.needs_ids:
        by_location = dict(SearchEntry.objects.filter(id__gt=highest)
                           .values_list("location_id", "id"))
        for entry in written:
            entry.id = by_location[entry.location_id]
        backend.write(written)
    cells.apply(written, +1)


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
            SearchEntry(location=location, **entry_fields(source_of(location)))
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
    """Remove the backend index rows and cluster counts of SearchEntry rows being deleted."""
    entries = list(entries)
    get_backend().delete(entries)
    cells.apply(entries, -1)
