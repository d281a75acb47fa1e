from rest_framework.routers import SimpleRouter

from organisations.apis import OrganisationViewSet, ServiceViewSet

router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("services", ServiceViewSet, basename="service")

urlpatterns = router.urls
