from django.urls import path

from organisations import views

app_name = "organisations"

urlpatterns = [
    path("services/", views.directory, name="directory"),
    path("services/new/", views.service_edit, name="service-add"),
    path("services/<int:pk>/edit/", views.service_edit, name="service-edit"),
    path("services/towns/<int:pk>/", views.town, name="town"),
    path("new/", views.organisation_add, name="add"),
]
