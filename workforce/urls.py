from django.urls import path

from workforce import views

app_name = "workforce"

urlpatterns = [
    path("trainings/", views.training_list, name="trainings"),
    path("people/<int:pk>/", views.training_record_of, name="record"),
    path("reviews/", views.review_list, name="reviews"),
    path("cases/<int:pk>/reviews/", views.case_reviews, name="case-reviews"),
]
