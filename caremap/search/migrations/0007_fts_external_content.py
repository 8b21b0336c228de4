"""Make the SQLite FTS5 table index the entries' tokens without keeping a copy of them.

The table is made again as an external content table over search_searchentry and filled
from it. PostgreSQL keeps no such copy, so nothing changes there.
"""

from django.db import migrations

OLD_DEFINITION = ("CREATE VIRTUAL TABLE search_fts USING fts5(grams, prefix='1 2 3 4', "
                  "detail=none)")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from caremap.search.backends import SqliteBackend

    schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    schema_editor.execute(SqliteBackend.fts_definition())
    schema_editor.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    schema_editor.execute(OLD_DEFINITION)
    schema_editor.execute("INSERT INTO search_fts (rowid, grams) SELECT id, grams "
                          "FROM search_searchentry")


class Migration(migrations.Migration):
    dependencies = [("search", "0006_entry_is_free_unknown")]
    operations = [migrations.RunPython(forward, backward)]
