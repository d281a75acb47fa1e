"""`/api/v1/cases/` and `/api/v1/activities/`, as fixed in shared/api-v1.md."""

from __future__ import annotations

import typing
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.roles import Role, case_workers, case_workers_for
from cases import services
from cases.models import (
    Activity,
    ActivityKind,
    Case,
    CaseStatus,
    CaseTransfer,
    Category,
    ClosureCode,
    Entitlement,
    FamilySituation,
    HukouStatus,
    PresentingIssue,
    RiskLevel,
    SchoolStatus,
    Sex,
)
from cases.models.transfer import TransferConsent
from cases.permissions import (
    CASE_ROW_RELATIONS,
    CaseAction,
    activities_visible_to,
    case_scope,
    check_works_on_cases,
    get_case_for_user,
    get_transfer_for_user,
    holds_many_grants,
    sees_all_cases,
    transfers_visible_to,
)
from cases.services.case import EARLIEST_OPENING
from core.api_fields import not_after_today, not_before
from core.api_mixins import AuditedReadMixin
from core.models import Contract, Location
from core.pagination import NarrowPagination
from core.permissions import contracts_visible_to
from organisations.models import Organisation
from organisations.permissions import manages_instance


class VisibleCaseField(serializers.PrimaryKeyRelatedField):
    """A case id looked up only among the cases the caller may see, so that a hidden case and a
    missing one get the same answer ("No such case."). ``scope(user)`` widens or narrows it (a
    volunteer's assigned cases)."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("No such case."),
        "incorrect_type": gettext_lazy("No such case."),
    }

    def __init__(self, *, scope: Any = None, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Case]:
        request = self.context.get("request")
        if request is None:
            return Case.objects.none()
        return self.scope(request.user) if self.scope else case_scope(request.user)


def case_in_body(
    serializer: serializers.Serializer, case: Case, action: CaseAction = "view", refused: str | None = None
) -> Case:
    """A case named in a request body, read through the cases policy: one the caller may not see is
    "No such case." (400, the answer for a missing one); one they see but may not ``action`` is
    ``refused`` (400), or 403 when no ``refused`` is given."""
    try:
        return get_case_for_user(serializer.context["request"].user, case.pk, action)
    except Http404:
        raise serializers.ValidationError(_("No such case.")) from None
    except PermissionDenied:
        if refused is None:
            raise
        raise serializers.ValidationError(refused) from None


def case_id_filter() -> django_filters.NumberFilter:
    """``?case=<id>``: a plain number, so a hidden case and a missing one both give an empty list
    (a model choice filter answers 400 for a missing id and 200 for a hidden one)."""
    return django_filters.NumberFilter(field_name="case_id")


class StaffOnly:
    """Roles that never see case files get 403 on these endpoints, before anything is read; hidden
    objects are 404."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        check_works_on_cases(request.user)


class ChildSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[not_after_today(message=gettext_lazy("The birth date cannot be in the future."))],
    )
    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), required=False, allow_null=True)
    hukou_status = serializers.ChoiceField(choices=HukouStatus.choices, default=HukouStatus.LOCAL)
    left_behind = serializers.BooleanField(default=False)
    school_status = serializers.ChoiceField(choices=SchoolStatus.choices, default=SchoolStatus.UNKNOWN)


