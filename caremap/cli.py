"""The `caremap` console script: Django's management commands under one name.

`caremap demo`, `caremap serve`, `caremap reindex` ... are the management commands of the same
name; any other Django command (`caremap migrate`, `caremap shell`) works too.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremap.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    # The default SQLite file lives in DATA_DIR, which a fresh clone does not have yet.
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)

    execute_from_command_line(["caremap", *sys.argv[1:]])


if __name__ == "__main__":
    main()
