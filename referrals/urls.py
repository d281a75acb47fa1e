from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.my_referrals, name="mine"),
    path("new/", views.referral_new, name="new"),
    path("queue/", views.triage_queue, name="queue"),
    path("case/<int:case_id>/", views.case_panel, name="case-panel"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/thanks/", views.referral_thanks, name="thanks"),
    path("<int:pk>/answer/", views.referral_answer, name="answer"),
    path("<int:pk>/loop/", views.loop_answer, name="loop-answer"),
    path("outgoing/<int:pk>/answer/", views.outgoing_answer, name="outgoing-answer"),
    path("<int:pk>/sent/", views.referral_sent, name="sent"),
    path("<int:pk>/<str:action>/", views.referral_triage, name="triage"),
]
