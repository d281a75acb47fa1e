"""Each case's access log, for its managers: who viewed, changed, exported or downloaded it, and when."""

from __future__ import annotations

import pytest

from core.models import AuditEntry
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _rows(response):
    assert response.status_code == 200
    return list(response.context["page"])


def test_the_manager_sees_who_read_the_case_directly_and_in_a_list_and_nothing_of_another_case(cast, client_for):
    other = make_case(lead_worker=cast.worker)
    worker = client_for(cast.worker)
    assert worker.get(f"/cases/{cast.case.pk}/").status_code == 200  # the case page (case and child rows)
    assert worker.get("/cases/").status_code == 200  # the caseload names both cases in one row
    assert worker.get(f"/cases/{other.pk}/").status_code == 200  # another case: not in this case's log
    rows = _rows(client_for(cast.manager).get(f"/cases/{cast.case.pk}/access-log/"))
    by_worker = [r for r in rows if r.user_id == cast.worker.pk]
    direct = [
        r for r in by_worker if (r.object_type, r.object_id) == ("case", str(cast.case.pk)) and "ids" not in r.detail
    ]
    listed = [r for r in by_worker if cast.case.pk in (r.detail.get("ids") or [])]
    child = [r for r in by_worker if r.object_type == "child"]
    assert (len(direct), len(child), len(listed)) == (1, 1, 1)
    others = {("case", str(other.pk)), ("child", str(other.child_id))}
    assert not [r for r in rows if (r.object_type, r.object_id) in others]
    assert {r.pk for r in by_worker} == {*(r.pk for r in direct), *(r.pk for r in child), *(r.pk for r in listed)}


def test_reading_the_access_log_is_itself_audited(cast, client_for):
    manager = client_for(cast.manager)  # (its login is audited too)
    before = AuditEntry.objects.count()
    manager.get(f"/cases/{cast.case.pk}/access-log/")
    row = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == before + 1
    assert (row.object_type, row.object_id, row.detail) == ("case", str(cast.case.pk), {"page": "access-log"})


def test_a_social_worker_on_the_case_is_refused_and_an_outsider_gets_404(cast, client_for):
    url = f"/cases/{cast.case.pk}/access-log/"
    assert client_for(cast.worker).get(url).status_code == 403
    assert client_for(cast.colleague).get(url).status_code == 404
    assert client_for(cast.referrer).get(url).status_code == 404
    page = client_for(cast.colleague).get(url).content.decode()
    assert cast.case.child.name not in page and cast.case.number not in page


def test_the_log_page_answers_in_the_same_number_of_queries_however_long_the_log(cast, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = client_for(cast.manager)
    url = f"/cases/{cast.case.pk}/access-log/"
    manager.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert manager.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    worker = client_for(cast.worker)
    for _ in range(5):
        worker.get(f"/cases/{cast.case.pk}/")
    assert count() == before
