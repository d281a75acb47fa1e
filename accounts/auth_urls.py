from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms_auth import LoginForm, ResetPasswordForm
from accounts.views import LoginView

urlpatterns = [
    path(
        "login/",
        LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=ResetPasswordForm),
        name="password_reset_confirm",
    ),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # Two-factor authentication (accounts.two_factor)
    path("2fa/", views.two_factor_view, name="two-factor"),
    path("2fa/verify/", views.two_factor_verify_view, name="two-factor-verify"),
    path("2fa/setup/", views.two_factor_setup_view, name="two-factor-setup"),
    path("2fa/codes/", views.two_factor_codes_view, name="two-factor-codes"),
]
