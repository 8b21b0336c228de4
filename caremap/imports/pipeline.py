"""The import pipeline: read a sheet, check every row, then (unless a dry run) write the good rows.

`run_import` is the one entry point for the command line and the upload page. It takes the acting
user and department and returns an `ImportReport`. A dry run writes only the run log. Applying is
idempotent. A row is matched to its record by (department, source id). Where the sheet has no id,
a digest of the normalised name and address is used instead. A row equal to its record changes
nothing. Every change to an existing record goes through `record_change`, which sends
`location_changed`. Records created in bulk are announced together by `locations_created`.
"""

import dataclasses
import datetime
import logging
import uuid
from collections.abc import Callable
from contextlib import closing, contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from caremap.bulk import BulkInsert
from caremap.directory.models import (
    Department,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    Visibility,
)
from caremap.directory.taxonomies import SERVICE_CONTENT, TARGET_GROUP
from caremap.geo.crs import SYSTEMS
from caremap.keys import uuid7
from caremap.regions.models import Division
from caremap.search.index import write_entries

from . import duplicates
from .findings import ERROR, Finding
from .models import ColumnMapping, DuplicateCandidate, ImportRun, SourceAlias
from .prepare import Names, check_rows, collector_paused, payload_source
from .readers import read_table
from .validate import RowValidator

logger = logging.getLogger(__name__)

# Sent for every record an import updates, merges or creates one at a time, with action
# ("created" | "updated" | "merged"), the location, {field: [old, new]} changes, the acting
# user and the import run.
location_changed = Signal()
# Sent once for each batch of records an import creates in bulk, with their ids, the acting
# user and the import run.
locations_created = Signal()

# Payload fields stored on Location as they are.
PLAIN_FIELDS = (
    "name", "address", "latitude", "longitude", "source_crs", "email", "hours_text", "schedule",
    "description", "min_age", "max_age", "is_free", "verified_by", "verification_outcome",
)


@dataclasses.dataclass
class ImportReport:
    run: ImportRun | None
    filename: str
    department: str
    dry_run: bool
    counts: dict
    findings: list[Finding]

    def as_rows(self) -> list[tuple[int, str, str]]:
        return [(f.row, f.column, f.code) for f in self.findings]


def resolve_department(text: str) -> Department:
    """Return the department named by its code, short name (民政) or full name."""
    for field in ("code", "short_name", "name"):
        found = Department.objects.filter(**{field: text}).first()
        if found:
            return found
    raise Department.DoesNotExist(f"unknown department {text!r}")


def department_of_sheet(data: bytes, filename: str) -> Department:
    """Return the one department a sheet's 部门 (department) column names in every row.

    Raises readers.UnreadableFile for a file that cannot be read, and ValueError when the sheet
    has no department column, leaves it empty, or names more than one department.
    """
    from .mapping import field_for

    table = read_table(data, filename, {})
    columns = [i for i, header in enumerate(table.headers) if field_for(header) == "department"]
    if not columns:
        raise ValueError("the sheet has no department column (部门)")
    names = {cells[columns[0]].strip() for _, cells in table.rows
             if columns[0] < len(cells) and cells[columns[0]].strip()}
    found = set()
    for name in names:
        try:
            found.add(resolve_department(name))
        except Department.DoesNotExist:
            raise ValueError(f"the sheet names an unknown department: {name!r}") from None
    if len(found) != 1:
        named = ", ".join(sorted(d.short_name for d in found)) or "none"
        raise ValueError(f"the sheet's department column names {named}, not exactly one")
    return found.pop()


def _snapshot(location: Location) -> dict:
    data = {field: getattr(location, field) for field in PLAIN_FIELDS}
    data.update(
        category=location.category_id and location.category.code,
        district=location.district_id, street=location.street_id, community=location.community_id,
        # The credit code identifies an organization whatever name a row gives it.
        organization=None if location.organization.credit_code else location.organization.name,
        credit_code=location.organization.credit_code,
        last_verified=location.last_verified.isoformat() if location.last_verified else None,
        phones=[[p.number, p.tel, p.extension] for p in location.phones.all()],
        target_groups=sorted(t.code for t in location.target_groups.all()),
        services=sorted(
            term.code for link in location.service_links.all()
            for term in link.service.taxonomy_terms.all()
        ),
    )
    return data


