"""`reports/summary/` and `reports/` (queued generation with progress, download) — shared/api-v1.md."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.audit import audit_log
from core.models import AuditAction, Contract
from core.permissions import contracts_visible_to
from reports import cache as figures_cache
from reports import services, suppression
from reports.models import Report, ReportFormat, ReportStatus
from reports.permissions import (
    figure_scope_for,
    get_report_for_user,
    may_generate,
    may_see_reports,
    reports_visible_to,
)


class VisibleContracts(serializers.Serializer):
    """Only the contracts the caller may see can be named in ``contract`` (another organisation's:
    "does not exist")."""

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["contract"].queryset = contracts_visible_to(request.user)
        return fields


class PeriodSerializer(VisibleContracts, serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all(), required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("The end date cannot be before the start date.")})
        return attrs


class SummaryView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True),
            OpenApiParameter("contract", OpenApiTypes.INT, required=False),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        if not may_see_reports(request.user):
            raise PermissionDenied
        period = PeriodSerializer(data=request.query_params, context={"request": request})
        period.is_valid(raise_exception=True)
        data = period.validated_data
        suppression.check_period(request.user, data["start"], data["end"])
        for_funder = suppression.is_funder_audience(request.user)
        return Response(
            figures_cache.summary(
                data["start"],
                data["end"],
                data.get("contract"),
                for_funder=for_funder,
                scope=figure_scope_for(request.user),
            )
        )


class ReportSerializer(VisibleContracts, serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=[("funder", "funder")], default="funder")
    format = serializers.ChoiceField(choices=ReportFormat.choices, default=ReportFormat.PDF)
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all(), required=False, allow_null=True)
    language = serializers.ChoiceField(choices=[("zh-hans", "zh-hans"), ("en", "en")], default="zh-hans")
    narrative = serializers.CharField(max_length=5000, required=False, allow_blank=True, write_only=True)

    class Meta:
        model = Report
        fields = ["id", "kind", "start", "end", "contract", "format", "language", "narrative", "status", "progress"]
        read_only_fields = ["id", "status", "progress"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        PeriodSerializer(data={"start": attrs["start"], "end": attrs["end"]}).is_valid(raise_exception=True)
        return attrs


class ReportViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportSerializer
    queryset = Report.objects.none()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not may_see_reports(request.user):
            raise PermissionDenied

    def get_queryset(self) -> QuerySet[Report]:
        return reports_visible_to(self.request.user).order_by("-created_at")

    def get_object(self) -> Report:
        return get_report_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(
        request=ReportSerializer,
        responses={
            202: inline_serializer(
                "ReportQueued",
                {
                    "id": serializers.IntegerField(),
                    "status": serializers.ChoiceField(choices=ReportStatus.choices),
                    "progress": serializers.IntegerField(min_value=0, max_value=100),
                },
            )
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may_generate(request.user):
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_request(actor=request.user, **serializer.validated_data)
        return Response(
            {"id": report.pk, "status": report.status, "progress": report.progress}, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: Any = None) -> FileResponse:
        report = self.get_object()
        if report.status != ReportStatus.DONE or not report.file:
            raise Http404
        audit_log(action=AuditAction.EXPORT, obj=report, request=request._request)
        return FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            filename=f"shouhu-report-{report.start}-{report.end}.{report.format}",
        )
