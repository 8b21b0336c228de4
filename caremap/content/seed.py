"""Seed content: child-welfare policies and the public hotlines.

Titles, document numbers, dates and issuing bodies are as published; where a number could not be
checked it is left blank and the policy is marked unverified. Summaries are our own words.
"""

from django.db import transaction

from .models import Hotline, Policy

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
        "summary": "学校、医院、社区等与未成年人密切接触的单位及其工作人员，"
                   "发现未成年人疑似遭受侵害的，应当立即向公安机关报案。",
    },
]

HOTLINES = [
    ("110", "报警电话", "Police", "遇到危险或发现儿童正在受到侵害，立即拨打。", True),
    ("120", "急救电话", "Medical emergency", "儿童受伤或突发疾病。", True),
    ("12355", "青少年服务台", "Youth helpline", "心理咨询、法律咨询和权益维护。", False),
    ("12338", "妇女儿童维权热线", "Women and children's rights helpline", "家庭暴力和权益侵害求助。", False),
    ("12345", "政务服务便民热线", "Government service hotline", "咨询儿童福利政策和办事流程。", False),
]


@transaction.atomic
def seed_content() -> None:
    for order, data in enumerate(POLICIES):
        Policy.objects.update_or_create(title=data["title"], defaults={**data, "order": order})
    for order, (number, name, name_en, description, emergency) in enumerate(HOTLINES):
        Hotline.objects.update_or_create(
            number=number,
            defaults={"name": name, "name_en": name_en, "description": description,
                      "emergency": emergency, "order": order},
        )
