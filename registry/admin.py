from django.contrib import admin

from registry.models import CategoryRule, ServiceArea


@admin.register(CategoryRule)
class CategoryRuleAdmin(admin.ModelAdmin):
    list_display = ("child_type", "category", "entitlement", "monthly_amount", "is_active")
    list_filter = ("child_type", "is_active")


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ("user", "location")
    raw_id_fields = ("user", "location")
