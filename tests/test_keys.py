"""Primary keys are version 7 UUIDs that sort in the order they were made."""

import time
import uuid

import pytest

from caremap import keys
from caremap.directory.models import Department, Location, Organization, Service
from caremap.imports.pipeline import run_import

from .imports import sheets


def _milliseconds(key: uuid.UUID) -> int:
    return key.int >> 80


def test_keys_increase_and_differ():
    generated = [keys.uuid7() for _ in range(20_000)]
    assert generated == sorted(generated)
    assert len(set(generated)) == len(generated)
    # Their text (the SQLite column) sorts the same way.
    assert [k.hex for k in generated] == sorted(k.hex for k in generated)


def test_counter_running_out_moves_time_on(monkeypatch):
    """More than 4,096 keys in one millisecond still increase: the time field moves on."""
    frozen = (time.time_ns() // 1_000_000 + 1_000) * 1_000_000
    monkeypatch.setattr(keys.time, "time_ns", lambda: frozen)
    # Restore the generator's state afterwards. Without that, keys made later in this
    # process carry the frozen time, a second ahead of the clock.
    monkeypatch.setattr(keys, "_last_ms", keys._last_ms)
    monkeypatch.setattr(keys, "_sequence", keys._sequence)
    generated = [keys.uuid7() for _ in range(10_000)]
    assert generated == sorted(generated)
    assert len(set(generated)) == len(generated)
    assert _milliseconds(generated[0]) == frozen // 1_000_000
    assert _milliseconds(generated[-1]) > _milliseconds(generated[0])
    assert all(k.version == 7 and k.variant == uuid.RFC_4122 for k in generated)


# Placed after the test above so that it fails when that test leaves the frozen time behind.
def test_version_variant_and_time():
    before = time.time_ns() // 1_000_000
    key = keys.uuid7()
    after = time.time_ns() // 1_000_000
    assert key.version == 7
    assert key.variant == uuid.RFC_4122
    assert before <= _milliseconds(key) <= after


def test_random_part_differs_between_keys():
    """Keys of one millisecond differ in their 62 random bits, not only in the counter."""
    generated = [keys.uuid7() for _ in range(100)]
    tails = {k.int & ((1 << 62) - 1) for k in generated}
    assert len(tails) == len(generated)


@pytest.mark.django_db
def test_records_get_ordered_keys():
    """Records an import creates, and records made through the ORM, get version 7 keys."""
    civil = Department.objects.get(code="civil-affairs")
    run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    imported = Location.objects.filter(department=civil, is_demo=False)
    keys_by_model = {
        "location": set(imported.values_list("id", flat=True)),
        "organization": set(imported.values_list("organization_id", flat=True)),
        "service": set(Service.objects.filter(at_locations__location__in=imported)
                       .values_list("id", flat=True)),
    }
    assert all(keys_by_model.values()), keys_by_model
    assert {name: {k.version for k in generated} for name, generated in keys_by_model.items()} == {
        "location": {7}, "organization": {7}, "service": {7}}
    assert Organization.objects.create(name="新机构", department=civil).id.version == 7
