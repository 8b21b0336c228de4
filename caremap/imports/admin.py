from django.contrib import admin

from .models import ColumnMapping, ImportRun


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ("department",)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("filename", "department", "dry_run", "started", "counts")
    readonly_fields = ("counts", "findings")
