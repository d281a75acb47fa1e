from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class UsernameOrPhoneBackend(ModelBackend):
    """Directors log in with their phone number as often as with a username."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None or password is None:
            return None
        User = get_user_model()
        user = User.objects.filter(Q(username__iexact=username) | Q(phone=username)).order_by("pk").first()
        if user is None:
            User().set_password(password)  # same work whether or not the user exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
