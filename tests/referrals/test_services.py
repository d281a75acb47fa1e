"""Unit tests of referrals.services called directly: submission (exactly once), triage and its
refusals, the referrer's answer, and the loop of an outgoing referral — each write re-read, each
refusal with its message and nothing written, the audit row and who is told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from cases.models import Case, CaseUserObjectPermission, Child
from notifications.models import Notification
from organisations.models import Organisation, Service
from referrals import services
from referrals.models import OutgoingAnswer, OutgoingReferral, Referral
from referrals.services import (
    outgoing_referral_answer,
    outgoing_referral_create,
    referral_accept,
    referral_answer,
    referral_decline,
    referral_needs_info,
    referral_refer_on,
    referral_submit,
)
from tests.factories import ChildFactory, LocationFactory, UserFactory, make_case
from tests.writes import last_audit, message_of, today, writes_nothing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def submit(cast, **fields):
    values = {"actor": cast.referrer, "child_name": "王小雨", "location": cast.village, "concerns": "晚上一个人在家"}
    values.update(fields)
    return referral_submit(**values)


@pytest.fixture
def referral(cast):
    return submit(cast, child_age=9, urgency="soon")[0]


# --- submission ------------------------------------------------------------------------------------


def test_a_referrers_referral_is_numbered_by_year_from_her_membership_and_audited(cast):
    referral, created = submit(
        cast,
        child_name="  王小雨 ",
        concerns="  晚上一个人在家 ",
        indicators=["living_alone", "no_adult_at_night", "living_alone"],
        channel="police",  # a referrer cannot choose the channel or the member
        referrer_member=cast.other_referrer.member,
        received_on=today() - dt.timedelta(days=10),
    )
    stored = Referral.objects.get(pk=referral.pk)
    assert created and stored.reference.startswith(f"R{today().year}-")
    assert (stored.child_name, stored.concerns, stored.indicators) == (
        "王小雨",
        "晚上一个人在家",
        ["living_alone", "no_adult_at_night"],
    )
    assert (stored.channel, stored.referrer_member, stored.received_on) == (
        "alliance",
        cast.referrer.member,
        today(),
    )
    assert (stored.created_by, stored.status) == (cast.referrer, "new")
    entry = last_audit(stored)
    assert (entry.action, entry.user_id) == ("create", cast.referrer.pk)


def test_references_follow_on(cast):
    first, _ = submit(cast)
    second, _ = submit(cast, child_name="李明")
    prefix, number = first.reference.split("-")
    assert second.reference == f"{prefix}-{int(number) + 1:05d}"


def test_staff_enter_a_call_received_earlier_through_its_channel(cast):
    received = today() - dt.timedelta(days=3)
    referral, _ = submit(cast, actor=cast.worker, channel="hotline", received_on=received)
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.channel, stored.received_on, stored.referrer_member) == ("hotline", received, None)
    plain, _ = submit(cast, actor=cast.worker, child_name="李明")
    assert Referral.objects.get(pk=plain.pk).channel == "other"


def test_the_same_key_returns_the_first_referral_and_another_account_is_refused(cast):
    first, created = submit(cast, submission_key="key-1")
    with writes_nothing(Referral):
        again, created_again = submit(cast, submission_key="key-1", concerns="改过的内容")
    assert created and not created_again and again.pk == first.pk
    assert Referral.objects.get(pk=first.pk).concerns == "晚上一个人在家"
    with writes_nothing(Referral), pytest.raises(ValidationError) as error:
        submit(cast, actor=cast.other_referrer, submission_key="key-1")
    assert message_of(error.value) == "This form was already used. Please open a new referral form."


def test_the_same_content_within_the_window_is_a_resubmission_only_when_asked(cast):
    first, _ = submit(cast, same_content_is_resubmission=True)
    again, created = submit(cast, same_content_is_resubmission=True)
    assert again.pk == first.pk and not created
    different, created = submit(cast, same_content_is_resubmission=True, concerns="身上有伤")
    assert created and different.pk != first.pk
    _, created = submit(cast)  # the API (no flag): a new referral
    assert created
    Referral.objects.filter(pk=first.pk).update(received_at=timezone.now() - dt.timedelta(minutes=31))
    Referral.objects.exclude(pk__in=[first.pk, different.pk]).delete()
    _, created = submit(cast, same_content_is_resubmission=True)
    assert created  # past the 30 minutes


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"child_age": 26}, "child_age", "The age must be between 0 and 25."),
        ({"child_age": -1}, "child_age", "The age must be between 0 and 25."),
        ({"child_birth_date": "tomorrow"}, "child_birth_date", "The birth date cannot be in the future."),
        ({"concerns": "   "}, "concerns", "Please say what you saw."),
        ({"concerns": "x" * 5001}, "concerns", "Please keep this under 5000 characters."),
        ({"caregiver_situation": "x" * 5001}, "caregiver_situation", "Please keep this under 5000 characters."),
        ({"location": "town"}, "location", "Choose a village or community."),
        ({"indicators": ["ghosts"]}, "indicators", "Unknown indicator: ghosts"),
    ],
)
def test_bad_submissions_are_refused_with_nothing_written(cast, fields, field, message):
    if fields.get("child_birth_date") == "tomorrow":
        fields["child_birth_date"] = today() + dt.timedelta(days=1)
    if fields.get("location") == "town":
        fields["location"] = cast.village.parent
    with writes_nothing(Referral, Notification), pytest.raises(ValidationError) as error:
        submit(cast, **fields)
    assert message_of(error.value, field) == message


def test_staff_may_not_date_a_call_tomorrow(cast):
    with writes_nothing(Referral), pytest.raises(ValidationError) as error:
        submit(cast, actor=cast.worker, received_on=today() + dt.timedelta(days=1))
    assert message_of(error.value, "received_on") == "The date received cannot be in the future."


@pytest.mark.parametrize("age", [0, 25])
def test_the_bounds_of_the_age_are_accepted(cast, age):
    referral, _ = submit(cast, child_age=age)
    assert Referral.objects.get(pk=referral.pk).child_age == age


def test_an_immediate_referral_tells_the_receiving_organisations_active_staff_at_once(cast):
    elsewhere = Organisation.objects.create(name="外地中心", kind="ngo")
    UserFactory(role=Role.SOCIAL_WORKER, organisation=elsewhere)
    UserFactory(role=Role.SOCIAL_WORKER, is_active=False)
    referral, _ = submit(cast, urgency="immediate")
    told = set(Notification.objects.filter(kind="referral_immediate").values_list("user_id", flat=True))
    assert told == {cast.worker.pk, cast.colleague.pk, cast.manager.pk}
    assert all("王小雨" not in n.text for n in Notification.objects.filter(kind="referral_immediate"))
    submit(cast, urgency="soon", child_name="李明")
    assert Notification.objects.filter(kind="referral_immediate").count() == 3


def test_a_failing_notification_rolls_back_the_referral(cast, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("inbox down")

    monkeypatch.setattr(services, "notify", broken)
    monkeypatch.setattr(services, "notify_all", broken)  # an immediate referral tells the staff in one call
    with writes_nothing(Referral), pytest.raises(RuntimeError):
        submit(cast, urgency="immediate")


# --- triage ----------------------------------------------------------------------------------------


def test_accepting_opens_a_case_on_a_new_child_with_an_estimated_birth_date(cast, referral):
    case = referral_accept(actor=cast.manager, referral=referral, lead_worker=cast.worker)
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.case, stored.triaged_by) == ("accepted", case, cast.manager)
    assert stored.triaged_at is not None
    child = Child.objects.get(pk=case.child_id)
    assert (child.name, child.birth_date, child.birth_date_estimated, child.location) == (
        "王小雨",
        dt.date(today().year - 9, 7, 1),
        True,
        cast.village,
    )
    case = Case.objects.get(pk=case.pk)
    assert (case.lead_worker, case.referral, case.risk_level, case.status) == (
        cast.worker,
        stored,
        "medium",
        "assessment",
    )
    assert last_audit(stored).detail == {"triage": "accepted"}
    told = Notification.objects.get(kind="referral_status", user=cast.referrer)
    assert "王小雨" not in told.text and case.number not in told.text


def test_an_immediate_referral_opens_an_immediate_case_led_by_who_accepts_it(cast):
    referral, _ = submit(cast, urgency="immediate", child_birth_date=today() - dt.timedelta(days=3000))
    case = referral_accept(actor=cast.worker, referral=referral)
    assert (case.risk_level, case.lead_worker) == ("immediate", cast.worker)
    assert Child.objects.get(pk=case.child_id).birth_date_estimated is False


def test_accepting_into_an_existing_open_case_shares_it_with_the_lead_worker(cast, referral):
    referral_accept(actor=cast.manager, referral=referral, lead_worker=cast.colleague, case=cast.case)
    assert Referral.objects.get(pk=referral.pk).case == cast.case
    assert CaseUserObjectPermission.objects.filter(content_object=cast.case, user=cast.colleague).count() == 2
    assert Case.objects.filter(child__name="王小雨").count() == 0


def test_accepting_onto_a_known_child_opens_a_new_case_on_that_child(cast, referral):
    child = ChildFactory(name="王小雨", location=cast.village)
    case = referral_accept(actor=cast.worker, referral=referral, child=child)
    assert case.child == child and Child.objects.filter(name="王小雨").count() == 1


def test_accepting_into_a_closed_or_foreign_case_or_for_a_foreign_worker_is_refused(cast, referral):
    elsewhere = Organisation.objects.create(name="外地中心", kind="ngo")
    foreign_worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=elsewhere)
    foreign_case = make_case(lead_worker=foreign_worker)
    closed = make_case(lead_worker=cast.worker)
    Case.objects.filter(pk=closed.pk).update(status="closed", closed_on=today())
    closed.refresh_from_db()
    attempts = [
        ({"lead_worker": foreign_worker}, "lead_worker", "The lead worker must work for the receiving organisation."),
        ({"case": foreign_case}, "case", "That case belongs to another organisation."),
        ({"case": closed}, "case", "That case is closed; open a new one instead."),
    ]
    for extra, field, message in attempts:
        with (
            writes_nothing(Case, Child, CaseUserObjectPermission, Notification),
            pytest.raises(ValidationError) as error,
        ):
            referral_accept(actor=cast.manager, referral=referral, **extra)
        assert message_of(error.value, field) == message
    assert Referral.objects.get(pk=referral.pk).status == "new"


def test_a_referral_is_triaged_once(cast, referral):
    referral_decline(actor=cast.worker, referral=referral, reason="不在服务范围")
    for act in (
        lambda: referral_accept(actor=cast.manager, referral=referral),
        lambda: referral_refer_on(actor=cast.manager, referral=referral, service="民政"),
        lambda: referral_needs_info(actor=cast.manager, referral=referral, question="几岁？"),
    ):
        with writes_nothing(Case, Child, Notification), pytest.raises(ValidationError) as error:
            act()
        assert message_of(error.value) == "This referral was already dealt with (Declined)."
    assert Referral.objects.get(pk=referral.pk).outcome_note == "不在服务范围"


def test_a_case_opening_that_fails_rolls_the_acceptance_back(cast, referral, monkeypatch):
    def broken(referral):
        raise RuntimeError("a callback failed")

    monkeypatch.setattr(services, "TRIAGE_CALLBACKS", [broken])
    with writes_nothing(Case, Child, CaseUserObjectPermission, Notification), pytest.raises(RuntimeError):
        referral_accept(actor=cast.manager, referral=referral, lead_worker=cast.worker)
    assert Referral.objects.get(pk=referral.pk).status == "new"


@pytest.mark.parametrize(
    ("act", "field", "message"),
    [
        (
            lambda cast, r: referral_decline(actor=cast.worker, referral=r, reason="  "),
            "reason",
            "Give the reason for declining.",
        ),
        (
            lambda cast, r: referral_refer_on(actor=cast.worker, referral=r, service=" "),
            "service",
            "Name the service the child is referred to.",
        ),
        (
            lambda cast, r: referral_needs_info(actor=cast.worker, referral=r, question=""),
            "question",
            "Write the question for the referrer.",
        ),
    ],
)
def test_a_triage_decision_without_its_words_is_refused(cast, referral, act, field, message):
    with writes_nothing(Notification), pytest.raises(ValidationError) as error:
        act(cast, referral)
    assert message_of(error.value, field) == message
    assert Referral.objects.get(pk=referral.pk).status == "new"


def test_referring_on_keeps_the_service_and_the_note(cast, referral):
    referral_refer_on(actor=cast.worker, referral=referral, service=" 县民政局 ", note=" 低保申请 ")
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.outcome_note) == ("referred_on", "县民政局: 低保申请")


def test_a_question_goes_to_the_referrer_and_her_answer_sends_it_back_to_triage(cast, referral):
    referral_needs_info(actor=cast.worker, referral=referral, question="  孩子几岁？ ")
    asked = Referral.objects.get(pk=referral.pk)
    assert (asked.status, asked.question) == ("needs_info", "孩子几岁？")
    assert Notification.objects.filter(kind="referral_status", user=cast.referrer).count() == 1
    referral_answer(actor=cast.referrer, referral=asked, answer="  九岁 ")
    answered = Referral.objects.get(pk=referral.pk)
    assert answered.status == "new"
    assert answered.concerns == "晚上一个人在家\n\n[Question] 孩子几岁？\n[Answer] 九岁"
    assert last_audit(answered).detail == {"answered": True}
    referral_accept(actor=cast.worker, referral=answered)  # the queue takes it again


def test_an_answer_without_a_question_or_empty_or_too_long_is_refused(cast, referral):
    with writes_nothing(), pytest.raises(ValidationError) as error:
        referral_answer(actor=cast.referrer, referral=referral, answer="九岁")
    assert message_of(error.value) == "No question is waiting for an answer."
    referral_needs_info(actor=cast.worker, referral=referral, question="几岁？")
    referral = Referral.objects.get(pk=referral.pk)
    for answer in ("   ", "x" * 5001):
        with writes_nothing(), pytest.raises(ValidationError) as error:
            referral_answer(actor=cast.referrer, referral=referral, answer=answer)
        assert "answer" in error.value.message_dict
    assert Referral.objects.get(pk=referral.pk).concerns == "晚上一个人在家"


# --- outgoing referrals ----------------------------------------------------------------------------


@pytest.fixture
def law_firm(cast):
    firm = Organisation.objects.create(name="明德律师事务所", kind="law_firm")
    return Service.objects.create(organisation=firm, kind="legal_aid", name="法律援助")


def _refer_out(cast, **fields):
    values = {"actor": cast.worker, "case": cast.case, "service": "legal_aid", "consent_basis": "guardian"}
    values["consent_on"] = today()
    values.update(fields)
    return outgoing_referral_create(**values)


def test_an_outgoing_referral_with_consent_is_stored_and_audited_as_an_export(cast):
    outgoing = _refer_out(cast, organisation=" 县法律援助中心 ", note=" 需要监护权咨询 ")
    stored = OutgoingReferral.objects.get(pk=outgoing.pk)
    assert (stored.service, stored.organisation, stored.note, stored.status, stored.follow_up_on) == (
        "legal_aid",
        "县法律援助中心",
        "需要监护权咨询",
        "sent",
        None,
    )
    entry = last_audit(stored)
    assert entry.action == "export"
    assert entry.detail == {
        "case": cast.case.pk,
        "service": "legal_aid",
        "consent": "guardian",
        "to": "县法律援助中心",
        "identity_shared": True,
        "incoming": None,
    }


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"service": "magic"}, "service", "Choose the service."),
        ({"consent_basis": "assumed"}, "consent_basis", "Record the consent, or a manager's override."),
        ({"consent_on": None}, "consent_on", "Give the date the consent was given."),
        ({"consent_on": "tomorrow"}, "consent_on", "Give the date the consent was given."),
        ({"consent_basis": "manager_override"}, "consent_basis", "Only a manager may share without consent."),
        (
            {"consent_basis": "manager_override", "actor": "manager"},
            "override_reason",
            "Give the reason for sharing without consent.",
        ),
    ],
)
def test_an_outgoing_referral_without_consent_or_a_managers_reason_is_refused(cast, fields, field, message):
    if fields.get("consent_on") == "tomorrow":
        fields["consent_on"] = today() + dt.timedelta(days=1)
    if fields.get("actor") == "manager":
        fields["actor"] = cast.manager
    with writes_nothing(OutgoingReferral, Referral), pytest.raises(ValidationError) as error:
        _refer_out(cast, **fields)
    assert message_of(error.value, field) == message


def test_a_manager_may_override_consent_with_a_reason(cast):
    outgoing = _refer_out(
        cast, actor=cast.manager, consent_basis="manager_override", consent_on=None, override_reason="孩子有危险"
    )
    assert OutgoingReferral.objects.get(pk=outgoing.pk).override_reason == "孩子有危险"


def test_a_directory_service_outside_shouhu_is_followed_up_in_two_weeks(cast, law_firm):
    outgoing = _refer_out(cast, service="", directory_service=law_firm)
    stored = OutgoingReferral.objects.get(pk=outgoing.pk)
    assert (stored.service, stored.organisation, stored.receiving_organisation) == (
        "legal_aid",
        "明德律师事务所",
        law_firm.organisation,
    )
    assert stored.follow_up_on == today() + dt.timedelta(days=14) and stored.incoming is None


def test_an_inactive_or_own_directory_service_is_refused(cast, law_firm):
    law_firm.is_active = False
    law_firm.save(update_fields=["is_active"])
    own = Service.objects.create(organisation=cast.case.organisation, kind="legal_aid", name="本机构法律咨询")
    for service, message in (
        (law_firm, "That service is no longer on the directory."),
        (own, "That is your own organisation's service: add it to the care plan instead."),
    ):
        with writes_nothing(OutgoingReferral, Referral), pytest.raises(ValidationError) as error:
            _refer_out(cast, directory_service=service)
        assert message_of(error.value, "directory_service") == message


@pytest.fixture
def partner_ngo(cast):
    ngo = Organisation.objects.create(name="心晴心理咨询中心", kind="ngo")
    manager = UserFactory(role=Role.MANAGER, organisation=ngo)
    service = Service.objects.create(organisation=ngo, kind="psychological_support", name="心理咨询")
    return ngo, manager, service


def test_a_service_on_shouhu_gets_a_referral_in_its_queue_without_the_name_when_not_shared(cast, partner_ngo):
    ngo, manager, service = partner_ngo
    Child.objects.filter(pk=cast.case.child_id).update(location=cast.village)
    cast.case.refresh_from_db()
    outgoing = _refer_out(cast, directory_service=service, share_identity=False, note="请尽快安排")
    incoming = Referral.objects.get(pk=OutgoingReferral.objects.get(pk=outgoing.pk).incoming_id)
    assert incoming.organisation == ngo and incoming.channel == "agency"
    assert incoming.child_name == "Name withheld (no consent to share it)"
    assert cast.case.child.name not in incoming.concerns and incoming.child_birth_date is None
    assert incoming.concerns.endswith("请尽快安排")
    assert Notification.objects.filter(kind="referral_from_agency", user=manager).count() == 1
    assert last_audit(outgoing).detail["incoming"] == incoming.pk


def test_a_child_without_a_village_cannot_be_referred_into_another_queue(cast, partner_ngo):
    _, _, service = partner_ngo
    Child.objects.filter(pk=cast.case.child_id).update(location=LocationFactory(kind="town"))
    cast.case.refresh_from_db()
    with writes_nothing(OutgoingReferral, Referral, Notification), pytest.raises(ValidationError) as error:
        _refer_out(cast, directory_service=service)
    assert message_of(error.value, "directory_service").startswith("Record the child's village first")


def test_the_receivers_triage_answers_the_loop_and_tells_the_referring_worker(cast, partner_ngo):
    _, manager, service = partner_ngo
    Child.objects.filter(pk=cast.case.child_id).update(location=cast.village)
    cast.case.refresh_from_db()
    outgoing = _refer_out(cast, directory_service=service)
    incoming = OutgoingReferral.objects.get(pk=outgoing.pk).incoming
    referral_decline(actor=manager, referral=incoming, reason="本月名额已满")
    stored = OutgoingReferral.objects.get(pk=outgoing.pk)
    assert stored.status == "declined"
    answer = OutgoingAnswer.objects.get(outgoing=stored)
    assert (answer.status, answer.note, answer.by_receiver, answer.recorded_by) == (
        "declined",
        "本月名额已满",
        True,
        manager,
    )
    assert Notification.objects.filter(kind="outgoing_answered", user=cast.worker).count() == 1
    with writes_nothing(OutgoingAnswer), pytest.raises(ValidationError) as error:
        outgoing_referral_answer(actor=cast.worker, outgoing=stored, status="done", note="完成", by_receiver=False)
    assert "status" in error.value.message_dict


def test_the_worker_records_the_answers_of_a_service_outside_shouhu_in_order(cast):
    outgoing = _refer_out(cast)
    outgoing_referral_answer(actor=cast.worker, outgoing=outgoing, status="accepted", by_receiver=False)
    outgoing_referral_answer(actor=cast.worker, outgoing=outgoing, status="in_progress", by_receiver=False)
    with writes_nothing(OutgoingAnswer), pytest.raises(ValidationError) as error:
        outgoing_referral_answer(actor=cast.worker, outgoing=outgoing, status="done", note=" ", by_receiver=False)
    assert message_of(error.value, "note") == "Write the outcome of the service."
    outgoing_referral_answer(
        actor=cast.worker, outgoing=outgoing, status="done", note=" 已获法律援助 ", by_receiver=False
    )
    stored = OutgoingReferral.objects.get(pk=outgoing.pk)
    assert (stored.status, stored.outcome, stored.answered_on) == ("done", "已获法律援助", today())
    assert list(OutgoingAnswer.objects.filter(outgoing=stored).order_by("pk").values_list("status", flat=True)) == [
        "accepted",
        "in_progress",
        "done",
    ]
    assert last_audit(stored).detail == {"answer": "done", "by_receiver": False, "case": cast.case.pk}
    with writes_nothing(OutgoingAnswer), pytest.raises(ValidationError) as error:
        outgoing_referral_answer(actor=cast.worker, outgoing=stored, status="cancelled", by_receiver=False)
    assert message_of(error.value, "status") == "This referral is Completed: that answer cannot follow."


def test_a_decline_needs_its_reason_a_receiver_never_cancels_and_no_answer_is_dated_tomorrow(cast):
    outgoing = _refer_out(cast)
    attempts = [
        ({"status": "declined", "by_receiver": False}, "note", "Give the reason it was declined."),
        ({"status": "cancelled", "by_receiver": True}, "status", "Only the referring organisation cancels a referral."),
        (
            {"status": "accepted", "by_receiver": False, "answered_on": today() + dt.timedelta(days=1)},
            "answered_on",
            "The date cannot be in the future.",
        ),
    ]
    for fields, field, message in attempts:
        with writes_nothing(OutgoingAnswer), pytest.raises(ValidationError) as error:
            outgoing_referral_answer(actor=cast.worker, outgoing=outgoing, **fields)
        assert message_of(error.value, field) == message
    assert OutgoingReferral.objects.get(pk=outgoing.pk).status == "sent"
    outgoing_referral_answer(actor=cast.worker, outgoing=outgoing, status="cancelled", by_receiver=False)
    assert OutgoingReferral.objects.get(pk=outgoing.pk).status == "cancelled"
