from django.contrib import admin

from .models import ChildPopulation, Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "division", "work_phone", "filled", "is_demo")
    list_filter = ("kind", "filled", "is_demo")
    search_fields = ("title", "division__name", "division__code")
    autocomplete_fields = ("division", "also_covers")


@admin.register(ChildPopulation)
class ChildPopulationAdmin(admin.ModelAdmin):
    list_display = ("division", "children", "year", "source", "is_demo")
    search_fields = ("division__name", "division__code")
    autocomplete_fields = ("division",)
