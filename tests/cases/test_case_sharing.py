"""Sharing a case with a colleague and removing them (issue 14, item 4), on the case page and through the
API: the lead worker or a manager shares; the colleague then sees the case and may work on it (object
permissions granted), and after removal gets 404 again (permissions revoked); each change is audited."""

from __future__ import annotations

import pytest

from cases.models import Case
from cases.permissions import CASE_OBJECT_PERMS
from core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _perms(user, case) -> set[str]:
    from guardian.shortcuts import get_perms

    return set(get_perms(user, Case.objects.get(pk=case.pk)))


def _team_audits(case, key: str) -> int:
    return AuditEntry.objects.filter(object_type="case", object_id=str(case.pk), detail__has_key=key).count()


def test_lead_worker_shares_on_the_case_page_and_removes_the_colleague(cast, client_for):
    case = cast.case
    colleague = client_for(cast.colleague)
    assert colleague.get(f"/cases/{case.pk}/").status_code == 404
    lead = client_for(cast.worker)
    page = lead.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="share-form"' in page and f'value="{cast.colleague.pk}"' in page

    response = lead.post(f"/cases/{case.pk}/team/", {"user": cast.colleague.pk}, follow=True)
    assert "小李" in response.content.decode() and f'data-testid="team-member-{cast.colleague.pk}"' in (
        response.content.decode()
    )
    assert list(case.team.all()) == [cast.colleague]
    assert _perms(cast.colleague, case) == set(CASE_OBJECT_PERMS)
    assert _team_audits(case, "team_add") == 1
    assert colleague.get(f"/cases/{case.pk}/").status_code == 200

    lead.post(f"/cases/{case.pk}/team/{cast.colleague.pk}/remove/")
    assert not case.team.exists()
    assert _perms(cast.colleague, case) == set()
    assert _team_audits(case, "team_remove") == 1
    assert colleague.get(f"/cases/{case.pk}/").status_code == 404


def test_manager_shares_and_unshares_through_the_api(cast, api_for):
    case = cast.case
    assert api_for(cast.colleague).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    response = api_for(cast.manager).post(f"/api/v1/cases/{case.pk}/team/", {"user": cast.colleague.pk}, format="json")
    assert response.status_code == 200 and response.json() == {"team": [cast.colleague.pk]}
    assert api_for(cast.colleague).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert _perms(cast.colleague, case) == set(CASE_OBJECT_PERMS)

    assert api_for(cast.manager).delete(f"/api/v1/cases/{case.pk}/team/{cast.colleague.pk}/").status_code == 204
    assert api_for(cast.colleague).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert _perms(cast.colleague, case) == set()
    assert _team_audits(case, "team_add") == 1 and _team_audits(case, "team_remove") == 1
    # someone not on the team: 404, nothing audited
    assert api_for(cast.manager).delete(f"/api/v1/cases/{case.pk}/team/{cast.colleague.pk}/").status_code == 404
    assert _team_audits(case, "team_remove") == 1


def test_a_shared_colleague_may_not_share_onward_and_an_outsider_gets_404(cast, client_for, api_for):
    from cases.services import case_team_add

    case = cast.case
    case_team_add(actor=cast.worker, case=case, user=cast.colleague)
    third = UserFactory(username="xiaowang", full_name="小王", role=cast.worker.role)
    assert client_for(cast.colleague).post(f"/cases/{case.pk}/team/", {"user": third.pk}).status_code == 403
    assert api_for(cast.colleague).post(f"/api/v1/cases/{case.pk}/team/", {"user": third.pk}).status_code == 403
    assert client_for(cast.colleague).post(f"/cases/{case.pk}/team/{cast.colleague.pk}/remove/").status_code == 403
    assert client_for(third).post(f"/cases/{case.pk}/team/", {"user": third.pk}).status_code == 404
    assert api_for(third).post(f"/api/v1/cases/{case.pk}/team/", {"user": third.pk}).status_code == 404
    for user in (cast.referrer, cast.volunteer):
        assert client_for(user).post(f"/cases/{case.pk}/team/", {"user": third.pk}).status_code in (403, 404)
    assert list(case.team.all()) == [cast.colleague] and _perms(third, case) == set()


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_sharing_with_no_one_or_a_stranger_is_refused_in_chinese_and_changes_nothing(cast, client_for, api_for, value):
    case = cast.case
    response = client_for(cast.worker).post(f"/cases/{case.pk}/team/", {"user": value}, follow=True)
    assert "请选择在职的社工" in response.content.decode()
    bad = api_for(cast.worker).post(f"/api/v1/cases/{case.pk}/team/", {"user": value or None}, format="json")
    assert bad.status_code == 400 and "user" in bad.json()
    for not_a_worker in (cast.referrer, cast.funder):
        assert api_for(cast.worker).post(f"/api/v1/cases/{case.pk}/team/", {"user": not_a_worker.pk}).status_code == 400
    assert not case.team.exists() and _team_audits(case, "team_add") == 0


def test_the_lead_worker_may_not_share_a_closed_case(cast, client_for):
    case = cast.case
    from django.utils import timezone

    Case.objects.filter(pk=case.pk).update(status="closed", closed_on=timezone.localdate())
    assert client_for(cast.worker).post(f"/cases/{case.pk}/team/", {"user": cast.colleague.pk}).status_code == 403
    assert not case.team.exists()
