"""HSDS 3.0 forms of caremap's records (Open Referral's Human Services Data Specification).

caremap's Organization, Service, Location, ServiceAtLocation, Phone, Taxonomy and TaxonomyTerm
map one to one. Addresses and schedules are derived from the location. Their ids are UUIDv5 of
the location id, so they stay stable between exports. Taxonomy terms linked to a service or location are HSDS
`attribute`s. Only public records and public fields are written.
"""

import re
import uuid

from caremap.directory.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    Visibility,
)

# The `tel` form `phones.normalise_phones` gives a mobile number (a Beijing landline is +86-10-…).
MOBILE = re.compile(r"\+86-1\d{10}")
_DERIVED = uuid.UUID("0e7c5e1a-4b43-4f0e-9d62-2b8f3c9a7d10")
BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA",
         "sun": "SU"}


def compact(value):
    """Drop absent (None) fields recursively: HSDS types optional fields as non-null."""
    if isinstance(value, dict):
        return {k: compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [compact(v) for v in value]
    return value


def derived_id(*parts) -> str:
    return str(uuid.uuid5(_DERIVED, "/".join(str(p) for p in parts)))


def _stamp(value) -> str:
    return value.isoformat(timespec="milliseconds")


def taxonomy_json(taxonomy: Taxonomy) -> dict:
    return {"id": str(taxonomy.id), "name": taxonomy.name,
            "description": taxonomy.description or taxonomy.name_en, "uri": None,
            "version": None}


def taxonomy_term_json(term: TaxonomyTerm) -> dict:
    return {"id": str(term.id), "code": term.code, "name": term.name,
            "description": term.description or term.name_en, "parent_id": None,
            "taxonomy": term.taxonomy.name, "taxonomy_id": str(term.taxonomy_id),
            "language": "zh-Hans", "term_uri": None}


def _attribute(link_id, link_type: str, term: TaxonomyTerm) -> dict:
    return {"id": derived_id("attribute", link_id, term.id), "link_id": str(link_id),
            "link_type": link_type, "link_entity": link_type,
            "taxonomy_term_id": str(term.id), "value": term.code,
            "taxonomy_term": taxonomy_term_json(term)}


def phones_json(location: Location) -> list[dict]:
    if not location.field_is_public("phones"):
        return []
    return [
        {"id": str(p.id), "location_id": str(location.id), "number": p.number,
         "extension": int(p.extension) if p.extension.isdigit() else None,
         "type": "cell" if MOBILE.fullmatch(p.tel) else "voice",
         "description": p.description or None, "languages": [], "attributes": []}
        for p in location.phones.all() if p.visibility == Visibility.PUBLIC
    ]


def schedules_json(location: Location) -> list[dict]:
    if not location.field_is_public("hours_text") or not location.schedule:
        return []
    rows = []
    for day, code in BYDAY.items():
        for opens, closes in location.schedule.get(day) or []:
            rows.append({
                "id": derived_id("schedule", location.id, day, opens), "location_id": str(location.id),
                "freq": "WEEKLY", "wkst": "MO", "byday": code, "opens_at": opens,
                "closes_at": "23:59" if closes == "24:00" else closes,
                "timezone": 8, "description": location.hours_text,
                "notes": "法定节假日休息" if location.schedule.get("holidays") == "closed" else None,
                "attributes": [],
            })
    return rows


def addresses_json(location: Location) -> list[dict]:
    if not location.field_is_public("address") or not location.address:
        return []
    return [{
        "id": derived_id("address", location.id), "location_id": str(location.id),
        "address_1": location.address, "address_2": None,
        "city": "深圳市", "region": location.district.name if location.district else None,
        "state_province": "广东省", "postal_code": "", "country": "CN",
        "address_type": "physical", "attributes": [],
    }]


def location_json(location: Location) -> dict:
    position = location.has_public_position
    return {
        "id": str(location.id), "location_type": "physical", "url": None,
        "organization_id": str(location.organization_id), "name": location.name,
        "alternate_name": location.alternate_name or None,
        "description": location.description if location.field_is_public("description") else None,
        "transportation": None,
        "latitude": location.latitude if position else None,
        "longitude": location.longitude if position else None,
        "external_identifier": location.source_id or None,
        "external_identifier_type": f"caremap:{location.department_id}" if location.source_id
        else None,
        "languages": [], "addresses": addresses_json(location), "contacts": [],
        "accessibility": [
            {"id": derived_id("accessibility", location.id), "location_id": str(location.id),
             "description": location.accessibility, "details": None, "url": None}
        ] if location.accessibility and location.field_is_public("accessibility") else [],
        "phones": phones_json(location), "schedules": schedules_json(location),
        "attributes": [_attribute(location.id, "location", location.category)] + [
            _attribute(location.id, "location", t) for t in location.target_groups.all()
        ],
    }


def organization_json(org: Organization, with_locations: bool = True) -> dict:
    data = {
        "id": str(org.id), "name": org.name, "alternate_name": org.alternate_name or None,
        "description": org.description or org.name, "email": None,
        "website": org.website or None, "tax_status": None, "tax_id": None,
        "year_incorporated": None, "legal_status": None, "logo": None, "uri": None,
        "parent_organization_id": None,
        "organization_identifiers": [
            {"id": derived_id("credit-code", org.id), "organization_id": str(org.id),
             "identifier_scheme": "CN-USCC", "identifier_type": "统一社会信用代码",
             "identifier": org.credit_code}
        ] if org.credit_code else [],
        "funding": [], "contacts": [], "phones": [], "programs": [], "attributes": [],
    }
    if with_locations:
        data["locations"] = [location_json(loc) for loc in org.locations.public()]
    return data


def _service_base(service: Service) -> dict:
    return {
        "id": str(service.id), "organization_id": str(service.organization_id),
        "name": service.name, "alternate_name": None, "description": service.description or None,
        "url": None, "email": None, "status": "active" if service.status == "active" else "inactive",
        "last_modified": _stamp(service.last_modified),
    }


def service_at_location_json(link: ServiceAtLocation, with_service: bool = True) -> dict:
    data = {
        "id": str(link.id), "service_id": str(link.service_id),
        "location_id": str(link.location_id), "description": link.description or None,
        "contacts": [], "phones": [], "schedules": [], "attributes": [],
        "location": location_json(link.location),
    }
    if with_service:
        data["service"] = _service_base(link.service)
    return data


def service_json(service: Service) -> dict:
    links = [link for link in service.at_locations.all()
             if link.visibility == Visibility.PUBLIC
             and link.location.visibility == Visibility.PUBLIC]
    ages = [(link.location.min_age, link.location.max_age) for link in links]
    data = _service_base(service)
    data.update({
        "application_process": links[0].location.application_process if links else None,
        "fees_description": links[0].location.fee_description or None if links else None,
        "minimum_age": min((a for a, _ in ages if a is not None), default=None),
        "maximum_age": max((b for _, b in ages if b is not None), default=None),
        "organization": organization_json(service.organization, with_locations=False),
        "service_at_locations": [service_at_location_json(link, with_service=False)
                                 for link in links],
        "attributes": [_attribute(service.id, "service", t)
                       for t in service.taxonomy_terms.all()],
        "phones": [], "schedules": [], "service_areas": [], "languages": [], "funding": [],
        "cost_options": [], "required_documents": [], "contacts": [],
    })
    return data
