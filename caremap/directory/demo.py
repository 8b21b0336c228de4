"""Generate the demonstration data set: about 1,600 service points over Shenzhen's divisions.

Every name ends with （演示）, every address is on an invented 演示路 (demo road) and every phone
is a local number starting with 0, which no real line in China can have, so no demo record can
be mistaken for, or dial, a real institution. Deterministic: the same seed gives the same data.
"""

import datetime
import random
import uuid
from dataclasses import dataclass, field

from django.db import transaction

from caremap.regions.anchors import district_area, random_point_in
from caremap.regions.models import Division, Level

from .hours import parse_hours
from .models import Department, Location, Organization, Phone, Service, ServiceAtLocation
from .taxonomies import CATEGORY, SERVICE_CONTENT, TARGET_GROUP, terms

DEMO_SUFFIX = "（演示）"
# Share of communities left without a 儿童之家, so the coverage statistics have gaps to show.
COMMUNITIES_WITHOUT_CHILDREN_HOME = 0.08
_UUID_NAMESPACE = uuid.UUID("6f1f7f4e-5b0e-4c55-9d36-0c1a2e3d4b5a")

# Opening hours of the demo points, as a source would write them; the schedules come from the
# same parser an import uses.
HOURS_TEXTS = [
    "周一至周五 9:00-12:00，14:00-17:30；节假日休息",
    "周二至周日 9:00-17:00",
    "周一至周日 8:30-20:30，节假日照常开放",
]
HOURS = [(text, parse_hours(text)) for text in HOURS_TEXTS]
HOURS_24 = ("24小时", parse_hours("24小时，节假日照常开放"))


@dataclass
class PointSpec:
    name: str
    category: str
    department: str
    contents: list[str]
    groups: list[str]
    ages: tuple[int | None, int | None] = (0, 17)
    hours: tuple = field(default_factory=lambda: HOURS[0])
    description: str = ""


def _short(community_name: str) -> str:
    """Return '葵涌社区' for '葵涌社区居委会' (the committee's name without 居委会)."""
    return community_name.removesuffix("居民委员会").removesuffix("居委会")


def _community_specs(community: Division, rng: random.Random) -> list[PointSpec]:
    short = _short(community.name)
    specs = [PointSpec(
        f"{short}党群服务中心", "party-mass-centre", "civil-affairs",
        ["child-friendly-community", "parent-child"], ["community-children", "parent-child-families"],
        (None, None), HOURS[rng.randrange(len(HOURS))],
    )]
    if rng.random() >= COMMUNITIES_WITHOUT_CHILDREN_HOME:
        specs.append(PointSpec(
            f"{short}儿童之家", "children-home", "civil-affairs",
            rng.sample(["interests", "safety", "social-learning", "self-management"], 2),
            ["community-children", "left-behind", "migrant-children"], (3, 14),
            HOURS[rng.randrange(len(HOURS))],
        ))
    return specs


def _district_specs(district: Division) -> list[PointSpec]:
    d = district.name
    return [
        PointSpec(f"{d}未成年人救助保护中心", "minor-protection-centre", "civil-affairs",
                  ["safety", "anti-domestic-violence"],
                  ["children-in-difficulty", "de-facto-unsupported", "orphans"], (0, 17), HOURS_24),
        PointSpec(f"{d}特殊教育学校", "special-education-school", "education",
                  ["social-learning", "self-management"], ["orphaned-disabled", "pupils"], (6, 17)),
        PointSpec(f"{d}妇幼保健院儿科", "hospital", "health",
                  ["mental-health"], ["sick-children", "parent-child-families"], (0, 17), HOURS[2]),
        PointSpec(f"{d}人民医院儿童心理门诊", "hospital", "health",
                  ["mental-health"], ["sick-children", "pupils"], (3, 17)),
        PointSpec(f"{d}青少年心理健康服务站", "youth-station", "youth-league",
                  ["mental-health", "anti-bullying"], ["pupils", "juvenile-offenders"], (10, 17)),
        PointSpec(f"{d}妇女儿童之家", "women-station", "womens-federation",
                  ["anti-domestic-violence", "parent-child"], ["parent-child-families"], (None, None)),
        PointSpec(f"{d}残疾儿童康复中心", "rehabilitation", "disabled-federation",
                  ["social-learning"], ["orphaned-disabled"], (0, 14)),
        PointSpec(f"{d}未成年人检察工作室", "minor-protection-centre", "procuratorate",
                  ["sexual-safety", "anti-bullying"], ["juvenile-offenders", "pupils"], (12, 17)),
    ]


def _city_specs() -> list[PointSpec]:
    return [
        PointSpec("深圳市儿童福利中心", "welfare-centre", "civil-affairs",
                  ["social-learning", "mental-health"], ["orphans", "orphaned-disabled"], (0, 17), HOURS_24),
        PointSpec("深圳市救助管理站", "rescue-station", "civil-affairs",
                  ["safety"], ["children-in-difficulty", "migrant-children"], (None, None), HOURS_24),
        PointSpec("深圳市跨境学童服务中心", "social-work-site", "youth-league",
                  ["safety", "social-learning"], ["cross-border-pupils"], (6, 15)),
        PointSpec("深圳市外籍儿童服务站", "social-work-site", "womens-federation",
                  ["interests"], ["foreign-children", "parent-child-families"], (3, 17)),
    ]


def _street_spec(street: Division) -> PointSpec:
    return PointSpec(
        f"{street.name}儿童社会工作服务站", "social-work-site", "civil-affairs",
        ["mental-health", "anti-bullying", "sexual-safety"],
        ["children-in-difficulty", "left-behind", "community-children"], (3, 17),
    )


