"""Saved column mappings, import runs with their findings, and cross-department duplicates."""

from django.conf import settings
from django.db import models

from caremap.directory.models import Department, Location
from caremap.keys import uuid7


class ColumnMapping(models.Model):
    """A department's saved mapping from its sheet headers to caremap's import fields.

    `columns` maps a header as the department writes it to a field name (see
    `mapping.FIELDS`); it is consulted before the default mapping. `defaults` gives values for
    fields the sheet does not carry, e.g. {"category": "children-home"}.
    """

    department = models.OneToOneField(Department, on_delete=models.CASCADE, primary_key=True)
    columns = models.JSONField(default=dict, blank=True)
    defaults = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.department.short_name} column mapping"


class ImportRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    department = models.ForeignKey(Department, on_delete=models.PROTECT)
    filename = models.CharField(max_length=255)
    source_crs = models.CharField(max_length=8)
    dry_run = models.BooleanField(default=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL)
    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    # {"rows", "created", "updated", "unchanged", "rejected", "duplicates", "warnings"}
    counts = models.JSONField(default=dict)
    # [{"row", "column", "value", "code", "level", "message_zh", "message_en"}, ...]
    findings = models.JSONField(default=list)
    # An import waiting for review: its change set and its good rows as [[row number,
    # payload], ...]. The fingerprints are [[department, source id, digest or null], ...] of
    # the records those rows matched when the sheet was checked (see review.fingerprints).
    changeset = models.OneToOneField("backoffice.ChangeSet", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="import_run")
    pending_rows = models.JSONField(default=list, blank=True)
    base_fingerprints = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.started:%Y-%m-%d %H:%M})"


class SourceAlias(models.Model):
    """Another department's row that was merged into an existing record."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE)
    source_id = models.CharField(max_length=200)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "source_id"], name="alias_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.department_id}:{self.source_id} → {self.location_id}"


class DuplicateCandidate(models.Model):
    """A row held back because another department already has the same place."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        MERGED = "merged", "已合并"
        SEPARATE = "separate", "分别保留"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, blank=True)
    existing = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE)
    # The row's match key in its department: its source id or "name|address" when it has none.
    source_key = models.CharField(max_length=200)
    reason = models.CharField(max_length=32)
    # The cleaned row, as `pipeline.apply_row` takes it.
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.department_id}:{self.source_key} ~ {self.existing_id} ({self.reason})"
