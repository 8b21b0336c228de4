"""API routes of the statistics, and the network figures added to a division's record."""

from django.http import HttpRequest
from ninja import Router

from caremap.regions.models import Division

from . import statistics
from .coverage import GAP_RADIUS_M, unit_coverage
from .listing import posts_of

router = Router(tags=["network"])


def post_json(post) -> dict:
    return {
        "kind": post.kind,
        "title": post.title,
        "division": post.division_id,
        "also_covers": [d.code for d in post.also_covers.all()],
        "filled": post.filled,
        "work_phone": post.work_phone or None,
        "work_phone_tel": post.work_phone_tel or None,
        "is_demo": post.is_demo,
    }


def region_network(division: Division) -> dict:
    """Return the posts and coverage figures of a division for /api/v1/regions/{code}."""
    coverage = unit_coverage(division)
    return {
        "posts": [post_json(p) for p in posts_of(division)],
        "coverage": {
            "point_count": coverage.point_count,
            "children": coverage.children,
            "points_per_10k_children": coverage.points_per_10k,
            "supervisor_posts": coverage.supervisor_posts,
            "supervisor_posts_filled": coverage.supervisor_filled,
            "director_posts": coverage.director_posts,
            "director_posts_filled": coverage.director_filled,
            "communities": len(coverage.communities),
            "communities_with_director": coverage.communities_with_director,
            "gap_radius_m": GAP_RADIUS_M,
            "communities_without_children_home_nearby": [
                c.community.code for c in coverage.children_home_gaps],
            "communities_without_service_point_nearby": [
                c.community.code for c in coverage.point_gaps],
            "vacant_posts": len(coverage.vacant_posts),
        },
    }


@router.get("/stats", summary="Public statistics")
def get_stats(request: HttpRequest):
    """Return every public dataset of the /stats/ page as columns and rows, as in its CSV."""
    return {"datasets": [d.as_json() for d in statistics.public_datasets()]}
