"""The caseload's filters, sort, due groups and search box; search by pinyin, initials, traditional
characters and homophones — always inside what the user may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case
from core.models import AuditEntry
from core.search_keys import search_key, search_terms
from tests.factories import ChildFactory, LocationFactory, make_case

pytestmark = pytest.mark.django_db


def _due(case: Case, days: int) -> Case:
    """Move the case's next visit ``days`` from today (the stored date the caseload reads)."""
    Case.objects.filter(pk=case.pk).update(next_visit_due=timezone.localdate() + dt.timedelta(days=days))
    case.refresh_from_db()
    return case


def _numbers(response) -> list[str]:
    return [c.number for c in response.context["cases"]]


@pytest.fixture
def load(cast):
    """Xiao Chen's caseload: overdue, due today, due in 3 days and in 20; one high risk; two villages."""
    east = LocationFactory(name="东湾村", kind="village", parent=cast.village.parent)
    cases = {
        "overdue": _due(make_case(lead_worker=cast.worker, child=ChildFactory(name="王小雨", location=east)), -2),
        "today": _due(make_case(lead_worker=cast.worker, child=ChildFactory(name="李明", location=cast.village)), 0),
        "soon": _due(
            make_case(
                lead_worker=cast.worker, risk_level="high", child=ChildFactory(name="张伟", location=cast.village)
            ),
            3,
        ),
        "later": _due(cast.case, 20),
    }
    Case.objects.filter(pk=cases["soon"].pk).update(status="active")
    return cases, east


def test_search_key_holds_simplified_pinyin_and_initials():
    assert search_key("王曉雨") == "王晓雨 wangxiaoyu wxy"
    assert search_terms("王晓雨") == ["王晓雨", "wangxiaoyu"]
    assert search_terms(" Wang Xiaoyu ") == ["wangxiaoyu"]


def test_search_key_follows_a_renamed_child(cast):
    from cases.services import child_update

    child = cast.case.child
    child_update(actor=cast.worker, child=child, name="赵春花")
    child.refresh_from_db()
    assert child.search_key == "赵春花 zhaochunhua zch"


def test_overdue_and_due_today_come_first_in_their_groups(cast, client_for, load):
    cases, _ = load
    response = client_for(cast.worker).get("/cases/")
    assert response.status_code == 200
    assert _numbers(response)[:2] == [cases["overdue"].number, cases["today"].number]
    groups = {key: [c.number for c in rows] for key, _title, rows in response.context["groups"]}
    assert groups["overdue"] == [cases["overdue"].number]
    assert groups["today"] == [cases["today"].number]
    assert set(groups["later"]) == {cases["soon"].number, cases["later"].number}
    assert response.context["due_counts"] == {"overdue": 1, "today": 1}
    html = response.content.decode()
    assert 'data-testid="group-overdue"' in html and 'data-testid="group-today"' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"due": "today"}, ["today"]),
        ({"due": "overdue"}, ["overdue"]),
        ({"due": "week"}, ["today", "soon"]),
        ({"risk": "high"}, ["soon"]),
        ({"status": "active"}, ["soon"]),
        ({"status": "assessment", "due": "week"}, ["today"]),
    ],
)
def test_filters_narrow_the_caseload(cast, client_for, load, params, expected):
    cases, _ = load
    response = client_for(cast.worker).get("/cases/", params)
    assert response.status_code == 200
    assert sorted(_numbers(response)) == sorted(cases[k].number for k in expected)


def test_village_filter_offers_only_the_caseloads_places(cast, client_for, load):
    cases, east = load
    response = client_for(cast.worker).get("/cases/", {"village": east.pk})
    assert _numbers(response) == [cases["overdue"].number]
    offered = dict(response.context["filter_form"].fields["village"].choices)
    assert set(offered) - {""} == {east.pk, cast.case.child.location_id, cast.village.pk}


def test_a_bad_filter_value_is_reported_and_ignored(cast, client_for, load):
    response = client_for(cast.worker).get("/cases/", {"risk": "terrible", "village": "x", "due": "tomorrow"})
    assert response.status_code == 200
    assert len(response.context["cases"]) == 4
    form = response.context["filter_form"]
    assert set(form.errors) == {"risk", "village", "due"}


def test_a_village_off_the_caseload_is_reported_ignored_and_not_counted(cast, client_for, load):
    """The page counts with the village asked for; one that is not a choice (another worker's village)
    is refused by the form, and the count is then the unfiltered list's, as the rows are."""
    cases, east = load
    elsewhere = LocationFactory(name="西山村", kind="village", parent=cast.village.parent)
    make_case(lead_worker=cast.colleague, child=ChildFactory(name="刘洋", location=elsewhere))
    response = client_for(cast.worker).get("/cases/", {"village": elsewhere.pk})
    assert response.status_code == 200
    assert set(response.context["filter_form"].errors) == {"village"}
    assert sorted(_numbers(response)) == sorted(c.number for c in cases.values())
    assert response.context["page"].paginator.count == 4
    filtered = client_for(cast.worker).get("/cases/", {"village": east.pk})
    assert filtered.context["page"].paginator.count == 1


