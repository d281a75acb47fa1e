"""Assessment, care plan and approvals pages; included by cases/urls.py (namespace "cases")."""

from django.urls import path

from cases import views_work as views

urlpatterns = [
    path("approvals/", views.approvals, name="approvals-page"),
    path("closures/<int:request_id>/decide/", views.closure_decide, name="closure-decide"),
    path("<int:pk>/work/", views.case_sections, name="work-sections"),
    path("<int:pk>/assessment/new/", views.assessment_new, name="assessment-new"),
    path("<int:pk>/assessment/<int:assessment_id>/decide/", views.assessment_decide, name="assessment-decide"),
    path("<int:pk>/plan/", views.careplan_save, name="plan-save"),
    path("<int:pk>/plan/actions/", views.careplan_action_add, name="plan-action-add"),
    path("<int:pk>/plan/actions/<int:action_id>/", views.careplan_action_status, name="plan-action-status"),
    path("<int:pk>/closure/", views.closure_request, name="closure-request"),
    path("<int:pk>/documents/", views.document_upload, name="document-upload"),
    path("<int:pk>/documents/<int:document_id>/", views.document_download, name="document-download"),
    path("<int:pk>/entitlements/", views.entitlement_save, name="entitlement-save"),
]