class DemoBuilder:
    """Collect demo rows in memory, then write them with bulk inserts."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.departments = {d.code: d for d in Department.objects.all()}
        self.categories = terms(CATEGORY)
        self.contents = terms(SERVICE_CONTENT)
        self.groups = terms(TARGET_GROUP)
        self.counter = 0
        self.orgs: list[Organization] = []
        self.locations: list[Location] = []
        self.phones: list[Phone] = []
        self.services: list[Service] = []
        self.links: list[ServiceAtLocation] = []
        self.group_links: list = []
        self.content_links: list = []

    def _uuid(self, kind: str) -> uuid.UUID:
        self.counter += 1
        return uuid.uuid5(_UUID_NAMESPACE, f"{kind}-{self.counter}")

    def _phone(self) -> tuple[str, str]:
        digits = "0" + "".join(str(self.rng.randrange(10)) for _ in range(7))
        return f"0755-{digits[:4]} {digits[4:]}", f"+86-755-{digits}"

    def add(self, spec: PointSpec, district: Division, street, community, near, area) -> None:
        lat, lng = random_point_in(area, self.rng, near=near, spread_deg=0.002)
        place = community or street or district
        road_no = self.rng.randrange(1, 300)
        org = Organization(
            id=self._uuid("org"), name=spec.name + DEMO_SUFFIX,
            department=self.departments[spec.department], is_demo=True,
            description="演示数据：此机构为演示生成，并不存在。",
        )
        loc = Location(
            id=self._uuid("loc"), name=spec.name + DEMO_SUFFIX, organization=org,
            department=self.departments[spec.department], category=self.categories[spec.category],
            description=spec.description or f"{spec.name}为本区域儿童及家庭提供服务（演示数据）。",
            address=f"深圳市{district.name}{_short(place.name)}演示路{road_no}号",
            district=district, street=street, community=community,
            latitude=round(lat, 6), longitude=round(lng, 6), source_crs="wgs84",
            hours_text=spec.hours[0], schedule=spec.hours[1],
            min_age=spec.ages[0], max_age=spec.ages[1],
            is_free=spec.category != "hospital",
            fee_description="" if spec.category != "hospital" else "按医保规定收费",
            accessibility="无障碍通道、无障碍卫生间" if self.rng.random() < 0.6 else "",
            wheelchair_accessible=self.rng.random() < 0.6,
            application_process="携带身份证件到现场咨询，或先电话预约。",
            last_verified=datetime.date(2026, 1, 1) + datetime.timedelta(days=self.rng.randrange(330)),
            source_department=spec.department, source_id=f"demo-{self.counter}", is_demo=True,
        )
        display, tel = self._phone()
        self.orgs.append(org)
        self.locations.append(loc)
        self.phones.append(Phone(id=self._uuid("phone"), location=loc, number=display, tel=tel))
        for code in spec.groups:
            self.group_links.append(
                Location.target_groups.through(location_id=loc.id, taxonomyterm_id=self.groups[code].id)
            )
        for code in spec.contents:
            term = self.contents[code]
            service = Service(id=self._uuid("svc"), organization=org, name=term.name,
                              description=f"{term.name}（演示）")
            self.services.append(service)
            self.content_links.append(
                Service.taxonomy_terms.through(service_id=service.id, taxonomyterm_id=term.id)
            )
            self.links.append(ServiceAtLocation(id=self._uuid("sal"), service=service, location=loc))

    def save(self) -> int:
        Organization.objects.bulk_create(self.orgs, batch_size=500)
        Location.objects.bulk_create(self.locations, batch_size=500)
        Phone.objects.bulk_create(self.phones, batch_size=500)
        Service.objects.bulk_create(self.services, batch_size=500)
        ServiceAtLocation.objects.bulk_create(self.links, batch_size=500)
        Location.target_groups.through.objects.bulk_create(self.group_links, batch_size=500)
        Service.taxonomy_terms.through.objects.bulk_create(self.content_links, batch_size=500)
        return len(self.locations)


@transaction.atomic
def generate_demo(seed: int = 2020) -> int:
    """Replace all demo records with a freshly generated set; return the number of points."""
    remove_demo()
    builder = DemoBuilder(seed)
    districts = list(Division.objects.filter(level=Level.DISTRICT).order_by("code"))
    for district in districts:
        area = district_area(district)
        streets = list(
            Division.objects.public().filter(level=Level.STREET, public_district=district).order_by("code")
        )
        for spec in _district_specs(district):
            street = builder.rng.choice(streets)
            builder.add(spec, district, street, None, (street.anchor_lat, street.anchor_lng), area)
        for street in streets:
            builder.add(_street_spec(street), district, street, None,
                        (street.anchor_lat, street.anchor_lng), area)
            for community in street.children.public().order_by("code"):
                for spec in _community_specs(community, builder.rng):
                    builder.add(spec, district, street, community,
                                (community.anchor_lat, community.anchor_lng), area)
    futian = next(d for d in districts if d.code == "440304")
    futian_streets = list(Division.objects.filter(level=Level.STREET, parent=futian, special=""))
    for spec in _city_specs():
        street = builder.rng.choice(futian_streets)
        builder.add(spec, futian, street, None, (street.anchor_lat, street.anchor_lng),
                    district_area(futian))
    return builder.save()


def remove_demo() -> None:
    Location.objects.filter(is_demo=True).delete()
    Service.objects.filter(organization__is_demo=True).delete()
    Organization.objects.filter(is_demo=True).delete()
