"""The Simplified Chinese catalogues translate every message the code and templates use.

Django's makemessages (GNU xgettext) extracts the message ids from a copy of the source tree.
Each must have a translation in caremap/locale or in an app's own locale/.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

SOURCE = Path(__file__).resolve().parents[2] / "caremap"
CATALOGUES = sorted(SOURCE.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _key(entry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


@pytest.fixture(scope="module")
def used_messages(tmp_path_factory) -> list[polib.POEntry]:
    if not shutil.which("xgettext"):
        pytest.fail("xgettext not found: install GNU gettext (Debian/Ubuntu: apt-get install gettext)")
    root = tmp_path_factory.mktemp("messages")
    for path in SOURCE.rglob("*"):
        if path.suffix in (".py", ".html", ".txt") and "locale" not in path.parts:
            target = root / path.relative_to(SOURCE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    (root / "locale").mkdir()
    # Without settings, makemessages writes every message to ./locale, whatever the app.
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans"],
                   cwd=root, env=env, check=True, capture_output=True)
    extracted = polib.pofile(str(root / "locale/zh_Hans/LC_MESSAGES/django.po"))
    return [entry for entry in extracted if entry.msgid]


def _translations() -> dict[tuple, polib.POEntry]:
    found = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.translated():
                found[_key(entry)] = entry
    return found


def test_catalogues_exist():
    assert SOURCE / "locale/zh_Hans/LC_MESSAGES/django.po" in CATALOGUES


def test_every_used_message_is_translated(used_messages):
    translations = _translations()
    missing = [entry.msgid for entry in used_messages if _key(entry) not in translations]
    assert len(used_messages) > 100
    assert missing == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_catalogue_has_no_untranslated_or_fuzzy_entries(path):
    catalogue = polib.pofile(str(path))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_translations_keep_placeholders(path):
    for entry in polib.pofile(str(path)):
        if not entry.translated():
            continue
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == expected, entry.msgid
