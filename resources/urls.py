from django.urls import path

from resources import views

app_name = "resources"

urlpatterns = [
    path("", views.my_requests, name="my-requests"),
    path("all/", views.pledge_list, name="pledges"),
    path("requests/<int:pk>/<str:action>/", views.request_respond, name="respond"),
    path("case/<int:case_id>/", views.case_panel, name="case-panel"),
    path("case/<int:case_id>/request/", views.request_send, name="request-send"),
]
