"""Make new primary keys version 7 UUIDs (see caremap/keys.py).

The default is applied in Python, so the tables stay as they are: without
SeparateDatabaseAndState, SQLite would copy every table to change nothing.
"""

from django.db import migrations, models

import caremap.keys


class Migration(migrations.Migration):
    dependencies = [("backoffice", "0004_verbose_names")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name=model_name, name="id",
                field=models.UUIDField(default=caremap.keys.uuid7, editable=False,
                                       primary_key=True, serialize=False),
            )
            for model_name in ("changeset", "correction")
        ]),
    ]
