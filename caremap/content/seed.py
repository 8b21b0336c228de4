"""Seed content: child-welfare policies, the navigator's benefits and rules, and the hotlines.

Titles, document numbers, dates and issuing bodies are as published; where a number could not be
checked it is left blank and the policy is marked unverified. Summaries are our own words.
Benefits name no amounts and no deadlines: they say which policy is behind them and where to
ask, and the back office edits them as data.
"""

from django.db import transaction

from caremap.directory.models import TaxonomyTerm
from caremap.directory.taxonomies import CATEGORY, TARGET_GROUP

from .models import Benefit, BenefitRule, Hotline, Policy

POLICIES = [
    {
        "title": "中华人民共和国未成年人保护法（2020年修订）",
        "doc_number": "", "issuing_body": "全国人民代表大会常务委员会", "level": "national",
        "theme": "未成年人保护", "issued": "2020-10-17", "effective": "2021-06-01", "verified": True,
        "summary": "规定家庭、学校、社会、网络、政府和司法六方面对未成年人的保护责任，"
                   "扩大了发现侵害后必须报告的范围。",
    },
    {
        "title": "国务院关于加强困境儿童保障工作的意见",
        "doc_number": "国发〔2016〕36号", "issuing_body": "国务院", "level": "national",
        "theme": "困境儿童保障", "issued": "2016-06", "verified": True,
        "summary": "提出全国困境儿童保障的总体框架：界定困境儿童，明确政府责任，建立发现与服务机制，"
                   "按类别提供基本生活、医疗、教育、康复和监护方面的保障，并在基层配备儿童工作人员。",
    },
    {
        "title": "国务院关于加强农村留守儿童关爱保护工作的意见",
        "doc_number": "国发〔2016〕13号", "issuing_body": "国务院", "level": "national",
        "theme": "留守儿童关爱", "issued": "2016-02", "verified": True,
        "summary": "部署农村留守儿童的关爱保护工作，建立由民政部门牵头的联席会议机制。",
    },
    {
        "title": "关于进一步健全农村留守儿童和困境儿童关爱服务体系的意见",
        "doc_number": "", "issuing_body": "民政部、教育部、公安部、司法部、财政部、人力资源社会保障部、"
        "国务院妇儿工委办公室、共青团中央、全国妇联、中国残联", "level": "national",
        "theme": "基层儿童工作", "issued": "2019-05", "verified": False,
        "summary": "明确儿童福利机构与未成年人救助保护机构的职能，要求每个乡镇（街道）设儿童督导员、"
                   "每个村（社区）设儿童主任。",
    },
    {
        "title": "关于进一步加强事实无人抚养儿童保障工作的意见",
        "doc_number": "民发〔2019〕62号", "issuing_body": "民政部等12部门", "level": "national",
        "theme": "事实无人抚养儿童", "issued": "2019-06", "verified": True,
        "summary": "对父母双方重残、重病、服刑、失联等情形下缺少实际照料的儿童，"
                   "参照孤儿标准发放基本生活补贴，并在医疗、教育和法律援助方面给予保障。",
    },
    {
        "title": "广东省民政厅等关于进一步加强事实无人抚养儿童保障工作的实施意见",
        "doc_number": "粤民规字〔2019〕10号", "issuing_body": "广东省民政厅等14个省级部门",
        "level": "provincial", "theme": "事实无人抚养儿童", "issued": "2019-12-20", "verified": True,
        "summary": "广东省的落实办法：对户籍在广东、未满18周岁、父母双方或一方处于所列情形的儿童，"
                   "明确认定条件和保障内容。",
    },
    {
        "title": "关于建立侵害未成年人案件强制报告制度的意见（试行）",
        "doc_number": "", "issuing_body": "最高人民检察院、国家监察委员会、教育部、公安部、民政部、司法部、"
        "国家卫生健康委员会、共青团中央、全国妇联", "level": "national",
        "theme": "强制报告", "issued": "2020-05-07", "verified": False,
        "summary": "学校、医院、社区组织等经常接触儿童的单位和人员，一旦怀疑儿童受到侵害，"
                   "须马上报告公安机关，不能等待核实。",
    },
]

