"""Unit tests of cases.selectors on a dataset with the planted child (tests/planted.py): the
caseload, search, autocomplete, team caseloads, timeline, links and access log each return the rows
the user may see — and the outsider never gets a row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from accounts.models import Role, User
from cases import selectors
from cases.models import Case
from cases.selectors import (
    CaseLink,
    CaseloadFilters,
    case_access_log,
    case_links,
    case_search,
    case_timeline,
    caseload_due_counts,
    caseload_for,
    caseload_order,
    caseload_scope,
    caseload_villages,
    children_for_autocomplete,
    team_caseloads,
)
from cases.services import activity_record, case_close, case_team_add, flag_add
from core.audit import audit_log
from organisations.models import Organisation
from tests.factories import ChildFactory, LocationFactory, UserFactory, make_case
from tests.planted import PLANTED_NAME
from tests.writes import today

pytestmark = pytest.mark.django_db

OUTSIDERS = ("colleague", "referrer", "pledger", "volunteer", "funder", "elsewhere")


def _due(case: Case, days: int) -> Case:
    Case.objects.filter(pk=case.pk).update(next_visit_due=today() + dt.timedelta(days=days))
    return Case.objects.get(pk=case.pk)


@dataclass
class Planted:
    case: Any  # the planted child's case, led by cast.worker
    shared: Any  # a case led by the manager, shared with cast.worker
    closed: Any  # cast.worker's closed case
    foreign: Any  # another organisation's case
    east: Any  # the planted child's village
    users: dict[str, Any]


@pytest.fixture
def planted(cast) -> Planted:
    east = LocationFactory(name="东湾村", kind="village", parent=cast.village.parent)
    case = make_case(lead_worker=cast.worker, child=ChildFactory(name=PLANTED_NAME, location=east), risk_level="high")
    shared = make_case(lead_worker=cast.manager, child=ChildFactory(name="李明", location=cast.village))
    case_team_add(actor=cast.manager, case=shared, user=cast.worker)
    closed = make_case(lead_worker=cast.worker, child=ChildFactory(name="张伟", location=cast.village))
    case_close(actor=cast.manager, case=closed, closed_on=today(), closure_reason="目标达成")
    elsewhere = Organisation.objects.create(name="外地社工中心", kind="ngo")
    foreign_worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=elsewhere)
    foreign = make_case(lead_worker=foreign_worker, child=ChildFactory(name="外地儿童", location=east))
    users = {**cast.by_role(), "elsewhere": UserFactory(role=Role.MANAGER, organisation=elsewhere)}
    return Planted(case, shared, Case.objects.get(pk=closed.pk), foreign, east, users)


# --- the caseload ----------------------------------------------------------------------------------


def test_a_workers_caseload_is_their_open_lead_and_team_cases(cast, planted):
    ids = set(caseload_scope(cast.worker).values_list("pk", flat=True))
    assert ids == {cast.case.pk, planted.case.pk, planted.shared.pk}


def test_a_managers_caseload_is_every_open_case_of_the_organisation_or_one_workers(cast, planted):
    assert set(caseload_scope(cast.manager).values_list("pk", flat=True)) == {
        cast.case.pk,
        planted.case.pk,
        planted.shared.pk,
    }
    mine = set(caseload_scope(cast.manager, worker=cast.manager).values_list("pk", flat=True))
    assert mine == {planted.shared.pk}
    admin_all = set(caseload_scope(cast.admin).values_list("pk", flat=True))
    assert planted.foreign.pk in admin_all and planted.closed.pk not in admin_all


def test_a_worker_asking_for_someone_elses_caseload_still_sees_only_their_scope(cast, planted):
    # the colleague sees nothing of the worker's, even naming the worker
    assert not caseload_scope(cast.colleague, worker=cast.worker).exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_no_caseload_row_search_hit_or_child(planted, who):
    user = planted.users[who]
    scope = caseload_scope(user)
    assert planted.case.pk not in set(scope.values_list("pk", flat=True))
    assert not case_search(user, PLANTED_NAME)
    assert not case_search(user, planted.case.number)
    assert children_for_autocomplete(user, PLANTED_NAME[:1]) == []
    assert planted.east not in caseload_villages(user) or who == "elsewhere"
    rows = list(caseload_for(user)[:50])
    assert all(row.child.name != PLANTED_NAME for row in rows)


def test_the_village_choices_are_the_places_on_the_caseload(cast, planted):
    places = {planted.east, cast.village, cast.case.child.location}
    assert list(caseload_villages(cast.worker)) == sorted(places, key=lambda v: (v.name, v.pk))
    assert list(caseload_villages(cast.colleague)) == []


def test_due_groups_and_counts(cast, planted):
    _due(planted.case, -1)
    _due(cast.case, 0)
    _due(planted.shared, 6)
    assert caseload_due_counts(cast.worker) == {"overdue": 1, "today": 1}
    rows = list(caseload_scope(cast.worker))
    assert [r.pk for r in rows] == [planted.case.pk, cast.case.pk, planted.shared.pk]
    assert [(r.is_overdue, r.is_due_today) for r in rows] == [(True, False), (False, True), (False, False)]


@pytest.mark.parametrize(
    ("due", "offsets", "expected"),
    [
        ("today", (0, -1, 1, 2), [0]),
        ("overdue", (-30, -1, 0, 1), [-30, -1]),
        ("week", (-1, 0, 6, 7), [0, 6]),
    ],
)
def test_the_due_filter_bounds(cast, planted, due, offsets, expected):
    cases = [cast.case, planted.case, planted.shared]
    cases.append(make_case(lead_worker=cast.worker))
    by_offset = {offset: _due(case, offset).pk for offset, case in zip(offsets, cases, strict=True)}
    found = set(caseload_scope(cast.worker, filters=CaseloadFilters(due=due)).values_list("pk", flat=True))
    assert found == {by_offset[o] for o in expected}


def test_filters_narrow_inside_the_scope(cast, planted):
    by_village = caseload_scope(cast.worker, filters=CaseloadFilters(village=planted.east.pk))
    assert list(by_village.values_list("pk", flat=True)) == [planted.case.pk]
    by_risk = caseload_scope(cast.worker, filters=CaseloadFilters(risk="high"))
    assert list(by_risk.values_list("pk", flat=True)) == [planted.case.pk]
    # the foreign case is in the same village; a filter never widens the scope
    assert not caseload_scope(cast.colleague, filters=CaseloadFilters(village=planted.east.pk)).exists()
    assert not caseload_scope(cast.worker, filters=CaseloadFilters(status="closed")).exists()


def test_sorting_by_a_column_either_way_and_an_unknown_sort_is_the_default(cast, planted):
    for case in (cast.case, planted.case, planted.shared):
        _due(case, 10)
    names = [c.child.name for c in caseload_scope(cast.worker, filters=CaseloadFilters(sort="name"))]
    reverse = [c.child.name for c in caseload_scope(cast.worker, filters=CaseloadFilters(sort="-name"))]
    assert names == sorted(names) and reverse == names[::-1]
    assert caseload_order("nonsense") == caseload_order("") == selectors.CASELOAD_ORDER
    assert caseload_order("-due")[-2:] == ("-next_visit_due", "pk")
    assert caseload_order("due")[:2] == ("-is_overdue", "-is_due_today")


def test_the_caseload_search_finds_by_pinyin_and_initials_only_in_scope(cast, planted):
    rows = caseload_scope(cast.worker, filters=CaseloadFilters(query="liming"))
    assert list(rows.values_list("pk", flat=True)) == [planted.shared.pk]
    rows = caseload_scope(cast.worker, filters=CaseloadFilters(query="lm"))
    assert planted.shared.pk in set(rows.values_list("pk", flat=True))
    assert not caseload_scope(cast.colleague, filters=CaseloadFilters(query="liming")).exists()


def test_team_caseloads_count_open_and_high_risk_cases_of_the_managers_organisation(cast, planted):
    rows = {u.username: (u.open_cases, u.high_risk) for u in team_caseloads(cast.manager)}
    # the worker leads cast.case (medium), the planted case (high) and a closed one (not counted)
    assert rows[cast.worker.username] == (2, 1)
    assert rows[cast.manager.username] == (1, 0)
    assert rows[cast.colleague.username] == (0, 0)
    elsewhere = set(
        User.objects.filter(organisation_id=planted.users["elsewhere"].organisation_id).values_list("pk", flat=True)
    )
    assert elsewhere and not elsewhere & {u.pk for u in team_caseloads(cast.manager)}
    first = next(iter(team_caseloads(cast.manager)))
    assert first.pk == cast.worker.pk  # most open cases first


# --- search and autocomplete -----------------------------------------------------------------------


def test_search_finds_a_visible_case_by_name_number_and_activity_words(cast, planted):
    activity_record(
        actor=cast.worker, case=planted.shared, kind="phone_call", date=today(), summary="外婆说孩子想念妈妈"
    )
    assert list(case_search(cast.worker, PLANTED_NAME)) == [planted.case]
    assert list(case_search(cast.worker, f"  {planted.case.number} ")) == [planted.case]
    assert list(case_search(cast.worker, "想念妈妈")) == [planted.shared]
    assert not case_search(cast.worker, "   ")
    assert list(case_search(cast.manager, "想念妈妈")) == [planted.shared]


def _shared_with_a_sensitive_note(cast, planted, summary: str) -> None:
    """The planted case shared with the colleague (on the team, not the lead), and a sensitive note on it."""
    case_team_add(actor=cast.manager, case=planted.case, user=cast.colleague)
    activity_record(
        actor=cast.worker, case=planted.case, kind="home_visit", date=today(), summary=summary, sensitive=True
    )


def test_a_sensitive_note_is_found_only_by_the_lead_worker_and_managers(cast, planted):
    _shared_with_a_sensitive_note(cast, planted, "Disclosed ABUSE by uncle")
    assert list(case_search(cast.worker, "abuse")) == [planted.case]
    assert list(case_search(cast.manager, "abuse")) == [planted.case]
    assert not case_search(cast.colleague, "abuse")  # on the team, but not the lead
    assert list(case_search(cast.colleague, PLANTED_NAME)) == [planted.case]


def test_autocomplete_names_visible_children_with_their_village(cast, planted):
    found = children_for_autocomplete(cast.worker, PLANTED_NAME[:2])
    assert found == [
        {
            "id": planted.case.child_id,
            "name": PLANTED_NAME,
            "location": "东湾村",
            "birth_date": planted.case.child.birth_date,
        }
    ]
    assert children_for_autocomplete(cast.worker, "  ") == []


# --- the timeline ----------------------------------------------------------------------------------


def test_the_timeline_hides_sensitive_activities_from_a_team_colleague(cast, planted):
    activity_record(actor=cast.worker, case=planted.case, kind="home_visit", date=today(), summary="普通家访")
    _shared_with_a_sensitive_note(cast, planted, "孩子说出了受害经过")
    texts = {
        name: [e.text for e in case_timeline(getattr(cast, name), planted.case)]
        for name in ("worker", "colleague", "manager")
    }
    assert "孩子说出了受害经过" in texts["worker"] and "孩子说出了受害经过" in texts["manager"]
    assert "孩子说出了受害经过" not in texts["colleague"] and "普通家访" in texts["colleague"]


def test_the_timeline_reads_newest_first_with_the_opening_first_of_its_day(cast, planted):
    opened = planted.closed.opened_on
    activity_record(actor=cast.worker, case=planted.closed, kind="home_visit", date=opened, summary="首次家访")
    entries = case_timeline(cast.worker, Case.objects.get(pk=planted.closed.pk))
    kinds = [e.kind for e in entries]
    assert kinds[0] == "closed" and kinds[-1] == "opened"
    assert kinds[-2] == "activity"  # the same day as the opening, after it
    assert all(a.date >= b.date for a, b in zip(entries, entries[1:], strict=False))


def test_the_timeline_tells_a_risk_change_and_a_flag_in_words(cast, planted):
    from cases.services import case_update

    case = Case.objects.get(pk=cast.case.pk)
    with translation.override("en"):
        case_update(actor=cast.worker, case=case, version=case.version, reason="家里来了陌生人", risk_level="high")
        flag_add(actor=cast.worker, case=cast.case, message="学校反映缺课")
        entries = case_timeline(cast.worker, cast.case)
    titles = [e.title for e in entries]
    assert "Risk level changed from Medium to High" in titles
    assert "Flag: 学校反映缺课" in titles
    risk = next(e for e in entries if e.kind == "risk")
    assert (risk.text, risk.by) == ("家里来了陌生人", str(cast.worker))


# --- links and the access log ----------------------------------------------------------------------


def test_case_links_are_asked_only_for_those_who_see_the_case(cast, planted, monkeypatch):
    asked: list[Any] = []

    def source(user, case):
        asked.append(user)
        return [CaseLink(label="x", url=f"/x/{case.pk}/", testid="x")]

    monkeypatch.setattr(selectors, "CASE_LINK_SOURCES", [source])
    assert case_links(cast.worker, planted.case) == [CaseLink("x", f"/x/{planted.case.pk}/", "x")]
    for who in OUTSIDERS:
        assert case_links(planted.users[who], planted.case) == []
    assert asked == [cast.worker]


def test_the_access_log_holds_every_row_about_the_case_and_none_about_another(cast, planted):
    mine = [
        audit_log(action="view", user=cast.worker, obj=planted.case),
        audit_log(action="view", user=cast.worker, obj=planted.case.child),
        audit_log(
            action="export", user=cast.manager, object_type="case", detail={"ids": [cast.case.pk, planted.case.pk]}
        ),
        audit_log(
            action="view", user=cast.worker, object_type="casedocument", object_id=7, detail={"case": planted.case.pk}
        ),
    ]
    others = [
        audit_log(action="view", user=cast.worker, obj=cast.case),
        audit_log(action="export", user=cast.manager, object_type="case", detail={"ids": [cast.case.pk]}),
        audit_log(
            action="view", user=cast.worker, object_type="casedocument", object_id=8, detail={"case": cast.case.pk}
        ),
    ]
    log = [e.pk for e in case_access_log(planted.case)]
    assert {m.pk for m in mine} <= set(log)
    assert not {o.pk for o in others} & set(log)
    assert log[: len(mine)] == [m.pk for m in reversed(mine)]  # newest first
