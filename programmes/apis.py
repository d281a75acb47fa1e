"""`programmes/`, `programme-sessions/`, `parent-calls/` (shared/api-v1.md, "Organisations and programmes")."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from alliance.apis import StaffGate
from alliance.models import Member
from cases.apis import VisibleCaseField, case_id_filter, case_in_body
from cases.models import Case
from cases.permissions import cases_visible_to
from core.api_fields import not_after_today
from core.api_mixins import AuditedReadMixin
from core.audit import audit_log
from core.models import AuditAction, Location
from programmes import parent_calls, roster, services
from programmes.models import CallKind, Enrolment, ParentCall, Programme, ProgrammeKind, ProgrammeSession
from programmes.permissions import (
    enrolled_ids_visible_to,
    get_programme_for_user,
    get_session_for_user,
    may_run_programme,
    programmes_visible_to,
    roster_ids_visible_to,
    sessions_visible_to,
)


def _drf_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


def _actor(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):  # StaffGate lets only signed-in staff through
        raise PermissionDenied
    return user


class ProgrammeSerializer(serializers.ModelSerializer):
    organisation: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True
    )  # the creator's organisation
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices)
    title = serializers.CharField(max_length=200)
    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), required=False, allow_null=True)
    facilitators = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    volunteers = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.filter(is_volunteer=True), many=True, required=False
    )

    class Meta:
        model = Programme
        fields = [
            "id",
            "organisation",
            "kind",
            "title",
            "location",
            "starts_on",
            "ends_on",
            "facilitators",
            "volunteers",
            "venue",
            "target_group",
            "planned_sessions",
        ]


class ProgrammeViewSet(
    StaffGate,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProgrammeSerializer
    filterset_fields = ["kind", "location"]
    ordering_fields = ["starts_on", "id"]
    queryset = Programme.objects.none()

    def get_queryset(self) -> QuerySet[Programme]:
        return programmes_visible_to(self.request.user).order_by("-starts_on", "-pk")

    def get_object(self) -> Programme:
        for_change = self.request.method not in ("GET", "HEAD", "OPTIONS")
        return get_programme_for_user(self.request.user, self.kwargs["pk"], for_change=for_change)

    def perform_create(self, serializer: ProgrammeSerializer) -> None:
        try:
            serializer.instance = services.programme_create(actor=self.request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None

    def perform_update(self, serializer: ProgrammeSerializer) -> None:
        data = dict(serializer.validated_data)
        try:
            serializer.instance = services.programme_update(
                actor=self.request.user,
                programme=serializer.instance,
                facilitators=data.pop("facilitators", None),
                volunteers=data.pop("volunteers", None),
                **data,
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None


class SessionListSerializer(serializers.ListSerializer):
    """A page of sessions: whose names the caller may see, read for every programme on the page at once."""

    def to_representation(self, data: Any) -> list[Any]:
        sessions = list(data.all() if hasattr(data, "all") else data)
        cache = self.context.setdefault("_visible_by_programme", {})
        programmes = {s.programme_id: s.programme for s in sessions if s.programme_id not in cache}
        cache.update(enrolled_ids_visible_to(self.context["request"].user, programmes.values()))
        return super().to_representation(sessions)


class ProgrammeSessionSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    duration_minutes = serializers.IntegerField(min_value=1, max_value=1440)
    topic = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    # A missing id answers like one off the roster (validate): the same words whether the child exists.
    attendees = serializers.ManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField(
            queryset=Case.objects.all(),
            error_messages={
                "does_not_exist": gettext_lazy("No such child on the roster."),
                "incorrect_type": gettext_lazy("No such child on the roster."),
            },
        ),
        required=False,
    )
    tutors = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.filter(is_volunteer=True), many=True, required=False
    )
    guardians_present = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    guardian_names = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    # Added field (api-v1: add, never rename): the children on the roster who have no case, by their roster
    # key ("register:<file id>", as on the attendance page); read them through programme-sessions/{id}/others/.
    others_present = serializers.ListField(
        child=serializers.CharField(max_length=40, allow_blank=True),  # a blank key: the roster message
        max_length=1000,
        required=False,
        write_only=True,
        help_text=gettext_lazy(
            'Keys of the present children on the roster who have no case, e.g. "register:12" (a child on the '
            "monitoring register). Setting it marks their attendance taken; omitted, theirs is left as it is. "
            "A key that is unknown or not on the programme's roster is refused (400) and nothing is written."
        ),
    )
    attendee_count = serializers.SerializerMethodField()

    class Meta:
        model = ProgrammeSession
        fields = [
            "id",
            "programme",
            "date",
            "duration_minutes",
            "topic",
            "attendees",
            "notes",
            "attendee_count",
            "tutors",
            "guardians_present",
            "guardian_names",
            "attendance_taken",
            "others_present",
            "others_attendance_taken",
        ]
        read_only_fields = ["attendance_taken", "others_attendance_taken"]
        list_serializer_class = SessionListSerializer
        extra_kwargs = {"date": {"validators": [not_after_today(days=1, note="Within the programme's period.")]}}

    def get_attendee_count(self, obj: ProgrammeSession) -> int:
        return len(obj.attendees.all())

    def to_representation(self, instance: ProgrammeSession) -> dict[str, Any]:
        data = super().to_representation(instance)
        user = self.context["request"].user
        ids = data.get("attendees") or []
        visible = self._visible_on(user, instance.programme)
        data["attendees"] = [pk for pk in ids if pk in visible]  # identities only to those who may see them
        if not visible and ids:
            data["guardian_names"] = ""
        return data

    def _visible_on(self, user: Any, programme: Programme) -> set[int]:
        """The roster children of a programme the caller may see by name, once per programme per response
        (a list reads them for all its programmes at once: ``SessionListSerializer``)."""
        cache = self.context.setdefault("_visible_by_programme", {})
        if programme.pk not in cache:
            cache.update(enrolled_ids_visible_to(user, [programme]))
        return cache[programme.pk]

    def validate_programme(self, programme: Programme) -> Programme:
        user = self.context["request"].user
        try:
            programme = get_programme_for_user(user, programme.pk)
        except Http404:
            raise serializers.ValidationError(_("No such programme.")) from None
        if not may_run_programme(user, programme):
            raise PermissionDenied
        return programme

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        programme = attrs.get("programme") or (self.instance.programme if self.instance else None)
        attendees = attrs.get("attendees")
        if programme is not None and attendees:
            visible = roster_ids_visible_to(self.context["request"].user, programme, [c.pk for c in attendees])
            if any(c.pk not in visible for c in attendees):
                raise serializers.ValidationError({"attendees": _("No such child on the roster.")})
        if attrs.get("others_present") is not None:
            try:  # the form of the keys here; whether each child is on the roster, in the source (the service)
                roster.parse_keys(attrs["others_present"])
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"others_present": exc.messages}) from None
        return attrs


class OutsideRowSerializer(serializers.Serializer):
    """A child on the roster who has no case. ``key`` and ``name`` are null where the caller may not see who
    the child is (the source's access policy: the register's, for ``register`` children)."""

    key = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    present = serializers.BooleanField()
    prefix = serializers.CharField(help_text=gettext_lazy('Where the child is known: "register".'))


class ProgrammeSessionViewSet(
    StaffGate,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProgrammeSessionSerializer
    filterset_fields = ["programme", "date"]
    ordering_fields = ["date", "id"]
    queryset = ProgrammeSession.objects.none()

    def get_queryset(self) -> QuerySet[ProgrammeSession]:
        return (
            sessions_visible_to(self.request.user)
            .prefetch_related("attendees", "tutors", "programme__facilitators")
            .order_by("-date", "-pk")
        )

    def get_object(self) -> ProgrammeSession:
        for_change = self.request.method not in ("GET", "HEAD", "OPTIONS")
        session = get_session_for_user(self.request.user, self.kwargs["pk"], for_change=for_change)
        self.check_object_permissions(self.request, session)
        return session

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        audit_log(action=AuditAction.VIEW, obj=session, request=request._request)
        return Response(self.get_serializer(session).data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        ids = [row["id"] for row in response.data.get("results", [])]
        audit_log(
            action=AuditAction.VIEW, object_type="programmesession", request=request._request, detail={"ids": ids}
        )
        return response

    def perform_create(self, serializer: ProgrammeSessionSerializer) -> None:
        data = dict(serializer.validated_data)
        try:
            serializer.instance = services.session_record(
                actor=self.request.user,
                attendees=data.pop("attendees", None),
                outside_present=data.pop("others_present", None),
                **data,
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None

    def perform_update(self, serializer: ProgrammeSessionSerializer) -> None:
        data = dict(serializer.validated_data)
        session = serializer.instance
        if "programme" in data and data.pop("programme") != session.programme:
            raise ValidationError({"programme": _("A session cannot move to another programme.")})
        attendees = data.pop("attendees", None)
        tutors = data.pop("tutors", None)
        guardians = data.pop("guardians_present", None)
        names = data.pop("guardian_names", None)
        others = data.pop("others_present", None)
        try:
            with transaction.atomic():  # a refused part writes nothing
                if data:
                    services.session_update(actor=self.request.user, session=session, **data)
                if attendees is not None or tutors is not None or guardians is not None or names is not None:
                    services.attendance_save(
                        actor=self.request.user,
                        session=session,
                        attendees=attendees if attendees is not None else list(session.attendees.all()),
                        tutors=tutors,
                        guardians_present=guardians,
                        guardian_names=names,
                        outside_present=others,
                    )
                elif others is not None:
                    services.outside_attendance_save(
                        actor=_actor(self.request), session=cast(ProgrammeSession, session), keys=others
                    )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        serializer.instance = ProgrammeSession.objects.get(pk=session.pk)

    @extend_schema(
        responses={200: OpenApiResponse(OutsideRowSerializer(many=True))},
        description=(
            "The session's roster children who have no case (e.g. on the monitoring register) and whether each "
            "was present. Key and name only where the source's access policy lets the caller see the child "
            "(the programme's facilitators, who may see the file); each read naming a child is audited."
        ),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def others(self, request: Request, pk: Any = None) -> Response:
        session = self.get_object()
        rows = roster.outside_rows(request.user, session.programme, session=session)
        data = [
            {
                "key": row.key if row.name is not None else None,
                "name": row.name,
                "present": row.present,
                "prefix": row.key.partition(":")[0],  # the roster source's: "register"
            }
            for row in rows
        ]
        return Response(OutsideRowSerializer(data, many=True).data)


class ParentCallSerializer(serializers.ModelSerializer):
    case = VisibleCaseField()
    kind = serializers.ChoiceField(choices=CallKind.choices)
    duration_minutes = serializers.IntegerField(min_value=0, max_value=1440, default=0)
    held = serializers.BooleanField(default=True)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    arranged_by = serializers.CharField(max_length=100, required=False, allow_blank=True)
    participants = serializers.CharField(max_length=300, required=False, allow_blank=True)
    conflict_note = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    class Meta:
        model = ParentCall
        fields = [
            "id",
            "case",
            "date",
            "kind",
            "duration_minutes",
            "held",
            "note",
            "arranged_by",
            "participants",
            "conflict_note",
            "follow_up_action",
        ]
        read_only_fields = ["follow_up_action"]
        extra_kwargs = {"date": {"validators": [not_after_today()]}}

    def validate_case(self, case: Case) -> Case:
        return case_in_body(self, case, "change")


class ParentCallFilter(django_filters.FilterSet):
    case = case_id_filter()

    class Meta:
        model = ParentCall
        fields = ["case", "date", "held", "kind"]


class ParentCallViewSet(
    StaffGate, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ParentCallSerializer
    filterset_class = ParentCallFilter
    ordering_fields = ["date", "id"]
    queryset = ParentCall.objects.none()

    def get_queryset(self) -> QuerySet[ParentCall]:
        return parent_calls.calls_visible_to(self.request.user).order_by("-date", "-pk")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        call = self.get_object()
        audit_log(action=AuditAction.VIEW, obj=call, request=request._request, detail={"case": call.case_id})
        return Response(self.get_serializer(call).data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        ids = [row["id"] for row in response.data.get("results", [])]
        audit_log(action=AuditAction.VIEW, object_type="parentcall", request=request._request, detail={"ids": ids})
        return response

    def perform_create(self, serializer: ParentCallSerializer) -> None:
        try:
            serializer.instance = parent_calls.parent_call_record(actor=self.request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None


class EnrolmentSerializer(serializers.ModelSerializer):
    """A child on a programme's roster (``programme-enrolments/``): the case id, never the name."""

    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    # the caller's visible cases only: a hidden case is answered exactly like a missing one
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), error_messages={"does_not_exist": gettext_lazy("No such case.")}
    )
    joined_on = serializers.DateField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["case"].queryset = cases_visible_to(request.user)  # type: ignore[attr-defined]

    class Meta:
        model = Enrolment
        fields = ["id", "programme", "case", "joined_on", "left_on"]
        read_only_fields = ["left_on"]
        # not the (programme, case) unique-together check: a child who left is enrolled again on their
        # row (the service, as on the page); only a child on the roster now is refused, in words (validate)
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if Enrolment.objects.filter(programme=attrs["programme"], case=attrs["case"], left_on__isnull=True).exists():
            raise serializers.ValidationError({"case": _("The child is already on the roster.")})
        return attrs

    def validate_programme(self, programme: Programme) -> Programme:
        user = self.context["request"].user
        try:
            programme = get_programme_for_user(user, programme.pk)
        except Http404:
            raise serializers.ValidationError(_("No such programme.")) from None
        if not may_run_programme(user, programme):
            raise PermissionDenied
        return programme