def _wanted(payload: dict) -> dict:
    # source_crs records how a position arrived, not what it is, so it is not compared.
    wanted = {key: payload.get(key) for key in (
        *(f for f in PLAIN_FIELDS if f != "source_crs"), "category", "district", "street", "community", "organization",
        "credit_code", "last_verified", "phones", "target_groups", "services",
    )}
    if payload["credit_code"]:
        wanted["organization"] = None
    return wanted


def record_change(action: str, location: Location, changes: dict, user=None, run=None) -> None:
    """Record one applied change: log it and tell listeners (history, audit)."""
    logger.info("import change action=%s location=%s fields=%s", action, location.id,
                ",".join(sorted(changes)))
    location_changed.send(sender=Location, action=action, location=location, changes=changes,
                          user=user, run=run)


class Writer:
    """Write cleaned rows of one department; caches vocabularies and organizations."""

    def __init__(self, department: Department, user=None, run: ImportRun | None = None) -> None:
        self.department = department
        self.user = user
        self.run = run
        self.terms = {t.code: t for t in TaxonomyTerm.objects.select_related("taxonomy")}
        self.group_terms = {t.code: t for t in self.terms.values()
                            if t.taxonomy.code == TARGET_GROUP}
        self.content_terms = {t.code: t for t in self.terms.values()
                              if t.taxonomy.code == SERVICE_CONTENT}
        # Organizations by ("credit", code) or ("name", department, name) and services by
        # (organization id, term code), filled as rows are written.
        self.organizations: dict[tuple, Organization] = {}
        self.services: dict[tuple, Service] = {}
        self.preloaded_ids: set = set()
        self.looked_up: set[tuple] = set()

    def _organization_key(self, payload: dict) -> tuple:
        if payload["credit_code"]:
            return ("credit", payload["credit_code"])
        return ("name", payload["department"], payload["organization"])

    def organization(self, payload: dict, create: bool = True) -> Organization:
        """Return the row's organization: by credit code, else by department and name."""
        key = self._organization_key(payload)
        if key in self.organizations:
            return self.organizations[key]
        if key in self.looked_up:
            found = None  # `preload` searched for it and found none
        elif payload["credit_code"]:
            found = Organization.objects.filter(credit_code=payload["credit_code"]).first()
        else:
            found = Organization.objects.filter(
                name=payload["organization"], department_id=payload["department"], credit_code="",
            ).first()
        if found is None:
            found = Organization(name=payload["organization"], credit_code=payload["credit_code"],
                                 department_id=payload["department"])
            if create:
                found.save()
        self.organizations[key] = found
        return found

    def preload(self, payloads: list[dict]) -> None:
        """Fill the organization and service caches for many rows with a few queries."""
        credits = sorted({p["credit_code"] for p in payloads if p["credit_code"]})
        names = sorted({p["organization"] for p in payloads if not p["credit_code"]})
        found: list[Organization] = []
        for start in range(0, len(credits), 500):
            found.extend(Organization.objects.filter(credit_code__in=credits[start:start + 500]))
        for start in range(0, len(names), 500):
            found.extend(Organization.objects.filter(name__in=names[start:start + 500],
                                                     credit_code=""))
        for organization in found:
            if organization.credit_code:
                self.organizations.setdefault(("credit", organization.credit_code), organization)
            else:
                key = ("name", organization.department_id, organization.name)
                self.organizations.setdefault(key, organization)
        ids = sorted({o.id for o in found})
        for start in range(0, len(ids), 500):
            services = Service.objects.filter(
                organization_id__in=ids[start:start + 500]
            ).prefetch_related("taxonomy_terms")
            for service in services:
                for term in service.taxonomy_terms.all():
                    self.services.setdefault((service.organization_id, term.code), service)
        self.preloaded_ids = set(ids)
        self.looked_up.update(self._organization_key(p) for p in payloads)

    def _service(self, organization: Organization, code: str, new: list) -> Service:
        key = (organization.id, code)
        if key not in self.services:
            if organization._state.adding or organization.id in self.preloaded_ids:
                # A new organization has no services yet; a preloaded one has them all cached.
                term = self.content_terms[code]
                self.services[key] = Service(organization=organization, name=term.name)
                new.append((self.services[key], term))
                return self.services[key]
            term = self.content_terms[code]
            found = Service.objects.filter(organization=organization, taxonomy_terms=term).first()
            if found is None:
                found = Service(organization=organization, name=term.name)
                new.append((found, term))
            self.services[key] = found
        return self.services[key]

    def create_many(self, payloads: list[dict], texts: dict | None = None) -> int:
        """Create records for rows that match none, with bulk inserts; return how many.

        New records are written table by table and indexed from the cleaned rows themselves, in
        the same transaction, so nothing is read back. `texts` may give the search text built
        ahead for a row, by (department, source id) (see `prepare.check_rows`).
        """
        if not payloads:
            return 0
        self.preload(payloads)
        organizations, services, service_terms = [], [], []
        locations, phones, groups, links, sources = [], [], [], [], []
        # Organizations and services this call creates, by the keys of the caches above.
        new_organizations: dict[tuple, uuid.UUID] = {}
        new_services: dict[tuple, uuid.UUID] = {}
        # {service id: (name, taxonomy term codes, is public)}, for the index entries.
        facts: dict = {}
        names = Names.load(dict(Division.objects.filter(code__in={
            p[level] for p in payloads for level in ("district", "street", "community") if p[level]
        }).values_list("code", "name")))
        for payload in payloads:
            key = self._organization_key(payload)
            if key in self.organizations:
                organization_id = self.organizations[key].id
            elif key in new_organizations:
                organization_id = new_organizations[key]
            else:
                organization_id = new_organizations[key] = uuid7()
                organizations.append({"id": organization_id, "name": payload["organization"],
                                      "credit_code": payload["credit_code"],
                                      "department_id": payload["department"]})
            location_id = uuid7()
            row = {field: payload[field] for field in PLAIN_FIELDS}
            row.update(
                id=location_id, department_id=payload["department"],
                source_id=payload["source_id"], source_department=payload["department"],
                organization_id=organization_id, category_id=self.terms[payload["category"]].id,
                district_id=payload["district"], street_id=payload["street"],
                community_id=payload["community"],
                last_verified=(datetime.date.fromisoformat(payload["last_verified"])
                               if payload["last_verified"] else None),
            )
            locations.append(row)
            phones.extend(
                {"location_id": location_id, "number": number, "tel": tel, "extension": ext,
                 "order": i}
                for i, (number, tel, ext) in enumerate(payload["phones"])
            )
            groups.extend(
                {"location_id": location_id, "taxonomyterm_id": self.group_terms[code].id}
                for code in payload["target_groups"]
            )
            service_ids = []
            for code in payload["services"]:
                # Every organization found is preloaded, so its services are all cached.
                existing = self.services.get((organization_id, code))
                if existing is not None:
                    service_id = existing.id
                elif (organization_id, code) in new_services:
                    service_id = new_services[(organization_id, code)]
                else:
                    term = self.content_terms[code]
                    service_id = new_services[(organization_id, code)] = uuid7()
                    services.append({"id": service_id, "organization_id": organization_id,
                                     "name": term.name})
                    service_terms.append({"service_id": service_id, "taxonomyterm_id": term.id})
                    facts[service_id] = (term.name, [code], True)
                service_ids.append(service_id)
                links.append({"service_id": service_id, "location_id": location_id})
            source = payload_source(payload, names, location_id, service_ids)
            source.text = (texts or {}).get((payload["department"], payload["source_id"]))
            sources.append(source)

        BulkInsert(Organization).insert(organizations)
        BulkInsert(Service).insert(services)
        BulkInsert(Service.taxonomy_terms.through).insert(service_terms)
        BulkInsert(Location).insert(locations)
        BulkInsert(Phone).insert(phones)
        BulkInsert(Location.target_groups.through).insert(groups)
        BulkInsert(ServiceAtLocation).insert(links)
        # Bulk inserts send no post_save: the new records are indexed here, from their rows.
        facts.update(self._service_facts({i for source in sources for i in source.services
                                          if i not in facts}))
        for source, payload in zip(sources, payloads, strict=True):
            source.services = [facts[i][:2] for i in source.services if facts[i][2]]
            if source.text is not None and sorted(source.services) != sorted(
                    (names.terms[code], [code]) for code in payload["services"]):
                # An existing service renamed, hidden or with more terms: the text built
                # ahead assumed none.
                source.text = None
        write_entries([row["id"] for row in locations], sources, replace=False)
        logger.info("import created records=%d run=%s", len(locations),
                    self.run.id if self.run else None)
        locations_created.send(sender=Location, ids=[row["id"] for row in locations],
                               user=self.user, run=self.run)
        # `organization()` must look these up again: the caches hold no instance of them.
        self.looked_up.difference_update(new_organizations)
        # Nor does the service cache hold the services created here, so `_service` must look
        # up those of a preloaded organization again rather than create a second one.
        self.preloaded_ids.difference_update(organization_id for organization_id, _ in new_services)
        return len(locations)

    @staticmethod
    def _service_facts(ids: set) -> dict:
        """{service id: (name, taxonomy term codes, is public)} of these saved services."""
        facts = {}
        ordered = sorted(ids, key=str)
        for start in range(0, len(ordered), 500):
            for service in Service.objects.filter(
                    id__in=ordered[start:start + 500]).prefetch_related("taxonomy_terms"):
                facts[service.id] = (service.name, [t.code for t in service.taxonomy_terms.all()],
                                     service.visibility == Visibility.PUBLIC)
        return facts

    def _set_relations(self, location: Location, payload: dict) -> None:
        location.phones.all().delete()
        Phone.objects.bulk_create([
            Phone(location=location, number=number, tel=tel, extension=ext, order=i)
            for i, (number, tel, ext) in enumerate(payload["phones"])
        ])
        location.target_groups.set([self.group_terms[c] for c in payload["target_groups"]])
        ServiceAtLocation.objects.filter(location=location).delete()
        for code in payload["services"]:
            new: list = []
            service = self._service(location.organization, code, new)
            for created, term in new:
                created.save()
                created.taxonomy_terms.add(term)
            ServiceAtLocation.objects.get_or_create(service=service, location=location)

    def _fill(self, location: Location, payload: dict) -> None:
        for field in PLAIN_FIELDS:
            setattr(location, field, payload[field])
        location.category = self.terms[payload["category"]]
        location.district_id = payload["district"]
        location.street_id = payload["street"]
        location.community_id = payload["community"]
        location.last_verified = (datetime.date.fromisoformat(payload["last_verified"])
                                  if payload["last_verified"] else None)

    def apply_row(self, payload: dict, existing: Location | None) -> tuple[str, Location]:
        """Create or update one record from a cleaned row; return (action, location)."""
        if existing is not None:
            before = _snapshot(existing)
            after = _wanted(payload)
            changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
            if not changes:
                return "unchanged", existing
            if "organization" in changes or "credit_code" in changes:
                existing.organization = self.organization(payload)
            self._fill(existing, payload)
            existing.save()
            self._set_relations(existing, payload)
            record_change("updated", existing, changes, self.user, self.run)
            return "updated", existing
        location = Location(
            department_id=payload["department"], source_id=payload["source_id"],
            source_department=payload["department"], organization=self.organization(payload),
        )
        self._fill(location, payload)
        location.save()
        self._set_relations(location, payload)
        record_change("created", location, {"source_id": [None, payload["source_id"]]},
                      self.user, self.run)
        return "created", location


