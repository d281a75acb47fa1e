from django.urls import include, path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("new/", views.case_create, name="create"),
    path("search/", views.case_search, name="search"),
    path("export/", views.case_export, name="export"),
    path("children/autocomplete/", views.child_autocomplete, name="child-autocomplete"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/visit/", views.visit_quick_add, name="visit-add"),
    path("<int:pk>/flags/", views.flag_add, name="flag-add"),
    path("<int:pk>/flags/<int:flag_id>/resolve/", views.flag_resolve, name="flag-resolve"),
    path("<int:pk>/household/", views.household_add, name="household-add"),
    path("<int:pk>/assign/", views.case_assign_view, name="assign"),
    path("<int:pk>/close/", views.case_close_view, name="close"),
    path("", include("cases.urls_work")),
]
