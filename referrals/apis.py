"""`/api/v1/referrals/` with the accept, decline, refer-on and needs-info actions (shared/api-v1.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import case_workers
from alliance.models import Member
from cases.models import Sex
from core.api_fields import not_after_today
from core.api_mixins import AuditedReadMixin
from core.models import Location
from referrals import services
from referrals.models import Channel, Indicator, Referral, Urgency
from referrals.permissions import get_referral_for_user, is_triage_staff, may_refer, referrals_visible_to
from referrals.services import MAX_TEXT


class ReferralSerializer(serializers.ModelSerializer):
    child_name = serializers.CharField(max_length=100)
    child_sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    child_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=25)
    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.filter(kind__in=["village", "community"]))
    caregiver_situation = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    concerns = serializers.CharField(max_length=MAX_TEXT)
    indicators = serializers.ListField(
        child=serializers.ChoiceField(choices=Indicator.choices), required=False, max_length=len(Indicator.choices)
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    referrer_member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), required=False, allow_null=True)
    received_on = serializers.DateField(
        required=False,
        validators=[
            not_after_today(
                note="Staff only; a referrer's is the day it arrives.",
                message=gettext_lazy("The date received cannot be in the future."),
            )
        ],
    )
    case = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "child_name",
            "child_sex",
            "child_age",
            "child_birth_date",
            "location",
            "caregiver_situation",
            "concerns",
            "indicators",
            "urgency",
            "channel",
            "referrer_member",
            "status",
            "received_on",
            "case",
            "organisation",
        ]
        read_only_fields = ["id", "reference", "status", "case", "organisation"]
        extra_kwargs = {
            "child_birth_date": {
                "validators": [not_after_today(message=gettext_lazy("The birth date cannot be in the future."))]
            }
        }

    def get_case(self, referral: Referral) -> int | None:
        # A referrer learns the outcome, never the case behind it.
        request = self.context.get("request")
        return referral.case_id if request is not None and is_triage_staff(request.user) else None


class AcceptSerializer(serializers.Serializer):
    lead_worker = serializers.PrimaryKeyRelatedField(
        queryset=case_workers(),
        required=False,
        allow_null=True,
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


class ReferOnSerializer(serializers.Serializer):
    service = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


class QuestionSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=MAX_TEXT)


class ReferralViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ReferralSerializer
    filterset_fields = ["status", "urgency", "channel", "location"]
    ordering_fields = ["received_on", "id"]
    queryset = Referral.objects.none()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not may_refer(request.user):
            raise PermissionDenied

    def get_queryset(self) -> QuerySet[Referral]:
        return referrals_visible_to(self.request.user).order_by("-received_at", "-pk")

    def get_object(self) -> Referral:
        return get_referral_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)])
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = (request.headers.get("Idempotency-Key") or "").strip()[:64] or None
        referral, created = services.referral_submit(
            actor=request.user, submission_key=key, **serializer.validated_data
        )
        return Response(
            self.get_serializer(referral).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def _triage_object(self) -> Referral:
        return get_referral_for_user(self.request.user, self.kwargs["pk"], action="triage")

    def _triage_with(self, body: type[serializers.Serializer], service: Callable[..., Referral]) -> Response:
        """A triage decision: the referral for triage (404/403), the body checked (400), the service,
        then the referral as it now stands."""
        referral = self._triage_object()
        serializer = body(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        referral = service(actor=self.request.user, referral=referral, **serializer.validated_data)
        return Response(self.get_serializer(referral).data)

    @extend_schema(
        request=AcceptSerializer,
        responses={200: inline_serializer("ReferralAccepted", {"case": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        referral = self._triage_object()
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.referral_accept(
            actor=request.user, referral=referral, lead_worker=body.validated_data.get("lead_worker")
        )
        return Response({"case": case.pk})

    @extend_schema(request=ReasonSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: Any = None) -> Response:
        return self._triage_with(ReasonSerializer, services.referral_decline)

    @extend_schema(request=ReferOnSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="refer-on")
    def refer_on(self, request: Request, pk: Any = None) -> Response:
        return self._triage_with(ReferOnSerializer, services.referral_refer_on)

    @extend_schema(request=QuestionSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="needs-info")
    def needs_info(self, request: Request, pk: Any = None) -> Response:
        return self._triage_with(QuestionSerializer, services.referral_needs_info)
