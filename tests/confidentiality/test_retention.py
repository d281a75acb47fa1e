"""Retention: a closed case past its period is anonymised by the nightly task, audited, and the report
figures of past periods stay exactly the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Activity, Case, HouseholdMember
from cases.services.retention import ANONYMISED, retention_ends, retention_sweep
from core.models import AuditEntry
from reports import figures
from tests.factories import ActivityFactory, ChildFactory, ReferralFactory, make_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _closed_case(cast, *, born: dt.date, opened: dt.date, closed: dt.date, name: str) -> Case:
    child = ChildFactory(name=name, birth_date=born, location=cast.village, id_number="530102200001011234")
    case = make_case(lead_worker=cast.worker, child=child, opened_on=opened, status="active")
    ActivityFactory(case=case, date=opened + dt.timedelta(days=10), summary=f"家访：{name}的奶奶说……")
    HouseholdMember.objects.create(child=child, name="王奶奶", relation="祖母", phone="13912345678")
    ReferralFactory(case=case, child_name=name, location=cast.village, concerns=f"{name}晚上一个人在家")
    Case.objects.filter(pk=case.pk).update(status="closed", closed_on=closed, closure_reason=f"{name}随父母外出")
    case.refresh_from_db()
    return case


def test_a_file_past_retention_is_anonymised_and_past_figures_do_not_change(cast):
    old = _closed_case(
        cast, born=dt.date(2001, 3, 1), opened=dt.date(2015, 4, 1), closed=dt.date(2016, 6, 30), name="陈秘档"
    )
    start, end = dt.date(2015, 1, 1), dt.date(2016, 12, 31)
    before = figures.summary(start, end)
    assert retention_ends(old, old.child) == dt.date(2024, 3, 1)  # 18 + 5 is later than closure + 5
    assert retention_sweep(today=TODAY) == 1
    old.refresh_from_db()
    old.child.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.child.name, old.child.id_number, old.closure_reason) == (ANONYMISED, "", ANONYMISED)
    assert not HouseholdMember.objects.filter(child=old.child).exists()
    assert list(Activity.objects.filter(case=old).values_list("summary", flat=True)) == [ANONYMISED]
    assert old.referrals.get().child_name == ANONYMISED and "陈秘档" not in old.referrals.get().concerns
    assert figures.summary(start, end) == before
    row = AuditEntry.objects.filter(object_type="case", object_id=str(old.pk)).latest("pk")
    assert row.detail == {"retention": "anonymised"}
    assert retention_sweep(today=TODAY) == 0  # idempotent


def test_closure_plus_five_years_when_it_is_later_and_open_or_recent_files_are_kept(cast):
    recent = _closed_case(
        cast,
        born=TODAY.replace(year=TODAY.year - 10),
        opened=TODAY - dt.timedelta(days=400),
        closed=TODAY - dt.timedelta(days=300),
        name="李近档",
    )
    # an adult long ago, closed four years ago: closure + 5 years is the later date
    adult = _closed_case(
        cast,
        born=dt.date(2000, 1, 1),
        opened=TODAY.replace(year=TODAY.year - 5),
        closed=TODAY.replace(year=TODAY.year - 4),
        name="赵成档",
    )
    assert retention_ends(adult, adult.child) == TODAY.replace(year=TODAY.year + 1)
    open_case = make_case(lead_worker=cast.worker, child=ChildFactory(name="孙开档"))
    assert retention_sweep(today=TODAY) == 0
    for case in (recent, adult, open_case):
        case.child.refresh_from_db()
        assert case.child.name != ANONYMISED
    assert retention_sweep(today=TODAY.replace(year=TODAY.year + 1)) == 1  # the adult's file, a year on
    adult.child.refresh_from_db()
    assert adult.child.name == ANONYMISED


def test_a_child_with_an_open_case_keeps_every_file(cast):
    old = _closed_case(
        cast, born=dt.date(2001, 3, 1), opened=dt.date(2015, 4, 1), closed=dt.date(2016, 6, 30), name="周两档"
    )
    make_case(lead_worker=cast.worker, child=old.child)  # the same child is served again
    assert retention_sweep(today=TODAY) == 0
    old.child.refresh_from_db()
    assert old.child.name == "周两档"
