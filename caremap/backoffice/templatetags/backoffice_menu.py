"""The back-office header menu, with only the pages the signed-in user's role may open."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caremap.backoffice import access

register = template.Library()

# (URL name, label, check): the same checks that guard the pages themselves.
MENU = [
    ("backoffice:records", _("Records"), access.can_use_backoffice),
    ("backoffice:changesets", _("Changes"), access.can_use_backoffice),
    ("backoffice:corrections", _("Corrections"), access.can_handle_corrections),
    ("imports:upload", _("Import"), access.can_import),
    ("imports:duplicates", _("Duplicates"), access.can_manage_import_records),
    ("imports:stale", _("Stale records"), access.can_manage_import_records),
    ("backoffice:audit", _("Audit log"), access.can_view_audit),
]


@register.simple_tag
def backoffice_menu(user) -> list[tuple[str, str]]:
    """Return (URL, label) pairs of the menu entries the user may open."""
    return [(reverse(name), label) for name, label, allowed in MENU if allowed(user)]
