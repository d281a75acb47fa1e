"""Issue 15: a social worker reads only the triage pool, the referrals behind cases they may see,
and the ones they declined or referred on themselves (pages and API; the rest answers 404)."""

from __future__ import annotations

import pytest

from referrals import services
from tests.factories import ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "机密转介儿童甲"


def _accepted_into_colleagues_case(cast):
    referral = ReferralFactory(location=cast.village, child_name=SECRET, caregiver_situation="奶奶卧床")
    services.referral_accept(actor=cast.manager, referral=referral, lead_worker=cast.colleague)
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.case.lead_worker == cast.colleague
    return referral


def _urls(referral):
    return [f"/referrals/{referral.pk}/", f"/api/v1/referrals/{referral.pk}/"]


def test_worker_gets_404_for_a_referral_accepted_into_a_colleagues_case(cast, client_for, api_for):
    referral = _accepted_into_colleagues_case(cast)
    page = client_for(cast.worker).get(f"/referrals/{referral.pk}/")
    assert page.status_code == 404 and SECRET not in page.content.decode()
    api = api_for(cast.worker)
    detail = api.get(f"/api/v1/referrals/{referral.pk}/")
    assert detail.status_code == 404 and SECRET not in detail.content.decode()
    listing = api.get("/api/v1/referrals/")
    assert listing.status_code == 200 and SECRET not in listing.content.decode()
    assert referral.pk not in [r["id"] for r in listing.json()["results"]]
    # the colleague who holds the case, and the manager, still read it
    assert client_for(cast.colleague).get(f"/referrals/{referral.pk}/").status_code == 200
    assert api_for(cast.colleague).get(f"/api/v1/referrals/{referral.pk}/").json()["child_name"] == SECRET
    assert api_for(cast.manager).get(f"/api/v1/referrals/{referral.pk}/").status_code == 200
    assert api_for(cast.admin).get(f"/api/v1/referrals/{referral.pk}/").status_code == 200


def test_declined_referral_is_seen_only_by_who_declined_it_and_managers(cast, client_for, api_for):
    declined = ReferralFactory(location=cast.village, child_name=SECRET)
    services.referral_decline(actor=cast.colleague, referral=declined, reason="不属于本项目")
    referred_on = ReferralFactory(location=cast.village, child_name=SECRET + "乙")
    services.referral_refer_on(actor=cast.colleague, referral=referred_on, service="民政", note="")
    for referral in (declined, referred_on):
        for url in _urls(referral):
            assert client_for(cast.worker).get(url).status_code == 404, url
            assert client_for(cast.colleague).get(url).status_code == 200, url
            assert client_for(cast.manager).get(url).status_code == 200, url
    assert SECRET not in api_for(cast.worker).get("/api/v1/referrals/").content.decode()
    other_worker = UserFactory(username="xiaowu", role="social_worker")
    assert api_for(other_worker).get(f"/api/v1/referrals/{declined.pk}/").status_code == 404


def test_every_worker_sees_the_triage_pool(cast, api_for, client_for):
    new = ReferralFactory(location=cast.village, child_name="待分流甲")
    asked = ReferralFactory(location=cast.village, child_name="待分流乙")
    services.referral_needs_info(actor=cast.colleague, referral=asked, question="几岁？")
    ids = {r["id"] for r in api_for(cast.worker).get("/api/v1/referrals/").json()["results"]}
    assert {new.pk, asked.pk} <= ids
    queue = client_for(cast.worker).get("/referrals/queue/").content.decode()
    assert "待分流甲" in queue and "待分流乙" in queue


def test_worker_sees_a_referral_accepted_into_their_own_case(cast, api_for):
    referral = ReferralFactory(location=cast.village, child_name=SECRET)
    services.referral_accept(actor=cast.colleague, referral=referral, lead_worker=cast.worker)
    assert api_for(cast.worker).get(f"/api/v1/referrals/{referral.pk}/").status_code == 200
    # the colleague accepted it but does not hold the case: no longer theirs to read
    assert api_for(cast.colleague).get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
