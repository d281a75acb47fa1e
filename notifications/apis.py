"""`notifications/` (the caller's own, newest first) and `POST notifications/{id}/read/`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from notifications.models import Notification
from notifications.services import notification_mark_read, notifications_for


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.CharField(source="display_text", read_only=True)  # in the caller's language

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "link", "object_type", "object_id", "created_at", "read_at"]
        read_only_fields = fields


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    filterset_fields = ["kind"]
    ordering_fields: list[str] = []
    queryset = Notification.objects.none()

    def get_queryset(self) -> QuerySet[Notification]:
        return notifications_for(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        notification = notification_mark_read(user=request.user, notification=self.get_object())
        return Response(self.get_serializer(notification).data)
