from django.urls import path

from alliance import views

app_name = "alliance"

urlpatterns = [
    path("", views.member_list, name="members"),
    path("new/", views.member_create, name="member-create"),
    path("import/", views.member_import, name="member-import"),
    path("export/", views.member_export, name="member-export"),
    path("<int:pk>/", views.member_detail, name="member-detail"),
    path("<int:pk>/certificate/", views.member_certificate, name="certificate"),
    path("events/", views.events, name="events"),
    path("events/<int:event_id>/agreements/", views.conference_agreement, name="agreement-add"),
    path("visits/", views.my_visits, name="my-visits"),
    path("visits/<int:case_id>/log/", views.visit_log, name="visit-log"),
    path("visits/<int:case_id>/worried/", views.raise_concern, name="worried"),
    path("case/<int:case_id>/", views.case_panel, name="case-panel"),
]
