"""Create the SQLite index on (name, location_id) again, which migration 0006 lost.

On SQLite, 0006 (is_free may be unknown) copied search_searchentry to a new table. The copy
got back only the indexes of Django's model state, not this one, which 0004 made with SQL of
its own, so a listing by name sorted every entry before its LIMIT. PostgreSQL altered the
column in place and kept its indexes.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("CREATE INDEX IF NOT EXISTS search_entry_name "
                          "ON search_searchentry (name, location_id)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_entry_name")


class Migration(migrations.Migration):
    dependencies = [("search", "0007_fts_external_content")]
    operations = [migrations.RunPython(forward, backward)]
