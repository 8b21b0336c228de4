from django.core.management.base import BaseCommand

from caremap.regions.loader import load_divisions


class Command(BaseCommand):
    help = "Load Shenzhen's divisions (NBS 2023 codes), 大鹏新区 and the district outlines."

    def handle(self, *args, **options):
        count = load_divisions()
        self.stdout.write(f"loaded {count} divisions")
