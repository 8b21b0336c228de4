"""Find the same place listed by two departments: same organization and normalised address, or
the same normalised name within 50 m."""

import math
from collections import defaultdict

from django.db import transaction

from caremap.directory.models import Location
from caremap.geo.distance import haversine_m
from caremap.search.normalize import normalize

NEAR_M = 50.0
CELL_DEG = 0.001  # about 110 m of latitude: a 50 m neighbour is in the same or a next cell


def _compact(text: str) -> str:
    return normalize(text or "").replace(" ", "")


def _cell(lat: float, lng: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEG), math.floor(lng / CELL_DEG)


class DuplicateFinder:
    def __init__(self) -> None:
        self.by_address: dict[tuple[str, str], list[tuple[str, object]]] = defaultdict(list)
        # Places by (cell, normalised name): a row is compared only with places of its own name.
        self.grid: dict[tuple[int, int, str], list[tuple]] = defaultdict(list)
        rows = Location.objects.values_list(
            "id", "department_id", "name", "address", "latitude", "longitude",
            "organization__credit_code",
        )
        for ident, department, name, address, lat, lng, credit in rows:
            self._add(ident, department, name, address, lat, lng, credit)

    def _add(self, ident, department, name, address, lat, lng, credit) -> None:
        if credit and address:
            self.by_address[(credit, _compact(address))].append((department, ident))
        if lat is not None:
            self.grid[(*_cell(lat, lng), _compact(name))].append((department, ident, lat, lng))

    def add(self, location: Location | None, payload: dict) -> None:
        """Add a row about to be written; its record may not exist yet (location None)."""
        self._add(location.id if location else None, payload["department"], payload["name"], payload["address"],
                  payload["latitude"], payload["longitude"], payload["credit_code"])

    def find(self, payload: dict) -> tuple[Location, str] | None:
        """Return (record of another department, reason) for a row, or None."""
        department = payload["department"]
        if payload["credit_code"] and payload["address"]:
            key = (payload["credit_code"], _compact(payload["address"]))
            for other_department, ident in self.by_address.get(key, []):
                # NOTE: rows of the same file are not written yet (ident None), so two
                # departments' rows inside one file are not compared with each other.
                if other_department != department and ident is not None:
                    return Location.objects.get(id=ident), "same_organization_address"
        lat, lng = payload["latitude"], payload["longitude"]
        if lat is None:
            return None
        name = _compact(payload["name"])
        row, col = _cell(lat, lng)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for other_department, ident, olat, olng in self.grid.get(
                        (row + dr, col + dc, name), []):
                    if other_department != department and ident is not None \
                            and haversine_m(lat, lng, olat, olng) <= NEAR_M:
                        return Location.objects.get(id=ident), "same_name_nearby"
        return None


@transaction.atomic
def merge(candidate, user=None) -> None:
    """Merge a held row into the existing record: it becomes an alias of that record, and
    phone numbers the record lacks are added."""
    from .models import DuplicateCandidate, SourceAlias
    from .pipeline import record_change

    location = candidate.existing
    SourceAlias.objects.get_or_create(department=candidate.department,
                                      source_id=candidate.source_key,
                                      defaults={"location": location})
    known = set(location.phones.values_list("tel", flat=True))
    added = []
    for number, tel, extension in candidate.payload.get("phones", []):
        if tel not in known:
            location.phones.create(number=number, tel=tel, extension=extension,
                                   order=len(known) + len(added))
            added.append(tel)
    candidate.status = DuplicateCandidate.Status.MERGED
    candidate.save(update_fields=["status"])
    record_change("merged", location, {"aliases": [None, candidate.source_key],
                                       "phones": [None, added]}, user)


@transaction.atomic
def keep_separate(candidate, user=None) -> Location:
    """Write the held row as a record of its own department."""
    from caremap.directory.models import Department

    from .models import DuplicateCandidate
    from .pipeline import Writer

    writer = Writer(Department.objects.get(code=candidate.department_id), user)
    # A row held before imports read a fee column has no is_free: it stated no fee.
    payload = {"is_free": None, **candidate.payload}
    _, location = writer.apply_row(payload, None)
    candidate.status = DuplicateCandidate.Status.SEPARATE
    candidate.save(update_fields=["status"])
    return location
