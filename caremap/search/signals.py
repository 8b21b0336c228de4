from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import SearchEntry


@receiver(post_delete, sender=SearchEntry)
def entry_deleted(sender, instance, **kwargs):
    from .index import forget_entries

    forget_entries([instance])
