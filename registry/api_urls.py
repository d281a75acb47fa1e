from django.urls import path
from rest_framework.routers import SimpleRouter

from registry.apis import ChildFileViewSet, RegisterReportView, RegisterUpdateViewSet

router = SimpleRouter()
router.register("registry", ChildFileViewSet, basename="registry")
router.register("registry-updates", RegisterUpdateViewSet, basename="registry-update")

urlpatterns = [
    path("reports/registry/", RegisterReportView.as_view(), name="registry-report"),
    *router.urls,
]
