"""Django admin for the back office's own tables: city administrators only (see roles.py)."""

from django.contrib import admin

from .models import AuditEvent, Correction, StaffRole, public_districts
from .roles import remove_role, save_role


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    """Roles checked by StaffRole.clean() and saved through roles.save_role, as assign_role does."""

    list_display = ["user", "role", "district", "department"]
    list_filter = ["role"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a role to another user would leave the first user's group and flags behind.
        return ["user"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            kwargs["queryset"] = public_districts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        save_role(obj)

    def delete_model(self, request, obj):
        remove_role(obj)

    def delete_queryset(self, request, queryset):
        for staff in queryset.select_related("user"):
            remove_role(staff)


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
