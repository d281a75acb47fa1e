"""API tokens that expire (settings.SHOUHU["API_TOKEN_DAYS"], 30 days unless set).

A token older than that is refused as if it did not exist and deleted; the client asks
``POST /api/v1/auth/token/`` for a new one. Tokens are also revoked when their owner's password
changes or the account is deactivated (``accounts.signals``, ``accounts.services.api_tokens_revoke``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.SHOUHU["API_TOKEN_DAYS"])


def token_has_expired(token: Token) -> bool:
    return token.created <= timezone.now() - token_lifetime()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        # DRF's lookup, with the user's Alliance membership in the same row: a referrer's, volunteer's
        # or pledger's request reads ``user.member`` without one more query.
        try:
            token = Token.objects.select_related("user", "user__member").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user = token.user
        if token_has_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(_("This token has expired: ask for a new one."))
        return user, token
