from django.contrib import admin

from .models import Article, Benefit, BenefitRule, Hotline, Policy


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("title", "doc_number", "level", "status", "issued", "verified")
    list_filter = ("level", "status", "verified", "theme")
    search_fields = ("title", "doc_number", "issuing_body")
    filter_horizontal = ("child_categories", "apply_categories")
    raw_id_fields = ("apply_locations",)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "published", "is_published", "is_demo")
    list_filter = ("kind", "is_published", "is_demo")
    search_fields = ("title", "summary")
    filter_horizontal = ("policies",)


class BenefitRuleInline(admin.TabularInline):
    model = BenefitRule
    extra = 1


@admin.register(Benefit)
class BenefitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order", "active")
    list_editable = ("order", "active")
    filter_horizontal = ("policies", "handled_at")
    inlines = [BenefitRuleInline]


@admin.register(Hotline)
class HotlineAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "emergency", "order")
