"""The case page links to its multi-agency case and to its case reviews through the cases link
registry (cases imports neither app): each link shows only to those its own policy lets open it."""

from __future__ import annotations

import pytest

from accounts.models import Role
from cases.selectors import CASE_LINK_SOURCES, case_links
from multiagency.case_links import joint_case_link
from tests.conftest import login
from tests.factories import UserFactory
from workforce.case_links import case_reviews_link

pytestmark = pytest.mark.django_db


def _links(user, case):
    response = login(user).get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_both_apps_fill_the_registry_once():
    assert CASE_LINK_SOURCES.count(joint_case_link) == 1
    assert CASE_LINK_SOURCES.count(case_reviews_link) == 1


def test_the_lead_worker_sees_the_multi_agency_link_but_not_the_reviews(osc):
    case = osc.city.a.case
    page = _links(osc.city.a.worker, case)
    assert f'href="/multi-agency/{osc.joint.pk}/"' in page
    assert 'data-testid="case-link-joint"' in page
    assert 'data-testid="case-link-reviews"' not in page  # the reviews page is for the case's managers
    assert login(osc.city.a.worker).get(f"/workforce/cases/{case.pk}/reviews/").status_code == 403


def test_the_manager_sees_both_links_and_both_open(osc):
    case, manager = osc.city.a.case, osc.city.a.manager
    page = _links(manager, case)
    assert f'href="/multi-agency/{osc.joint.pk}/"' in page
    assert f'href="/workforce/cases/{case.pk}/reviews/"' in page
    client = login(manager)
    assert client.get(f"/multi-agency/{osc.joint.pk}/").status_code == 200
    assert client.get(f"/workforce/cases/{case.pk}/reviews/").status_code == 200


def test_a_case_without_a_multi_agency_case_has_no_such_link(osc):
    b = osc.city.b
    page = _links(b.manager, b.case)
    assert 'data-testid="case-link-joint"' not in page
    assert f'href="/workforce/cases/{b.case.pk}/reviews/"' in page


def test_no_link_for_those_who_may_not_see_the_case(osc):
    case = osc.city.a.case
    colleague = UserFactory(role=Role.SOCIAL_WORKER, organisation=osc.city.a.organisation)  # not on the team
    outsiders = [osc.city.b.manager, osc.city.b.worker, colleague, osc.law_firm.manager, osc.procuratorate.worker]
    for user in outsiders:
        assert login(user).get(f"/cases/{case.pk}/").status_code == 404
    # the registry itself answers nothing to them, though a partner sees the multi-agency case (it
    # opens it from its own list, never through the case file)
    assert [link.testid for link in case_links(osc.city.a.manager, case)] == ["case-link-joint", "case-link-reviews"]
    for user in outsiders:
        assert case_links(user, case) == []
