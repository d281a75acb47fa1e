"""core.audit's helpers called directly: who and where a row names when the caller gives only a
request (or nothing), one row per response that showed records (their ids in order, once each), and
how a row's object type reads."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation

from core.audit import audit_log, audit_object_type_label, audit_object_types, audit_read
from core.middleware import _request
from core.models import AuditEntry
from tests.writes import writes_nothing

pytestmark = pytest.mark.django_db


def _request_as(user, address="203.0.113.7"):
    request = RequestFactory().get("/cases/", REMOTE_ADDR=address)
    request.user = user
    return request


def test_the_user_and_address_come_from_the_request_when_not_given(cast):
    entry = audit_log(action="view", request=_request_as(cast.worker), obj=cast.case)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.user_id, stored.username, stored.ip_address) == (cast.worker.pk, "xiaochen", "203.0.113.7")


def test_the_current_request_is_used_when_none_is_passed(cast):
    token = _request.set(_request_as(cast.manager, "198.51.100.2"))
    try:
        entry = audit_log(action="export", object_type="case-list", detail={"ids": [1]})
    finally:
        _request.reset(token)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.user_id, stored.ip_address, stored.detail) == (cast.manager.pk, "198.51.100.2", {"ids": [1]})


def test_an_anonymous_visitor_is_recorded_as_nobody(cast):
    entry = audit_log(action="login_failed", request=_request_as(AnonymousUser()), detail={"username": "wang"})
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.user_id, stored.username, stored.ip_address) == (None, "", "203.0.113.7")


def test_an_object_is_named_by_type_and_id_only(cast):
    entry = audit_log(action="view", user=cast.worker, obj=cast.case.child)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.object_type, stored.object_id, stored.detail) == ("child", str(cast.case.child_id), {})
    assert cast.case.child.name not in str(stored.__dict__)


def test_over_long_names_are_cut_to_their_columns(cast):
    entry = audit_log(action="view", user=cast.worker, object_type="x" * 80, object_id="9" * 100)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (len(stored.object_type), len(stored.object_id)) == (50, 64)


def test_a_list_writes_one_row_with_each_id_once_in_order(cast):
    request = _request_as(cast.worker)
    entry = audit_read(request, [cast.case, 7, cast.case.pk, None, 3], "case", detail={"page": 2})
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.detail == {"ids": [cast.case.pk, 7, 3], "page": 2}
    assert (stored.action, stored.object_type, stored.object_id, stored.user_id) == ("view", "case", "", cast.worker.pk)


def test_a_single_record_is_also_named_as_the_rows_object(cast):
    entry = audit_read(_request_as(cast.worker), [cast.case], "case")
    assert AuditEntry.objects.get(pk=entry.pk).object_id == str(cast.case.pk)


def test_nothing_shown_writes_nothing_unless_it_is_an_export(cast):
    request = _request_as(cast.manager)
    with writes_nothing():
        assert audit_read(request, [], "case") is None
        assert audit_read(request, [None], "case") is None
    entry = audit_read(request, [], "case-list", action="export", always=True)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.action, stored.detail) == ("export", {"ids": []})


def test_object_types_read_as_their_names_in_the_readers_language():
    with translation.override("en"):
        assert audit_object_type_label("case-list") == "case list"
        assert audit_object_type_label("referral") == "referral"
        assert audit_object_type_label("no-such-thing") == "no-such-thing"
    with translation.override("zh-hans"):
        assert audit_object_type_label("case-list") != "case list"


def test_the_object_types_offered_leave_the_machinery_out():
    types = audit_object_types()
    assert {"case", "child", "referral", "case-list", "pledge-request"} <= set(types)
    assert not [t for t in types if t.startswith(("historical", "caseuserobjectpermission", "outboxmessage"))]
    assert types == sorted(types)
