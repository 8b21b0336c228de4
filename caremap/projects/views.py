"""Public pages of the social-work projects."""

import uuid

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from caremap.directory.models import Location

from .models import Project


def public_projects():
    return Project.objects.select_related("organization").prefetch_related(
        "service_contents", "target_groups")


@require_safe
def project_list(request):
    projects = list(public_projects())
    return render(request, "projects/project_list.html", {
        "featured": [p for p in projects if p.featured],
        "projects": [p for p in projects if not p.featured],
    })


@require_safe
def project_detail(request, project_id: uuid.UUID):
    project = get_object_or_404(public_projects(), id=project_id)
    sites = Location.objects.public().filter(projects=project).select_related("district", "street")
    return render(request, "projects/project_detail.html", {"project": project, "sites": sites})
