from rest_framework.routers import SimpleRouter

from alliance.apis import EventViewSet, MemberViewSet, VolunteerLogViewSet

router = SimpleRouter()
router.register("members", MemberViewSet, basename="member")
router.register("events", EventViewSet, basename="event")
router.register("volunteer-logs", VolunteerLogViewSet, basename="volunteer-log")

urlpatterns = router.urls
