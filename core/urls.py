from django.urls import path

from core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("system/health/", views.health, name="health"),
    path("system/audit/", views.audit_log_list, name="audit-log"),
]
