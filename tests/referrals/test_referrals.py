from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, Child
from core.models import AuditEntry
from notifications.models import Notification
from referrals.models import Referral
from tests.factories import ChildFactory, LocationFactory, ReferralFactory, make_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _form(cast, **overrides):
    data = {
        "child_name": "小明",
        "child_sex": "male",
        "child_age": "9",
        "location": cast.village.pk,
        "where_found": "村口小卖部",
        "caregiver_situation": "爷爷，腿脚不便",
        "concerns": "晚上一个人在家",
        "indicators": ["no_adult_at_night", "hunger"],
        "urgency": "soon",
        "submission_key": "k-1",
    }
    data.update(overrides)
    return data


def _api_body(cast, **overrides):
    body = {
        "child_name": "小红",
        "child_sex": "female",
        "child_age": 8,
        "location": cast.village.pk,
        "concerns": "身上有伤",
        "indicators": ["visible_injuries"],
        "urgency": "soon",
    }
    body.update(overrides)
    return body


# --- the form --------------------------------------------------------------------------------------


def test_referrer_submits_and_gets_a_reference(cast, client_for):
    client = client_for(cast.referrer)
    form = client.get("/referrals/new/")
    assert form.status_code == 200
    assert form.context["form"].initial["location"] == cast.referrer.member.location_id  # pre-filled village
    response = client.post("/referrals/new/", _form(cast))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.channel, referral.referrer_member, referral.created_by) == (
        "alliance",
        cast.referrer.member,
        cast.referrer,
    )
    assert referral.indicators == ["no_adult_at_night", "hunger"] and referral.status == "new"
    thanks = client.get(response["Location"])
    assert referral.reference in thanks.content.decode()
    assert AuditEntry.objects.filter(action="create", object_type="referral", object_id=str(referral.pk)).exists()


def test_double_submission_creates_one_referral(cast, client_for):
    client = client_for(cast.referrer)
    first = client.post("/referrals/new/", _form(cast))
    second = client.post("/referrals/new/", _form(cast))
    assert Referral.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_api_retry_with_the_same_idempotency_key_creates_one(cast, api_for):
    client = api_for(cast.referrer)
    a = client.post("/api/v1/referrals/", _api_body(cast), format="json", HTTP_IDEMPOTENCY_KEY="abc")
    b = client.post("/api/v1/referrals/", _api_body(cast), format="json", HTTP_IDEMPOTENCY_KEY="abc")
    assert (a.status_code, b.status_code) == (201, 200)
    assert a.json()["id"] == b.json()["id"] and Referral.objects.count() == 1


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"child_age": "300"}, "child_age"),
        ({"child_birth_date": (TODAY + dt.timedelta(days=10)).isoformat()}, "child_birth_date"),
        ({"location": "999999"}, "location"),
        ({"concerns": ""}, "concerns"),
        ({"concerns": "x" * (1024 * 1024)}, "concerns"),
        ({"indicators": ["aliens"]}, "indicators"),
        ({"child_name": "名" * 101}, "child_name"),
    ],
)
def test_bad_form_input_is_refused_in_chinese_and_stores_nothing(cast, client_for, bad, field):
    response = client_for(cast.referrer).post("/referrals/new/", _form(cast, **bad))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Referral.objects.exists()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(response.context["form"].errors[field]))


def test_a_town_is_not_a_village(cast, client_for):
    response = client_for(cast.referrer).post("/referrals/new/", _form(cast, location=cast.village.parent_id))
    assert "location" in response.context["form"].errors and not Referral.objects.exists()


def test_script_tags_are_stored_as_text_and_rendered_escaped(cast, client_for):
    client_for(cast.referrer).post(
        "/referrals/new/", _form(cast, child_name="<script>x()</script>", concerns="<img src=x onerror=alert(1)>")
    )
    referral = Referral.objects.get()
    for user in (cast.worker, cast.referrer):
        page = (
            client_for(user)
            .get(f"/referrals/{referral.pk}/" if user == cast.worker else "/referrals/")
            .content.decode()
        )
        assert "<script>x()</script>" not in page and "&lt;script&gt;" in page
        assert "<img src=x" not in page


