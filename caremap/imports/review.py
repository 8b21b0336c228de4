"""Imports that go to review: staging the checked rows, the reviewer's diffs, and the stale check.

An import by a district administrator or a department editor writes no record. `stage` runs
the pipeline's own write step in a savepoint that is rolled back, which gives the counts and
findings a direct import would give, and stores the good rows with the run. Publishing the
change set applies the stored rows through `pipeline.apply_stored`, unless a matched record
changed in the meantime (`changed_since_check`).
"""

import hashlib
import json
import logging

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from caremap.directory.models import Location, TaxonomyTerm
from caremap.regions.models import Division

from . import pipeline
from .findings import Finding
from .models import ImportRun
from .validate import HEADERS

logger = logging.getLogger(__name__)

# Labels of the compared fields, in display order: the default sheet headers where one exists.
FIELD_LABELS = {
    "name": HEADERS["name"], "organization": HEADERS["organization"],
    "credit_code": HEADERS["credit_code"], "category": HEADERS["category"],
    "address": HEADERS["address"], "district": HEADERS["district"],
    "street": HEADERS["street"], "community": HEADERS["community"],
    "latitude": HEADERS["latitude"], "longitude": HEADERS["longitude"],
    "phones": HEADERS["phone"], "email": HEADERS["email"], "hours_text": HEADERS["hours"],
    "schedule": _("Opening hours (parsed)"), "target_groups": HEADERS["target_groups"],
    "services": HEADERS["services"], "description": HEADERS["description"],
    "min_age": HEADERS["min_age"], "max_age": HEADERS["max_age"], "is_free": HEADERS["is_free"],
    "last_verified": HEADERS["last_verified"], "verified_by": HEADERS["verified_by"],
    "verification_outcome": HEADERS["verification_outcome"],
}


def outside_scope(role, row: int, payload: dict, district_names: dict) -> Finding | None:
    """Return the finding that rejects a cleaned row outside the role's scope, or None.

    `district_names` maps district codes to names and is filled as rows are checked.
    """
    from caremap.backoffice.access import row_in_scope
    from caremap.backoffice.models import Role

    if row_in_scope(role, payload):
        return None
    if role.role == Role.DEPARTMENT_EDITOR:
        return Finding(row, HEADERS["department"], payload["department"],
                       "department_outside_scope")
    code = payload["district"]
    if code and code not in district_names:
        district_names[code] = (Division.objects.filter(code=code)
                                .values_list("name", flat=True).first() or code)
    return Finding(row, HEADERS["district"], district_names.get(code, ""),
                   "district_outside_scope")


def drop_matches_outside_scope(role, rows: list[tuple[int, dict]], findings: list[Finding],
                               district_names: dict) -> list[tuple[int, dict]]:
    """Return the rows whose matched record, if any, lies in the role's scope.

    A row inside the scope can still match a record outside it: a district administrator's
    row that moves another district's record into theirs. Such a row is rejected with a
    finding naming the record's district.
    """
    existing = pipeline._existing({(p["department"], p["source_id"]) for _, p in rows})
    in_scope = []
    for row, payload in rows:
        current = existing.get((payload["department"], payload["source_id"]))
        if current is not None:
            finding = outside_scope(role, row, {**payload, **current[1]}, district_names)
            if finding is not None:
                findings.append(finding)
                continue
        in_scope.append((row, payload))
    return in_scope


def run_in_scope(role, run: ImportRun) -> bool:
    """Return whether a reviewed run's stored rows, and the records they update, are in scope.

    A row can move a record from another district into the role's district, so the record's
    own district is checked as well as the row's.
    """
    from caremap.backoffice.access import row_in_scope

    rows = run.pending_rows
    if not all(row_in_scope(role, payload) for _row, payload in rows):
        return False
    existing = pipeline._existing({(p["department"], p["source_id"]) for _row, p in rows})
    for _row, payload in rows:
        current = existing.get((payload["department"], payload["source_id"]))
        if current is not None and not row_in_scope(role, {**payload, **current[1]}):
            return False
    return True


def _digest(snapshot: dict) -> str:
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprints(keys, leave_out: tuple[str, ...] = ()) -> list[list]:
    """Return [[department, source id, digest], ...] of the records matched by these keys.

    The digest covers the fields an import writes (see pipeline._snapshot) but `leave_out`;
    it is None where no record matches yet.
    """
    existing = pipeline._existing(set(keys))
    return [[department, source_id,
             _digest({field: value for field, value in existing[(department, source_id)][1].items()
                      if field not in leave_out})
             if (department, source_id) in existing else None]
            for department, source_id in sorted(keys)]


