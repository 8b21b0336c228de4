"""The vocabularies every deployment starts with: departments, categories, contents, groups."""

from django.db import transaction

from .models import Department, Taxonomy, TaxonomyTerm

# (code, short name, full name, English name)
DEPARTMENTS = [
    ("civil-affairs", "民政", "民政局", "Civil Affairs Bureau"),
    ("education", "教育", "教育局", "Education Bureau"),
    ("health", "卫健", "卫生健康委员会", "Health Commission"),
    ("procuratorate", "检察", "人民检察院", "People's Procuratorate"),
    ("youth-league", "共青团", "共青团市委", "Communist Youth League"),
    ("womens-federation", "妇联", "妇女联合会", "Women's Federation"),
    ("disabled-federation", "残联", "残疾人联合会", "Disabled Persons' Federation"),
]

CATEGORY = "category"
SERVICE_CONTENT = "service-content"
TARGET_GROUP = "target-group"

# (taxonomy code, name, English name, [(term code, name, English name), ...])
TAXONOMIES = [
    (CATEGORY, "服务点类别", "Service point category", [
        ("party-mass-centre", "社区党群服务中心", "Community party-mass service centre"),
        ("children-home", "儿童之家", "Children's home (community)"),
        ("special-education-school", "特殊教育学校", "Special-education school"),
        ("welfare-centre", "儿童福利中心", "Child welfare centre"),
        ("rescue-station", "救助管理站", "Rescue and relief station"),
        ("minor-protection-centre", "未成年人救助保护中心", "Minor rescue and protection centre"),
        ("hospital", "医院", "Hospital"),
        ("youth-station", "青少年服务站", "Youth League service station"),
        ("women-station", "妇女儿童之家", "Women's Federation station"),
        ("rehabilitation", "残疾儿童康复机构", "Rehabilitation for disabled children"),
        ("social-work-site", "社会工作服务站点", "Social-work project site"),
    ]),
    (SERVICE_CONTENT, "服务内容", "Service content", [
        ("social-learning", "人际交往与学习能力提升", "Social and learning skills"),
        ("self-management", "自我管理能力增进", "Self-management"),
        ("interests", "兴趣范围拓展", "Widening interests"),
        ("parent-child", "亲子关系促进", "Parent-child relationships"),
        ("mental-health", "心理服务网络搭建", "Mental-health services"),
        ("safety", "安全知识增进与能力提升", "Safety knowledge and skills"),
        ("anti-domestic-violence", "反家暴宣导", "Against domestic violence"),
        ("anti-bullying", "校园欺凌预防", "Preventing school bullying"),
        ("sexual-safety", "性安全保护促进", "Protection from sexual abuse"),
        ("child-friendly-community", "儿童友好型社区打造", "Child-friendly communities"),
    ]),
    (TARGET_GROUP, "服务对象", "Target group", [
        ("community-children", "社区儿童", "Children in the community"),
        ("parent-child-families", "亲子家庭", "Parents and children"),
        ("pupils", "中小学生", "School pupils"),
        ("orphaned-disabled", "孤残儿童", "Orphaned and disabled children"),
        ("sick-children", "病患儿童", "Children with illness"),
        ("cross-border-pupils", "跨境学童", "Cross-border pupils"),
        ("juvenile-offenders", "涉罪未成年人", "Minors in conflict with the law"),
        ("migrant-children", "流动儿童", "Migrant children"),
        ("foreign-children", "外籍儿童", "Foreign children"),
        ("orphans", "孤儿", "Orphans"),
        ("de-facto-unsupported", "事实无人抚养儿童", "Children without de-facto carers"),
        ("children-in-difficulty", "困境儿童", "Children in difficulty"),
        ("left-behind", "留守儿童", "Left-behind children"),
    ]),
]


@transaction.atomic
def seed_taxonomies() -> None:
    """Create or update the departments and vocabularies; safe to run again."""
    for order, (code, short_name, name, name_en) in enumerate(DEPARTMENTS):
        Department.objects.update_or_create(
            code=code,
            defaults={"short_name": short_name, "name": name, "name_en": name_en, "order": order},
        )
    for code, name, name_en, terms in TAXONOMIES:
        taxonomy, _ = Taxonomy.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en}
        )
        for order, (term_code, term_name, term_en) in enumerate(terms):
            TaxonomyTerm.objects.update_or_create(
                taxonomy=taxonomy,
                code=term_code,
                defaults={"name": term_name, "name_en": term_en, "order": order},
            )


def terms(taxonomy_code: str) -> dict[str, TaxonomyTerm]:
    """Return {term code: term} of one vocabulary."""
    return {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__code=taxonomy_code)}
