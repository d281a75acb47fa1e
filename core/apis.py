from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets

import core.api_fields  # noqa: F401 — registers the schema extensions of the API's fields
from core.audit import audit_log
from core.models import AuditAction, Contract, Location
from core.permissions import ModelPermsOrReadOnlyFor, contracts_visible_to, is_admin
from organisations.models import Organisation


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "name", "kind", "parent"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        parent = attrs.get("parent", getattr(self.instance, "parent", None))
        node = parent
        while node is not None:
            if self.instance is not None and node.pk == self.instance.pk:
                raise serializers.ValidationError({"parent": _("A place cannot be inside itself.")})
            node = node.parent
        return attrs


class ContractSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    funder_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Contract
        fields = [
            "id",
            "name",
            "funder",
            "start",
            "end",
            "amount",
            "caseload_target",
            "organisation",
            "funder_organisation",
        ]

    def get_fields(self) -> dict[str, Any]:
        # A manager's contracts are their own organisation's; only an admin names another.
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not is_admin(request.user):
            fields["organisation"].queryset = Organisation.objects.filter(
                pk=getattr(request.user, "organisation_id", None)
            )
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end": _("The end date cannot be before the start date.")})
        return attrs


class AuditedModelViewSet(viewsets.ModelViewSet):
    """Writes are audited; http_method_names drops DELETE where the resource is never deleted."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        obj = serializer.save()
        audit_log(action=AuditAction.CREATE, obj=obj, request=self.request)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        obj = serializer.save()
        audit_log(action=AuditAction.UPDATE, obj=obj, request=self.request)


class LocationViewSet(AuditedModelViewSet):
    queryset = Location.objects.select_related("parent").order_by("pk")
    serializer_class = LocationSerializer
    permission_classes = [ModelPermsOrReadOnlyFor]
    filterset_fields = ["kind", "parent"]
    ordering_fields = ["name", "kind", "id"]


class ContractViewSet(AuditedModelViewSet):
    """Contracts are scoped like every record: an organisation's staff see its own, a funder those it
    funds, an admin all (``contracts_visible_to``); another's answers 404."""

    queryset = Contract.objects.order_by("-start", "pk")
    serializer_class = ContractSerializer
    permission_classes = [ModelPermsOrReadOnlyFor]
    ordering_fields = ["start", "end", "id"]
    filterset_fields = ["organisation", "funder_organisation"]

    def get_queryset(self) -> QuerySet[Contract]:
        return contracts_visible_to(self.request.user).order_by("-start", "pk")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        if "organisation" not in serializer.validated_data and not is_admin(self.request.user):
            serializer.validated_data["organisation"] = self.request.user.organisation
        super().perform_create(serializer)
