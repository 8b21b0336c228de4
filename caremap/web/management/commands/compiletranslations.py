"""Compile the .po catalogues to .mo with polib, so no GNU gettext is needed to install."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile every .po translation catalogue under LOCALE_PATHS to a .mo file."

    def handle(self, *args, **options):
        compiled = 0
        for root in settings.LOCALE_PATHS:
            for po_path in Path(root).glob("*/LC_MESSAGES/*.po"):
                catalogue = polib.pofile(str(po_path))
                untranslated = catalogue.untranslated_entries()
                if untranslated:
                    raise CommandError(
                        f"{po_path}: {len(untranslated)} untranslated messages, first: "
                        f"{untranslated[0].msgid!r}"
                    )
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
        self.stdout.write(f"compiled {compiled} catalogues")
