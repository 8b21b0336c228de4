"""The search index: one row per public service point, with its normalised text and position.

Every filter, ranking key and facet of a search is copied onto the row, so a query reads this
table (and its text and spatial indexes) alone and can filter, order and limit in SQL. The
n-gram and spatial indexes over these rows are database-specific (FTS5 and a 3-D R*Tree on
SQLite, a GIN tsvector index and a GiST point index on PostgreSQL) and live in `backends.py`.
"""

from django.db import models

from caremap.directory.models import Location


class SearchEntry(models.Model):
    # Integer key: FTS5 and R*Tree rows are keyed by integer rowid.
    id = models.BigAutoField(primary_key=True)
    location = models.OneToOneField(Location, on_delete=models.CASCADE, related_name="search_entry")
    # Normalised texts, kept for ranking and for checking that a bigram match is a real one.
    name = models.TextField()
    # The name without spaces and punctuation: exact-name and name-prefix ranking use it.
    name_compact = models.TextField(blank=True, db_index=True)
    # Pinyin and initials tokens of the name, with a leading space so ' tok' finds a prefix.
    name_pinyin = models.TextField(blank=True)
    body = models.TextField(blank=True)
    address = models.TextField(blank=True)
    # All index tokens, space separated (what FTS5 / the tsvector index is built from).
    grams = models.TextField()
    # Public WGS-84 position, or null where the position is not public.
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    # Web-Mercator position scaled to 0..1 (x east, y south): cluster cells at zoom z are
    # floor(x * 2**z * CELLS_PER_TILE); null where the position is not public.
    merc_x = models.FloatField(null=True)
    merc_y = models.FloatField(null=True)

    # Filters and facets, copied from the record (public values only).
    category = models.CharField(max_length=48, blank=True, db_index=True)
    # A small integer derived from the category code: the R*Tree's third dimension.
    category_key = models.IntegerField(default=0)
    department = models.CharField(max_length=32, blank=True, db_index=True)
    district = models.CharField(max_length=12, blank=True, db_index=True)
    street = models.CharField(max_length=12, blank=True, db_index=True)
    community = models.CharField(max_length=12, blank=True, db_index=True)
    # Codes with a space on each side (" orphans left-behind "), matched with LIKE '% code %'.
    target_groups = models.TextField(blank=True)
    service_terms = models.TextField(blank=True)
    # None where the record does not state whether it charges.
    is_free = models.BooleanField(null=True)
    min_age = models.SmallIntegerField(null=True)
    max_age = models.SmallIntegerField(null=True)
    # Date of last verification as a day number (0 when never verified): freshness ranking.
    verified = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="search_entry_latlng"),
            # Covering the name columns lets the ranking walk (plan.py) read in freshness order
            # and test the name without visiting the rows.
            models.Index(fields=["-verified", "location", "name", "name_compact"],
                         name="search_entry_fresh_names"),
        ]

    def __str__(self) -> str:
        return self.name


class GramCount(models.Model):
    """How many entries hold each index token, for query planning (rebuilt by reindex).

    Only an estimate is needed: it chooses between two plans that give the same answer, so a
    count that drifts between rebuilds makes a query slower, never wrong.
    """

    gram = models.CharField(max_length=64, primary_key=True)
    entries = models.IntegerField()

    def __str__(self) -> str:
        return self.gram


class ClusterCell(models.Model):
    """Pre-aggregated map clusters: points per (zoom, cell, category) with their mean position."""

    zoom = models.SmallIntegerField()
    x = models.IntegerField()
    y = models.IntegerField()
    category = models.CharField(max_length=48)
    count = models.IntegerField()
    lat_sum = models.FloatField()
    lng_sum = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["zoom", "x", "y", "category"], name="cluster_cell_key"),
        ]

    def __str__(self) -> str:
        return f"{self.zoom}/{self.x}/{self.y} {self.category}"
