from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
