from django.urls import path

from multiagency import views

app_name = "multiagency"

urlpatterns = [
    path("", views.joint_case_list, name="list"),
    path("<int:pk>/", views.joint_case_detail, name="detail"),
    path("<int:pk>/partners/", views.partner_invite, name="invite"),
    path("<int:pk>/partners/<int:partner_pk>/leave/", views.partner_leave, name="partner-leave"),
    path("<int:pk>/tasks/", views.task_add, name="task-add"),
    path("<int:pk>/tasks/<int:task_pk>/", views.task_update, name="task-update"),
    path("<int:pk>/notes/", views.note_add, name="note-add"),
    path("<int:pk>/interview/", views.interview_record, name="interview"),
    path("<int:pk>/conferences/", views.conference_schedule, name="conference-schedule"),
    path("<int:pk>/conferences/<int:conference_pk>/minutes/", views.conference_minutes, name="conference-minutes"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("<int:pk>/close/", views.joint_case_close, name="close"),
]
