"""The four-level child-welfare network: posts per street and community, child population.

A post is a position, not a person: caremap stores its title and work phone only, never the
name or private details of whoever holds it.
"""

from django.core.exceptions import ValidationError
from django.db import models

from caremap.regions.models import Division, Level


class Post(models.Model):
    class Kind(models.TextChoices):
        # 儿童督导员: one per street (乡镇/街道).
        SUPERVISOR = "supervisor", "儿童督导员"
        # 儿童主任: one per community (村/社区); one post may cover several committees.
        DIRECTOR = "director", "儿童主任"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    division = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="posts")
    # Further residents' committees this director post covers besides its own division.
    also_covers = models.ManyToManyField(
        Division, blank=True, related_name="covering_posts",
        limit_choices_to={"level": Level.COMMUNITY},
    )
    title = models.CharField(max_length=100)
    work_phone = models.CharField(max_length=32, blank=True)
    # Dialable form for tel: links, e.g. "+86-755-01234567".
    work_phone_tel = models.CharField(max_length=32, blank=True)
    filled = models.BooleanField(default=True)
    is_demo = models.BooleanField(default=False)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["division_id", "kind"]
        indexes = [models.Index(fields=["kind", "division"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        expected = Level.STREET if self.kind == self.Kind.SUPERVISOR else Level.COMMUNITY
        if self.division_id and self.division.level != expected:
            raise ValidationError({"division": f"A {self.get_kind_display()} post belongs to a "
                                               f"{expected} division."})


class ChildPopulation(models.Model):
    """The number of children (under 18) living in a division, with its source."""

    division = models.OneToOneField(Division, on_delete=models.CASCADE, related_name="child_population")
    children = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)
    is_demo = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.division_id}: {self.children}"
