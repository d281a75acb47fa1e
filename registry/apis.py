"""`/api/v1/registry/`, `/api/v1/registry-updates/` and `/api/v1/reports/registry/` (shared/api-v1.md)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from cases.models import Category, Sex
from core.api_fields import not_after_today
from core.api_mixins import AuditedReadMixin
from core.audit import audit_log
from core.models import AuditAction, Location
from referrals.models import Indicator, Urgency
from registry import services, suppression
from registry.models import ChildFile, ChildType, FileStatus, LeaveReason, RegisterUpdate, UpdateStatus
from registry.permissions import (
    files_counted_for,
    files_visible_to,
    get_file_for_user,
    get_update_for_user,
    may_see_register_report,
    register_organisation_ids,
    supervisor_town_ids,
    updates_visible_to,
)
from registry.selectors import file_duplicates, register_report
from registry.services import MAX_TEXT


def _key(request: Request) -> str | None:
    return (request.headers.get("Idempotency-Key") or "").strip()[:64] or None


class ChildFileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=100)
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.filter(kind__in=["village", "community"]))
    child_type = serializers.ChoiceField(choices=ChildType.choices)
    category = serializers.ChoiceField(choices=Category.choices, default=Category.NONE)
    guardian_situation = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    entitlements = serializers.ListField(child=serializers.CharField(), read_only=True)
    director = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.CHILDREN_DIRECTOR, is_active=True), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=FileStatus.choices, read_only=True)
    leave_reason = serializers.ChoiceField(choices=LeaveReason.choices, read_only=True)
    registered_on = serializers.DateField(required=False, validators=[not_after_today()])
    case = serializers.SerializerMethodField()

    class Meta:
        model = ChildFile
        fields = [
            "id",
            "name",
            "sex",
            "birth_date",
            "location",
            "child_type",
            "category",
            "left_behind",
            "guardian_situation",
            "entitlements",
            "director",
            "status",
            "leave_reason",
            "registered_on",
            "last_update_on",
            "next_update_due",
            "case",
        ]
        read_only_fields = ["id", "last_update_on", "next_update_due"]
        extra_kwargs = {
            "birth_date": {
                "validators": [
                    not_after_today(
                        note="The register is for children under 18.",
                        message=gettext_lazy("The birth date cannot be in the future."),
                    )
                ]
            }
        }

    def get_case(self, file: ChildFile) -> int | None:
        # A director learns the outcome of an escalation, never the case behind it.
        request = self.context.get("request")
        if request is not None and request.user.has_role(Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER):
            return file.case_id
        return None


class LeaveSerializer(serializers.Serializer):
    leave_reason = serializers.ChoiceField(choices=LeaveReason.choices)
    left_on = serializers.DateField(
        required=False,
        validators=[
            not_after_today(
                note="Not before the file was registered; today if omitted.",
                message=gettext_lazy("The date must be between the registration and today."),
            )
        ],
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class EscalateSerializer(serializers.Serializer):
    concerns = serializers.CharField(max_length=MAX_TEXT)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.SOON)
    indicators = serializers.ListField(
        child=serializers.ChoiceField(choices=Indicator.choices), required=False, max_length=len(Indicator.choices)
    )


class ChildFileViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ChildFileSerializer
    filterset_fields = ["status", "child_type", "category", "location", "director"]
    ordering_fields = ["next_update_due", "name", "id"]
    queryset = ChildFile.objects.none()

    def get_queryset(self) -> QuerySet[ChildFile]:
        return files_visible_to(self.request.user).order_by("next_update_due", "pk")

    def get_object(self) -> ChildFile:
        return get_file_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)])
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        file, created = services.file_register(actor=request.user, submission_key=_key(request), **data)
        body = dict(self.get_serializer(file).data)
        body["possible_duplicates"] = [
            {"kind": c.kind, "id": c.obj.pk, "name": c.name, "reasons": c.reasons}
            for c in file_duplicates(
                request.user, name=file.name, location=file.location, birth_date=file.birth_date, exclude_pk=file.pk
            )
        ]
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        file = get_file_for_user(request.user, kwargs["pk"], for_change=True)
        serializer = self.get_serializer(file, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k in services.EDITABLE_FIELDS}
        file = services.file_update(actor=request.user, file=file, **data)
        return Response(self.get_serializer(file).data)

    @extend_schema(request=LeaveSerializer, responses=ChildFileSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: Any = None) -> Response:
        file = get_file_for_user(request.user, pk, for_change=True)
        body = LeaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        file = services.file_leave(
            actor=request.user,
            file=file,
            reason=body.validated_data["leave_reason"],
            left_on=body.validated_data.get("left_on"),
            note=body.validated_data.get("note", ""),
        )
        return Response(self.get_serializer(file).data)

    @extend_schema(
        request=EscalateSerializer,
        responses={201: inline_serializer("FileEscalated", {"referral": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: Any = None) -> Response:
        file = get_file_for_user(request.user, pk)
        body = EscalateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referral = services.file_escalate(actor=request.user, file=file, **body.validated_data)
        return Response({"referral": referral.pk}, status=status.HTTP_201_CREATED)


class RegisterUpdateSerializer(serializers.ModelSerializer):
    child = serializers.PrimaryKeyRelatedField(source="file", queryset=ChildFile.objects.all())
    summary = serializers.CharField(max_length=MAX_TEXT)
    status = serializers.ChoiceField(choices=UpdateStatus.choices, read_only=True)

    class Meta:
        model = RegisterUpdate
        fields = [
            "id",
            "child",
            "date",
            "summary",
            "risk_raised",
            "status",
            "submitted_by",
            "reviewed_by",
            "reviewed_on",
            "review_note",
        ]
        read_only_fields = ["id", "status", "submitted_by", "reviewed_by", "reviewed_on", "review_note"]
        extra_kwargs = {
            "date": {"validators": [not_after_today(message=gettext_lazy("The visit date cannot be in the future."))]}
        }

    def validate_child(self, file: ChildFile) -> ChildFile:
        request = self.context["request"]
        try:
            return get_file_for_user(request.user, file.pk)
        except Http404:
            raise serializers.ValidationError(_("No such file.")) from None


class ApproveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


class ReturnSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_TEXT)


class RegisterUpdateViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = RegisterUpdateSerializer
    filterset_fields = ["status", "file", "risk_raised"]
    ordering_fields = ["date", "id"]
    queryset = RegisterUpdate.objects.none()

    def get_queryset(self) -> QuerySet[RegisterUpdate]:
        return updates_visible_to(self.request.user)

    def get_object(self) -> RegisterUpdate:
        return get_update_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)])
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        update, created = services.update_submit(actor=request.user, submission_key=_key(request), **data)
        return Response(
            self.get_serializer(update).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=ApproveSerializer, responses=RegisterUpdateSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        update = get_update_for_user(request.user, pk, for_review=True)
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        update = services.update_approve(actor=request.user, update=update, note=body.validated_data.get("note", ""))
        return Response(self.get_serializer(update).data)

    @extend_schema(request=ReturnSerializer, responses=RegisterUpdateSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: Any = None) -> Response:
        update = get_update_for_user(request.user, pk, for_review=True)
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        update = services.update_return(actor=request.user, update=update, note=body.validated_data["note"])
        return Response(self.get_serializer(update).data)


def report_root_for(user: Any, location_param: Any) -> Location | None:
    """The place the report starts from; a supervisor is held to their town (outside it: 404)."""
    root = None
    if location_param not in (None, ""):
        try:
            root = Location.objects.get(pk=int(location_param))
        except (Location.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
    if user.has_role(Role.CHILDREN_SUPERVISOR):
        towns = supervisor_town_ids(user)
        if root is None:
            if not towns:
                raise PermissionDenied
            return Location.objects.get(pk=sorted(towns)[0])
        if root.pk not in towns and root.parent_id not in towns:
            raise Http404
    return root


class RegisterReportView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("location", int, required=False)],
        responses={
            200: inline_serializer(
                "RegisterReport", {"areas": serializers.ListField(), "total": serializers.DictField()}
            ),
            404: OpenApiResponse(description="No such place, or (a supervisor) a place outside their town."),
        },
    )
    def get(self, request: Request) -> Response:
        if not may_see_register_report(request.user):
            raise PermissionDenied
        root = report_root_for(request.user, request.query_params.get("location"))
        audit_log(
            action=AuditAction.VIEW,
            object_type="register-report",
            object_id=root.pk if root else "",
            request=request._request,
        )
        report = register_report(
            root=root, files=files_counted_for(request.user), organisation_ids=register_organisation_ids(request.user)
        )
        if isinstance(request.user, User) and request.user.has_role(
            Role.FUNDER
        ):  # counts of children under 3 are not shown to funders
            return Response(suppression.report_for_funder(report))
        return Response(report)
