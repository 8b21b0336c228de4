from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .models import SearchEntry


# Sent before the row goes: the FTS5 table keeps no copy of the tokens it must remove, and
# reads them from the row.
@receiver(pre_delete, sender=SearchEntry)
def entry_deleted(sender, instance, **kwargs):
    from .index import forget_entries

    forget_entries([instance])
