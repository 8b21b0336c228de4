"""API routes of the social-work projects."""

from django.http import HttpRequest
from ninja import Router

from .views import public_projects

router = Router(tags=["projects"])


@router.get("/projects", summary="Social-work projects")
def list_projects(request: HttpRequest, featured: str | None = None):
    """List projects with their organisation, contents, target groups and public site ids."""
    qs = public_projects().prefetch_related("sites")
    if featured in ("1", "true", "yes"):
        qs = qs.filter(featured=True)
    rows = list(qs)
    return {
        "count": len(rows),
        "results": [
            {
                "id": str(p.id),
                "name": p.name,
                "organization": {"id": str(p.organization.id), "name": p.organization.name}
                if p.organization else None,
                "summary": p.summary,
                "service_contents": [t.code for t in p.service_contents.all()],
                "target_groups": [t.code for t in p.target_groups.all()],
                "sites": [str(s.id) for s in p.sites.all() if s.visibility == "public"],
                "service_volume": p.service_volume,
                "featured": p.featured,
                "is_demo": p.is_demo,
            }
            for p in rows
        ],
    }
