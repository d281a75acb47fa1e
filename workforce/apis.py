"""`trainings/` and `case-reviews/` (issue 11 item 6), in the contract's style."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.roles import PROJECT_STAFF
from cases.apis import StaffOnly, VisibleCaseField
from cases.permissions import check_case_action, check_works_on_cases
from core.api_mixins import AuditedReadMixin
from workforce import services
from workforce.models import CaseReview, Competency, QualityPoint, Training
from workforce.permissions import check_may_review, may_record_trainings, reviews_visible_to, trainings_visible_to


class TrainingSerializer(serializers.ModelSerializer):
    competencies = serializers.ListField(child=serializers.ChoiceField(choices=Competency.choices), required=False)
    attendees = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=User.objects.filter(is_active=True, role__in=PROJECT_STAFF)
    )

    class Meta:
        model = Training
        fields = [
            "id",
            "organisation",
            "topic",
            "profession",
            "competencies",
            "date",
            "hours",
            "attendees",
            "other_participants",
        ]
        read_only_fields = ["organisation"]


class TrainingViewSet(
    StaffOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = TrainingSerializer
    queryset = Training.objects.none()

    def get_queryset(self) -> QuerySet[Training]:
        return trainings_visible_to(self.request.user).prefetch_related("attendees")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may_record_trainings(request.user):
            raise PermissionDenied
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        if not isinstance(self.request.user, User):
            raise PermissionDenied
        serializer.instance = services.training_record(actor=self.request.user, **serializer.validated_data)


class CaseReviewSerializer(serializers.ModelSerializer):
    case = VisibleCaseField()
    points_met = serializers.ListField(child=serializers.ChoiceField(choices=QualityPoint.choices), required=False)

    class Meta:
        model = CaseReview
        fields = ["id", "case", "supervisor", "date", "points_met", "findings", "actions", "follow_up_on"]
        read_only_fields = ["supervisor"]


class CaseReviewViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = CaseReviewSerializer
    queryset = CaseReview.objects.none()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        check_works_on_cases(request.user)
        check_may_review(request.user)

    def get_queryset(self) -> QuerySet[CaseReview]:
        return reviews_visible_to(self.request.user)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        case = data.pop("case")
        check_case_action(self.request.user, case, "approve")
        serializer.instance = services.case_review_record(actor=self.request.user, case=case, **data)  # type: ignore[arg-type]
