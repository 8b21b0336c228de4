"""Keep the search index in step with every write to a service point or what it links to.

Also drop the cached holiday table when a Holiday row changes.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import holidays
from .models import Holiday, Location, Service, ServiceAtLocation


def _reindex_later(location_ids) -> None:
    from caremap.search.index import index_locations

    ids = list(location_ids)
    if ids:
        transaction.on_commit(lambda: index_locations(ids))


@receiver(post_save, sender=Location)
def location_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex_later([instance.id])


@receiver(m2m_changed, sender=Location.target_groups.through)
def location_groups_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Location):
        _reindex_later([instance.id])


@receiver(post_save, sender=Service)
def service_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex_later(instance.at_locations.values_list("location_id", flat=True))


@receiver(post_save, sender=ServiceAtLocation)
@receiver(post_delete, sender=ServiceAtLocation)
def service_link_changed(sender, instance, **kwargs):
    _reindex_later([instance.location_id])


@receiver(post_save, sender=Holiday)
@receiver(post_delete, sender=Holiday)
def holiday_changed(sender, **kwargs):
    # Drop the cache now, and again after commit in case another request of this process read
    # the table in between.
    holidays.invalidate()
    transaction.on_commit(holidays.invalidate)