def test_immediate_referral_tells_to_call_110_and_notifies_staff(cast, client_for):
    response = client_for(cast.referrer).post("/referrals/new/", _form(cast, urgency="immediate"), follow=True)
    assert "110" in response.content.decode()
    referral = Referral.objects.get()
    notified = set(Notification.objects.filter(kind="referral_immediate").values_list("user__username", flat=True))
    assert notified == {"xiaochen", "xiaoli", "liu"}
    note = Notification.objects.filter(kind="referral_immediate").first()
    assert note.object_type == "referral" and note.object_id == str(referral.pk)
    assert "小明" not in note.text  # the notification names no child


# --- who sees what ---------------------------------------------------------------------------------


def test_referrer_sees_only_their_own(cast, client_for, api_for):
    mine = ReferralFactory(created_by=cast.referrer, referrer_member=cast.referrer.member, location=cast.village)
    theirs = ReferralFactory(
        created_by=cast.other_referrer,
        referrer_member=cast.other_referrer.member,
        location=cast.village,
        child_name="别人的转介",
    )
    page = client_for(cast.referrer).get("/referrals/").content.decode()
    assert mine.child_name in page and "别人的转介" not in page
    api = api_for(cast.referrer)
    assert [r["id"] for r in api.get("/api/v1/referrals/").json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/referrals/{theirs.pk}/").status_code == 404
    assert api.get(f"/api/v1/referrals/{mine.pk}/").status_code == 200
    # guessing ids on the pages
    for url in (f"/referrals/{theirs.pk}/thanks/", f"/referrals/{theirs.pk}/"):
        response = client_for(cast.referrer).get(url)
        assert response.status_code == 404 and "别人的转介" not in response.content.decode(), url
    # no editing, no triage by a referrer
    assert api.patch(f"/api/v1/referrals/{mine.pk}/", {"concerns": "x"}, format="json").status_code == 405
    assert api.post(f"/api/v1/referrals/{mine.pk}/accept/", {}, format="json").status_code == 403
    assert client_for(cast.referrer).post(f"/referrals/{theirs.pk}/answer/", {"answer": "x"}).status_code == 404


def test_referrer_never_sees_the_case(cast, client_for, api_for):
    referral = ReferralFactory(created_by=cast.referrer, referrer_member=cast.referrer.member, location=cast.village)
    api_for(cast.worker).post(f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json")
    referral.refresh_from_db()
    case = referral.case
    data = api_for(cast.referrer).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert data["status"] == "accepted" and data["case"] is None
    page = client_for(cast.referrer).get("/referrals/").content.decode()
    assert "已受理" in page and case.number not in page
    assert client_for(cast.referrer).get(f"/cases/{case.pk}/").status_code == 404
    assert Notification.objects.filter(user=cast.referrer, kind="referral_status").exists()


@pytest.mark.parametrize("role", ["pledger", "volunteer", "funder"])
def test_other_roles_cannot_reach_referrals(cast, client_for, api_for, role):
    user = cast.by_role()[role]
    referral = ReferralFactory(location=cast.village)
    assert api_for(user).get("/api/v1/referrals/").status_code == 403
    assert api_for(user).get(f"/api/v1/referrals/{referral.pk}/").status_code == 403
    # the feature is closed to the role (403); a referral they may not see does not exist for them (404)
    for url in ("/referrals/", "/referrals/new/", "/referrals/queue/"):
        assert client_for(user).get(url).status_code == 403, url
    assert client_for(user).get(f"/referrals/{referral.pk}/").status_code == 404


def test_staff_see_all_referrals_and_anonymous_none(cast, api_for, client_for):
    ReferralFactory(created_by=cast.referrer, location=cast.village)
    ReferralFactory(created_by=cast.other_referrer, location=cast.village)
    for user in (cast.worker, cast.colleague, cast.manager):
        assert api_for(user).get("/api/v1/referrals/").json()["count"] == 2
    assert api_for(None).get("/api/v1/referrals/").status_code == 401
    assert client_for(None).get("/referrals/queue/").status_code == 302


# --- staff entry and triage --------------------------------------------------------------------------


def test_staff_enter_a_hotline_call_received_earlier(cast, api_for):
    body = _api_body(cast, channel="hotline", received_on=(TODAY - dt.timedelta(days=3)).isoformat())
    response = api_for(cast.worker).post("/api/v1/referrals/", body, format="json")
    assert response.status_code == 201
    referral = Referral.objects.get()
    assert referral.channel == "hotline" and referral.received_on == TODAY - dt.timedelta(days=3)
    future = api_for(cast.worker).post("/api/v1/referrals/", _api_body(cast, received_on="2999-01-01"), format="json")
    assert future.status_code == 400


def test_a_referrer_cannot_pretend_to_be_someone_else(cast, api_for):
    today = timezone.localdate()  # not the module's TODAY: a long run can cross midnight in Shanghai
    body = _api_body(
        cast,
        channel="police",
        referrer_member=cast.other_referrer.member.pk,
        received_on=(today - dt.timedelta(days=30)).isoformat(),
    )
    api_for(cast.referrer).post("/api/v1/referrals/", body, format="json")
    referral = Referral.objects.get()
    assert referral.channel == "alliance" and referral.referrer_member == cast.referrer.member
    assert referral.received_on == timezone.localdate()


def test_queue_puts_immediate_first_and_warns_past_the_limit(cast, client_for):
    routine = ReferralFactory(urgency="routine", location=cast.village)
    urgent = ReferralFactory(urgency="immediate", location=cast.village)
    Referral.objects.filter(pk=routine.pk).update(received_at=timezone.now() - dt.timedelta(days=6))
    queue = client_for(cast.worker).get("/referrals/queue/").context["queue"]
    assert [r.pk for r in queue] == [urgent.pk, routine.pk]
    assert queue[1].overdue and not queue[0].overdue


def test_accept_opens_a_case_in_assessment_for_the_lead_worker(cast, api_for):
    referral = ReferralFactory(created_by=cast.referrer, location=cast.village, child_age=9)
    response = api_for(cast.manager).post(
        f"/api/v1/referrals/{referral.pk}/accept/", {"lead_worker": cast.colleague.pk}, format="json"
    )
    assert response.status_code == 200
    case = Case.objects.get(pk=response.json()["case"])
    assert case.status == "assessment" and case.lead_worker == cast.colleague and case.referral == referral
    assert case.child.name == referral.child_name and case.child.birth_date_estimated
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.case == case and referral.triaged_by == cast.manager
    assert api_for(cast.colleague).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    again = api_for(cast.manager).post(f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json")
    assert again.status_code == 400 and Case.objects.filter(referral=referral).count() == 1


@pytest.mark.parametrize(
    "path, body, status",
    [
        ("decline", {"reason": "不属于本项目范围"}, "declined"),
        ("refer-on", {"service": "法律援助", "note": "监护纠纷"}, "referred_on"),
        ("needs-info", {"question": "孩子现在住在哪里？"}, "needs_info"),
    ],
)
def test_triage_actions(cast, api_for, path, body, status):
    referral = ReferralFactory(created_by=cast.referrer, location=cast.village)
    response = api_for(cast.worker).post(f"/api/v1/referrals/{referral.pk}/{path}/", body, format="json")
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == status
    assert AuditEntry.objects.filter(action="update", object_type="referral", detail__triage=status).exists()
    empty = api_for(cast.worker).post(
        f"/api/v1/referrals/{ReferralFactory(location=cast.village).pk}/{path}/", {}, format="json"
    )
    assert empty.status_code == 400


def test_referrer_answers_a_question_and_it_goes_back_to_the_queue(cast, client_for, api_for):
    referral = ReferralFactory(created_by=cast.referrer, referrer_member=cast.referrer.member, location=cast.village)
    api_for(cast.worker).post(f"/api/v1/referrals/{referral.pk}/needs-info/", {"question": "孩子几岁？"}, format="json")
    page = client_for(cast.referrer).get("/referrals/").content.decode()
    assert "孩子几岁？" in page
    client_for(cast.referrer).post(f"/referrals/{referral.pk}/answer/", {"answer": "大概十岁"})
    referral.refresh_from_db()
    assert referral.status == "new" and "大概十岁" in referral.concerns


def test_possible_duplicates_by_pinyin_traditional_village_and_age(cast, client_for):
    known = make_case(
        lead_worker=cast.worker,
        child=ChildFactory(name="张小明", location=cast.village, birth_date=dt.date(TODAY.year - 9, 3, 1)),
    )
    ChildFactory(name="李四", location=LocationFactory(name="远方村"))
    referral = ReferralFactory(child_name="張小明", location=cast.village, child_age=10)
    dups = client_for(cast.worker).get(f"/referrals/{referral.pk}/").context["duplicates"]
    assert [d.child.pk for d in dups] == [known.child_id]
    assert dups[0].open_case == known
    # a colleague who may not see that child is not shown it
    assert client_for(cast.colleague).get(f"/referrals/{referral.pk}/").context["duplicates"] == []


def test_link_to_an_existing_open_case_instead_of_a_new_child(cast, client_for):
    known = make_case(lead_worker=cast.worker, child=ChildFactory(name="王芳", location=cast.village))
    referral = ReferralFactory(child_name="王芳", location=cast.village)
    response = client_for(cast.worker).post(f"/referrals/{referral.pk}/accept/", {"link_child": known.child_id})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.case == known and Child.objects.filter(name="王芳").count() == 1
    assert Case.objects.count() == 2  # cast.case + known, no new case


# the session, the user, the page of referrals (one query, whatever its length), the inbox badge,
# the audit row naming the referrals shown (issue 15)
QUEUE_PAGE_QUERIES = 5


def test_queue_query_count_is_pinned_whatever_its_length(cast, client_for, django_assert_num_queries):
    client = client_for(cast.worker)
    for _ in range(2):
        ReferralFactory(location=cast.village, referrer_member=cast.referrer.member)
    client.get("/referrals/queue/")  # warm-up (content types)
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        assert len(client.get("/referrals/queue/").context["queue"]) == 2
    for _ in range(12):
        ReferralFactory(location=cast.village, referrer_member=cast.referrer.member)
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        assert len(client.get("/referrals/queue/").context["queue"]) == 14


def test_outgoing_referral_needs_consent_or_a_managers_override(cast, client_for):
    from referrals.models import OutgoingReferral

    url = f"/referrals/case/{cast.case.pk}/"
    worker = client_for(cast.worker)
    worker.post(url, {"service": "legal_aid", "consent_basis": "guardian"})  # no date: refused
    worker.post(
        url, {"service": "legal_aid", "consent_basis": "manager_override", "override_reason": "紧急"}
    )  # not a manager
    assert not OutgoingReferral.objects.exists()
    worker.post(
        url,
        {
            "service": "legal_aid",
            "consent_basis": "guardian",
            "consent_on": TODAY.isoformat(),
            "organisation": "县法律援助中心",
        },
    )
    client_for(cast.manager).post(url, {"service": "one_stop_centre", "consent_basis": "manager_override"})  # no reason
    client_for(cast.manager).post(
        url,
        {
            "service": "one_stop_centre",
            "consent_basis": "manager_override",
            "override_reason": "孩子有危险，监护人是施害者",
        },
    )
    assert list(OutgoingReferral.objects.order_by("pk").values_list("service", "consent_basis")) == [
        ("legal_aid", "guardian"),
        ("one_stop_centre", "manager_override"),
    ]
    assert AuditEntry.objects.filter(action="export", object_type="outgoingreferral").count() == 2
    assert client_for(cast.colleague).get(url).status_code == 404
    assert (
        client_for(cast.colleague)
        .post(url, {"service": "police", "consent_basis": "child", "consent_on": TODAY.isoformat()})
        .status_code
        == 404
    )
    assert "县法律援助中心" in worker.get(url).content.decode()


def test_time_to_triage_figure(cast, api_for):
    from reports.figures import referral_figures

    referral = ReferralFactory(location=cast.village)
    Referral.objects.filter(pk=referral.pk).update(received_at=timezone.now() - dt.timedelta(hours=5))
    api_for(cast.worker).post(f"/api/v1/referrals/{referral.pk}/decline/", {"reason": "x"}, format="json")
    today = timezone.localdate()  # not the module's TODAY: a long run can cross midnight in Shanghai
    figures = referral_figures(today - dt.timedelta(days=1), today)
    assert figures["received"] == 1 and 4.9 <= figures["average_hours_to_triage"] <= 5.1


def test_the_form_sent_again_after_the_back_button_makes_no_second_referral(cast, client_for):
    """The back button can re-render the form with a new key and the fields restored: the same
    person sending the same referral again is shown the first one's reference."""
    client = client_for(cast.referrer)
    first = client.post("/referrals/new/", _form(cast, submission_key="render-1"))
    assert first.status_code == 302
    referral = Referral.objects.get()
    again = client.post("/referrals/new/", _form(cast, submission_key="render-2"), follow=True)
    assert again.status_code == 200
    assert Referral.objects.count() == 1
    page = again.content.decode()
    assert referral.reference in page and "没有重复提交" in page
    # another child is another referral
    assert client.post("/referrals/new/", _form(cast, submission_key="render-3", child_name="小红")).status_code == 302
    assert Referral.objects.count() == 2
