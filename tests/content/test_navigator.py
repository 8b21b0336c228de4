"""Benefit navigator: the seeded rules against a table of situations, rules as data, the API."""

import pytest

from caremap.content.models import BenefitRule
from caremap.content.navigator import Situation, navigate

pytestmark = pytest.mark.django_db

BASE = "community-child-services"

# (situation, benefit codes expected, in the admin's order)
CASES = [
    (Situation(age=8, local_hukou=True), [BASE]),
    (Situation(age=19, local_hukou=True, orphan=True), []),
    (Situation(age=8, local_hukou=True, orphan=True),
     [BASE, "orphan-basic-living", "protection-and-rescue"]),
    (Situation(age=8, local_hukou=False, orphan=True),
     [BASE, "apply-at-hukou-place", "protection-and-rescue"]),
    (Situation(age=12, local_hukou=True, de_facto_unsupported=True),
     [BASE, "de-facto-unsupported-allowance", "protection-and-rescue"]),
    (Situation(age=12, local_hukou=False, de_facto_unsupported=True),
     [BASE, "apply-at-hukou-place", "protection-and-rescue"]),
    (Situation(age=4, local_hukou=True, disability=True), [BASE, "disability-rehabilitation"]),
    (Situation(age=7, local_hukou=False, disability=True),
     [BASE, "disability-rehabilitation", "special-education"]),
    (Situation(age=10, local_hukou=True, serious_illness=True), [BASE, "medical-support"]),
    (Situation(age=10, local_hukou=True, family_difficulty=True),
     [BASE, "difficulty-classified-support", "protection-and-rescue"]),
    (Situation(age=10, local_hukou=False, family_difficulty=True), [BASE, "protection-and-rescue"]),
    (Situation(age=9, local_hukou=False, migrant=True), [BASE, "migrant-community-services"]),
    (Situation(age=9, local_hukou=True, left_behind=True), [BASE, "left-behind-care"]),
]


@pytest.mark.parametrize(("situation", "expected"), CASES)
def test_navigator_rule_table(situation, expected):
    assert [m.benefit.code for m in navigate(situation)] == expected


def test_nearest_points_ordered_by_distance():
    matches = navigate(Situation(age=8, local_hukou=True, near=(22.543, 114.058)))
    nearest = matches[0].nearest
    assert len(nearest) == 3
    distances = [d for _, d in nearest]
    assert distances == sorted(distances)
    assert {loc.category.code for loc, _ in nearest} <= {"children-home", "party-mass-centre"}


def test_rule_edited_as_data_changes_answer():
    rule = BenefitRule.objects.get(benefit_id="medical-support")
    rule.local_hukou = "yes"
    rule.save()
    outsider = Situation(age=10, local_hukou=False, serious_illness=True)
    assert "medical-support" not in [m.benefit.code for m in navigate(outsider)]


def test_navigator_page_says_guidance(client):
    page = client.get("/navigator/", {"age": 8, "local_hukou": "yes", "orphan": "on",
                                      "street": "440304001"}).content.decode()
    assert "不是资格认定" in page
    assert "孤儿基本生活保障" in page
    assert "国务院关于加强困境儿童保障工作的意见" in page
    assert "父母死亡或被宣告失踪的证明材料" in page
    assert " 米" in page


def test_navigator_api(client):
    response = client.post("/api/v1/navigator", {"age": 12, "local_hukou": True,
                                                 "de_facto_unsupported": True,
                                                 "region": "440304001"},
                           content_type="application/json")
    body = response.json()
    assert response.status_code == 200
    assert "不是资格认定" in body["guidance"]["zh"]
    codes = [b["code"] for b in body["benefits"]]
    assert codes == [BASE, "de-facto-unsupported-allowance", "protection-and-rescue"]
    allowance = body["benefits"][1]
    assert {p["doc_number"] for p in allowance["policies"]} == {"民发〔2019〕62号", "粤民规字〔2019〕10号"}
    assert len(allowance["nearest"]) == 3


@pytest.mark.parametrize(("payload", "field"), [
    ({"age": 40, "local_hukou": True}, "age"),
    ({"age": 5, "local_hukou": True, "near": "north"}, "near"),
    ({"age": 5, "local_hukou": True, "region": "999"}, "region"),
    ({"local_hukou": True}, "age"),
])
def test_navigator_api_errors(client, payload, field):
    response = client.post("/api/v1/navigator", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