# Records looked up per query when matching rows. Each query is built, sent and planned once,
# so fewer, larger ones cost less: a profiled 20,000-row re-import on PostgreSQL took 9.5 s
# with 500 and 8.2 s with 2,000.
EXISTING_CHUNK = 2000


def _existing(keys: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[object, dict]]:
    """Return {(department, source id): (location id, snapshot)} of the records rows may match.

    The snapshots are read with plain value queries, in chunks, and equal `_snapshot(location)`:
    comparing against them tells an unchanged row without loading its record.
    """
    found: dict[tuple[str, str], tuple[object, dict]] = {}
    ordered = sorted(keys)
    columns = [f for f in PLAIN_FIELDS]
    for start in range(0, len(ordered), EXISTING_CHUNK):
        chunk = ordered[start:start + EXISTING_CHUNK]
        rows = Location.objects.filter(
            department_id__in={d for d, _ in chunk}, source_id__in=[s for _, s in chunk]
        ).values("id", "department_id", "source_id", "category__code", "district_id", "street_id",
                 "community_id", "organization__name", "organization__credit_code",
                 "last_verified", *columns)
        by_id = {}
        for row in rows:
            credit = row["organization__credit_code"]
            snapshot = {field: row[field] for field in columns}
            snapshot.update(
                category=row["category__code"], district=row["district_id"],
                street=row["street_id"], community=row["community_id"],
                organization=None if credit else row["organization__name"], credit_code=credit,
                last_verified=row["last_verified"].isoformat() if row["last_verified"] else None,
                phones=[], target_groups=[], services=[],
            )
            by_id[row["id"]] = snapshot
            found[(row["department_id"], row["source_id"])] = (row["id"], snapshot)
        ids = list(by_id)
        phones = Phone.objects.filter(location_id__in=ids).order_by("order", "number")
        for location_id, number, tel, extension in phones.values_list(
                "location_id", "number", "tel", "extension"):
            by_id[location_id]["phones"].append([number, tel, extension])
        groups = Location.target_groups.through.objects.filter(location_id__in=ids)
        for location_id, code in groups.values_list("location_id", "taxonomyterm__code"):
            by_id[location_id]["target_groups"].append(code)
        links = ServiceAtLocation.objects.filter(location_id__in=ids)
        for location_id, code in links.values_list("location_id", "service__taxonomy_terms__code"):
            if code is not None:
                by_id[location_id]["services"].append(code)
        for snapshot in by_id.values():
            snapshot["target_groups"].sort()
            snapshot["services"].sort()
    return found


