from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名（或手机号）或密码不正确。请注意，连续输错多次后账户将被暂时锁定。"),
        "inactive": _("此账户已停用，请联系项目主管。"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名或手机号")
