"""API routes of the policy library and the benefit navigator."""

import uuid

from django.http import HttpRequest
from ninja import Router, Schema

from caremap.api.errors import invalid, not_found
from caremap.geo.crs import to_wgs84
from caremap.regions.models import Division

from .models import Policy
from .navigator import Situation, navigate
from .policy_search import PolicyFilters, search_policies

router = Router(tags=["policies"])

GUIDANCE_ZH = "本结果仅供参考，不是资格认定；是否符合条件以经办部门的审核为准。"
GUIDANCE_EN = "Guidance only, not a decision: the office that handles a benefit decides eligibility."


def policy_json(policy: Policy) -> dict:
    return {
        "id": str(policy.id),
        "title": policy.title,
        "doc_number": policy.doc_number or None,
        "issuing_body": policy.issuing_body,
        "level": policy.level,
        "theme": policy.theme,
        "issued": policy.issued or None,
        "effective": policy.effective or None,
        "repealed": policy.repealed or None,
        "status": policy.status,
        "in_force": policy.in_force,
        "verified": policy.verified,
        "summary": policy.summary,
        "child_categories": [t.code for t in policy.child_categories.all()],
    }


@router.get("/policies", summary="Child-welfare policies")
def list_policies(request: HttpRequest, q: str | None = None, level: str | None = None,
                  theme: str | None = None, status: str | None = None,
                  category: str | None = None):
    """Search (`q`, Chinese, pinyin or initials) and filter by `level`, `theme`, `status`
    (in_force, repealed) and `category` (a target-group code such as `orphans`)."""
    if level and level not in Policy.Level.values:
        raise invalid("level", level, "应为 national、provincial、city 或 district",
                      "expected national, provincial, city or district")
    if status and status not in Policy.Status.values:
        raise invalid("status", status, "应为 in_force 或 repealed", "expected in_force or repealed")
    rows = search_policies(PolicyFilters(q=q or "", level=level or "", theme=theme or "",
                                         status=status or "", category=category or ""))
    return {"count": len(rows), "results": [policy_json(r) for r in rows]}


@router.get("/policies/{policy_id}", summary="One policy")
def get_policy(request: HttpRequest, policy_id: str):
    try:
        ident = uuid.UUID(policy_id)
    except ValueError:
        raise invalid("id", policy_id, "应为 UUID", "expected a UUID") from None
    policy = Policy.objects.filter(id=ident).first()
    if policy is None:
        raise not_found("政策", "Policy", policy_id)
    data = policy_json(policy)
    data["body"] = policy.body
    data["apply_categories"] = [t.code for t in policy.apply_categories.all()]
    data["apply_locations"] = [str(i) for i in policy.apply_locations.public().values_list("id", flat=True)]
    return data


class SituationIn(Schema):
    age: int
    local_hukou: bool
    orphan: bool = False
    de_facto_unsupported: bool = False
    disability: bool = False
    serious_illness: bool = False
    migrant: bool = False
    left_behind: bool = False
    family_difficulty: bool = False
    # "lat,lng" in `crs` (default WGS-84), or a street/community code whose anchor is used.
    near: str | None = None
    crs: str | None = None
    region: str | None = None


def _near(body: SituationIn) -> tuple[float, float] | None:
    if body.near:
        try:
            lat, lng = (float(v) for v in body.near.split(","))
        except ValueError:
            raise invalid("near", body.near, "应为 纬度,经度", "expected lat,lng") from None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise invalid("near", body.near, "坐标超出范围", "coordinates out of range")
        system = body.crs or "wgs84"
        if system not in ("wgs84", "gcj02", "bd09"):
            raise invalid("crs", system, "应为 wgs84、gcj02 或 bd09", "expected wgs84, gcj02 or bd09")
        return to_wgs84(lat, lng, system)
    if body.region:
        division = Division.objects.filter(code=body.region).first()
        if division is None or division.anchor_lat is None:
            raise invalid("region", body.region, "没有这个行政区划或其位置未知",
                          "no such division, or its position is unknown")
        return division.anchor_lat, division.anchor_lng
    return None


@router.post("/navigator", summary="Benefits that may apply to a child's situation")
def post_navigator(request: HttpRequest, body: SituationIn):
    """POST a situation (JSON); get the benefits that may apply, each with its policies, what
    to prepare and, when `near` or `region` is given, the nearest service points that handle
    it. The answer is guidance, never a decision on eligibility."""
    if not 0 <= body.age <= 25:
        raise invalid("age", str(body.age), "年龄应在 0 到 25 之间", "age must be 0 to 25")
    flags = body.dict(include=set(Situation.__dataclass_fields__) - {"near", "age", "local_hukou"})
    situation = Situation(age=body.age, local_hukou=body.local_hukou, near=_near(body), **flags)
    matches = navigate(situation)
    return {
        "guidance": {"zh": GUIDANCE_ZH, "en": GUIDANCE_EN},
        "count": len(matches),
        "benefits": [
            {
                "code": m.benefit.code,
                "name": m.benefit.name,
                "description": m.benefit.description,
                "documents": m.benefit.document_list(),
                "policies": [{"id": str(p.id), "title": p.title, "doc_number": p.doc_number or None}
                             for p in m.benefit.policies.all()],
                "handled_at": [t.code for t in m.benefit.handled_at.all()],
                "nearest": [{"id": str(loc.id), "name": loc.name, "distance_m": round(d)}
                            for loc, d in m.nearest],
            }
            for m in matches
        ],
    }
