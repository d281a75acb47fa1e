from rest_framework.routers import SimpleRouter

from referrals.apis import ReferralViewSet

router = SimpleRouter()
router.register("referrals", ReferralViewSet, basename="referral")

urlpatterns = router.urls
