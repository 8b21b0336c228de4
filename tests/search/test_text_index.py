"""The text index finds exactly the entries whose tokens match, through every kind of change.

On SQLite the FTS5 table keeps no copy of the tokens (it reads the entries' `grams` column),
so removing an entry must give it the tokens it was indexed with. FTS5's own integrity check
compares the index with the entries as well.
"""

import pytest
from django.db import connection

from caremap.directory.models import Department, Location, Visibility
from caremap.imports.pipeline import run_import
from caremap.search.backends import ENTRY_TABLE, FTS_TABLE
from caremap.search.index import reindex_all
from caremap.search.models import SearchEntry
from caremap.search.normalize import grams, normalize

from ..imports import sheets

pytestmark = pytest.mark.django_db

RENAMED = "彩虹测试儿童驿站"


def _found(token: str) -> set:
    """Return the ids of the entries the database's text index finds for one token."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
                        [f'"{token}"'])
        else:
            cur.execute(f"SELECT id FROM {ENTRY_TABLE} "
                        "WHERE to_tsvector('simple', grams) @@ to_tsquery('simple', %s)",
                        [f"'{token}'"])
        return {row[0] for row in cur.fetchall()}


def _assert_index_matches_entries(tokens) -> None:
    entries = list(SearchEntry.objects.values_list("id", "grams"))
    for token in tokens:
        expected = {entry_id for entry_id, text in entries if token in text.split()}
        assert _found(token) == expected, token
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            # The check raises an error when the index and the entries differ.
            cur.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")


def _tokens(*names) -> set:
    return {token for name in names for token in grams(normalize(name))} | {"futian"}


def test_index_follows_every_change(django_capture_on_commit_callbacks):
    civil = Department.objects.get(code="civil-affairs")
    names = [row[1] for row in sheets.CLEAN]
    tokens = _tokens(*names, RENAMED)

    run_import(sheets.utf8_bom_csv(sheets.CLEAN), "a.csv", civil, dry_run=False)
    imported = Location.objects.filter(department=civil, is_demo=False)
    assert imported.count() == 3
    _assert_index_matches_entries(tokens)

    renamed = [list(row) for row in sheets.CLEAN]
    renamed[0][1] = RENAMED
    # The changed record is indexed again when its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(sheets.utf8_bom_csv(renamed), "a.csv", civil, dry_run=False)
    assert report.counts["updated"] == 1
    assert SearchEntry.objects.filter(name=normalize(RENAMED)).count() == 1
    _assert_index_matches_entries(tokens)

    hidden = imported.get(source_id="MZ-002")
    hidden.visibility = Visibility.STAFF
    with django_capture_on_commit_callbacks(execute=True):
        hidden.save()
    assert not SearchEntry.objects.filter(location=hidden).exists()
    _assert_index_matches_entries(tokens)

    # Deleting the record deletes its entry through the cascade.
    deleted = imported.get(source_id="MZ-003")
    entry_id = deleted.search_entry.id
    deleted.delete()
    assert not SearchEntry.objects.filter(id=entry_id).exists()
    _assert_index_matches_entries(tokens)

    reindex_all()
    _assert_index_matches_entries(tokens)
    assert _found(grams(normalize(RENAMED))[-1])


def test_delete_entry_read_without_tokens():
    """An entry read without its tokens still leaves the index whole when deleted."""
    entry = SearchEntry.objects.only("id").order_by("id").first()
    tokens = set(SearchEntry.objects.get(id=entry.id).grams.split()[:20])
    entry.delete()
    _assert_index_matches_entries(tokens)


def test_delete_ignores_tokens_changed_in_memory():
    """Removal reads the stored tokens, not those of the Python object being deleted."""
    entry = SearchEntry.objects.order_by("id").first()
    tokens = set(entry.grams.split()[:20]) | {"彩虹"}
    entry.grams = "彩虹 彩 虹"
    entry.delete()
    _assert_index_matches_entries(tokens)
