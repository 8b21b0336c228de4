"""Create the database cache table (shared rate-limit and login counters) and the role groups.

The cache table is made here so that every `migrate` (demo, tests, deployment) has it.
"""

from django.core.management import call_command
from django.db import migrations

ROLES = ["city_admin", "district_admin", "department_editor", "reviewer", "analyst"]


def forwards(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
