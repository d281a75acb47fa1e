from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username (or phone number) or password is not correct. After several wrong tries the account is locked for a while."
        ),
        "inactive": _("This account is deactivated. Please contact your project manager."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username or phone number")


class ResetPasswordForm(SetPasswordForm):
    """The new password set through the e-mailed reset link; it also lifts a lockout, so that a lockout
    can never keep the account's owner out (whoever holds the mailbox may set a password anyway)."""

    def save(self, commit: bool = True) -> Any:
        from accounts.services import account_unlock

        user = super().save(commit=commit)
        if commit:
            account_unlock(actor=None, user=user, reason="password_reset")
        return user


class SecondFactorForm(forms.Form):
    """The code from the authenticator app (6 digits) or one recovery code."""

    code = forms.CharField(
        label=pgettext_lazy("two-factor", "Code"),  # "验证码"; plain "Code" is the reports' column (代码)
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()
