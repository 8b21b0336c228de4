"""`caremap serve`: run the site under gunicorn with several worker processes.

Static files are collected first when the storage names them by content hash (the
production settings), so WhiteNoise serves them with far-future cache headers.
"""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def default_workers() -> int:
    return int(os.environ.get("CAREMAP_WORKERS", 2 * (os.cpu_count() or 1) + 1))


class Command(BaseCommand):
    help = "Serve caremap with gunicorn (several workers, hashed static files)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host, port, workers, no_collectstatic, **options):
        storage = settings.STORAGES["staticfiles"]["BACKEND"]
        if "Manifest" in storage and not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        argv = [
            sys.executable, "-m", "gunicorn", "caremap.wsgi:application",
            "--bind", bind,
            "--workers", str(workers or default_workers()),
            "--timeout", "30",
            # caremap writes its own access line (request id, location scrubbed).
            "--error-logfile", "-",
        ]
        self.stdout.write(f"caremap serve: http://{bind}/ workers={argv[argv.index('--workers') + 1]}")
        self.stdout.flush()
        # Replace this process by gunicorn: argv is built here, nothing comes from a shell.
        os.execv(sys.executable, argv)  # noqa: S606
