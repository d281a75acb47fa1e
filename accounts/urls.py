from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.user_list, name="user-list"),
    path("new/", views.user_create_view, name="user-create"),
    path("<int:pk>/", views.user_edit_view, name="user-edit"),
    path("<int:pk>/unlock/", views.user_unlock_view, name="user-unlock"),
    path("<int:pk>/two-factor-reset/", views.user_two_factor_reset_view, name="user-two-factor-reset"),
]
