"""The search index: one row per public service point, with its normalised text and position.

The n-gram and spatial indexes over these rows are database-specific (FTS5 and R*Tree on
SQLite, a GIN tsvector index and a B-tree on PostgreSQL) and live in `backends.py`.
"""

from django.db import models

from caremap.directory.models import Location


class SearchEntry(models.Model):
    # Integer key: FTS5 and R*Tree rows are keyed by integer rowid.
    id = models.BigAutoField(primary_key=True)
    location = models.OneToOneField(Location, on_delete=models.CASCADE, related_name="search_entry")
    # Normalised texts, kept for ranking and for checking that a bigram match is a real one.
    name = models.TextField()
    name_pinyin = models.TextField(blank=True)
    body = models.TextField(blank=True)
    address = models.TextField(blank=True)
    # All index tokens, space separated (what FTS5 / the tsvector index is built from).
    grams = models.TextField()
    # Public WGS-84 position, or null where the position is not public.
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"], name="search_entry_latlng")]

    def __str__(self) -> str:
        return self.name
