from rest_framework.routers import SimpleRouter

from core.apis import ContractViewSet, LocationViewSet

router = SimpleRouter()
router.register("locations", LocationViewSet, basename="location")
router.register("contracts", ContractViewSet, basename="contract")

urlpatterns = router.urls
