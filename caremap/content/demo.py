"""Demonstration articles (服务资讯 and 优秀案例), all marked 演示."""

import datetime

from django.db import transaction

from caremap.directory.demo import DEMO_SUFFIX

from .models import Article

DEMO_ARTICLES = [
    (Article.Kind.NEWS, "儿童之家暑期活动安排", datetime.date(2026, 7, 1),
     "各社区儿童之家暑期开放安排的示例。",
     "这是一条演示资讯，用来展示服务资讯栏目的样子。真实部署中，这里发布各社区儿童之家的开放时间、"
     "活动安排和报名方式。"),
    (Article.Kind.NEWS, "儿童主任联系方式更新说明", datetime.date(2026, 9, 15),
     "社区儿童主任岗位电话的更新方式示例。",
     "这是一条演示资讯。儿童主任岗位的工作电话在各社区页面上列出；岗位电话变更后，由区民政部门在后台更新。"),
    (Article.Kind.CASE, "社区儿童主任协助困境儿童申请保障", datetime.date(2026, 10, 20),
     "一个虚构的个案，展示优秀案例栏目的写法。",
     "这是一个演示案例，情节为虚构。社区儿童主任在走访中了解到一名儿童的父母长期在外失联，"
     "随即协助其实际照料人整理材料、向街道提出申请，并联系社会工作站点提供学习陪伴。"),
]


@transaction.atomic
def generate_article_demo() -> int:
    Article.objects.filter(is_demo=True).delete()
    for kind, title, published, summary, body in DEMO_ARTICLES:
        Article.objects.create(kind=kind, title=title + DEMO_SUFFIX, published=published,
                               summary=summary, body=body, is_demo=True)
    return len(DEMO_ARTICLES)
