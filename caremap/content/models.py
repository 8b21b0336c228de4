"""Policies (政策法规), articles, the benefit navigator's rules, and hotlines."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from caremap.keys import uuid7


class Policy(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", "国家"
        PROVINCIAL = "provincial", "省级"
        CITY = "city", "市级"
        DISTRICT = "district", "区级"

    class Status(models.TextChoices):
        IN_FORCE = "in_force", "现行有效"
        REPEALED = "repealed", "已废止"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
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
    # Longer explanation or the official text where its licence allows; blank for the seeds.
    body = models.TextField(blank=True)
    # Target-group terms (孤儿, 困境儿童 ...) of the children the policy covers.
    child_categories = models.ManyToManyField(
        "directory.TaxonomyTerm", blank=True, related_name="policies_covering",
        limit_choices_to={"taxonomy__code": "target-group"},
    )
    # Where to apply: kinds of service point (categories) and, where known, named points.
    apply_categories = models.ManyToManyField(
        "directory.TaxonomyTerm", blank=True, related_name="policies_applied_at",
        limit_choices_to={"taxonomy__code": "category"},
    )
    apply_locations = models.ManyToManyField(
        "directory.Location", blank=True, related_name="policies_applied_at"
    )
    # False where the number or date could not be checked: the page then shows 未核实.
    verified = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.repealed and self.status != self.Status.REPEALED:
            raise ValidationError({"status": "A policy with a repeal date must have status repealed."})

    @property
    def in_force(self) -> bool:
        return self.status == self.Status.IN_FORCE and not self.repealed


class Article(models.Model):
    """A service-news item (服务资讯) or a good-practice case (优秀案例)."""

    class Kind(models.TextChoices):
        NEWS = "news", "服务资讯"
        CASE = "case", "优秀案例"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    title = models.CharField(max_length=200)
    published = models.DateField()
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    policies = models.ManyToManyField(Policy, blank=True, related_name="articles")
    is_published = models.BooleanField(default=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-published", "title"]

    def __str__(self) -> str:
        return self.title


class Benefit(models.Model):
    """A benefit or service the navigator can point to, with the policies behind it."""

    code = models.SlugField(primary_key=True, max_length=48)
    name = models.CharField(max_length=100)
    description = models.TextField(help_text="What the benefit is, in plain words.")
    # What to bring or prepare, one item per line.
    documents = models.TextField(blank=True)
    policies = models.ManyToManyField(Policy, blank=True, related_name="benefits")
    # Kinds of service point that handle it; the navigator lists the nearest of these.
    handled_at = models.ManyToManyField(
        "directory.TaxonomyTerm", blank=True, related_name="benefits_handled",
        limit_choices_to={"taxonomy__code": "category"},
    )
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class Condition(models.TextChoices):
    ANY = "any", _("either")
    YES = "yes", _("yes")
    NO = "no", _("no")


class BenefitRule(models.Model):
    """One set of conditions under which a benefit may apply; any matching rule suffices.

    Every condition of a rule must hold: the age within [min_age, max_age], the household
    registration as required, and each situation flag as required ("any" ignores it).
    """

    FLAGS = (
        "orphan", "de_facto_unsupported", "disability", "serious_illness", "migrant",
        "left_behind", "family_difficulty",
    )

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="rules")
    note = models.CharField(max_length=200, blank=True, help_text="Why this rule exists.")
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # Household registration (户籍) in this city.
    local_hukou = models.CharField(max_length=3, choices=Condition.choices, default=Condition.ANY)
    orphan = models.CharField(max_length=3, choices=Condition.choices, default=Condition.ANY)
    de_facto_unsupported = models.CharField(
        max_length=3, choices=Condition.choices, default=Condition.ANY
    )
    disability = models.CharField(max_length=3, choices=Condition.choices, default=Condition.ANY)
    serious_illness = models.CharField(max_length=3, choices=Condition.choices, default=Condition.ANY)
    migrant = models.CharField(max_length=3, choices=Condition.choices, default=Condition.ANY)
    left_behind = models.CharField(max_length=3, choices=Condition.choices, default=Condition.ANY)
    family_difficulty = models.CharField(
        max_length=3, choices=Condition.choices, default=Condition.ANY
    )

    def __str__(self) -> str:
        return f"{self.benefit_id}: {self.note or self.pk}"

    def clean(self) -> None:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValidationError({"max_age": "The maximum age is below the minimum age."})


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