def _load(location_id) -> Location:
    return (Location.objects.select_related("category", "organization")
            .prefetch_related("phones", "target_groups",
                              "service_links__service__taxonomy_terms")
            .get(id=location_id))


class Applier:
    """Write the good rows of one import, batch by batch, inside the caller's transaction.

    Rows are matched to existing records, held when they duplicate another department's
    record, updated one by one where they changed, and created in bulk. Batches may come while
    later rows are still being checked; the result equals one batch of all rows.
    """

    def __init__(self, department: Department, user, run, counts: dict,
                 findings: list[Finding]) -> None:
        # Two imports of the same department's rows at once would each find a row new and
        # create it twice. Rows may name any department and later batches are not known yet,
        # so every department row is locked, in code order, so that two imports take the
        # locks in the same order and cannot deadlock. The second import waits until the first
        # commits, then matches its records. SQLite needs no lock: its writers already run one
        # at a time (BEGIN IMMEDIATE). A test runs two imports at once on PostgreSQL.
        list(Department.objects.select_for_update(no_key=True).order_by("code"))
        self.counts = counts
        self.findings = findings
        self.run = run
        self.writer = Writer(department, user, run)
        self.aliases = set(SourceAlias.objects.values_list("department_id", "source_id"))
        self.held = set(DuplicateCandidate.objects.filter(
            status=DuplicateCandidate.Status.OPEN).values_list("department_id", "source_key"))
        self.finder = duplicates.DuplicateFinder()

    def add(self, rows: list[tuple[int, dict]], texts: dict | None = None) -> None:
        """Write a batch of (row number, payload); `texts` as for `Writer.create_many`."""
        counts = self.counts
        existing = _existing({(p["department"], p["source_id"]) for _, p in rows})
        to_create = []
        for row, payload in rows:
            key = (payload["department"], payload["source_id"])
            if key in self.aliases:
                counts["unchanged"] += 1  # merged into another department's record earlier
                continue
            if key in self.held:
                counts["duplicates"] += 1
                continue
            current = existing.get(key)
            if current is None:
                twin = self.finder.find(payload)
                if twin is not None:
                    other, reason = twin
                    DuplicateCandidate.objects.create(
                        run=self.run, existing=other, department_id=payload["department"],
                        source_key=payload["source_id"], reason=reason, payload=payload,
                    )
                    self.findings.append(Finding(row, "名称", payload["name"],
                                                 "duplicate_across_departments"))
                    counts["duplicates"] += 1
                    continue
            if current is None:
                to_create.append(payload)
                self.finder.add(None, payload)
                continue
            location_id, snapshot = current
            if all(snapshot[k] == v for k, v in _wanted(payload).items()):
                counts["unchanged"] += 1
                continue
            action, _ = self.writer.apply_row(payload, _load(location_id))
            counts[action] += 1
        counts["created"] += self.writer.create_many(to_create, texts)


