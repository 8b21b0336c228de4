"""Policies (政策法规), hotlines and other published content."""

import uuid

from django.db import models


class Policy(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", "国家"
        PROVINCIAL = "provincial", "省级"
        CITY = "city", "市级"
        DISTRICT = "district", "区级"

    class Status(models.TextChoices):
        IN_FORCE = "in_force", "现行有效"
        REPEALED = "repealed", "已废止"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    # 文号, e.g. 国发〔2016〕36号; blank where it has not been verified.
    doc_number = models.CharField(max_length=64, blank=True)
    issuing_body = models.CharField(max_length=300)
    level = models.CharField(max_length=12, choices=Level.choices)
    theme = models.CharField(max_length=64, blank=True)
    # Dates as precise as the verified source gives them: "2016-06" or "2019-12-20".
    issued = models.CharField(max_length=10, blank=True)
    effective = models.CharField(max_length=10, blank=True)
    repealed = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    summary = models.TextField(help_text="Written by caremap, not quoted from the document.")
    # False where the number or date could not be checked: the page then shows 未核实.
    verified = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.title


class Hotline(models.Model):
    number = models.CharField(max_length=16)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=128)
    description = models.CharField(max_length=300, blank=True)
    emergency = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.name} {self.number}"
