"""Policy library: search with the shared Chinese normaliser, filters, in-force state."""

import pytest

from caremap.content.models import Policy
from caremap.content.policy_search import PolicyFilters, search_policies

pytestmark = pytest.mark.django_db

DE_FACTO = {"民发〔2019〕62号", "粤民规字〔2019〕10号"}


def _numbers(policies):
    return {p.doc_number for p in policies}


@pytest.mark.parametrize("query", ["事实无人抚养", "事實無人撫養", "事实 无人抚养"])
def test_search_folds_traditional_and_spaces(query):
    assert _numbers(search_policies(PolicyFilters(q=query))) == DE_FACTO


def test_search_full_width_document_number():
    found = search_policies(PolicyFilters(q="国发〔２０１６〕３６号"))
    assert _numbers(found) == {"国发〔2016〕36号"}


def test_search_pinyin_initials_of_title():
    titles = [p.title for p in search_policies(PolicyFilters(q="zhrmgh"))]
    assert titles == ["中华人民共和国未成年人保护法（2020年修订）"]


def test_search_synonym_expands():
    # 未保 is a synonym of 未成年人保护.
    titles = {p.title for p in search_policies(PolicyFilters(q="未保"))}
    assert "中华人民共和国未成年人保护法（2020年修订）" in titles


def test_search_no_match_is_empty():
    assert search_policies(PolicyFilters(q="火星移民")) == []


def test_filters_level_and_category():
    provincial = search_policies(PolicyFilters(level="provincial"))
    assert _numbers(provincial) == {"粤民规字〔2019〕10号"}
    left_behind = {p.title for p in search_policies(PolicyFilters(category="left-behind"))}
    assert left_behind == {"国务院关于加强农村留守儿童关爱保护工作的意见",
                           "关于进一步健全农村留守儿童和困境儿童关爱服务体系的意见"}


def test_repealed_policy_state_and_filter(client):
    policy = Policy.objects.create(
        title="测试已废止办法", issuing_body="测试机关", level="city", summary="测试用。",
        status=Policy.Status.REPEALED, repealed="2020-01-01",
    )
    assert not policy.in_force
    in_force = search_policies(PolicyFilters(status="in_force"))
    assert policy not in in_force
    assert [p.title for p in search_policies(PolicyFilters(status="repealed"))] == ["测试已废止办法"]

    page = client.get(f"/policies/{policy.id}/").content.decode()
    assert "本政策已失效" in page
    assert "2020-01-01废止" in page
    listing = client.get("/policies/", {"status": "repealed"}).content.decode()
    assert "已失效" in listing
    assert "国发〔2016〕36号" not in listing


def test_repeal_date_requires_repealed_status():
    from django.core.exceptions import ValidationError

    policy = Policy(title="x", issuing_body="y", level="city", summary="z", repealed="2020-01-01")
    with pytest.raises(ValidationError):
        policy.clean()


def test_unverified_policy_marked_on_page(client):
    page = client.get("/policies/").content.decode()
    assert "文号未核实" in page
    assert "未核实" in page
    policy = Policy.objects.get(doc_number="国发〔2016〕36号")
    detail = client.get(f"/policies/{policy.id}/").content.decode()
    assert "困境儿童" in detail
    assert "/?category=party-mass-centre" in detail


def test_policy_list_search_page(client):
    page = client.get("/policies/", {"q": "shishiwuren"}).content.decode()
    assert "民发〔2019〕62号" in page
    assert "国发〔2016〕13号" not in page


def test_api_policies_filters_and_errors(api_get):
    status, body = api_get("/api/v1/policies", q="事实无人抚养", status="in_force")
    assert status == 200
    assert {p["doc_number"] for p in body["results"]} == DE_FACTO
    assert all(p["in_force"] for p in body["results"])
    status, body = api_get("/api/v1/policies", status="maybe")
    assert status == 400
    assert body["error"]["field"] == "status"


def test_articles_pages(client):
    news = client.get("/news/").content.decode()
    assert "儿童之家暑期活动安排（演示）" in news
    cases = client.get("/cases/").content.decode()
    assert "（演示）" in cases
    assert "暑期活动" not in cases


def test_policy_page_theme_filter(client):
    page = client.get("/policies/", {"theme": "留守儿童关爱"}).content.decode()
    assert "国发〔2016〕13号" in page
    assert "国发〔2016〕36号" not in page
