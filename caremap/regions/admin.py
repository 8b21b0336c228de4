from django.contrib import admin

from .models import Division


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "public_district", "special", "anchor_lat", "anchor_lng")
    list_filter = ("level", "special")
    search_fields = ("code", "name")
    readonly_fields = ("code", "level", "parent", "outline")
