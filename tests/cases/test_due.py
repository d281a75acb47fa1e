"""cases.due: the one formula of a case's stored last home visit and next visit due (by risk level,
from the latest home visit or the opening), the stored count of open flags, and the repair of what
was written around the services (a bulk update, an admin edit, a changed interval)."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.due import drifted_case_ids, interval_for, refresh_due_dates, refresh_open_flags, repair_due_dates
from cases.models import Activity, Case, CaseFlag
from tests.factories import make_case
from tests.writes import today

pytestmark = pytest.mark.django_db


def stored(case: Case) -> tuple[dt.date | None, dt.date | None, int]:
    row = Case.objects.get(pk=case.pk)
    return row.last_home_visit, row.next_visit_due, row.open_flag_count


@pytest.mark.parametrize(("risk", "days"), [("immediate", 2), ("high", 7), ("medium", 14), ("low", 30)])
def test_the_next_visit_is_due_one_interval_of_the_risk_level_after_the_opening(cast, risk, days):
    opened = today() - dt.timedelta(days=40)
    case = make_case(lead_worker=cast.worker, risk_level=risk, opened_on=opened)
    assert interval_for(risk) == days
    assert stored(case) == (None, opened + dt.timedelta(days=days), 0)


def test_an_unknown_risk_level_waits_thirty_days():
    assert interval_for("unheard-of") == 30


def test_the_latest_home_visit_counts_and_other_activities_do_not(cast):
    case = cast.case
    Activity.objects.bulk_create(
        [
            Activity(case=case, kind="home_visit", date=today() - dt.timedelta(days=9), summary="家访"),
            Activity(case=case, kind="home_visit", date=today() - dt.timedelta(days=3), summary="家访"),
            Activity(case=case, kind="phone_call", date=today(), summary="电话"),
        ]
    )
    assert drifted_case_ids() == [case.pk]  # written around the service
    assert refresh_due_dates([case.pk]) == 1
    assert stored(case)[:2] == (today() - dt.timedelta(days=3), today() - dt.timedelta(days=3) + dt.timedelta(days=14))
    assert drifted_case_ids() == []


def test_a_flag_saved_or_deleted_by_anyone_keeps_the_count(cast):
    flag = CaseFlag.objects.create(case=cast.case, message="学校反映缺课")
    CaseFlag.objects.create(case=cast.case, message="外婆住院")
    assert stored(cast.case)[2] == 2
    flag.delete()
    assert stored(cast.case)[2] == 1


def test_a_bulk_written_flag_is_found_and_repaired(cast):
    other = make_case(lead_worker=cast.worker)
    CaseFlag.objects.bulk_create([CaseFlag(case=cast.case, message="批量导入")])  # no signal
    assert drifted_case_ids() == [cast.case.pk]
    assert refresh_open_flags([other.pk]) == 1  # another case: this one stays drifted
    assert drifted_case_ids() == [cast.case.pk]
    assert repair_due_dates() == 1
    assert stored(cast.case)[2] == 1 and drifted_case_ids() == []


def test_a_changed_interval_setting_is_repaired_everywhere(cast, settings):
    second = make_case(lead_worker=cast.worker, risk_level="high")
    settings.SHOUHU = {**settings.SHOUHU, "VISIT_INTERVAL_DAYS": {"immediate": 1, "high": 5, "medium": 10, "low": 20}}
    assert set(drifted_case_ids()) == {cast.case.pk, second.pk}
    assert drifted_case_ids(limit=1) == [min(cast.case.pk, second.pk)]
    assert repair_due_dates() == 2
    assert stored(cast.case)[1] == cast.case.opened_on + dt.timedelta(days=10)
    assert stored(second)[1] == second.opened_on + dt.timedelta(days=5)
    assert repair_due_dates() == 0
