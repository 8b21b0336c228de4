from django.contrib import admin

from .models import Hotline, Policy


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("title", "doc_number", "level", "status", "issued", "verified")
    list_filter = ("level", "status", "verified")
    search_fields = ("title", "doc_number", "issuing_body")


@admin.register(Hotline)
class HotlineAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "emergency", "order")
