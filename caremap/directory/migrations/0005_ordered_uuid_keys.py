"""Make new primary keys version 7 UUIDs (see caremap/keys.py).

The default is applied in Python, so the tables stay as they are: without
SeparateDatabaseAndState, SQLite would copy every table to change nothing.
"""

import caremap.keys
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_location_is_free_unknown")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name="location", name="id",
                field=models.UUIDField(default=caremap.keys.uuid7, editable=False,
                                       primary_key=True, serialize=False),
            ),
            migrations.AlterField(
                model_name="organization", name="id",
                field=models.UUIDField(default=caremap.keys.uuid7, editable=False,
                                       primary_key=True, serialize=False),
            ),
            migrations.AlterField(
                model_name="phone", name="id",
                field=models.UUIDField(default=caremap.keys.uuid7, editable=False,
                                       primary_key=True, serialize=False),
            ),
            migrations.AlterField(
                model_name="service", name="id",
                field=models.UUIDField(default=caremap.keys.uuid7, editable=False,
                                       primary_key=True, serialize=False),
            ),
            migrations.AlterField(
                model_name="serviceatlocation", name="id",
                field=models.UUIDField(default=caremap.keys.uuid7, editable=False,
                                       primary_key=True, serialize=False),
            ),
            migrations.AlterField(
                model_name="taxonomy", name="id",
                field=models.UUIDField(default=caremap.keys.uuid7, editable=False,
                                       primary_key=True, serialize=False),
            ),
            migrations.AlterField(
                model_name="taxonomyterm", name="id",
                field=models.UUIDField(default=caremap.keys.uuid7, editable=False,
                                       primary_key=True, serialize=False),
            ),
        ]),
    ]
