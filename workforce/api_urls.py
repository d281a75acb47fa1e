from rest_framework.routers import SimpleRouter

from workforce.apis import CaseReviewViewSet, TrainingViewSet

router = SimpleRouter()
router.register("trainings", TrainingViewSet, basename="training")
router.register("case-reviews", CaseReviewViewSet, basename="case-review")

urlpatterns = router.urls
