from django.urls import path

from registry import roster_views, views

app_name = "registry"

urlpatterns = [
    path("", views.home, name="home"),
    path("files/", views.file_list, name="list"),
    path("new/", views.file_new, name="file-new"),
    path("<int:pk>/", views.file_detail, name="file-detail"),
    path("<int:pk>/edit/", views.file_edit, name="file-edit"),
    path("<int:pk>/update/", views.file_update_new, name="update-new"),
    path("<int:pk>/leave/", views.file_leave_view, name="file-leave"),
    path("<int:pk>/escalate/", views.file_escalate_view, name="file-escalate"),
    path("<int:pk>/entitlements/", views.claim_save, name="claim-save"),
    path("<int:pk>/identification/", views.identification_start, name="identification-start"),
    path("<int:pk>/identification/<int:ident_id>/", views.identification_edit, name="identification"),
    path("<int:pk>/programmes/", roster_views.place_add_view, name="place-add"),
    path("<int:pk>/programmes/<int:place_id>/end/", roster_views.place_end_view, name="place-end"),
    path("places/<int:place_id>/profile/", roster_views.place_profile_view, name="place-profile"),
    path("town/", views.town_page, name="town"),
    path("review/", views.review_list, name="review"),
    path("review/<int:update_id>/", views.review_decide, name="review-decide"),
    path("report/", views.report_page, name="report"),
    path("export/", views.civil_affairs_export, name="export"),
    path("rules/", views.rules_page, name="rules"),
    path("areas/", views.areas_page, name="areas"),
    path("areas/<int:user_id>/add/", views.area_add_view, name="area-add"),
    path("areas/remove/<int:area_id>/", views.area_remove_view, name="area-remove"),
    path("hotline/", views.hotline_page, name="hotline"),
    path("hotline/<int:pk>/", views.call_page, name="call"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
]
