from django.urls import include, path

from bench import anchors

urlpatterns = [
    path("bench/anchor/cases/<str:which>/", anchors.cases_list, name="bench-cases"),
    path("bench/anchor/caseload/<str:which>/", anchors.caseload, name="bench-caseload"),
    path("", include("config.urls")),
]