class EnrolmentEnd(serializers.Serializer):
    left_on = serializers.DateField(required=False)


class EnrolmentViewSet(
    AuditedReadMixin,  # lists: one audit row naming the enrolments shown (retrieve below names the case too)
    StaffGate,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Rosters: a programme's facilitators see its whole roster; other staff the children whose
    cases they may see. Enrolling needs the programme's change right and a visible case."""

    serializer_class = EnrolmentSerializer
    filterset_fields = ["programme", "case"]
    ordering_fields = ["joined_on", "id"]
    queryset = Enrolment.objects.none()

    def get_queryset(self) -> QuerySet[Enrolment]:
        user = self.request.user
        programmes = programmes_visible_to(user)
        mine = Q(programme__facilitators=user) | Q(case__in=cases_visible_to(user).values("pk"))
        return (
            Enrolment.objects.filter(programme__in=programmes.values("pk"))
            .filter(mine)
            .distinct()
            .order_by("programme_id", "pk")
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolment = self.get_object()
        audit_log(action=AuditAction.VIEW, obj=enrolment, request=request._request, detail={"case": enrolment.case_id})
        return Response(self.get_serializer(enrolment).data)

    def perform_create(self, serializer: serializers.BaseSerializer[Enrolment]) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = services.enrolment_add(
                actor=_actor(self.request),
                programme=data["programme"],
                case=data["case"],
                joined_on=data.get("joined_on"),
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None

    @extend_schema(request=EnrolmentEnd, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: Any = None) -> Response:
        enrolment = self.get_object()
        if not may_run_programme(request.user, enrolment.programme):
            raise PermissionDenied
        body = EnrolmentEnd(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            enrolment = services.enrolment_end(
                actor=_actor(request), enrolment=enrolment, left_on=body.validated_data.get("left_on")
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return Response(self.get_serializer(enrolment).data)
