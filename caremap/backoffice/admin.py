"""Django admin for the back office's own tables: city administrators only (see roles.py)."""

from django.contrib import admin

from .models import AuditEvent, Correction, StaffRole


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "district", "department"]
    list_filter = ["role"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["time", "action", "username", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["username", "object_id"]

    # The audit log is written by the application only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["location", "topic", "status", "created"]
    list_filter = ["status", "topic"]
    raw_id_fields = ["location", "handled_by", "changeset"]
