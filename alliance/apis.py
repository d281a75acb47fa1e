"""`members/`, `events/`, `volunteer-logs/` (shared/api-v1.md)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request

from accounts.models import Role
from accounts.roles import is_project_staff
from alliance import services
from alliance.models import Event, EventKind, Member, MemberKind, Sector, VolunteerLog
from alliance.permissions import events_visible_to, members_visible_to, volunteer_logs_visible_to
from cases.apis import VisibleCaseField, case_id_filter, case_in_body
from cases.models import Case
from cases.permissions import case_scope
from core.api_fields import PHONE_VALIDATOR, not_after_today
from core.api_mixins import AuditedReadMixin
from core.models import Location


class StaffGate:
    """Project staff only (403 for anyone else), checked before anything is read."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if not is_project_staff(request.user):
            raise PermissionDenied


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=MemberKind.choices, default=MemberKind.INDIVIDUAL)
    sector = serializers.ChoiceField(choices=Sector.choices, default=Sector.OTHER)
    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), required=False, allow_null=True)
    phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        validators=[PHONE_VALIDATOR],
        help_text="A mainland mobile number (11 digits) or a landline with its area code; blank for none.",
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "kind",
            "sector",
            "location",
            "is_referrer",
            "is_pledger",
            "is_volunteer",
            "phone",
            "joined_on",
            "organisation",
        ]
        read_only_fields = ["organisation"]


class MemberViewSet(
    StaffGate,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MemberSerializer
    filterset_fields = ["sector", "kind", "location", "is_referrer", "is_pledger", "is_volunteer"]
    ordering_fields = ["name", "joined_on", "id"]
    queryset = Member.objects.none()

    def get_queryset(self) -> QuerySet[Member]:
        return members_visible_to(self.request.user).order_by("name", "pk")

    def perform_create(self, serializer: MemberSerializer) -> None:
        serializer.instance = services.member_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: MemberSerializer) -> None:
        serializer.instance = services.member_update(
            actor=self.request.user, member=serializer.instance, **serializer.validated_data
        )


class EventSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    title = serializers.CharField(max_length=200)
    members = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), many=True, required=False)
    case = VisibleCaseField(required=False, allow_null=True)
    minutes = serializers.CharField(max_length=20000, required=False, allow_blank=True)

    class Meta:
        model = Event
        fields = ["id", "kind", "date", "title", "members", "case", "minutes"]
        extra_kwargs = {"date": {"validators": [not_after_today(days=366)]}}

    def validate_case(self, case: Case | None) -> Case | None:
        return None if case is None else case_in_body(self, case)


class EventFilter(django_filters.FilterSet):
    case = case_id_filter()

    class Meta:
        model = Event
        fields = ["kind", "case"]


class EventViewSet(
    StaffGate, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = EventSerializer
    filterset_class = EventFilter
    ordering_fields = ["date", "id"]
    queryset = Event.objects.none()

    def get_queryset(self) -> QuerySet[Event]:
        return events_visible_to(self.request.user).prefetch_related("members").order_by("-date", "-pk")

    def perform_create(self, serializer: EventSerializer) -> None:
        serializer.instance = services.event_create(actor=self.request.user, **serializer.validated_data)


class VolunteerLogSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.filter(is_volunteer=True), required=False)
    case = VisibleCaseField(scope=lambda user: cases_for_volunteer_logs(user))
    minutes = serializers.IntegerField(min_value=1, max_value=1440)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    class Meta:
        model = VolunteerLog
        fields = ["id", "member", "case", "date", "minutes", "note"]
        extra_kwargs = {"date": {"validators": [not_after_today()]}}

    def validate_case(self, case: Case) -> Case:
        user = self.context["request"].user
        if user.has_role(Role.VOLUNTEER):
            if services.assignment_for_volunteer(user, case.pk) is None:
                raise serializers.ValidationError(_("You are not assigned to this visit."))
            return case
        return case_in_body(self, case)


class VolunteerLogFilter(django_filters.FilterSet):
    case = case_id_filter()

    class Meta:
        model = VolunteerLog
        fields = ["member", "case"]


def cases_for_volunteer_logs(user: Any) -> QuerySet[Case]:
    """Staff: the cases they may see; a volunteer: the cases they are assigned to."""
    if user.has_role(Role.VOLUNTEER):
        return Case.objects.filter(
            volunteer_assignments__member_id=user.member_id, volunteer_assignments__is_active=True
        )
    return case_scope(user)


class VolunteerLogViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = VolunteerLogSerializer
    filterset_class = VolunteerLogFilter
    ordering_fields = ["date", "id"]
    queryset = VolunteerLog.objects.none()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not (is_project_staff(request.user) or request.user.has_role(Role.VOLUNTEER)):
            raise PermissionDenied

    def get_queryset(self) -> QuerySet[VolunteerLog]:
        return volunteer_logs_visible_to(self.request.user).order_by("-date", "-pk")

    def perform_create(self, serializer: VolunteerLogSerializer) -> None:
        serializer.instance = services.volunteer_log_create(actor=self.request.user, **serializer.validated_data)
