from rest_framework.routers import SimpleRouter

from resources.apis import PledgeRequestViewSet, PledgeViewSet

router = SimpleRouter()
router.register("pledges", PledgeViewSet, basename="pledge")
router.register("pledge-requests", PledgeRequestViewSet, basename="pledge-request")

urlpatterns = router.urls
