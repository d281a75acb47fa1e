"""A dataset with known numbers, built through the public API as a partner would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone


@dataclass
class Known:
    contract: int
    start: dt.date
    end: dt.date
    expected: dict[str, Any]
    names: list[str]
    villages: list[str]


@pytest.fixture
def known(cast, api_for) -> Known:
    # Every date is relative to today, so the dataset means the same thing on any day of the year
    # (1 January and 29 February included): the period is the year that ends today.
    today = timezone.localdate()
    year = today.year
    start, end = today - dt.timedelta(days=364), today
    before_period = start - dt.timedelta(days=30)
    opened_inside, closed_inside = today - dt.timedelta(days=60), today - dt.timedelta(days=30)
    last_year_open, last_year_close = start - dt.timedelta(days=365), start - dt.timedelta(days=200)
    mgr = api_for(cast.manager)

    def post(url: str, body: dict, code: int = 201) -> dict:
        response = mgr.post(url, body, format="json")
        assert response.status_code == code, (url, response.content)
        return response.json()

    contract = post(
        "/api/v1/contracts/",
        {
            "name": "测试项目",
            "funder": "测试妇联",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "amount": "1000.00",
            "caseload_target": 10,
        },
    )
    village = post("/api/v1/locations/", {"name": "奇异果村", "kind": "village", "parent": cast.village.parent_id})
    wf = post(
        "/api/v1/members/",
        {
            "name": "主任甲",
            "sector": "wf_director",
            "location": village["id"],
            "is_referrer": True,
            "joined_on": start.isoformat(),
        },
    )
    school = post(
        "/api/v1/members/",
        {
            "name": "学校乙",
            "kind": "organisation",
            "sector": "school",
            "is_referrer": True,
            "location": village["id"],
            "joined_on": start.isoformat(),
        },
    )
    shop = post(
        "/api/v1/members/",
        {
            "name": "商店丙",
            "kind": "organisation",
            "sector": "enterprise",
            "is_pledger": True,
            "location": village["id"],
            "joined_on": start.isoformat(),
        },
    )
    helper = post(
        "/api/v1/members/",
        {
            "name": "义工丁",
            "sector": "resident",
            "is_volunteer": True,
            "location": village["id"],
            "joined_on": start.isoformat(),
        },
    )
    names = ["欧阳翠花", "司马小龙", "诸葛小芳"]
    births = [dt.date(year - 8, 1, 1), dt.date(year - 12, 1, 1), dt.date(year - 5, 1, 1)]
    referrals = [
        ({"referrer_member": wf["id"], "channel": "alliance"}, names[0], "female", births[0]),
        ({"referrer_member": school["id"], "channel": "alliance"}, names[1], "male", births[1]),
        ({"channel": "hotline"}, names[2], "female", births[2]),
    ]
    case_ids = []
    for extra, name, sex, birth in referrals:
        ref = post(
            "/api/v1/referrals/",
            {
                "child_name": name,
                "child_sex": sex,
                "child_birth_date": birth.isoformat(),
                "location": village["id"],
                "concerns": "情况",
                "urgency": "soon",
                **extra,
            },
        )
        case_ids.append(post(f"/api/v1/referrals/{ref['id']}/accept/", {"lead_worker": cast.worker.pk}, 200)["case"])
    # the time each waited before its triage (set in the database: the API records "now")
    from django.db.models import F

    from referrals.models import Referral

    for hours, case_id in zip((2, 4, 6), case_ids, strict=True):
        Referral.objects.filter(case_id=case_id).update(received_at=F("triaged_at") - dt.timedelta(hours=hours))
    issues = [["neglect", "poverty"], ["physical_abuse"], ["neglect"]]
    families = ["skip_generation", "with_one_parent", "skip_generation"]
    for case_id, issue, family in zip(case_ids, issues, families, strict=True):
        r = mgr.patch(
            f"/api/v1/cases/{case_id}/",
            {
                "presenting_issues": issue,
                "family_situation": family,
                "category": "custody_need",
                "contract": contract["id"],
                "version": 1,
            },
            format="json",
        )
        assert r.status_code == 200, r.content
    # an outreach case opened before the period, still open: counts in total, not in opened
    outreach = post(
        "/api/v1/cases/",
        {
            "child": {
                "name": "上官小宝",
                "sex": "male",
                "birth_date": dt.date(year - 10, 6, 1).isoformat(),
                "location": village["id"],
            },
            "status": "active",
            "presenting_issues": ["poverty"],
            "family_situation": "living_alone",
            "category": "family_need",
            "opened_on": before_period.isoformat(),
            "contract": contract["id"],
        },
    )
    # a case opened and closed inside the period
    closed = post(
        "/api/v1/cases/",
        {
            "child": {
                "name": "东方小月",
                "sex": "female",
                "birth_date": dt.date(year - 14, 1, 1).isoformat(),
                "location": village["id"],
            },
            "status": "active",
            "presenting_issues": ["self_harm"],
            "family_situation": "with_one_parent",
            "category": "none",
            "opened_on": opened_inside.isoformat(),
            "contract": contract["id"],
        },
    )
    post(
        f"/api/v1/cases/{closed['id']}/close/",
        {"closed_on": closed_inside.isoformat(), "closure_reason": "目标达成", "closure_code": "goals_met"},
        200,
    )
    # a case closed last year does not count
    old = post(
        "/api/v1/cases/",
        {
            "child": {"name": "慕容旧案", "sex": "male", "location": village["id"]},
            "status": "closed",
            "opened_on": last_year_open.isoformat(),
            "closed_on": last_year_close.isoformat(),
            "contract": contract["id"],
        },
    )
    names += ["上官小宝", "东方小月"]
    # Promise First
    goods = post(
        "/api/v1/pledges/",
        {"member": shop["id"], "kind": "goods", "description": "文具", "valid_from": start.isoformat()},
    )
    service = post(
        "/api/v1/pledges/",
        {"member": shop["id"], "kind": "service", "description": "理发", "valid_from": start.isoformat()},
    )
    wk = api_for(cast.worker)
    asks = []
    for case_id, pledge in ((case_ids[0], goods), (case_ids[1], goods), (case_ids[1], service), (case_ids[2], service)):
        r = wk.post(
            "/api/v1/pledge-requests/", {"case": case_id, "pledge": pledge["id"], "need": "帮助"}, format="json"
        )
        assert r.status_code == 201, r.content
        asks.append(r.json()["id"])
    for ask, value in ((asks[0], "100.10"), (asks[1], "200.20"), (asks[2], "50.05")):
        assert (
            wk.post(
                f"/api/v1/pledge-requests/{ask}/fulfil/",
                {"fulfilled_on": today.isoformat(), "value": value},
                format="json",
            ).status_code
            == 200
        )
    # work done
    for kind in ("training", "director_meeting", "director_meeting", "joint_conference"):
        post("/api/v1/events/", {"kind": kind, "date": today.isoformat(), "title": "活动", "members": [wf["id"]]})
    from alliance.models import Member
    from alliance.services import volunteer_assign
    from cases.models import Case

    # hours are logged only for a volunteer assigned to the case (issue 15)
    volunteer_assign(
        actor=cast.worker, case=Case.objects.get(pk=case_ids[0]), member=Member.objects.get(pk=helper["id"]), brief=""
    )
    for minutes in (90, 45):
        post(
            "/api/v1/volunteer-logs/",
            {"member": helper["id"], "case": case_ids[0], "date": today.isoformat(), "minutes": minutes},
        )
    for case_id in (case_ids[0], case_ids[0], case_ids[1]):
        assert (
            wk.post(
                "/api/v1/activities/",
                {"case": case_id, "kind": "home_visit", "date": today.isoformat(), "summary": "家访"},
                format="json",
            ).status_code
            == 201
        )
    # entitlements (kept on the case's page; no API writes them): claimed = applying or granted
    from cases.models import Entitlement, EntitlementKind

    for case_id, kind, status in (
        (case_ids[0], "minimum_living_allowance", "granted"),
        (case_ids[0], "medical_aid", "applying"),
        (case_ids[1], "minimum_living_allowance", "applying"),
        (case_ids[1], "education_aid", "refused"),
        (case_ids[2], "medical_aid", "not_applied"),
        (outreach["id"], "unsupported_child_subsidy", "granted"),
        (closed["id"], "minimum_living_allowance", "granted"),
        (old["id"], "minimum_living_allowance", "granted"),  # closed last year: not counted
        (cast.case.pk, "medical_aid", "granted"),  # not under the contract: not counted
    ):
        Entitlement.objects.create(case_id=case_id, kind=kind, status=status)
    no_entitlement = dict.fromkeys(EntitlementKind.values, 0)
    ages = [(today - b).days for b in births] + [
        (before_period - dt.date(year - 10, 6, 1)).days,
        (opened_inside - dt.date(year - 14, 1, 1)).days,
    ]
    expected = {
        "cases": {
            "total": 5,
            "opened": 4,
            "closed": 1,
            "active_at_end": 4,
            "caseload_target": 10,
            "through_alliance": 2,
            "through_alliance_pct": 40.0,
            "through_wf_directors": 1,
            "through_wf_directors_pct": 20.0,
            "by_referral_source": {"wf_director": 1, "school": 1, "hotline": 1, "outreach": 2},
            "by_presenting_issue": {"neglect": 2, "physical_abuse": 1, "poverty": 1, "self_harm": 1},
            "by_family_situation": {"skip_generation": 2, "with_one_parent": 2, "living_alone": 1},
            "by_category": {"custody_need": 3, "family_need": 1, "none": 1},
            "by_sex": {"female": 3, "male": 2},
            # ages at opening: 8, 12, 5, 8 or 9 (上官小宝, a year ago), 13 or 14 (东方小月): same bands any day
            "by_age_band": {"0-5": 1, "6-11": 2, "12-14": 2, "15-17": 0, "18+": 0},
            "average_age": round(sum(ages) / len(ages) / 365.25 + 1e-9, 1),
        },
        "alliance": {"members": 8, "referrers": 4, "pledgers": 2, "volunteers": 2, "wf_directors": 3},
        "promise_first": {
            "pledges": 2,
            "requests": 4,
            "fulfilled_requests": 3,
            "members_fulfilled": 1,
            "cases_helped": 2,
            "value": {"money": "0.00", "goods": "300.30", "service": "50.05", "total": "350.35"},
        },
        "activities": {
            "home_visits": 3,
            "trainings": 1,
            "director_meetings": 2,
            "joint_conferences": 1,
            "volunteer_hours": 2.3,
        },
        # 350.35 of community value against a contract of 1,000.00 (two decimals, half up)
        "funding": {"contract_amount": "1000.00", "community_value_ratio": 0.35},
        "contract": {"id": contract["id"], "name": "测试项目", "funder": "测试妇联"},
        # 3 referrals this period, 2 by Alliance members; triaged 2, 4 and 6 hours after they came in
        "referrals": {"received": 3, "through_alliance": 2, "average_hours_to_triage": 4.0},
        "entitlements": {
            "claimed": no_entitlement
            | {"minimum_living_allowance": 3, "unsupported_child_subsidy": 1, "medical_aid": 1},
            "granted": no_entitlement | {"minimum_living_allowance": 2, "unsupported_child_subsidy": 1},
        },
    }
    return Known(contract=contract["id"], start=start, end=end, expected=expected, names=names, villages=["奇异果村"])
