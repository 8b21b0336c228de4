"""Administrative divisions (city → district → street → community) with NBS codes.

Codes are the National Bureau of Statistics' statistical division codes (统计用区划代码): 6 digits
for a city or district, 9 for a street (街道), 12 for a community (社区). 大鹏新区 (Dapeng New
District) is a functional area with no NBS code: it gets DAPENG_CODE, which no NBS code can take
because NBS codes are digits only.
"""

from django.db import models

DAPENG_CODE = "4403DP"
# Streets of 龙岗区 that Shenzhen administers as 大鹏新区.
DAPENG_STREET_CODES = ("440307009", "440307010", "440307011")


class Level(models.TextChoices):
    CITY = "city", "市"
    DISTRICT = "district", "区"
    STREET = "street", "街道"
    COMMUNITY = "community", "社区"


class Special(models.TextChoices):
    NONE = "", "—"
    # Statistical-only units: special zones listed as streets, and the virtual communities
    # under them. Kept for completeness, left out of public lists unless asked for.
    ZONE = "zone", "特殊区域"
    VIRTUAL = "virtual", "虚拟社区"
    # A functional area that the city treats as a district but NBS does not code (大鹏新区).
    FUNCTIONAL = "functional", "功能区"


class DivisionQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(special__in=[Special.ZONE, Special.VIRTUAL])


class Division(models.Model):
    code = models.CharField(primary_key=True, max_length=12)
    name = models.CharField(max_length=64)
    name_pinyin = models.CharField(max_length=128, blank=True)
    level = models.CharField(max_length=10, choices=Level.choices, db_index=True)
    # The NBS parent (a 大鹏新区 street's parent is 龙岗区).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # The district the public sees this unit in: itself for a district, 大鹏新区 for its three
    # streets and their communities, the NBS district otherwise. Null for the city.
    public_district = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    special = models.CharField(max_length=10, choices=Special.choices, blank=True, default="")
    # Editable anchor point (WGS-84) for coverage and distance calculations; the demo generates
    # one per street and community, an administrator moves it to the real office.
    anchor_lat = models.FloatField(null=True, blank=True)
    anchor_lng = models.FloatField(null=True, blank=True)
    # Outline as GeoJSON geometry (WGS-84 lng/lat), where one is known.
    outline = models.JSONField(null=True, blank=True)
    # Code of the district whose outline a point of this unit must lie in (龙岗区 for 大鹏新区).
    outline_code = models.CharField(max_length=12, blank=True)
    population_children = models.PositiveIntegerField(null=True, blank=True)

    objects = DivisionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "parent"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_public(self) -> bool:
        return self.special not in (Special.ZONE, Special.VIRTUAL)
