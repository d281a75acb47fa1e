from rest_framework.routers import SimpleRouter

from multiagency.apis import JointCaseViewSet

router = SimpleRouter()
router.register("joint-cases", JointCaseViewSet, basename="joint-case")

urlpatterns = router.urls
