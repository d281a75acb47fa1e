from rest_framework.routers import SimpleRouter

from programmes.apis import EnrolmentViewSet, ParentCallViewSet, ProgrammeSessionViewSet, ProgrammeViewSet

router = SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("programme-sessions", ProgrammeSessionViewSet, basename="programme-session")
router.register("programme-enrolments", EnrolmentViewSet, basename="programme-enrolment")
router.register("parent-calls", ParentCallViewSet, basename="parent-call")

urlpatterns = router.urls