def _apply(rows: list[tuple[int, dict]], department: Department, user, run, counts,
           findings: list[Finding]) -> None:
    Applier(department, user, run, counts, findings).add(rows)


def apply_stored(run: ImportRun, user=None) -> tuple[dict, list[Finding]]:
    """Write the good rows stored with a reviewed run (see review.stage), as a direct import would.

    Call it inside a transaction. Returns the created, updated, unchanged and held-duplicate
    counts, and the findings writing added.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0, "duplicates": 0}
    findings: list[Finding] = []
    rows = [(row, payload) for row, payload in run.pending_rows]
    for _, payload in rows:
        # Rows staged before imports read a fee column stated no fee.
        payload.setdefault("is_free", None)
    _apply(rows, run.department, user, run, counts, findings)
    return counts, findings


def _reviewed_role(user):
    """Return the StaffRole whose imports go to review, or None for an import written at once.

    Without a user (the command line run by the server's operator) and for a city
    administrator the import is written at once. Raises access.Denied for a role that may not
    import.
    """
    from caremap.backoffice import access
    from caremap.backoffice.models import Role

    if user is None:
        return None
    access.require(access.can_import(user), user, "import")
    role = access.staff_role(user)
    return None if role.role == Role.CITY_ADMIN else role


# Good rows written at a time while the rest of a sheet is checked.
WRITE_BATCH_ROWS = 5000
# SQLite page cache of the connection while it writes an import. SQLite's default of 2 MiB
# cannot hold the indexes that 100,000 new records touch. A 100,000-row apply took a tenth
# less time with this cache, measured while keys were still random (version 4).
IMPORT_PAGE_CACHE_KIB = 256 * 1024


@contextmanager
def _page_cache(kib: int):
    """Give the SQLite connection a page cache of up to `kib` KiB, and the old size back after.

    Pages are only held as they are read, so a small import uses little of it.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        (before,) = cur.fetchone()
        cur.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(before)}")


