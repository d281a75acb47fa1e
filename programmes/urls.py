from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_new, name="new"),
    path("calls/", views.calls, name="calls"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/enrol/", views.enrol, name="enrol"),
    path("<int:pk>/sessions/new/", views.session_new, name="session-new"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/pupils/<int:case_id>/", views.pupil_profile, name="pupil"),
    path("case/<int:case_id>/", views.case_panel, name="case-panel"),
]