@pytest.mark.parametrize(
    ("sort", "first"),
    [("name", "李明"), ("-name", "张伟"), ("risk", "张伟"), ("-due", None)],
)
def test_sort_orders_inside_the_due_groups(cast, client_for, load, sort, first):
    cases, _ = load
    response = client_for(cast.worker).get("/cases/", {"sort": sort, "due": "week"})
    names = [c.child.name for c in response.context["cases"]]
    # Due today stays above the rest whatever the column.
    assert names[0] == "李明"
    if sort == "-name":
        assert names == ["李明", "张伟"]
    response = client_for(cast.worker).get("/cases/", {"sort": sort})
    later = [c.child.name for c in response.context["groups"][-1][2]]
    if sort == "name":
        assert later == sorted(later)
    if sort == "-due":
        assert later[0] == cases["later"].child.name


def test_an_unknown_sort_is_the_default_order(cast, client_for, load):
    client = client_for(cast.worker)
    assert _numbers(client.get("/cases/", {"sort": "password"})) == _numbers(client.get("/cases/"))


@pytest.mark.parametrize("query", ["王小雨", "王曉雨", "王晓雨", "wang", "xiaoyu", "wxy", "WXY", "东湾", "dongwan"])
def test_caseload_search_by_characters_pinyin_traditional_and_homophones(cast, client_for, load, query):
    cases, _ = load
    response = client_for(cast.worker).get("/cases/", {"q": query})
    assert _numbers(response) == [cases["overdue"].number], query


def test_caseload_search_by_case_number_and_it_is_audited(cast, client_for, load):
    cases, _ = load
    response = client_for(cast.worker).get("/cases/", {"q": cases["today"].number.lower()})
    assert _numbers(response) == [cases["today"].number]
    row = AuditEntry.objects.filter(object_type="case", user=cast.worker).latest("pk")
    assert (row.detail["ids"], row.detail["page"], row.detail["search"]) == ([cases["today"].pk], "caseload", True)
    assert cases["today"].number.lower() not in str(row.detail)  # the words searched are not kept


@pytest.mark.parametrize("query", ["wang", "wxy", "王晓雨", "王曉雨"])
def test_search_page_finds_by_pinyin_only_what_the_user_may_see(cast, client_for, load, query):
    cases, _ = load
    theirs = make_case(lead_worker=cast.colleague, child=ChildFactory(name="王小玉"))
    mine = client_for(cast.worker).get("/cases/search/", {"q": query}).context["results"]
    assert [c.pk for c in mine] == [cases["overdue"].pk]
    seen_by_colleague = client_for(cast.colleague).get("/cases/search/", {"q": query}).context["results"]
    assert [c.pk for c in seen_by_colleague] == [theirs.pk]
    all_seen = client_for(cast.manager).get("/cases/search/", {"q": query}).context["results"]
    assert {c.pk for c in all_seen} == {theirs.pk, cases["overdue"].pk}


def test_manager_filters_by_worker_and_worker_cannot(cast, client_for, load):
    other = make_case(lead_worker=cast.colleague, child=ChildFactory(name="陈小红"))
    by_worker = client_for(cast.manager).get("/cases/", {"worker": cast.colleague.pk})
    assert _numbers(by_worker) == [other.number]
    html = by_worker.content.decode()
    assert 'data-testid="worker-filter"' in html and f'<option value="{cast.colleague.pk}" selected>' in html
    assert 'data-testid="worker-filter"' not in client_for(cast.worker).get("/cases/").content.decode()
    # A social worker's ?worker= is ignored: still only their own caseload.
    mine = client_for(cast.worker).get("/cases/", {"worker": cast.colleague.pk})
    assert other.number not in _numbers(mine) and len(_numbers(mine)) == 4


def test_caseload_search_query_count_is_constant(cast, client_for, load, django_assert_num_queries):
    for i in range(10):
        make_case(lead_worker=cast.worker, child=ChildFactory(name=f"王小{i}"))
    client = client_for(cast.worker)
    client.get("/cases/")
    # The 6 of the caseload page (its audit row names the cases shown, search or not; audit rows no
    # longer bump the figures generation): a search is counted in the page's figures statement too.
    with django_assert_num_queries(6):
        response = client.get("/cases/", {"q": "wang"})
    assert len(response.context["cases"]) == 11
    assert response.context["page"].paginator.count == 11
