"""Featured social-work projects known by name, and a generated demo set of projects.

The featured projects are real Shenzhen child social-work projects. caremap records only their
names and that the city features them, so their organisations, sites and volumes stay empty
until the back office enters verified facts. Demo projects are invented and marked 演示.
"""

import random
import uuid

from django.db import transaction

from caremap.directory.demo import DEMO_SUFFIX
from caremap.directory.models import Location, Organization, TaxonomyTerm
from caremap.directory.taxonomies import SERVICE_CONTENT, TARGET_GROUP

from .models import SITE_CATEGORY, Project

FEATURED = [
    "“小熊猫”儿童零暴力成长救助计划",
    "“护蕾行动”校园欺凌减除计划",
    "“爱·会·保护自己”预防性侵安全教育工具包",
]
FEATURED_SUMMARY = "深圳市儿童社会工作特色项目。运营机构、服务站点和服务量尚未核实。"

# (demo project theme, service contents, target groups)
DEMO_THEMES = [
    ("社区儿童成长陪伴", ["social-learning", "interests"], ["community-children"]),
    ("亲子关系支持", ["parent-child"], ["parent-child-families"]),
    ("儿童心理支持", ["mental-health"], ["pupils", "children-in-difficulty"]),
    ("儿童安全教育", ["safety", "sexual-safety"], ["pupils", "community-children"]),
    ("困境儿童个案帮扶", ["self-management", "mental-health"], ["children-in-difficulty", "de-facto-unsupported"]),
    ("流动儿童融入", ["social-learning", "child-friendly-community"], ["migrant-children"]),
]
_UUID_NAMESPACE = uuid.UUID("0b7d2c1e-3f4a-4e8b-9a61-5d2c7e9f1a30")


def seed_featured_projects() -> None:
    for name in FEATURED:
        Project.objects.get_or_create(name=name, defaults={"summary": FEATURED_SUMMARY, "featured": True})


@transaction.atomic
def generate_project_demo(seed: int = 2020) -> int:
    """Replace the demo projects: each demo organisation runs projects at several demo sites."""
    Project.objects.filter(is_demo=True).delete()
    Organization.objects.filter(is_demo=True, name__startswith="演示社工").delete()
    rng = random.Random(seed)
    contents = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__code=SERVICE_CONTENT)}
    groups = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__code=TARGET_GROUP)}
    sites = list(Location.objects.filter(is_demo=True, category__code=SITE_CATEGORY,
                                         community__isnull=True).order_by("source_id"))
    if not sites:
        return 0
    created = 0
    for number in range(1, 7):
        org = Organization.objects.create(
            id=uuid.uuid5(_UUID_NAMESPACE, f"org-{number}"),
            name=f"演示社工服务中心{number}号{DEMO_SUFFIX}", is_demo=True,
            description="演示数据：此机构为演示生成，并不存在。",
        )
        for theme, content_codes, group_codes in rng.sample(DEMO_THEMES, 2):
            project = Project.objects.create(
                id=uuid.uuid5(_UUID_NAMESPACE, f"project-{number}-{theme}"),
                name=f"{theme}项目·{number}号{DEMO_SUFFIX}", organization=org, is_demo=True,
                summary=f"{org.name}在多个站点开展的{theme}服务（演示数据）。",
                service_volume=rng.randrange(500, 20000),
            )
            project.service_contents.set([contents[c] for c in content_codes])
            project.target_groups.set([groups[g] for g in group_codes])
            project.sites.set(rng.sample(sites, min(len(sites), rng.randrange(2, 6))))
            created += 1
    return created