def _collect(checked, counts: dict, findings: list[Finding], write=None,
             in_scope=None) -> list[tuple[int, dict]]:
    """Gather checked rows: count them, keep their findings and return the good ones.

    A row repeating an earlier row's source id is rejected. `in_scope(row, payload)` may
    return a finding that rejects a row. `write(rows, texts)`, when given, is called with the
    good rows in batches of WRITE_BATCH_ROWS, and the good rows are then not returned.
    """
    good: list[tuple[int, dict]] = []
    texts: dict[tuple[str, str], dict] = {}
    seen: set[tuple[str, str]] = set()
    for row, payload, row_findings, text in checked:
        if payload is not None:
            key = (payload["department"], payload["source_id"])
            if key in seen:
                row_findings.append(Finding(row, "名称", payload["name"], "duplicate_row"))
                payload = None
            else:
                seen.add(key)
        if payload is not None and in_scope is not None:
            finding = in_scope(row, payload)
            if finding is not None:
                row_findings.append(finding)
                payload = None
        findings.extend(row_findings)
        if payload is None:
            counts["rejected"] += 1
            continue
        counts["valid"] += 1
        good.append((row, payload))
        if text is not None:
            texts[key] = text
        if write is not None and len(good) >= WRITE_BATCH_ROWS:
            write(good, texts)
            good, texts = [], {}
    if write is not None:
        write(good, texts)
        return []
    return good


def _finish_run(run: ImportRun, counts: dict, findings: list[Finding]) -> None:
    """Sort the findings, count the warnings and save both with the run, marked finished."""
    findings.sort(key=lambda f: (f.row, f.column, f.code))
    counts["warnings"] = sum(1 for f in findings if f.level != ERROR)
    run.counts = counts
    run.findings = [f.as_dict() for f in findings]
    run.finished = timezone.now()
    run.save()


