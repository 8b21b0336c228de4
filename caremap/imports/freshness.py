"""Records nobody has verified for too long."""

import datetime

from django.conf import settings
from django.db.models import Q

from caremap.directory.models import Location


def stale_locations(today: datetime.date | None = None, days: int | None = None):
    """Return records last verified more than `days` ago, or never, oldest first."""
    today = today or datetime.date.today()
    days = settings.CAREMAP_STALE_DAYS if days is None else days
    cutoff = today - datetime.timedelta(days=days)
    return (Location.objects.filter(Q(last_verified__lt=cutoff) | Q(last_verified__isnull=True))
            .select_related("department").order_by("last_verified", "name"))
