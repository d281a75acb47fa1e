"""`joint-cases/`: the multi-agency case (One-Stop Centre pathway) in the contract's style. Each case
reads as the caller's scope allows (``multiagency.permissions.JointAccess``); the writes are actions on it:
``partners/``, ``partners/{id}/leave/``, ``tasks/``, ``tasks/{id}/``, ``notes/``, ``interview/``,
``conferences/``, ``conferences/{id}/minutes/``, ``milestones/``, ``close/``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from cases.apis import StaffListCreateViewSet, VisibleCaseField
from multiagency import services
from multiagency.models import (
    CaseConference,
    ForensicInterview,
    JointCase,
    JointNote,
    JointTask,
    Milestone,
    MilestoneKind,
    Partner,
    PartnerRole,
    PartnerScope,
    TaskStatus,
)
from multiagency.permissions import (
    JointAccess,
    JointAction,
    access_to,
    get_conference_for,
    get_joint_access,
    get_partner_for,
    get_task_for,
    joint_cases_visible_to,
)
from multiagency.selectors import delivered_by_agency
from organisations.models import Organisation, ServiceKind

CREATED = status.HTTP_201_CREATED


def _actor(request: Request) -> User:
    if not isinstance(request.user, User):  # initial() lets only signed-in staff through
        raise PermissionDenied
    return request.user


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "organisation", "role", "scope", "joined_on", "left_on"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    # declared: DRF drops allow_blank from a read-only model field, and the schema would then refuse "" (no kind)
    service = serializers.ChoiceField(choices=ServiceKind.choices, allow_blank=True, read_only=True)

    class Meta:
        model = JointTask
        fields = ["id", "organisation", "service", "title", "due_on", "status", "outcome", "done_on", "conference"]
        read_only_fields = fields


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = JointNote
        fields = ["id", "organisation", "author", "text", "confidential", "created_at"]
        read_only_fields = fields


class InterviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForensicInterview
        fields = ["id", "date", "place", "agencies", "attendees", "record"]
        read_only_fields = fields


class ConferenceSerializer(serializers.ModelSerializer):
    """``minutes`` and ``decisions`` are null outside the plan scope."""

    minutes = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()

    class Meta:
        model = CaseConference
        fields = ["id", "date", "agencies", "minuted_on", "minutes", "decisions"]
        read_only_fields = fields

    def get_minutes(self, obj: CaseConference) -> str | None:
        return obj.minutes if self.context["sees_minutes"] else None

    def get_decisions(self, obj: CaseConference) -> str | None:
        return obj.decisions if self.context["sees_minutes"] else None


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "kind", "date", "note"]
        read_only_fields = fields


class DeliverySerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    name = serializers.CharField()
    tasks_done = serializers.SerializerMethodField()
    cancelled = serializers.IntegerField()
    first_done_on = serializers.DateField(allow_null=True)
    last_done_on = serializers.DateField(allow_null=True)
    done = TaskSerializer(many=True)

    def get_tasks_done(self, obj: Any) -> int:
        return len(obj.done)


class JointChildSerializer(serializers.Serializer):
    name = serializers.CharField()
    sex = serializers.CharField()
    birth_date = serializers.DateField()


class JointCaseSerializer(serializers.ModelSerializer):
    """The case as the caller's scope shows it: ``child`` and ``interview`` are null outside it; ``tasks``
    and ``notes`` list only what the scope allows; ``case`` is the case's id (opening the case file
    itself still needs the cases policy)."""

    case = VisibleCaseField(help_text=gettext_lazy("One of your cases (on create)."))
    number = serializers.CharField(source="case.number", read_only=True)
    lead_organisation = serializers.IntegerField(source="case.organisation_id", read_only=True)
    presenting_issues = serializers.ListField(source="case.presenting_issues", read_only=True)
    my_role = serializers.SerializerMethodField(help_text=gettext_lazy("lead, or the partner's role"))
    child = serializers.SerializerMethodField()
    partners = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    interview = serializers.SerializerMethodField()
    interviewed = serializers.SerializerMethodField()
    conferences = serializers.SerializerMethodField()
    milestones = serializers.SerializerMethodField(
        help_text=gettext_lazy("The dates of the proceedings; empty outside the plan scope.")
    )
    delivered = serializers.SerializerMethodField(
        help_text=gettext_lazy("Once closed: what each agency delivered (within the caller's scope); else null.")
    )

    class Meta:
        model = JointCase
        fields = [
            "id",
            "case",
            "number",
            "lead_organisation",
            "presenting_issues",
            "summary",
            "opened_on",
            "my_role",
            "child",
            "partners",
            "tasks",
            "notes",
            "interview",
            "interviewed",
            "closed_on",
            "conferences",
            "milestones",
            "delivered",
        ]
        read_only_fields = ["opened_on", "closed_on"]

    def to_representation(self, instance: JointCase) -> Any:
        self._access = access_to(self.context["request"].user, instance)
        return super().to_representation(instance)

    def get_my_role(self, obj: JointCase) -> str:
        access: JointAccess = self._access
        return "lead" if access.lead else access.partner.role if access.partner else ""

    @extend_schema_field(JointChildSerializer(allow_null=True))
    def get_child(self, obj: JointCase) -> dict[str, Any] | None:
        if not self._access.sees_child:
            return None
        child = obj.case.child
        return {"name": child.name, "sex": child.sex, "birth_date": child.birth_date}

    @extend_schema_field(PartnerSerializer(many=True))
    def get_partners(self, obj: JointCase) -> Any:
        return PartnerSerializer(obj.partners.filter(left_on__isnull=True), many=True).data

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, obj: JointCase) -> Any:
        return TaskSerializer(self._access.tasks(), many=True).data

    @extend_schema_field(NoteSerializer(many=True))
    def get_notes(self, obj: JointCase) -> Any:
        return NoteSerializer(self._access.notes(), many=True).data

    @extend_schema_field(InterviewSerializer(allow_null=True))
    def get_interview(self, obj: JointCase) -> dict[str, Any] | None:
        interview = getattr(obj, "interview", None) if self._access.sees_interview else None
        return InterviewSerializer(interview).data if interview else None

    def get_interviewed(self, obj: JointCase) -> bool:
        return ForensicInterview.objects.filter(joint_case=obj).exists()

    @extend_schema_field(ConferenceSerializer(many=True))
    def get_conferences(self, obj: JointCase) -> Any:
        context = {"sees_minutes": self._access.sees_minutes}
        return ConferenceSerializer(self._access.conferences(), many=True, context=context).data

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_milestones(self, obj: JointCase) -> Any:
        return MilestoneSerializer(self._access.milestones(), many=True).data

    @extend_schema_field(DeliverySerializer(many=True, allow_null=True))
    def get_delivered(self, obj: JointCase) -> Any:
        if not self._access.closed:
            return None
        return DeliverySerializer(delivered_by_agency(self._access), many=True).data


class PartnerInviteSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    role = serializers.ChoiceField(choices=PartnerRole.choices)
    scope = serializers.ChoiceField(choices=PartnerScope.choices)


class TaskAddSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    title = serializers.CharField(max_length=300)
    due_on = serializers.DateField()
    service = serializers.ChoiceField(choices=ServiceKind.choices, required=False, default="")


class TaskUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    outcome = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)


class NoteAddSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    confidential = serializers.BooleanField(default=True)


class InterviewRecordSerializer(serializers.Serializer):
    date = serializers.DateField()
    place = serializers.CharField(max_length=200)
    agencies = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), many=True)
    attendees = serializers.CharField(max_length=500)
    record = serializers.CharField(max_length=20000)


class ConferenceScheduleSerializer(serializers.Serializer):
    date = serializers.DateField()
    agencies = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), many=True)


class FollowUpSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    title = serializers.CharField(max_length=300)
    due_on = serializers.DateField()


class ConferenceMinutesSerializer(serializers.Serializer):
    agencies = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, help_text=gettext_lazy("The agencies present.")
    )
    minutes = serializers.CharField(max_length=20000)
    decisions = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)
    follow_ups = FollowUpSerializer(
        many=True, required=False, default=list, help_text=gettext_lazy("Who agreed to do what: tasks in the plan.")
    )


class MilestoneAddSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MilestoneKind.choices)
    date = serializers.DateField()
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class JointCaseViewSet(StaffListCreateViewSet):
    serializer_class = JointCaseSerializer
    queryset = JointCase.objects.none()
    audit_object_type = "jointcase"

    def get_queryset(self) -> QuerySet[JointCase]:
        return joint_cases_visible_to(self.request.user)

    def get_object(self) -> JointCase:
        return get_joint_access(self.request.user, self.kwargs["pk"]).joint

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.joint_case_open(
            actor=_actor(self.request), case=data["case"], summary=data.get("summary", "")
        )

    def _done(self, access: JointAccess, code: int = status.HTTP_200_OK) -> Response:
        access.joint.refresh_from_db()
        return Response(JointCaseSerializer(access.joint, context={"request": self.request}).data, status=code)

    def _apply(
        self,
        request: Request,
        pk: Any,
        action: JointAction,
        service: Callable[..., Any],
        body: type[serializers.Serializer] | None = None,
        code: int = status.HTTP_200_OK,
        **found: Callable[[JointAccess], Any],
    ) -> Response:
        """Every write action: the case as ``action`` allows it (404/403), the records ``found`` in it
        (404), the body checked (400), one service call, then the case as the caller now sees it."""
        access = get_joint_access(request.user, pk, action=action)
        records = {name: find(access) for name, find in found.items()}
        data: dict[str, Any] = {}
        if body is not None:
            serializer = body(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        service(actor=_actor(request), access=access, **records, **data)
        return self._done(access, code)

    @extend_schema(request=PartnerInviteSerializer, responses={201: JointCaseSerializer})
    @action(detail=True, methods=["post"])
    def partners(self, request: Request, pk: Any = None) -> Response:
        return self._apply(request, pk, "manage", services.partner_invite, PartnerInviteSerializer, CREATED)

    @extend_schema(
        request=None, responses={200: inline_serializer("PartnerLeft", {"left_on": serializers.DateField()})}
    )
    @action(detail=True, methods=["post"], url_path=r"partners/(?P<partner_id>\d+)/leave")
    def leave(self, request: Request, pk: Any = None, partner_id: Any = None) -> Response:
        access = get_joint_access(request.user, pk)
        partner = services.partner_leave(
            actor=_actor(request), access=access, partner=get_partner_for(access, partner_id)
        )
        return Response({"left_on": partner.left_on})

    @extend_schema(request=TaskAddSerializer, responses={201: JointCaseSerializer})
    @action(detail=True, methods=["post"])
    def tasks(self, request: Request, pk: Any = None) -> Response:
        return self._apply(request, pk, "plan", services.task_add, TaskAddSerializer, CREATED)

    @extend_schema(
        operation_id="joint_cases_task_update", request=TaskUpdateSerializer, responses={200: JointCaseSerializer}
    )
    @action(detail=True, methods=["post"], url_path=r"tasks/(?P<task_id>\d+)")
    def task(self, request: Request, pk: Any = None, task_id: Any = None) -> Response:
        return self._apply(
            request, pk, "plan", services.task_update, TaskUpdateSerializer, task=lambda a: get_task_for(a, task_id)
        )

    @extend_schema(request=NoteAddSerializer, responses={201: JointCaseSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: Any = None) -> Response:
        return self._apply(request, pk, "note", services.note_add, NoteAddSerializer, CREATED)

    @extend_schema(request=InterviewRecordSerializer, responses={201: JointCaseSerializer})
    @action(detail=True, methods=["post"])
    def interview(self, request: Request, pk: Any = None) -> Response:
        return self._apply(request, pk, "interview", services.interview_record, InterviewRecordSerializer, CREATED)

    @extend_schema(
        operation_id="joint_cases_conference_schedule",
        request=ConferenceScheduleSerializer,
        responses={201: JointCaseSerializer},
    )
    @action(detail=True, methods=["post"])
    def conferences(self, request: Request, pk: Any = None) -> Response:
        return self._apply(
            request, pk, "conference", services.conference_schedule, ConferenceScheduleSerializer, CREATED
        )

    @extend_schema(
        operation_id="joint_cases_conference_minutes",
        request=ConferenceMinutesSerializer,
        responses={200: JointCaseSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"conferences/(?P<conference_id>\d+)/minutes")
    def minutes(self, request: Request, pk: Any = None, conference_id: Any = None) -> Response:
        return self._apply(
            request,
            pk,
            "conference",
            services.conference_minutes,
            ConferenceMinutesSerializer,
            conference=lambda a: get_conference_for(a, conference_id),
        )

    @extend_schema(request=MilestoneAddSerializer, responses={201: JointCaseSerializer})
    @action(detail=True, methods=["post"])
    def milestones(self, request: Request, pk: Any = None) -> Response:
        return self._apply(request, pk, "milestone", services.milestone_add, MilestoneAddSerializer, CREATED)

    @extend_schema(request=None, responses={200: JointCaseSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        return self._apply(request, pk, "close", services.joint_case_close)
