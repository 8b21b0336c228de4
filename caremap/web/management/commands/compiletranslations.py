"""Compile the .po catalogues to .mo with polib, so no GNU gettext is needed to install."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile every .po catalogue (LOCALE_PATHS and each app's locale/) to a .mo file."

    def handle(self, *args, **options):
        compiled = 0
        roots = [Path(p) for p in settings.LOCALE_PATHS]
        roots += [
            Path(app.path) / "locale" for app in apps.get_app_configs() if app.name.startswith("caremap.")
        ]
        for root in dict.fromkeys(r.resolve() for r in roots if r.is_dir()):
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
