from django.core.management import call_command
from django.core.management.base import BaseCommand

from caremap.directory.models import Location


class Command(BaseCommand):
    help = "Set up the demo data on the configured database (once) and serve the map."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
        parser.add_argument("--reset", action="store_true",
                            help="generate the demo data again even if the database has it")

    def handle(self, *args, host, port, reset, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if reset or not Location.objects.filter(is_demo=True).exists():
            call_command("setupdemo")
        # Hashed, compressed static files, served by WhiteNoise as in production.
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"caremap demo: http://{host if ':' not in host else f'[{host}]'}:{port}/")
        call_command("runserver", f"{host}:{port}" if ":" not in host else f"[{host}]:{port}",
                     use_reloader=False, use_static_handler=False)
