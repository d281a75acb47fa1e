"""The standard battery over the multi-agency routes (issue 18 item 6). Scope, outsiders and each form's
happy path and refusals are proved in this folder's other files; here: every route's anonymous visitor
and wrong methods, and the exact query counts of the lists.

| route                                               | methods  | checked here                        |
| --------------------------------------------------- | -------- | ----------------------------------- |
| /multi-agency/                                      | GET POST | anonymous, 405, queries at two sizes, bad case number kept |
| /multi-agency/<pk>/                                 | GET      | anonymous, 405, queries as tasks grow |
| /multi-agency/<pk>/partners/, tasks/, notes/, interview/, conferences/, milestones/, close/ | POST | anonymous, 405 |
| /multi-agency/<pk>/partners/<p>/leave/, tasks/<t>/, conferences/<c>/minutes/ | POST | anonymous, 405 |
| /api/v1/joint-cases/                                | GET POST | anonymous 401, queries at two page sizes |
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from multiagency import services
from multiagency.models import JointCase, JointNote, JointTask
from multiagency.permissions import get_joint_access
from tests.conftest import api_as, login
from tests.factories import make_case
from tests.standard_checks import (
    answers_to_other_methods,
    api_list_pinned,
    assert_pinned_queries,
    assert_sent_to_login,
    zh,
)

pytestmark = pytest.mark.django_db


def _routes(osc):
    pk = osc.joint.pk
    task = osc.joint.tasks.first()
    partner = osc.joint.partners.first()
    conference = services.conference_schedule(
        actor=osc.city.a.worker, access=get_joint_access(osc.city.a.worker, pk, action="manage"),
        date=timezone.localdate(), agencies=[osc.procuratorate.organisation],
    )  # fmt: skip
    posts = ["partners/", f"partners/{partner.pk}/leave/", "tasks/", f"tasks/{task.pk}/", "notes/", "interview/",
             "conferences/", f"conferences/{conference.pk}/minutes/", "milestones/", "close/"]  # fmt: skip
    return [("/multi-agency/", "GET POST"), (f"/multi-agency/{pk}/", "GET")] + [
        (f"/multi-agency/{pk}/{path}", "POST") for path in posts
    ]


def _state(osc):
    joint = JointCase.objects.get(pk=osc.joint.pk)
    return (joint.closed_on, joint.partners.filter(left_on__isnull=True).count(), JointTask.objects.count(),
            JointNote.objects.count())  # fmt: skip


def test_every_route_sends_anonymous_to_login_and_refuses_other_methods(osc):
    routes = _routes(osc)
    before = _state(osc)
    for url, allowed in routes:
        for method in allowed.split():
            assert_sent_to_login(getattr(login(None), method.lower())(url, {"text": "匿名"}), url)
        answers = answers_to_other_methods(login(osc.city.a.worker), url, allowed)
        assert answers == dict.fromkeys(answers, 405), (url, answers)
    assert _state(osc) == before


def test_the_endpoint_wants_a_login_and_refuses_other_methods(osc):
    assert api_as(None).get("/api/v1/joint-cases/").status_code == 401
    assert api_as(None).get(f"/api/v1/joint-cases/{osc.joint.pk}/").status_code == 401
    for method in ("put", "patch", "delete"):
        response = getattr(api_as(osc.city.a.worker), method)(f"/api/v1/joint-cases/{osc.joint.pk}/")
        assert response.status_code == 405, method
    assert JointCase.objects.filter(pk=osc.joint.pk).exists()


def test_a_case_number_not_among_ones_cases_is_refused_with_what_was_typed_kept(osc):
    other = osc.city.b.case  # another organisation's case: the same answer as a number that does not exist
    for number in (other.number, "NO-SUCH-1"):
        response = login(osc.city.a.worker).post("/multi-agency/", {"number": number, "summary": "需要多机构协作"})
        assert response.status_code == 400
        html = response.content.decode()
        assert zh("No case with this number among your cases.") in html and "需要多机构协作" in html
    assert not JointCase.objects.filter(case=other).exists()


def test_a_blank_note_is_refused_on_the_case_page_and_nothing_written(osc):
    before = JointNote.objects.count()
    response = login(osc.city.a.worker).post(f"/multi-agency/{osc.joint.pk}/notes/", {"text": ""})
    assert response.status_code == 400
    assert zh("This field is required.") in response.content.decode()
    assert JointNote.objects.count() == before


# --- exact query counts, two sizes --------------------------------------------------------------------


def test_joint_case_list_page_queries_are_pinned(osc, django_assert_num_queries):
    import re

    lead = osc.city.a.worker

    def grow(n):
        for _ in range(n):
            services.joint_case_open(actor=lead, case=make_case(lead_worker=lead, organisation=osc.city.a.organisation),
                                     summary="多机构")  # fmt: skip

    client = login(lead)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get("/multi-agency/"),
        grow=grow,
        rows=lambda r: len(set(re.findall(r'href="/multi-agency/(\d+)/"', r.content.decode()))) - 1,
        expected=EXPECTED["list page"],
    )


def test_the_case_page_queries_do_not_grow_with_the_joint_plan(osc, django_assert_num_queries):
    lead = osc.city.a.worker
    access = get_joint_access(lead, osc.joint.pk)

    def grow(n):
        for _ in range(n):
            services.task_add(actor=lead, access=access, organisation=osc.law_firm.organisation,
                              title=f"联合任务{JointTask.objects.count()}", due_on=timezone.localdate())  # fmt: skip

    import re

    client = login(lead)
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get(f"/multi-agency/{osc.joint.pk}/"),
        grow=grow,
        rows=lambda r: len(set(re.findall(r"联合任务\d+", r.content.decode()))),
        expected=EXPECTED["case page"],
    )


@pytest.mark.xfail(
    strict=True,
    reason="N+1: the list serializes each joint case in full (access, partners, tasks, notes, conferences, "
    "milestones per row): 21 queries for 2 rows, 112 for 12. Pinned at the 2-row count; passes once fixed.",
)
def test_joint_case_list_endpoint_is_pinned(osc, django_assert_num_queries):
    lead = osc.city.a.worker
    for _ in range(11):
        services.joint_case_open(actor=lead, case=make_case(lead_worker=lead, organisation=osc.city.a.organisation),
                                 summary="多机构")  # fmt: skip
    api_list_pinned(django_assert_num_queries, api_as(lead), "/api/v1/joint-cases/", EXPECTED["api"], (2, 12))


EXPECTED = {"list page": 5, "case page": 21, "api": 21}