class CaseEntitlementSerializer(serializers.ModelSerializer):
    """A policy or subsidy of the case's family and where its application stands (read-only here;
    entitlements are kept on the case's page)."""

    class Meta:
        model = Entitlement
        fields = ["kind", "status", "applied_on", "monthly_amount"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    child = ChildSerializer()
    entitlements = CaseEntitlementSerializer(many=True, read_only=True)
    presenting_issues = serializers.ListField(
        child=serializers.ChoiceField(choices=PresentingIssue.choices), required=False, max_length=11
    )
    status = serializers.ChoiceField(choices=CaseStatus.choices, default=CaseStatus.ASSESSMENT)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    family_situation = serializers.ChoiceField(choices=FamilySituation.choices, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
    lead_worker = serializers.PrimaryKeyRelatedField(
        queryset=case_workers(),
        required=False,
        allow_null=True,
    )
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all(), required=False, allow_null=True)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    closure_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2_000_000_000)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "child",
            "status",
            "risk_level",
            "presenting_issues",
            "family_situation",
            "category",
            "lead_worker",
            "opened_on",
            "closed_on",
            "closure_reason",
            "referral",
            "contract",
            "organisation",
            "version",
            "entitlements",
        ]
        read_only_fields = ["id", "number", "referral", "entitlements"]
        extra_kwargs = {
            "opened_on": {
                "required": False,
                "validators": [
                    not_after_today(message=gettext_lazy("The opening date cannot be later than today.")),
                    not_before(EARLIEST_OPENING),
                ],
            },
            "closed_on": {
                "required": False,
                "validators": [not_after_today(message=gettext_lazy("The closing date cannot be in the future."))],
            },
        }

    def get_fields(self) -> dict[str, Any]:
        # Contracts, lead workers and organisations of other organisations are not there to name.
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["contract"].queryset = contracts_visible_to(request.user)
            fields["lead_worker"].queryset = case_workers_for(request.user)
            if not manages_instance(request.user):
                fields["organisation"].queryset = Organisation.objects.filter(
                    pk=getattr(request.user, "organisation_id", None)
                )
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (
            self.instance is not None
            and "organisation" in attrs
            and attrs["organisation"] != self.instance.organisation
        ):
            raise serializers.ValidationError(
                {"organisation": _("A case moves to another organisation only by a transfer.")}
            )
        if self.instance is not None:
            attrs.pop("organisation", None)
        today = timezone.localdate()
        opened = attrs.get("opened_on", getattr(self.instance, "opened_on", None)) or today
        closed = attrs.get("closed_on", getattr(self.instance, "closed_on", None))
        if opened > today:
            raise serializers.ValidationError({"opened_on": _("The opening date cannot be later than today.")})
        if closed and closed < opened:
            raise serializers.ValidationError({"closed_on": _("The closing date cannot be before the opening date.")})
        if closed and closed > today:
            raise serializers.ValidationError({"closed_on": _("The closing date cannot be in the future.")})
        if self.instance is None and attrs.get("status") == CaseStatus.CLOSED and not closed:
            raise serializers.ValidationError({"closed_on": _("A closed case needs its closing date.")})
        issues = attrs.get("presenting_issues")
        if issues is not None and len(set(issues)) != len(issues):
            raise serializers.ValidationError({"presenting_issues": _("A presenting issue may be listed only once.")})
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": _("Send the version you last read.")})
        return attrs


class CaseCloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField(
        validators=[
            not_after_today(
                note="Not before the case's opening date.",
                message=gettext_lazy("The closing date cannot be in the future."),
            )
        ]
    )
    closure_reason = serializers.CharField(max_length=2000)
    closure_code = serializers.ChoiceField(choices=ClosureCode.choices, required=False, allow_blank=True, default="")


class TransferProposeSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    reason = serializers.CharField(max_length=5000)
    consent_basis = serializers.ChoiceField(choices=TransferConsent.choices)
    consented_by = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _validation_error(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(getattr(exc, "message_dict", None) or {"detail": exc.messages})


class CaseFilter(django_filters.FilterSet):
    opened_after = django_filters.DateFilter(field_name="opened_on", lookup_expr="gte")
    opened_before = django_filters.DateFilter(field_name="opened_on", lookup_expr="lte")
    location = django_filters.NumberFilter(field_name="child__location")

    class Meta:
        model = Case
        fields = ["status", "risk_level", "lead_worker", "contract", "category", "family_situation"]


class CaseViewSet(
    AuditedReadMixin,
    StaffOnly,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    ordering_fields = ["opened_on", "number", "risk_level", "id"]
    queryset = Case.objects.none()

    pagination_class = NarrowPagination

    def get_queryset(self) -> QuerySet[Case]:  # type: ignore[override]
        # Narrow: filters, ordering, count and the page's ids run without joins; widen_page then
        # fetches the page's rows with child, place, worker and contract.
        user = self.request.user
        many = not sees_all_cases(user) and user.has_role(Role.SOCIAL_WORKER) and holds_many_grants(user)
        return case_scope(user, many_grants=many).order_by("-opened_on", "-pk")

    def widen_page(self, ids: QuerySet[Case]) -> QuerySet[Case]:
        # + one query for the page's entitlements (prefetch), whatever the page size.
        return ids.select_related(*CASE_ROW_RELATIONS).prefetch_related("entitlements")

    def get_object(self) -> Case:
        case = get_case_for_user(self.request.user, self.kwargs["pk"])
        return case

    def perform_create(self, serializer: CaseSerializer) -> None:
        data = dict(serializer.validated_data)
        child_data = data.pop("child")
        data.pop("version", None)
        with transaction.atomic():
            child = services.child_create(actor=self.request.user, **child_data)
            if "lead_worker" not in data:
                data["lead_worker"] = self.request.user
            serializer.instance = services.case_open(actor=self.request.user, child=child, **data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = get_case_for_user(request.user, self.kwargs["pk"], action="change")
        serializer = self.get_serializer(case, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        child_data = data.pop("child", None)
        for field in ("lead_worker", "closed_on", "closure_reason"):
            if field in data and data[field] != getattr(case, field):
                raise serializers.ValidationError({field: _("Use the assign or close action to change this.")})
            data.pop(field, None)
        # The status follows the case's own steps (assessment approval, closure), never a PATCH;
        # an unchanged status sent back with the rest of the object is accepted and ignored.
        status_sent = data.pop("status", None) if "status" in request.data else None
        data.pop("status", None)
        if status_sent is not None and status_sent != case.status:
            raise serializers.ValidationError({"status": services.STATUS_MESSAGE})
        try:
            case = services.case_update(actor=request.user, case=case, version=version, child_fields=child_data, **data)
        except services.StaleVersion as exc:
            body = self.get_serializer(get_case_for_user(request.user, exc.current.pk)).data
            return Response(
                {"detail": _("Someone else saved this case since you read it. Nothing was saved."), "current": body},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(self.get_serializer(get_case_for_user(request.user, case.pk)).data)

    @extend_schema(
        request=inline_serializer("CaseAssign", {"lead_worker": serializers.IntegerField()}), responses=CaseSerializer
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: Any = None) -> Response:
        case = get_case_for_user(request.user, pk, action="assign")
        field = serializers.PrimaryKeyRelatedField(queryset=case_workers(case.organisation_id))
        try:
            worker = field.to_internal_value(request.data.get("lead_worker"))
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"lead_worker": exc.detail}) from None
        case = services.case_assign(actor=request.user, case=case, lead_worker=worker)
        return Response(self.get_serializer(get_case_for_user(request.user, case.pk)).data)

    @extend_schema(
        request=inline_serializer("CaseTeamAdd", {"user": serializers.IntegerField()}),
        responses=inline_serializer("CaseTeam", {"team": serializers.ListField(child=serializers.IntegerField())}),
    )
    @action(detail=True, methods=["post"])
    def team(self, request: Request, pk: Any = None) -> Response:
        """Share the case with a colleague (the lead worker or a manager): they see and work on it."""
        case = get_case_for_user(request.user, pk, action="share")
        field = serializers.PrimaryKeyRelatedField(queryset=case_workers(case.organisation_id))
        chosen: Any = request.data.get("user")
        try:
            colleague = field.to_internal_value(chosen)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"user": exc.detail}) from None
        try:
            services.case_team_add(actor=typing.cast(User, request.user), case=case, user=colleague)
        except DjangoValidationError as exc:
            raise _validation_error(exc) from None
        return Response({"team": sorted(case.team.values_list("pk", flat=True))})

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"team/(?P<user_id>[0-9]+)")
    def team_member(self, request: Request, pk: Any = None, user_id: Any = None) -> Response:
        """Stop sharing the case with a colleague: they no longer see it (404)."""
        case = get_case_for_user(request.user, pk, action="share")
        colleague = case.team.filter(pk=user_id).first()
        if colleague is None:
            raise Http404
        services.case_team_remove(actor=typing.cast(User, request.user), case=case, user=colleague)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=TransferProposeSerializer,
        responses={201: inline_serializer("TransferProposed", {"transfer": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: Any = None) -> Response:
        case = get_case_for_user(request.user, pk, action="assign")
        body = TransferProposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            transfer = services.transfer_propose(
                actor=request.user,
                case=case,
                to_organisation=data["organisation"],
                reason=data["reason"],
                consent_basis=data["consent_basis"],
                consented_by=data["consented_by"],
            )
        except DjangoValidationError as exc:
            raise _validation_error(exc) from None
        return Response({"transfer": transfer.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=CaseCloseSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        case = get_case_for_user(request.user, pk, action="close")
        body = CaseCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.case_close(actor=request.user, case=case, **body.validated_data)
        return Response(self.get_serializer(get_case_for_user(request.user, case.pk)).data)


class TransferSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseTransfer
        fields = [
            "id",
            "case",
            "from_organisation",
            "to_organisation",
            "status",
            "reason",
            "consent_basis",
            "consented_by",
            "proposed_on",
            "decided_on",
            "decline_reason",
            "lead_worker",
            "case_number",
            "child_name",
        ]
        read_only_fields = fields


class TransferViewSet(
    AuditedReadMixin, StaffOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """`transfers/`: the managers of both organisations see a transfer (admins all); the receiving
    organisation's managers accept (choosing the lead worker) or decline (with the reason)."""

    serializer_class = TransferSerializer
    filterset_fields = ["status", "from_organisation", "to_organisation", "case"]
    ordering_fields = ["proposed_on", "id"]
    queryset = CaseTransfer.objects.none()

    def get_queryset(self) -> QuerySet[CaseTransfer]:
        return transfers_visible_to(self.request.user).order_by("-proposed_on", "-pk")

    def get_object(self) -> CaseTransfer:
        return get_transfer_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(
        request=inline_serializer("TransferAccept", {"lead_worker": serializers.IntegerField()}),
        responses=TransferSerializer,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        transfer = get_transfer_for_user(request.user, pk, action="answer")
        field = serializers.PrimaryKeyRelatedField(queryset=case_workers(transfer.to_organisation_id))
        try:
            worker = field.to_internal_value(request.data.get("lead_worker"))
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"lead_worker": exc.detail}) from None
        try:
            services.transfer_accept(actor=request.user, transfer=transfer, lead_worker=worker)
        except DjangoValidationError as exc:
            raise _validation_error(exc) from None
        return Response(self.get_serializer(get_transfer_for_user(request.user, pk)).data)

    @extend_schema(
        request=inline_serializer("TransferDecline", {"reason": serializers.CharField()}),
        responses=TransferSerializer,
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: Any = None) -> Response:
        transfer = get_transfer_for_user(request.user, pk, action="answer")
        try:
            services.transfer_decline(actor=request.user, transfer=transfer, reason=str(request.data.get("reason", "")))
        except DjangoValidationError as exc:
            raise _validation_error(exc) from None
        return Response(self.get_serializer(get_transfer_for_user(request.user, pk)).data)


class ActivitySerializer(serializers.ModelSerializer):
    case = VisibleCaseField()
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1440)
    summary = serializers.CharField(max_length=10000)

    class Meta:
        model = Activity
        fields = ["id", "case", "kind", "date", "duration_minutes", "summary", "sensitive"]
        extra_kwargs = {"date": {"validators": [not_after_today()]}}

    def validate_case(self, case: Case) -> Case:
        return case_in_body(self, case, "change", refused=_("You may not add to this case."))


class ActivityFilter(django_filters.FilterSet):
    case = case_id_filter()

    class Meta:
        model = Activity
        fields = ["case", "kind", "sensitive"]


class StaffListCreateViewSet(
    AuditedReadMixin,
    StaffOnly,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read (both audited) and create, for those who work on cases only."""


class ActivityViewSet(StaffListCreateViewSet):
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    ordering_fields = ["date", "id"]
    queryset = Activity.objects.none()

    def get_queryset(self) -> QuerySet[Activity]:
        return activities_visible_to(self.request.user).order_by("-date", "-pk")

    def audit_detail(self, request: Request) -> dict[str, Any] | None:
        return {"sensitive": True} if request.query_params.get("sensitive") in ("true", "True", "1") else None

    def perform_create(self, serializer: ActivitySerializer) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.activity_record(actor=self.request.user, **data)
