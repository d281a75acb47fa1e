from django.urls import path

from cases.views import access, access_log, casework, transfer
from cases.views import case as views

app_name = "cases"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("new/", views.case_create, name="create"),
    path("search/", views.case_search, name="search"),
    path("export/", views.case_export, name="export"),
    path("children/autocomplete/", views.child_autocomplete, name="child-autocomplete"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/transfer/", transfer.transfer_propose, name="transfer"),
    path("transfers/", transfer.transfer_list, name="transfers"),
    path("access/", access.access_page, name="access"),
    path("access/<int:grant_id>/decide/", access.access_decide, name="access-decide"),
    path("transfers/<int:pk>/<str:answer>/", transfer.transfer_answer, name="transfer-answer"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/access-log/", access_log.case_access_log, name="access-log"),
    path("<int:pk>/visit/", views.visit_quick_add, name="visit-add"),
    path("<int:pk>/flags/", views.flag_add, name="flag-add"),
    path("<int:pk>/flags/<int:flag_id>/resolve/", views.flag_resolve, name="flag-resolve"),
    path("<int:pk>/household/", views.household_add, name="household-add"),
    path("<int:pk>/team/", views.case_team_add_view, name="team-add"),
    path("<int:pk>/team/<int:user_id>/remove/", views.case_team_remove_view, name="team-remove"),
    path("<int:pk>/assign/", views.case_assign_view, name="assign"),
    path("<int:pk>/close/", views.case_close_view, name="close"),
    # assessments, care plans, documents, entitlements, closure approvals
    path("approvals/", casework.approvals, name="approvals-page"),
    path("closures/<int:request_id>/decide/", casework.closure_decide, name="closure-decide"),
    path("<int:pk>/work/", casework.case_sections, name="work-sections"),
    path("<int:pk>/assessment/new/", casework.assessment_new, name="assessment-new"),
    path("<int:pk>/assessment/<int:assessment_id>/decide/", casework.assessment_decide, name="assessment-decide"),
    path("<int:pk>/plan/", casework.careplan_save, name="plan-save"),
    path("<int:pk>/plan/actions/", casework.careplan_action_add, name="plan-action-add"),
    path("<int:pk>/plan/actions/<int:action_id>/", casework.careplan_action_status, name="plan-action-status"),
    path("<int:pk>/closure/", casework.closure_request, name="closure-request"),
    path("<int:pk>/documents/", casework.document_upload, name="document-upload"),
    path("<int:pk>/documents/<int:document_id>/", casework.document_download, name="document-download"),
    path("<int:pk>/entitlements/", casework.entitlement_save, name="entitlement-save"),
]
