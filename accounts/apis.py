from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import token_has_expired
from accounts.lockout import locked_out_message, retry_after_seconds
from accounts.models import Role, User
from accounts.permissions import MayManageUsers, users_visible_to
from accounts.services import user_create, user_update
from accounts.throttles import AnonRateThrottle, FailedLoginAddressThrottle, client_address, failed_login_count
from accounts.two_factor import has_confirmed_device
from core.api_fields import PHONE_VALIDATOR
from core.audit import audit_log
from core.models import AuditAction
from organisations.models import Organisation


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=16,
        required=False,
        help_text="The code from the authenticator app (or a recovery code); required once the account has enrolled a device.",
    )


def _second_factor_refusal(request: Request, user: User, otp: str) -> Response | None:
    """None when ``otp`` is a valid code of the account's devices; else the 400 that says what is missing."""
    from django_otp import match_token

    otp = "".join(otp.split()).lower()
    if not otp:
        return Response(
            {"otp": [_("This account uses two-factor authentication: send the code as otp.")], "code": "otp_required"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if match_token(user, otp) is None:
        audit_log(
            action=AuditAction.LOGIN_FAILED,
            obj=user,
            request=request._request,
            detail={"via": "api-token", "second_factor": "wrong_code"},
        )
        failed_login_count(client_address(request))
        return Response(
            {"otp": [_("This code is not correct (or was already used).")], "code": "otp_invalid"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return None


class ObtainTokenView(APIView):
    """POST {username, password, otp?} → {token}. Wrong credentials: 400; a locked account says so; an
    account with a confirmed two-factor device also sends ``otp`` (400 without it or with a wrong one)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    # Before the credentials are checked: an address past its failed logins waits; anonymous calls per address.
    throttle_classes = [FailedLoginAddressThrottle, AnonRateThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if getattr(request._request, "axes_locked_out", False):
            # as accounts.lockout answers (axes middleware): JSON, 429, Retry-After
            return Response(
                {"detail": locked_out_message(), "code": "locked_out"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(retry_after_seconds())},
            )
        if user is None:
            return Response(
                {"non_field_errors": [_("The username (or phone number) or password is not correct.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if has_confirmed_device(user):
            refused = _second_factor_refusal(request, user, data.validated_data.get("otp", ""))
            if refused is not None:
                return refused
        token, _created = Token.objects.get_or_create(user=user)
        if token_has_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        audit_log(action=AuditAction.LOGIN, user=user, obj=user, request=request._request, detail={"via": "api-token"})
        return Response({"token": token.key})


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, min_length=8, max_length=128)
    # Changing one's own password needs the current one (a stolen session or token is not enough).
    old_password = serializers.CharField(
        write_only=True, required=False, max_length=256, trim_whitespace=False, style={"input_type": "password"}
    )
    role = serializers.ChoiceField(choices=Role.choices)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    # Where notifications are sent, and a login: a mainland number (unique; full_clean says so).
    phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_null=True,
        allow_blank=True,
        validators=[PHONE_VALIDATOR],
        help_text="A mainland mobile number (11 digits) or a landline with its area code; also logs in.",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "old_password",
            "full_name",
            "role",
            "member",
            "is_active",
            "email",
            "phone",
            "location",
            "organisation",
        ]

    def validate_password(self, value: str) -> str:
        from django.contrib.auth import password_validation

        password_validation.validate_password(value, self.instance)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from accounts.services import check_area

        role = attrs.get("role", getattr(self.instance, "role", None))
        if "location" in attrs or "role" in attrs:
            check_area(role=role, location=attrs.get("location", getattr(self.instance, "location", None)))
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": _("A new user needs a password.")})
        old_password = attrs.pop("old_password", None)
        request = self.context.get("request")
        own = self.instance if request is not None and getattr(self.instance, "pk", None) == request.user.pk else None
        if own is not None and "password" in attrs and not (old_password and own.check_password(old_password)):
            raise serializers.ValidationError(
                {"old_password": _("Give your current password, correctly, to change your password.")}
            )
        return attrs


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = UserSerializer
    permission_classes = [MayManageUsers]
    filterset_fields = ["role", "is_active", "location"]
    ordering_fields = ["username", "id"]
    queryset = User.objects.none()

    def get_queryset(self):
        return users_visible_to(self.request.user)

    def perform_create(self, serializer: UserSerializer) -> None:
        serializer.instance = user_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: UserSerializer) -> None:
        serializer.instance = user_update(
            actor=self.request.user, user=serializer.instance, **serializer.validated_data
        )
