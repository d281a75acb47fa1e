from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("summary.csv", views.summary_export, name="summary-export"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/download/", views.report_download, name="download"),
    path("<int:pk>/retry/", views.report_retry, name="retry"),
]
