"""Public JSON forms of service points, divisions and policies.

Only public records and public fields are written; a field marked staff-only or hidden is left
out entirely, never sent empty. Positions are converted to the requested coordinate system.
"""

from caremap.directory.models import SERVICE_LINKS, Location, Visibility
from caremap.directory.schedule import is_open
from caremap.geo.crs import from_wgs84
from caremap.regions.models import Division
from caremap.web.opening import opening_state


def division_ref(division: Division | None) -> dict | None:
    if division is None:
        return None
    return {"code": division.code, "name": division.name}


def term_ref(term) -> dict:
    return {"code": term.code, "name": term.name, "name_en": term.name_en}


def _position(location: Location, system: str) -> dict | None:
    if not location.has_public_position:
        return _coarse_position(location, system)
    lat, lng = from_wgs84(location.latitude, location.longitude, system)
    return {"lat": round(lat, 6), "lng": round(lng, 6), "crs": system}


def _coarse_position(location: Location, system: str) -> dict | None:
    """For a record whose exact position is staff-only: its street's (or district's) anchor.

    Taken from the division, never from the record's own coordinates, so it tells nothing
    the public region fields do not already tell.
    """
    for division in (location.street, location.district):
        if division is not None and division.anchor_lat is not None:
            lat, lng = from_wgs84(division.anchor_lat, division.anchor_lng, system)
            return {"lat": round(lat, 3), "lng": round(lng, 3), "crs": system, "approximate": True}
    return None


def _phones(location: Location) -> list[dict]:
    if not location.field_is_public("phones"):
        return []
    return [
        {"number": p.number, "tel": p.tel, "description": p.description}
        for p in location.phones.all() if p.visibility == Visibility.PUBLIC
    ]


def point_summary(location: Location, system: str, distance_m: float | None = None,
                  now=None) -> dict:
    data = {
        "id": str(location.id),
        "name": location.name,
        "category": term_ref(location.category),
        "department": {"code": location.department.code, "name": location.department.short_name},
        "region": {
            "district": division_ref(location.district),
            "street": division_ref(location.street),
            "community": division_ref(location.community),
        },
        "location": _position(location, system),
        "phones": _phones(location),
        "is_free": location.is_free,
        "status": location.status,
    }
    if location.field_is_public("address"):
        data["address"] = location.address
    if location.field_is_public("hours_text"):
        data["hours_text"] = location.hours_text
        data["open_now"] = is_open(location.schedule, now)
        # When it next closes (open now) or opens (closed now), ISO 8601 in Asia/Shanghai time.
        state = opening_state(location.schedule, now)
        data["closes_at"] = state.closes_at.isoformat() if state.closes_at else None
        data["opens_at"] = state.opens_at.isoformat() if state.opens_at else None
    if distance_m is not None:
        data["distance_m"] = round(distance_m, 1)
    return data


def point_detail(location: Location, system: str) -> dict:
    data = point_summary(location, system)
    services = [
        {"id": str(link.service.id), "name": link.service.name,
         "description": link.service.description}
        for link in location.service_links.all()
        if link.visibility == Visibility.PUBLIC and link.service.visibility == Visibility.PUBLIC
    ]
    data.update({
        "alternate_name": location.alternate_name,
        "organization": {"id": str(location.organization.id), "name": location.organization.name}
        if location.organization.visibility == Visibility.PUBLIC else None,
        "services": services,
        "target_groups": [term_ref(t) for t in location.target_groups.all()],
        "eligibility": {"min_age": location.min_age, "max_age": location.max_age},
        "fee_description": location.fee_description,
        "application_process": location.application_process,
        "last_verified": location.last_verified.isoformat() if location.last_verified else None,
        "is_demo": location.is_demo,
    })
    for field in ("description", "accessibility", "email"):
        if location.field_is_public(field):
            data[field] = getattr(location, field)
    if location.field_is_public("hours_text"):
        data["schedule"] = location.schedule
    data["wheelchair_accessible"] = location.wheelchair_accessible
    return data


def locations_in_order(ids) -> list[Location]:
    """Load public locations for the given ids, in the given order."""
    rows = (
        Location.objects.public()
        .filter(id__in=ids)
        .select_related("category", "department", "district", "street", "community", "organization")
        .prefetch_related("phones", "target_groups", SERVICE_LINKS)
    )
    by_id = {loc.id: loc for loc in rows}
    return [by_id[i] for i in ids if i in by_id]
