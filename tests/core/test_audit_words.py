"""The audit log page in the reader's language, and 姓名 for people's names in forms."""

from __future__ import annotations

import pytest

from core.audit import audit_log, audit_object_type_label
from core.models import AuditAction

pytestmark = pytest.mark.django_db


def test_audit_log_shows_object_types_and_actions_in_chinese(cast, client_for):
    audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case.child)
    audit_log(action=AuditAction.EXPORT, user=cast.manager, object_type="case-list")
    response = client_for(cast.admin).get("/system/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    table = response.content.decode().split('data-testid="audit-table"')[1]
    assert f"儿童 #{cast.case.child.pk}" in table and f"child {cast.case.child.pk}" not in table
    assert "个案列表" in table and "case-list" not in table.split("data-object-type")[0]
    assert "查看" in table and "导出" in table


def test_every_audit_object_type_has_a_chinese_label():
    from django.utils import translation

    from core.audit import audit_object_types

    with translation.override("zh-hans"):
        for code in audit_object_types():
            label = audit_object_type_label(code)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in label), (code, label)


def test_the_audit_filter_by_object_type_still_works(cast, client_for):
    audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case)
    audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case.child)
    rows = client_for(cast.admin).get("/system/audit/", {"object_type": "child"}).context["page"]
    assert {e.object_type for e in rows} == {"child"}


@pytest.mark.parametrize("url", ["/cases/new/", "/referrals/new/", "/cases/{pk}/edit/", "/cases/{pk}/"])
def test_peoples_names_are_labelled_xingming(cast, client_for, url):
    client = client_for(cast.referrer if "referrals" in url else cast.worker)
    html = client.get(url.format(pk=cast.case.pk)).content.decode()
    assert "姓名" in html
    assert "名称" not in html, url