def stage(rows: list[tuple[int, dict]], department, user, run: ImportRun, counts: dict,
          findings: list[Finding]) -> None:
    """Count what the rows would write, write nothing, and store them on the run for review."""
    logger.info("import staged for review run=%s rows=%d: trial apply, rolled back", run.id,
                len(rows))
    # NOTE: listeners of pipeline.location_changed and locations_created hear the trial too.
    # Their database writes are rolled back with it; anything else they do is not.
    with transaction.atomic():
        pipeline._apply(rows, department, user, run, counts, findings)
        transaction.set_rollback(True)
    run.pending_rows = [[row, payload] for row, payload in rows]
    run.base_fingerprints = fingerprints({(p["department"], p["source_id"]) for _, p in rows})


def changed_since_check(run: ImportRun) -> list[tuple[str, str]]:
    """Return the (department, source id) keys whose record changed since the sheet was checked.

    A record created, changed in a field the import writes, or deleted since counts as
    changed. On PostgreSQL the matched records stay locked until the transaction ends.
    """
    keys = {(department, source_id) for department, source_id, _ in run.base_fingerprints}
    ids = list(pipeline._existing(keys).values())
    for start in range(0, len(ids), 500):
        chunk = [location_id for location_id, _ in ids[start:start + 500]]
        list(Location.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
    then = {(d, s): digest for d, s, digest in run.base_fingerprints}
    # A run staged before imports wrote is_free has rows and digests without it. Digests that
    # include it would differ for every record, so they leave it out for such a run.
    leave_out = ("is_free",) if any("is_free" not in p for _, p in run.pending_rows) else ()
    now = {(d, s): digest for d, s, digest in fingerprints(keys, leave_out)}
    return sorted(key for key in keys if now[key] != then[key])


def _names(values: set) -> dict:
    """Return readable names of division codes and vocabulary term codes."""
    names = dict(Division.objects.filter(code__in=values).values_list("code", "name"))
    names.update(TaxonomyTerm.objects.filter(code__in=values).values_list("code", "name"))
    return names


def _readable(field: str, value, names: dict) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if field in ("district", "street", "community", "category"):
        return names.get(value, value)
    if field in ("target_groups", "services"):
        return "、".join(names.get(code, code) for code in value)
    if field == "phones":
        return "；".join(number for number, _tel, _extension in value)
    if field == "is_free":
        return "是" if value else "否"
    if field == "schedule":
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def pending_changes(run: ImportRun, limit: int = 200) -> dict:
    """Compare the stored rows with the live records: the reviewer's per-record field diffs.

    Returns {"created", "updated", "unchanged", "held"} counts over all rows and "records": up
    to `limit` rows that change something, as {"row", "action", "name", "location_id",
    "fields"} with fields [{"field", "label", "before", "after"}]. A new row that the check
    found listed by another department is "held": publishing files it for a merge instead.
    """
    held_rows = {f["row"] for f in run.findings if f["code"] == "duplicate_across_departments"}
    existing = pipeline._existing({(p["department"], p["source_id"])
                                   for _, p in run.pending_rows})
    summary = {"created": 0, "updated": 0, "unchanged": 0, "held": 0, "records": []}
    codes: set = set()
    for row, payload in run.pending_rows:
        current = existing.get((payload["department"], payload["source_id"]))
        before = current[1] if current else {}
        after = pipeline._wanted(payload)
        changed = [f for f in FIELD_LABELS if before.get(f) != after.get(f)
                   and not (current is None and after.get(f) in (None, "", []))]
        if current is not None and not changed:
            summary["unchanged"] += 1
            continue
        if "hours_text" in changed and "schedule" in changed:
            # The parsed hours follow the text; showing both only repeats it.
            changed.remove("schedule")
        if current is not None:
            action = "updated"
        elif row in held_rows:
            action = "held"
        else:
            action = "created"
        summary[action] += 1
        if len(summary["records"]) >= limit:
            continue
        for field in ("district", "street", "community", "category"):
            codes.update(v for v in (before.get(field), after.get(field)) if v)
        for field in ("target_groups", "services"):
            codes.update(before.get(field) or [])
            codes.update(after.get(field) or [])
        summary["records"].append({
            "row": row, "action": action, "name": payload["name"], "location_id": current[0] if current else None,
            "fields": [(f, before.get(f), after.get(f)) for f in changed],
        })
    names = _names(codes)
    for record in summary["records"]:
        record["fields"] = [
            {"field": f, "label": FIELD_LABELS[f], "before": _readable(f, old, names),
             "after": _readable(f, new, names)}
            for f, old, new in record["fields"]
        ]
    return summary
