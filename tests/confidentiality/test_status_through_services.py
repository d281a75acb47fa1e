"""A case's status changes only through its steps: approval of an assessment, closure (issue 15)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.models import Case

pytestmark = pytest.mark.django_db


def test_social_worker_cannot_activate_a_case_by_patching_its_status(cast, api_for):
    response = api_for(cast.worker).patch(
        f"/api/v1/cases/{cast.case.pk}/", {"status": "active", "version": cast.case.version}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()
    cast.case.refresh_from_db()
    assert (cast.case.status, cast.case.version) == ("assessment", 1)


def test_manager_cannot_close_a_case_by_patching_its_status(cast, api_for):
    response = api_for(cast.manager).patch(
        f"/api/v1/cases/{cast.case.pk}/", {"status": "closed", "version": 1}, format="json"
    )
    assert response.status_code == 400
    cast.case.refresh_from_db()
    assert cast.case.status == "assessment" and cast.case.closed_on is None


def test_a_patch_that_sends_the_unchanged_status_still_saves_the_rest(cast, api_for):
    response = api_for(cast.worker).patch(
        f"/api/v1/cases/{cast.case.pk}/",
        {"status": "assessment", "risk_level": "high", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.content
    cast.case.refresh_from_db()
    assert (cast.case.status, cast.case.risk_level) == ("assessment", "high")


def test_case_update_service_refuses_a_status_change(cast):
    with pytest.raises(ValidationError) as refused:
        services.case_update(actor=cast.worker, case=cast.case, version=1, status="active")
    assert "status" in refused.value.message_dict
    assert Case.objects.get(pk=cast.case.pk).status == "assessment"


def test_an_approved_assessment_still_activates_the_case(cast):
    assessment = services.assessment_save(
        actor=cast.worker,
        case=cast.case,
        assessed_on=timezone.localdate(),
        risk_level="high",
        submit=True,
        **{domain: 1 for domain in services.DOMAINS},  # every domain is rated (issue 14)
    )
    services.assessment_decide(actor=cast.manager, assessment=assessment, approve=True)
    cast.case.refresh_from_db()
    assert cast.case.status == "active"