# Policy title → (target-group codes it covers, category codes of the points where to apply).
POLICY_LINKS = {
    "中华人民共和国未成年人保护法（2020年修订）": (["community-children"], ["minor-protection-centre"]),
    "国务院关于加强困境儿童保障工作的意见": (
        ["children-in-difficulty", "orphans", "orphaned-disabled", "sick-children"],
        ["party-mass-centre"],
    ),
    "国务院关于加强农村留守儿童关爱保护工作的意见": (["left-behind"], ["children-home", "party-mass-centre"]),
    "关于进一步健全农村留守儿童和困境儿童关爱服务体系的意见": (
        ["left-behind", "children-in-difficulty"], ["children-home", "party-mass-centre"],
    ),
    "关于进一步加强事实无人抚养儿童保障工作的意见": (["de-facto-unsupported"], ["party-mass-centre"]),
    "广东省民政厅等关于进一步加强事实无人抚养儿童保障工作的实施意见": (
        ["de-facto-unsupported"], ["party-mass-centre"],
    ),
    "关于建立侵害未成年人案件强制报告制度的意见（试行）": (
        ["community-children"], ["minor-protection-centre"],
    ),
}

_LAW = "中华人民共和国未成年人保护法（2020年修订）"
_DIFFICULTY = "国务院关于加强困境儿童保障工作的意见"
_LEFT_BEHIND = "国务院关于加强农村留守儿童关爱保护工作的意见"
_NETWORK = "关于进一步健全农村留守儿童和困境儿童关爱服务体系的意见"
_DE_FACTO = "关于进一步加强事实无人抚养儿童保障工作的意见"
_DE_FACTO_GD = "广东省民政厅等关于进一步加强事实无人抚养儿童保障工作的实施意见"
_REPORTING = "关于建立侵害未成年人案件强制报告制度的意见（试行）"

_ID_PAPERS = "儿童的户口簿或身份证件"
_GUARDIAN_ID = "监护人或实际照料人的身份证件"

# (code, name, description, documents, policy titles, handled at (category codes),
#  rules: [{field: value}], each rule's conditions all required; any rule suffices)
BENEFITS = [
    ("community-child-services", "儿童之家和儿童主任服务",
     "每个社区都有儿童主任，可以帮忙了解情况、转介服务；社区儿童之家面向本社区所有儿童开放。",
     ["无需材料，可先打电话联系社区儿童主任"], [_NETWORK], ["children-home", "party-mass-centre"],
     [{"max_age": 17, "note": "面向所有未成年人"}]),
    ("orphan-basic-living", "孤儿基本生活保障",
     "孤儿可以按规定申请基本生活保障，并在医疗、教育等方面得到帮助。",
     [_ID_PAPERS, "父母死亡或被宣告失踪的证明材料", _GUARDIAN_ID], [_DIFFICULTY],
     ["party-mass-centre"],
     [{"max_age": 17, "orphan": "yes", "local_hukou": "yes", "note": "本市户籍孤儿"}]),
    ("de-facto-unsupported-allowance", "事实无人抚养儿童基本生活补贴",
     "父母双方或一方重残、重病、服刑、失联等，儿童实际上无人照料的，"
     "可以申请参照孤儿标准发放的基本生活补贴，以及医疗、教育和法律援助方面的保障。",
     [_ID_PAPERS, "父母重残、重病、服刑、失联等情形的证明材料", _GUARDIAN_ID],
     [_DE_FACTO, _DE_FACTO_GD], ["party-mass-centre"],
     [{"max_age": 17, "de_facto_unsupported": "yes", "local_hukou": "yes",
       "note": "广东省的认定以广东户籍为条件"}]),
    ("apply-at-hukou-place", "到户籍地申请基本生活保障",
     "孤儿和事实无人抚养儿童的基本生活保障一般由户籍所在地办理。户籍不在本市的，"
     "请先联系所在社区的儿童主任，由其协助联系户籍地。",
     [_ID_PAPERS, _GUARDIAN_ID], [_DIFFICULTY, _DE_FACTO], ["party-mass-centre"],
     [{"max_age": 17, "orphan": "yes", "local_hukou": "no", "note": "非本市户籍孤儿"},
      {"max_age": 17, "de_facto_unsupported": "yes", "local_hukou": "no",
       "note": "非本市户籍事实无人抚养儿童"}]),
    ("disability-rehabilitation", "残疾儿童康复服务",
     "残疾儿童可以到康复机构评估和康复训练，并咨询康复方面的保障。",
     ["残疾证或医院诊断证明", _ID_PAPERS], [_DIFFICULTY], ["rehabilitation"],
     [{"max_age": 17, "disability": "yes", "note": "残疾儿童"}]),
    ("special-education", "特殊教育",
     "适龄残疾儿童可以到特殊教育学校咨询入学或送教上门。",
     ["残疾证或医院诊断证明", _ID_PAPERS], [_DIFFICULTY], ["special-education-school"],
     [{"min_age": 6, "max_age": 17, "disability": "yes", "note": "学龄残疾儿童"}]),
    ("medical-support", "重病儿童医疗救助咨询",
     "患重病的儿童可以咨询医疗保障和医疗救助，社区儿童主任可以协助转介。",
     ["医院诊断证明和费用单据", _ID_PAPERS], [_DIFFICULTY], ["hospital", "party-mass-centre"],
     [{"max_age": 17, "serious_illness": "yes", "note": "重病儿童"}]),
    ("difficulty-classified-support", "困境儿童分类保障",
     "家庭困难的儿童可以按类别申请基本生活、医疗、教育等方面的保障，由社区儿童主任协助评估。",
     [_ID_PAPERS, "家庭经济困难的证明材料", _GUARDIAN_ID], [_DIFFICULTY], ["party-mass-centre"],
     [{"max_age": 17, "family_difficulty": "yes", "local_hukou": "yes", "note": "本市户籍困难家庭儿童"}]),
    ("left-behind-care", "留守儿童关爱服务",
     "父母外出务工的留守儿童可以得到探访、学习陪伴和安全教育等关爱服务。",
     [_ID_PAPERS], [_LEFT_BEHIND, _NETWORK], ["children-home", "party-mass-centre"],
     [{"max_age": 17, "left_behind": "yes", "note": "留守儿童"}]),
    ("migrant-community-services", "流动儿童社区服务",
     "随父母来到本市的流动儿童可以参加社区儿童之家和社会工作站点的活动。",
     ["无需材料，可先电话咨询"], [_LAW], ["children-home", "social-work-site"],
     [{"max_age": 17, "migrant": "yes", "note": "流动儿童"}]),
    ("protection-and-rescue", "未成年人救助保护",
     "儿童无人照料、受到伤害或面临危险时，未成年人救助保护机构提供临时照料和保护。"
     "情况紧急请立即拨打110。",
     ["情况紧急时无需任何材料"], [_LAW, _REPORTING], ["minor-protection-centre"],
     [{"max_age": 17, "de_facto_unsupported": "yes", "note": "无人照料"},
      {"max_age": 17, "orphan": "yes", "note": "孤儿"},
      {"max_age": 17, "family_difficulty": "yes", "note": "家庭困境"}]),
]

