"""Template filters of the back office's field diffs."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def diff_value(value):
    """Show a field value of a diff: 是 or 否 for a yes/no field, — where it is not set."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value
