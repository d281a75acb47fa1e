from django.urls import path
from rest_framework.routers import SimpleRouter

from reports.apis import ReportViewSet, SummaryView

router = SimpleRouter()
router.register("reports", ReportViewSet, basename="report")

urlpatterns = [path("reports/summary/", SummaryView.as_view(), name="report-summary"), *router.urls]
