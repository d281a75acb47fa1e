from rest_framework.routers import SimpleRouter

from cases.apis import ActivityViewSet, CaseViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("activities", ActivityViewSet, basename="activity")

urlpatterns = router.urls
