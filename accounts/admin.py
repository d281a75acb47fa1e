from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Shouhu", {"fields": ("full_name", "role", "phone", "member")}))
