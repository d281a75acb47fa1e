from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

if TYPE_CHECKING:
    from accounts.models import User


def account_for_login(login: str) -> User | None:
    """The account a typed login names: its username in any case, or its phone number.

    The one lookup behind both logging in (``UsernameOrPhoneBackend``) and counting failed logins
    (``accounts.lockout.canonical_username``), so that every spelling of an account is that account.
    """
    if not login:
        return None
    user_model = get_user_model()
    user: User | None = user_model.objects.filter(Q(username__iexact=login) | Q(phone=login)).order_by("pk").first()
    return user


class UsernameOrPhoneBackend(ModelBackend):
    """Directors log in with their phone number as often as with a username."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None or password is None:
            return None
        user = account_for_login(username)
        if user is None:
            get_user_model()().set_password(password)  # same work whether or not the user exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
