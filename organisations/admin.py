from django.contrib import admin

from organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "location", "is_default"]
    list_filter = ["kind"]
    search_fields = ["name"]
