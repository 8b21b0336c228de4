"""Create the database-specific text and spatial indexes (FTS5/R*Tree or GIN)."""

from django.db import migrations


def create(apps, schema_editor):
    from caremap.search.backends import backend_for

    backend_for(schema_editor.connection.vendor).create(schema_editor)


def drop(apps, schema_editor):
    from caremap.search.backends import backend_for

    backend_for(schema_editor.connection.vendor).drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
