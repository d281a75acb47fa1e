from rest_framework.routers import SimpleRouter

from programmes.apis import ProgrammeSessionViewSet, ProgrammeViewSet

router = SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("programme-sessions", ProgrammeSessionViewSet, basename="programme-session")

urlpatterns = router.urls
