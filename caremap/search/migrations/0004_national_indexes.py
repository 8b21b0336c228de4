"""Replace the first indexes with the national-scale ones and rebuild the index rows.

SQLite: FTS5 without positions (detail=none) and a 3-D R*Tree over (longitude, latitude,
category key); PostgreSQL: a GiST point index and prefix B-trees next to the GIN index. The new
columns of 0003 are filled by rebuilding the index from the records.
"""

import importlib

from django.db import migrations

first = importlib.import_module("caremap.search.migrations.0002_backend_indexes")


def forward(apps, schema_editor):
    from caremap.search.backends import backend_for

    first.drop(apps, schema_editor)
    backend_for(schema_editor.connection.vendor).create(schema_editor)
    Location = apps.get_model("directory", "Location")
    if Location.objects.using(schema_editor.connection.alias).exists():
        from caremap.search.index import reindex_all

        reindex_all()


def backward(apps, schema_editor):
    from caremap.search.backends import backend_for

    backend_for(schema_editor.connection.vendor).drop(schema_editor)
    first.create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_entry_filters_cells"), ("directory", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
