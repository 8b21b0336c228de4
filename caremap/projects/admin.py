from django.contrib import admin

from .models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "featured", "service_volume", "is_demo")
    list_filter = ("featured", "is_demo")
    search_fields = ("name", "summary")
    filter_horizontal = ("service_contents", "target_groups")
    raw_id_fields = ("organization", "sites")
