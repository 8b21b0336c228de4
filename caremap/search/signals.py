from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .models import SearchEntry


# Sent before the row goes, so that a deferred `grams` can still be loaded: the FTS5 table
# keeps no copy of the tokens it must remove.
@receiver(pre_delete, sender=SearchEntry)
def entry_deleted(sender, instance, **kwargs):
    from .index import forget_entries

    forget_entries([instance])
