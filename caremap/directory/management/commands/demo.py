import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from caremap.directory.models import Location


class Command(BaseCommand):
    help = "Set up the demo data on the configured database (once) and serve the map."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
        parser.add_argument("--reset", action="store_true",
                            help="generate the demo data again even if the database has it")

    def handle(self, *args, host, port, reset, **options):
        _check_port_free(host, port)
        if host not in ("127.0.0.1", "localhost", "::1"):
            # Listening beyond loopback means other devices will use this machine's name or LAN
            # address, which the loopback-only default ALLOWED_HOSTS would reject with 400.
            settings.ALLOWED_HOSTS.append("*")
            self.stdout.write("demo: accepting any Host header because --host is not loopback")
        call_command("migrate", interactive=False, verbosity=0)
        if reset or not Location.objects.filter(is_demo=True).exists():
            call_command("setupdemo")
        # Hashed, compressed static files, served by WhiteNoise as in production.
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"caremap demo: http://{host if ':' not in host else f'[{host}]'}:{port}/")
        call_command("runserver", f"{host}:{port}" if ":" not in host else f"[{host}]:{port}",
                     use_reloader=False, use_static_handler=False)


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CommandError(
                f"cannot listen on {host}:{port} ({error.strerror}); choose another port with --port"
            ) from None
