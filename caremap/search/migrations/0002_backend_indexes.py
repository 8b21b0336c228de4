"""Create the first database-specific text and spatial indexes (FTS5/R*Tree or GIN).

The statements are written out here, not taken from backends.py, so this step stays what it
was when later migrations change the indexes (0004 replaces them).
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("CREATE VIRTUAL TABLE search_fts USING fts5(grams, prefix='1 2 3 4')")
        schema_editor.execute(
            "CREATE VIRTUAL TABLE search_rtree USING rtree(id, min_lat, max_lat, min_lng, max_lng)"
        )
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX search_entry_grams_gin ON search_searchentry "
            "USING gin (to_tsvector('simple', grams))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
        schema_editor.execute("DROP TABLE IF EXISTS search_rtree")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_grams_gin")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
