"""Social-work service projects: who runs them, what they offer, for whom, and where.

An organisation is a directory Organization; a project serves many project sites, and each site
is a directory Location of category social-work-site, so project sites appear on the map like
every other service point.
"""

from django.db import models

from caremap.directory.models import Location, Organization, TaxonomyTerm
from caremap.keys import uuid7

SITE_CATEGORY = "social-work-site"


class Project(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    name = models.CharField(max_length=200)
    # Null where the running organisation has not been verified.
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, related_name="projects", null=True, blank=True
    )
    summary = models.TextField(blank=True)
    service_contents = models.ManyToManyField(
        TaxonomyTerm, blank=True, related_name="projects_offering",
        limit_choices_to={"taxonomy__code": "service-content"},
    )
    target_groups = models.ManyToManyField(
        TaxonomyTerm, blank=True, related_name="projects_serving",
        limit_choices_to={"taxonomy__code": "target-group"},
    )
    sites = models.ManyToManyField(
        Location, blank=True, related_name="projects",
        limit_choices_to={"category__code": SITE_CATEGORY},
    )
    # Service visits (服务人次) reported for the project; null where not reported.
    service_volume = models.PositiveIntegerField(null=True, blank=True)
    featured = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-featured", "name"]

    def __str__(self) -> str:
        return self.name
