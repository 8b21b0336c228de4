"""Service points and what is offered there, named after HSDS 3.0 where HSDS has the concept.

A service point is an HSDS `location` owned by one organization and one department; the services
offered there link to it through `service_at_location`. Coordinates are WGS-84; the system they
arrived in is kept in `source_crs`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from caremap.keys import uuid7
from caremap.regions.models import Division


class Visibility(models.TextChoices):
    PUBLIC = "public", "公开"
    STAFF = "staff", "仅工作人员"
    HIDDEN = "hidden", "隐藏"


class VerificationOutcome(models.TextChoices):
    VERIFIED = "verified", "已核实"
    PARTLY_VERIFIED = "partly_verified", "部分核实"
    UNREACHABLE = "unreachable", "无法联系"
    CLOSED = "closed", "已关闭"


class VisibleQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=Visibility.PUBLIC)


class Department(models.Model):
    """One of the departments that supply data (民政, 教育, 卫健 ...)."""

    code = models.SlugField(primary_key=True, max_length=32)
    short_name = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=128)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.short_name


class Taxonomy(models.Model):
    """A vocabulary: point categories, service contents or target groups."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.SlugField(unique=True, max_length=32)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=128)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.PROTECT, related_name="terms")
    code = models.SlugField(max_length=48)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=128)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["taxonomy", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="term_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    name = models.CharField(max_length=200)
    alternate_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    # 统一社会信用代码 (unified social credit code, 18 characters) identifies the organization,
    # never a single point: one social-work organization runs many sites.
    credit_code = models.CharField(max_length=18, blank=True, db_index=True)
    website = models.URLField(blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    is_demo = models.BooleanField(default=False)
    last_modified = models.DateTimeField(auto_now=True)

    objects = VisibleQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A service point: a place where children or families get help (HSDS `location`)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "正常服务"
        TEMPORARILY_CLOSED = "temporarily_closed", "暂停服务"
        CLOSED = "closed", "已关闭"

    class SourceCrs(models.TextChoices):
        WGS84 = "wgs84", "WGS-84"
        GCJ02 = "gcj02", "GCJ-02"
        BD09 = "bd09", "BD-09"

    # Fields that may carry their own visibility, overriding the record's (see field_visibility).
    FIELD_VISIBILITY_FIELDS = (
        "address", "latitude", "longitude", "phones", "hours_text", "description",
        "accessibility", "email",
    )

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    name = models.CharField(max_length=200)
    alternate_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="locations")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="locations")
    category = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="locations_in_category"
    )
    target_groups = models.ManyToManyField(
        TaxonomyTerm, blank=True, related_name="locations_for_group"
    )

    # Address and divisions. `district` is the public district (大鹏新区 for its streets).
    address = models.CharField(max_length=300, blank=True)
    district = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="district_locations", null=True
    )
    street = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="street_locations", null=True, blank=True
    )
    community = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="community_locations",
        null=True, blank=True,
    )

    # WGS-84 degrees.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    source_crs = models.CharField(max_length=8, choices=SourceCrs.choices, default=SourceCrs.WGS84)

    email = models.EmailField(blank=True)
    # Opening hours as written by the source, plus the parsed weekly schedule:
    # {"mon": [["09:00", "12:00"], ["14:00", "17:30"]], ..., "holidays": "closed"|"open"|null}.
    hours_text = models.CharField(max_length=300, blank=True)
    schedule = models.JSONField(null=True, blank=True)

    # Eligibility, in whole years of age; null means no bound.
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # True free of charge, False charges apply, None when no source has stated it.
    is_free = models.BooleanField(null=True, blank=True, default=None)
    fee_description = models.CharField(max_length=300, blank=True)
    accessibility = models.CharField(max_length=300, blank=True)
    wheelchair_accessible = models.BooleanField(null=True, blank=True)
    application_process = models.TextField(blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    last_verified = models.DateField(null=True, blank=True)
    # Who last checked the record with the place itself, and what they found.
    verified_by = models.CharField(max_length=100, blank=True)
    verification_outcome = models.CharField(
        max_length=16, choices=VerificationOutcome.choices, blank=True
    )

    source_department = models.CharField(max_length=32, blank=True)
    source_id = models.CharField(max_length=64, blank=True)

    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC, db_index=True
    )
    # {field name: visibility} for fields hidden from the public while the record is public,
    # e.g. a protection site's exact address kept staff-only.
    field_visibility = models.JSONField(default=dict, blank=True)
    is_demo = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["latitude", "longitude"]),
            models.Index(fields=["department", "source_id"]),
        ]

    def __str__(self) -> str:
        return self.name

    def field_is_public(self, field: str) -> bool:
        return self.field_visibility.get(field, Visibility.PUBLIC) == Visibility.PUBLIC

    @property
    def has_public_position(self) -> bool:
        return (
            self.latitude is not None
            and self.longitude is not None
            and self.field_is_public("latitude")
            and self.field_is_public("longitude")
        )


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="phones")
    # As the source wrote it, e.g. "0755-8888 1234 转 123".
    number = models.CharField(max_length=64)
    # Dialable form for tel: links, e.g. "+86-755-88881234;ext=123" or "12355".
    tel = models.CharField(max_length=64)
    extension = models.CharField(max_length=16, blank=True)
    description = models.CharField(max_length=100, blank=True)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["order", "number"]

    def __str__(self) -> str:
        return self.number


class Service(models.Model):
    """An offered service (HSDS `service`), e.g. 亲子关系促进, at one or more locations."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, default="active")
    taxonomy_terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    last_modified = models.DateTimeField(auto_now=True)

    objects = VisibleQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_links")
    description = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_location_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class Holiday(models.Model):
    """A date of the State Council's holiday arrangement, entered by the back office.

    An entry overrides the chinese-calendar package for its date. In a year the package lacks, the
    table's entries are taken as the whole arrangement (see holidays.py).
    """

    class Kind(models.TextChoices):
        PUBLIC_HOLIDAY = "holiday", _("Public holiday")
        MAKEUP_WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=32, blank=True,
                            help_text=_("The holiday it belongs to, for example 春节."))

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday calendar date")
        verbose_name_plural = _("holiday calendar")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".rstrip()


# Prefetch of a location's service links with their services in one query. A chained
# "service_links__service" prefetch makes Django 5.2 write `id = … OR id = …` for the services,
# which SQLite rejects past 1,000 terms ("Expression tree is too large").
SERVICE_LINKS = models.Prefetch(
    "service_links", queryset=ServiceAtLocation.objects.select_related("service")
)
