from django.urls import include, path

app_name = "cases"

urlpatterns = [
    path("", include("cases.urls_work")),
]
