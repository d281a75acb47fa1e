"""`pledges/` and `pledge-requests/` with the fulfil action (shared/api-v1.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import is_project_staff
from alliance.models import Member
from alliance.permissions import members_visible_to
from cases.apis import VisibleCaseField, case_in_body
from cases.models import Case
from core.api_fields import not_after_today
from core.api_mixins import AuditedReadMixin
from resources import services
from resources.models import Pledge, PledgeKind, PledgeRequest
from resources.permissions import (
    check_may_change_pledges_of,
    is_pledger,
    pledges_visible_to,
    requests_visible_to,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


class YuanField(serializers.DecimalField):
    """Decimal yuan; NaN, infinities, 0 and negatives are refused with a clear message."""

    def __init__(self, **kwargs: Any) -> None:
        # The bounds parse_yuan holds to, stated for the schema (core.api_fields.DecimalExtension).
        super().__init__(**MONEY, min_value=Decimal("0.01"), max_value=services.MAX_VALUE, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        from django.core.exceptions import ValidationError

        try:
            return services.parse_yuan(data)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class PledgeSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all())
    kind = serializers.ChoiceField(choices=PledgeKind.choices)
    description = serializers.CharField(max_length=2000)
    estimated_value = YuanField(required=False, allow_null=True)

    class Meta:
        model = Pledge
        fields = ["id", "member", "kind", "description", "estimated_value", "valid_from", "valid_until", "is_active"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("valid_from", getattr(self.instance, "valid_from", None))
        end = attrs.get("valid_until", getattr(self.instance, "valid_until", None))
        if start and end and end < start:
            raise serializers.ValidationError({"valid_until": _("The end date cannot be before the start date.")})
        user = self.context["request"].user
        member = attrs.get("member", getattr(self.instance, "member", None))
        if is_project_staff(user) and member is not None and not members_visible_to(user).filter(pk=member.pk).exists():
            raise serializers.ValidationError({"member": _("No such Alliance member.")})
        if not is_project_staff(user) and member is not None and member.pk != user.member_id:
            raise serializers.ValidationError({"member": _("You can only change your own promises.")})
        return attrs


class PledgeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PledgeSerializer
    filterset_fields = ["member", "kind", "is_active"]
    ordering_fields = ["valid_from", "id"]
    queryset = Pledge.objects.none()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not (is_project_staff(request.user) or is_pledger(request.user)):
            raise PermissionDenied

    def get_queryset(self) -> QuerySet[Pledge]:
        return pledges_visible_to(self.request.user).order_by("-valid_from", "-pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # A social worker reads promises; only the member's own account and managers write them.
        check_may_change_pledges_of(request.user, getattr(request.user, "member_id", None))
        return super().create(request, *args, **kwargs)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        check_may_change_pledges_of(request.user, self.get_object().member_id)
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer: PledgeSerializer) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.pledge_create(actor=self.request.user, **data)

    def perform_update(self, serializer: PledgeSerializer) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.pledge_update(actor=self.request.user, pledge=serializer.instance, **data)


@extend_schema_serializer(component_name="PledgeRequestItem")
class PledgeRequestSerializer(serializers.ModelSerializer):
    case = VisibleCaseField()
    pledge = serializers.PrimaryKeyRelatedField(queryset=Pledge.objects.all())
    need = serializers.CharField(max_length=200, help_text="What the member is asked for (they see it; no names).")

    class Meta:
        model = PledgeRequest
        fields = ["id", "case", "pledge", "need", "status", "requested_on"]
        read_only_fields = ["id", "status", "requested_on"]

    def validate_case(self, case: Case) -> Case:
        return case_in_body(self, case, "change", refused=_("You may not add to this case."))


@extend_schema_serializer(component_name="PledgeRequestForMember")
class PledgerRequestSerializer(serializers.ModelSerializer):
    """What a pledger sees of a request made of them: the anonymised text only."""

    case = serializers.SerializerMethodField()
    need = serializers.CharField(source="public_text")

    class Meta:
        model = PledgeRequest
        fields = ["id", "case", "pledge", "need", "status", "requested_on"]

    def get_case(self, obj: PledgeRequest) -> None:
        return None


class FulfilSerializer(serializers.Serializer):
    fulfilled_on = serializers.DateField(validators=[not_after_today(note="Not before the request.")])
    value = YuanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PledgeRequestViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    filterset_fields = ["status", "pledge"]
    ordering_fields = ["requested_on", "id"]
    queryset = PledgeRequest.objects.none()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not (is_project_staff(request.user) or is_pledger(request.user)):
            raise PermissionDenied

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if getattr(self, "action", None) == "fulfil":
            return FulfilSerializer
        if is_pledger(self.request.user) and not is_project_staff(self.request.user):
            return PledgerRequestSerializer
        return PledgeRequestSerializer

    def get_queryset(self) -> QuerySet[PledgeRequest]:
        return requests_visible_to(self.request.user).order_by("-requested_on", "-pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not is_project_staff(request.user):
            raise PermissionDenied
        serializer = PledgeRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = services.request_create(
            actor=request.user, case=data["case"], pledge=data["pledge"], need=data["need"], what=data["need"]
        )
        return Response(PledgeRequestSerializer(created, context={"request": request}).data, status=201)

    @extend_schema(request=FulfilSerializer, responses=PledgeRequestSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request: Request, pk: Any = None) -> Response:
        pledge_request = self.get_object()
        body = FulfilSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = services.request_fulfil(actor=request.user, request=pledge_request, **body.validated_data)
        serializer_class = PledgerRequestSerializer if not is_project_staff(request.user) else PledgeRequestSerializer
        return Response(serializer_class(done, context={"request": request}).data)
