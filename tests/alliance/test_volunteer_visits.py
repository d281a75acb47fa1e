"""Auntie Sun's visit cards: the household label the social worker set, a numeric minutes field,
and a bad value that keeps her note."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alliance.models import VolunteerLog
from alliance.services import volunteer_assign
from tests.factories import ChildFactory, make_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def two_visits(cast):
    other = make_case(lead_worker=cast.worker, child=ChildFactory(name="赵小兰", location=cast.village))
    volunteer_assign(actor=cast.worker, case=cast.case, member=cast.volunteer.member, brief="周二陪孩子写作业")
    volunteer_assign(actor=cast.worker, case=other, member=cast.volunteer.member, brief="每周探访")
    return other


def test_the_social_worker_sets_the_household_label_on_the_case(cast, client_for):
    from cases.models import Case

    case = cast.case
    data = {
        "child-name": case.child.name,
        "child-sex": case.child.sex,
        "child-location": case.child.location_id,
        "child-hukou_status": case.child.hukou_status,
        "child-school_status": case.child.school_status,
        "case-risk_level": case.risk_level,
        "case-family_situation": case.family_situation,
        "case-category": case.category,
        "case-opened_on": case.opened_on.isoformat(),
        "case-presenting_issues": case.presenting_issues,
        "case-version": case.version,
        "case-household_label": "王奶奶家",
    }
    response = client_for(cast.worker).post(f"/cases/{case.pk}/edit/", data)
    assert response.status_code == 302, response.context and response.context["case_form"].errors
    assert Case.objects.get(pk=case.pk).household_label == "王奶奶家"


def test_visit_cards_show_the_household_label_not_the_childs_name(cast, client_for, two_visits):
    from cases.models import Case

    Case.objects.filter(pk=cast.case.pk).update(household_label="王奶奶家")
    Case.objects.filter(pk=two_visits.pk).update(household_label="赵家")
    html = client_for(cast.volunteer).get("/alliance/visits/").content.decode()
    assert "王奶奶家" in html and "赵家" in html
    assert cast.case.child.name not in html and "赵小兰" not in html


def test_the_minutes_field_is_numeric(cast, client_for, two_visits):
    html = client_for(cast.volunteer).get("/alliance/visits/").content.decode()
    assert html.count('type="number" min="1" max="1440" step="1" inputmode="numeric"') == 2
    assert "分钟" in html  # labelled as a duration, not 会议记录


def test_a_bad_minutes_value_gives_a_chinese_error_and_keeps_her_note(cast, client_for, two_visits):
    response = client_for(cast.volunteer).post(
        f"/alliance/visits/{cast.case.pk}/log/",
        {"date": TODAY.isoformat(), "minutes": "1小时", "note": "孩子今天很开心，作业写完了"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "孩子今天很开心，作业写完了" in html and 'value="1小时"' in html
    (error,) = response.context["failed"]["errors"]
    assert "分钟" in error and error in html
    assert not VolunteerLog.objects.exists()


@pytest.mark.parametrize("minutes", ["40", "４０", " 40 "])
def test_a_number_of_minutes_is_logged(cast, client_for, two_visits, minutes):
    response = client_for(cast.volunteer).post(
        f"/alliance/visits/{cast.case.pk}/log/", {"date": TODAY.isoformat(), "minutes": minutes, "note": "好"}
    )
    assert response.status_code == 302
    assert VolunteerLog.objects.get().minutes == 40


def test_a_visit_not_hers_is_404_and_nothing_logged(cast, client_for, two_visits):
    stranger = make_case(lead_worker=cast.colleague)
    response = client_for(cast.volunteer).post(f"/alliance/visits/{stranger.pk}/log/", {"minutes": "30"})
    assert response.status_code == 404 and not VolunteerLog.objects.exists()