@collector_paused()
def run_import(data: bytes, filename: str, department: Department, source_crs: str = "wgs84",
               dry_run: bool = True, user=None,
               progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Check a department's sheet and, unless `dry_run`, write its good rows in one transaction.

    For a district administrator or a department editor, rows outside their scope are
    rejected, and instead of writing, the good rows go to review as one import change set
    (`report.run.changeset`, None when the rows would change nothing). Raises access.Denied for
    a user whose role may not import, readers.UnreadableFile for a file that cannot be read,
    ValueError for an unknown coordinate system and prepare.WorkerDied when a worker process
    checking rows dies. A direct import that fails writes nothing, not even its run, and an
    import that fails while it is staged or submitted for review leaves no run either.
    `progress(done, total)` is called as rows are checked.
    """
    if source_crs not in SYSTEMS:
        raise ValueError(f"unknown coordinate system {source_crs!r}; expected one of {SYSTEMS}")
    from caremap.backoffice import audit, workflow

    from . import review

    role = _reviewed_role(user)
    district_names: dict = {}
    mapping = ColumnMapping.objects.filter(department=department).first()
    saved = mapping.columns if mapping else {}
    table = read_table(data, filename, saved)
    validator = RowValidator(department, table.headers, source_crs, saved,
                             mapping.defaults if mapping else {},
                             area_code=settings.CAREMAP_AREA_CODE)
    counts = {"rows": len(table.rows), "valid": 0, "created": 0, "updated": 0, "unchanged": 0,
              "rejected": 0, "duplicates": 0, "warnings": 0}
    findings: list[Finding] = [*table.findings, *validator.column_findings(table.header_row)]
    # The search text of new records is built while checking, for an import written at once.
    names = None
    if not dry_run and role is None:
        names = Names.load({code: d.name for code, d in validator.matcher.by_code.items()})
        names.known = frozenset(Location.objects.filter(department=department)
                                .values_list("department_id", "source_id"))
    total = len(table.rows)
    checked = check_rows(validator, table.rows, names,
                         (lambda done: progress(done, total)) if progress else None)

    # Closed on the way out, so that workers still checking stop when writing fails.
    with closing(checked):
        if dry_run:
            _collect(checked, counts, findings)
            run = ImportRun(department=department, filename=filename, source_crs=source_crs,
                            dry_run=True, user=user)
            _finish_run(run, counts, findings)
        elif role is None:
            with transaction.atomic(), _page_cache(IMPORT_PAGE_CACHE_KIB):
                # Inside the transaction: a failed import leaves no run behind.
                run = ImportRun.objects.create(department=department, filename=filename,
                                               source_crs=source_crs, dry_run=False, user=user)
                # Batches are written while the workers go on checking the rows after them.
                applier = Applier(department, user, run, counts, findings)
                _collect(checked, counts, findings, applier.add)
                # Inside the transaction too, so written records always come with their run's
                # counts and audit event.
                _finish_run(run, counts, findings)
                audit.record("import", user, object_type="import_run", object_id=run.id,
                             department=department.code, counts=counts)
        else:
            good = _collect(checked, counts, findings, in_scope=lambda row, payload: (
                review.outside_scope(role, row, payload, district_names)))
            in_scope = review.drop_matches_outside_scope(role, good, findings, district_names)
            counts["rejected"] += len(good) - len(in_scope)
            counts["valid"] = len(in_scope)
            # The run, its stored rows and its change set are made in one transaction, so a
            # failure while staging or submitting leaves no run behind.
            with transaction.atomic():
                run = ImportRun.objects.create(department=department, filename=filename,
                                               source_crs=source_crs, dry_run=False, user=user)
                review.stage(in_scope, department, user, run, counts, findings)
                _finish_run(run, counts, findings)
                if counts["created"] + counts["updated"] + counts["duplicates"]:
                    workflow.submit_import(user, run)
                else:
                    # Rows that would change nothing need no review.
                    audit.record("import", user, object_type="import_run", object_id=run.id,
                                 department=department.code, counts=counts)
    logger.info("import finished run=%s file=%s department=%s dry_run=%s rows=%d created=%d "
                "updated=%d unchanged=%d rejected=%d duplicates=%d", run.id, filename,
                department.code, dry_run, counts["rows"], counts["created"], counts["updated"],
                counts["unchanged"], counts["rejected"], counts["duplicates"])
    return ImportReport(run, filename, department.code, dry_run, counts, findings)
