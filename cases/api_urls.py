from rest_framework.routers import SimpleRouter

from cases.apis import ActivityViewSet, CaseViewSet, TransferViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("activities", ActivityViewSet, basename="activity")
router.register("transfers", TransferViewSet, basename="transfer")

urlpatterns = router.urls