HOTLINES = [
    ("110", "报警电话", "Police", "遇到危险或发现儿童正在受到侵害，立即拨打。", True),
    ("120", "急救电话", "Medical emergency", "儿童受伤或突发疾病。", True),
    ("12355", "青少年服务台", "Youth helpline", "心理咨询、法律咨询和权益维护。", False),
    ("12338", "妇女儿童维权热线", "Women and children's rights helpline", "家庭暴力和权益侵害求助。", False),
    ("12345", "政务服务便民热线", "Government service hotline", "咨询儿童福利政策和办事流程。", False),
]


def _terms(taxonomy: str, codes: list[str]) -> list[TaxonomyTerm]:
    return list(TaxonomyTerm.objects.filter(taxonomy__code=taxonomy, code__in=codes))


def seed_benefits() -> None:
    """Create the navigator's benefits once; later edits in the admin are kept."""
    policies = {p.title: p for p in Policy.objects.all()}
    for order, (code, name, description, documents, titles, handled_at, rules) in enumerate(BENEFITS):
        benefit, created = Benefit.objects.get_or_create(
            code=code,
            defaults={"name": name, "description": description, "documents": "\n".join(documents),
                      "order": order},
        )
        if not created:
            continue
        benefit.policies.set([policies[t] for t in titles])
        benefit.handled_at.set(_terms(CATEGORY, handled_at))
        for rule in rules:
            BenefitRule.objects.create(benefit=benefit, **rule)


@transaction.atomic
def seed_content() -> None:
    for order, data in enumerate(POLICIES):
        policy, _ = Policy.objects.update_or_create(
            title=data["title"], defaults={**data, "order": order}
        )
        groups, categories = POLICY_LINKS[data["title"]]
        policy.child_categories.set(_terms(TARGET_GROUP, groups))
        policy.apply_categories.set(_terms(CATEGORY, categories))
    seed_benefits()
    for order, (number, name, name_en, description, emergency) in enumerate(HOTLINES):
        Hotline.objects.update_or_create(
            number=number,
            defaults={"name": name, "name_en": name_en, "description": description,
                      "emergency": emergency, "order": order},
        )
