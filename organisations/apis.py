"""`/api/v1/organisations/` (shared/api-v1.md, "Organisations and programmes"): read-only, scoped;
`/api/v1/services/`: the service directory."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from core.models import Location
from organisations.models import Organisation, Service, ServiceKind
from organisations.permissions import get_organisation_for_user, organisations_visible_to
from organisations.selectors import place_and_above, services_visible_to
from organisations.services import service_save


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "location", "is_default"]
        read_only_fields = fields


class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OrganisationSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["kind", "location"]
    ordering_fields = ["name", "id"]
    queryset = Organisation.objects.none()

    def get_queryset(self) -> QuerySet[Organisation]:
        return organisations_visible_to(self.request.user).order_by("name", "pk")

    def get_object(self) -> Any:
        return get_organisation_for_user(self.request.user, self.kwargs["pk"])


class ServiceSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    areas = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), many=True, required=False)
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100_000)

    class Meta:
        model = Service
        fields = [
            "id",
            "organisation",
            "kind",
            "name",
            "description",
            "areas",
            "contact",
            "hours",
            "capacity",
            "languages",
            "is_active",
        ]


class ServiceFilter(django_filters.FilterSet):
    location = django_filters.NumberFilter(method="filter_location", label="location (covered, or inside one covered)")

    class Meta:
        model = Service
        fields = ["kind", "organisation"]

    def filter_location(self, queryset: QuerySet[Service], name: str, value: Any) -> QuerySet[Service]:
        place = Location.objects.filter(pk=value).first()
        if place is None:
            return queryset.none()
        return queryset.filter(areas__in=place_and_above(place)).distinct()


class ServiceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """`services/`: the directory. Every signed-in user reads it; managers add and change their own
    organisation's services and those of agencies outside Shouhu; admins any (else 403)."""

    serializer_class = ServiceSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = ServiceFilter
    ordering_fields = ["kind", "name", "id"]
    queryset = Service.objects.none()

    def get_queryset(self) -> QuerySet[Service]:
        return services_visible_to(self.request.user).order_by("kind", "name", "pk")

    def _save(self, serializer: Any, service: Service | None) -> None:
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation", service.organisation if service else None)
        areas = data.pop("areas", None)
        try:
            serializer.instance = service_save(
                actor=self.request.user, organisation=organisation, service=service, areas=areas, **data
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(getattr(exc, "message_dict", {"detail": exc.messages})) from None

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance)
