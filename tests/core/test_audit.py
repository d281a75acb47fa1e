from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from core.audit import audit_log
from core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def test_audit_row_records_who_what_and_where(cast):
    entry = audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case)
    entry.refresh_from_db()
    assert (entry.username, entry.action, entry.object_type, entry.object_id) == (
        "xiaochen",
        "view",
        "case",
        str(cast.case.pk),
    )


def test_unknown_action_is_refused(cast):
    with pytest.raises(ValueError):
        audit_log(action="peek", user=cast.worker)


def test_update_of_an_audit_row_fails_in_postgresql(cast):
    entry = audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditentry SET username = 'someone' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.username == "xiaochen"


def test_delete_of_an_audit_row_fails_in_postgresql(cast):
    entry = audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_orm_update_is_refused_too(cast):
    entry = audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="delete")
    entry.refresh_from_db()
    assert entry.action == "view"


def test_audit_log_page_is_for_admins_only(cast, client_for):
    audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case)
    response = client_for(cast.admin).get("/system/audit/", {"username": "xiaochen", "action": "view"})
    assert response.status_code == 200
    assert "xiaochen" in response.content.decode()
    for user in (cast.manager, cast.worker, cast.referrer, cast.funder):
        assert client_for(user).get("/system/audit/").status_code == 403
    assert client_for(None).get("/system/audit/").status_code == 302


def test_audit_log_filter_narrows_rows(cast, client_for):
    audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case)
    audit_log(action=AuditAction.EXPORT, user=cast.manager, object_type="report", object_id=7)
    page = client_for(cast.admin).get("/system/audit/", {"action": "export"}).context["page"]
    assert [e.username for e in page] == ["liu"]


def test_a_refusal_is_audited_with_its_path(cast, client_for):
    assert client_for(cast.worker).get("/system/audit/").status_code == 403
    entry = AuditEntry.objects.get(action="permission_denied")
    assert entry.username == "xiaochen"
    assert entry.detail == {"path": "/system/audit/", "method": "GET"}


def test_api_token_login_is_audited(cast, api_for):
    response = api_for(None).post(
        "/api/v1/auth/token/", {"username": "xiaoli", "password": "Shouhu-test-1"}, format="json"
    )
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="login", username="xiaoli", detail__via="api-token").exists()
