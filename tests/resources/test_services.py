"""Unit tests of resources.services (Promise First) and its policy, called directly: yuan amounts,
promises and who may record them, the promises that fit a need, the request a member reads (never
the child's name), answers, fulfilments and cancellations — each refusal writing nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import Role
from alliance.models import Member
from cases.models import Case
from notifications.models import Notification
from organisations.models import Organisation
from resources import services
from resources.models import Pledge, PledgeRequest
from resources.permissions import get_pledge_request_for_user, pledges_visible_to, requests_visible_to
from resources.services import (
    parse_yuan,
    pledge_create,
    pledge_update,
    pledges_matching_need,
    public_text_for,
    request_answer,
    request_cancel,
    request_create,
    request_fulfil,
)
from tests.factories import ChildFactory, LocationFactory, MemberFactory, PledgeFactory, UserFactory, make_case
from tests.planted import PLANTED_NAME
from tests.writes import last_audit, message_of, today, writes_nothing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def pledge(cast):
    return PledgeFactory(member=cast.pledger.member, kind="goods", valid_from=today() - dt.timedelta(days=10))


@pytest.fixture
def planted_case(cast):
    child = ChildFactory(
        name=PLANTED_NAME, sex="female", birth_date=dt.date(today().year - 9, 1, 1), location=cast.village
    )
    return make_case(lead_worker=cast.worker, child=child)


@pytest.fixture
def asked(cast, pledge, planted_case):
    return request_create(actor=cast.worker, case=planted_case, pledge=pledge, need="孩子缺书包", what="一个书包")


# --- yuan ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("150", "150.00"), (" 0.01 ", "0.01"), ("10000000", "10000000.00"), (Decimal("9.9"), "9.90")],
)
def test_a_yuan_amount_is_kept_exact_to_the_fen(value, expected):
    assert parse_yuan(value) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "Enter an amount in yuan, for example 150 or 150.50."),
        ("NaN", "Enter an amount in yuan, for example 150 or 150.50."),
        ("Infinity", "Enter an amount in yuan, for example 150 or 150.50."),
        (None, "Enter an amount in yuan, for example 150 or 150.50."),
        ("0", "The amount must be more than 0 yuan."),
        ("-5", "The amount must be more than 0 yuan."),
        ("10000000.01", "The amount is too large."),
        ("1.005", "Use at most two decimals (fen)."),
    ],
)
def test_a_bad_yuan_amount_names_what_is_wrong(value, message):
    with pytest.raises(ValidationError) as error:
        parse_yuan(value, field="value")
    assert message_of(error.value, "value") == message


# --- promises --------------------------------------------------------------------------------------


def test_a_pledger_records_her_own_promise_and_becomes_a_pledger_member(cast):
    member = cast.pledger.member
    Member.objects.filter(pk=member.pk).update(is_pledger=False)
    member.refresh_from_db()
    pledge = pledge_create(
        actor=cast.pledger,
        member=member,
        kind="service",
        description="  每周一次免费午餐 ",
        valid_from=today(),
        estimated_value="30",
        capacity=4,
    )
    stored = Pledge.objects.get(pk=pledge.pk)
    assert (stored.description, stored.estimated_value, stored.capacity) == ("每周一次免费午餐", Decimal("30.00"), 4)
    assert Member.objects.get(pk=member.pk).is_pledger is True
    entry = last_audit(stored)
    assert (entry.action, entry.user_id) == ("create", cast.pledger.pk)


@pytest.mark.parametrize("who", ["worker", "other_referrer", "volunteer", "funder"])
def test_only_the_members_own_account_and_managers_record_a_promise(cast, who):
    with writes_nothing(Pledge), pytest.raises(PermissionDenied):
        pledge_create(
            actor=getattr(cast, who), member=cast.pledger.member, kind="goods", description="书", valid_from=today()
        )
    assert (
        pledge_create(
            actor=cast.manager, member=cast.pledger.member, kind="goods", description="书", valid_from=today()
        ).member
        == cast.pledger.member
    )


def test_a_pledger_cannot_write_a_promise_for_another_member_nor_move_hers_to_one(cast, pledge):
    other = MemberFactory(is_pledger=True, sector="enterprise", location=cast.village)
    with writes_nothing(Pledge), pytest.raises(PermissionDenied):
        pledge_create(actor=cast.pledger, member=other, kind="goods", description="书", valid_from=today())
    with writes_nothing(), pytest.raises(PermissionDenied):
        pledge_update(actor=cast.pledger, pledge=pledge, member=other)
    assert Pledge.objects.get(pk=pledge.pk).member == cast.pledger.member


def test_a_promise_with_a_bad_value_or_kind_is_refused(cast):
    for fields in ({"estimated_value": "0"}, {"kind": "hugs"}, {"description": "  "}):
        values = {"kind": "goods", "description": "书", **fields}
        with writes_nothing(Pledge), pytest.raises(ValidationError):
            pledge_create(actor=cast.manager, member=cast.pledger.member, valid_from=today(), **values)


def test_a_promise_is_updated_field_by_field(cast, pledge):
    pledge_update(actor=cast.pledger, pledge=pledge, estimated_value="200.5", is_active=False)
    stored = Pledge.objects.get(pk=pledge.pk)
    assert (stored.estimated_value, stored.is_active) == (Decimal("200.50"), False)
    assert last_audit(stored).detail == {"fields": ["estimated_value", "is_active"]}
    with writes_nothing(), pytest.raises(ValidationError):
        pledge_update(actor=cast.pledger, pledge=stored, estimated_value="-1")


# --- matching --------------------------------------------------------------------------------------


def test_the_promises_that_fit_are_valid_active_with_capacity_nearest_first(cast, planted_case):
    town = cast.village.parent
    neighbour = LocationFactory(kind="village", parent=town)
    far = LocationFactory(kind="village", parent=LocationFactory(kind="town"))
    start = today() - dt.timedelta(days=5)

    def promise(location, **fields):
        member = MemberFactory(is_pledger=True, sector="enterprise", location=location)
        return PledgeFactory(member=member, **{"kind": "goods", "valid_from": start, **fields})

    same_village = promise(cast.village)
    same_town = promise(neighbour)
    in_the_town = promise(town)
    elsewhere = promise(far)
    promise(cast.village, is_active=False)
    promise(cast.village, valid_until=today() - dt.timedelta(days=1))
    promise(cast.village, valid_from=today() + dt.timedelta(days=1))
    PledgeFactory(member=MemberFactory(is_pledger=True, location=cast.village), kind="money", valid_from=start)
    used_up = promise(cast.village, capacity=1)
    request_create(actor=cast.worker, case=planted_case, pledge=used_up, need="x", what="书包")
    ends_today = promise(cast.village, valid_until=today())
    found = list(pledges_matching_need(case=planted_case, kind="goods"))
    # same village, then same town (a neighbouring village or the town itself), then anywhere; then by pk
    assert found == [same_village, ends_today, same_town, in_the_town, elsewhere]
    assert used_up not in found


def test_another_organisations_alliance_is_not_offered(cast, planted_case):
    other = Organisation.objects.create(name="外地中心", kind="ngo")
    foreign = PledgeFactory(
        member=MemberFactory(is_pledger=True, location=cast.village, organisation=other),
        kind="goods",
        valid_from=today() - dt.timedelta(days=1),
    )
    assert foreign not in pledges_matching_need(case=planted_case, kind="goods")


def test_the_member_reads_age_sex_village_and_need_only(cast, planted_case):
    text = public_text_for(planted_case, "一个书包")
    assert text == "A 9-year-old girl in 七里村 needs: 一个书包"  # born on 1 January nine years ago
    assert PLANTED_NAME not in text and planted_case.number not in text
    unknown = make_case(lead_worker=cast.worker, child=ChildFactory(sex="unknown", birth_date=None, location=None))
    assert public_text_for(unknown, "衣服") == "A  child in  needs: 衣服"


# --- requests --------------------------------------------------------------------------------------


def test_a_request_tells_each_active_account_of_the_member_only_the_public_text(cast, pledge, planted_case):
    second = UserFactory(role=Role.PLEDGER, member=cast.pledger.member)
    UserFactory(role=Role.PLEDGER, member=cast.pledger.member, is_active=False)
    request = request_create(
        actor=cast.worker,
        case=planted_case,
        pledge=pledge,
        need="  孩子缺书包 ",
        what=" 一个书包 ",
        urgency="immediate",
        estimated_value="80",
    )
    stored = PledgeRequest.objects.get(pk=request.pk)
    assert (stored.need, stored.need_urgency, stored.need_estimated_value, stored.status) == (
        "孩子缺书包",
        "immediate",
        Decimal("80.00"),
        "requested",
    )
    assert (stored.requested_by, stored.requested_on) == (cast.worker, today())
    told = Notification.objects.filter(kind="pledge_request")
    assert set(told.values_list("user_id", flat=True)) == {cast.pledger.pk, second.pk}
    assert all(n.text == stored.public_text and PLANTED_NAME not in n.text for n in told)
    assert last_audit(stored).detail == {"case": planted_case.pk}


@pytest.mark.parametrize(
    ("what", "field"),
    [
        ("  ", "what"),
        ("书" * 201, "what"),
        (f"给{PLANTED_NAME}买书包", "what"),
        ("给璨璟买书包", "what"),
        ("打13709988776", "what"),
    ],
)
def test_a_request_that_is_empty_long_or_identifies_the_child_is_refused(cast, pledge, planted_case, what, field):
    with writes_nothing(PledgeRequest, Notification), pytest.raises(ValidationError) as error:
        request_create(actor=cast.worker, case=planted_case, pledge=pledge, need="", what=what)
    assert field in error.value.message_dict


def test_a_request_on_a_closed_case_or_an_invalid_or_foreign_promise_is_refused(cast, pledge, planted_case):
    other = Organisation.objects.create(name="外地中心", kind="ngo")
    foreign = PledgeFactory(member=MemberFactory(is_pledger=True, organisation=other), valid_from=today())
    expired = PledgeFactory(
        member=cast.pledger.member,
        valid_from=today() - dt.timedelta(days=30),
        valid_until=today() - dt.timedelta(days=1),
    )
    future = PledgeFactory(member=cast.pledger.member, valid_from=today() + dt.timedelta(days=1))
    attempts = [
        (foreign, {}, "That promise was made to another organisation's Alliance."),
        (expired, {}, "This promise is not valid now."),
        (future, {}, "This promise is not valid now."),
        (pledge, {"urgency": "whenever"}, None),
        (pledge, {"estimated_value": "-3"}, None),
    ]
    for promise, extra, message in attempts:
        with writes_nothing(PledgeRequest, Notification), pytest.raises(ValidationError) as error:
            request_create(actor=cast.worker, case=planted_case, pledge=promise, need="", what="书包", **extra)
        if message:
            assert message_of(error.value, "pledge") == message
    Case.objects.filter(pk=planted_case.pk).update(status="closed", closed_on=today())
    planted_case.refresh_from_db()
    with writes_nothing(PledgeRequest, Notification), pytest.raises(ValidationError) as error:
        request_create(actor=cast.worker, case=planted_case, pledge=pledge, need="", what="书包")
    assert message_of(error.value) == "This case is closed."


def test_a_failing_notification_rolls_the_request_back(cast, pledge, planted_case, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("inbox down")

    monkeypatch.setattr(services, "notify", broken)
    with writes_nothing(PledgeRequest), pytest.raises(RuntimeError):
        request_create(actor=cast.worker, case=planted_case, pledge=pledge, need="", what="书包")


def test_an_answer_is_given_once(cast, asked):
    request_answer(actor=cast.pledger, request=asked, accept=True, note=" 明天送到 ")
    stored = PledgeRequest.objects.get(pk=asked.pk)
    assert (stored.status, stored.answered_on, stored.note) == ("accepted", today(), "明天送到")
    assert last_audit(stored).detail == {"status": "accepted"}
    with writes_nothing(), pytest.raises(ValidationError) as error:
        request_answer(actor=cast.pledger, request=stored, accept=False)
    assert message_of(error.value) == "This request was already answered."
    assert PledgeRequest.objects.get(pk=asked.pk).status == "accepted"


def test_a_fulfilment_is_valued_and_told_to_the_worker_who_asked(cast, asked):
    request_fulfil(actor=cast.pledger, request=asked, fulfilled_on=today(), value="79.90", note=" 送到了 ")
    stored = PledgeRequest.objects.get(pk=asked.pk)
    assert (stored.status, stored.value, stored.fulfilled_on, stored.answered_on, stored.note) == (
        "fulfilled",
        Decimal("79.90"),
        today(),
        today(),
        "送到了",
    )
    assert last_audit(stored).detail == {"fulfilled": "79.90"}
    told = Notification.objects.get(kind="pledge_fulfilled")
    assert told.user == cast.worker and PLANTED_NAME not in told.text


def test_the_worker_recording_a_fulfilment_herself_is_not_told(cast, asked):
    request_fulfil(actor=cast.worker, request=asked, fulfilled_on=today(), value="10")
    assert not Notification.objects.filter(kind="pledge_fulfilled").exists()


@pytest.mark.parametrize(
    ("day", "value", "field", "message"),
    [
        (1, "10", "fulfilled_on", "The date cannot be in the future."),
        (-1, "10", "fulfilled_on", "The date cannot be before the request."),
        (0, "0", "value", "The amount must be more than 0 yuan."),
    ],
)
def test_a_bad_fulfilment_is_refused(cast, asked, day, value, field, message):
    with writes_nothing(Notification), pytest.raises(ValidationError) as error:
        request_fulfil(actor=cast.pledger, request=asked, fulfilled_on=today() + dt.timedelta(days=day), value=value)
    assert message_of(error.value, field) == message
    stored = PledgeRequest.objects.get(pk=asked.pk)
    assert (stored.status, stored.value) == ("requested", None)


def test_a_declined_or_cancelled_request_cannot_be_fulfilled_or_cancelled(cast, asked):
    request_answer(actor=cast.pledger, request=asked, accept=False, note="这个月做不到")
    with writes_nothing(Notification), pytest.raises(ValidationError) as error:
        request_fulfil(actor=cast.pledger, request=asked, fulfilled_on=today(), value="10")
    assert message_of(error.value) == "Only a requested or accepted request can be fulfilled."
    with writes_nothing(), pytest.raises(ValidationError) as error:
        request_cancel(actor=cast.worker, request=asked)
    assert message_of(error.value) == "Only an open request can be cancelled."


def test_cancelling_keeps_the_earlier_note_when_none_is_given(cast, asked):
    request_answer(actor=cast.pledger, request=asked, accept=True, note="可以")
    request_cancel(actor=cast.worker, request=asked)
    stored = PledgeRequest.objects.get(pk=asked.pk)
    assert (stored.status, stored.note) == ("cancelled", "可以")
    assert last_audit(stored).detail == {"status": "cancelled"}


# --- who sees what ---------------------------------------------------------------------------------


def test_the_member_asked_and_the_cases_staff_see_the_request_nobody_else(cast, asked):
    other_pledger = UserFactory(role=Role.PLEDGER, member=MemberFactory(is_pledger=True, location=cast.village))
    assert set(requests_visible_to(cast.pledger)) == {asked}
    assert set(requests_visible_to(cast.worker)) == {asked}
    assert set(requests_visible_to(cast.manager)) == {asked}
    for user in (cast.colleague, other_pledger, cast.referrer, cast.volunteer, cast.funder):
        assert not requests_visible_to(user).exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("pledger", ("ok", "ok", 403)),
        ("worker", ("ok", "ok", "ok")),
        ("manager", ("ok", "ok", "ok")),
        ("admin", ("ok", "ok", "ok")),
        ("colleague", (404, 404, 404)),
        ("referrer", (404, 404, 404)),
        ("volunteer", (404, 404, 404)),
        ("funder", (404, 404, 404)),
    ],
)
def test_each_role_on_each_action_of_a_request(cast, asked, who, expected):
    def answer(action):
        try:
            get_pledge_request_for_user(getattr(cast, who), asked.pk, action=action)
        except Http404:
            return 404
        except PermissionDenied:
            return 403
        return "ok"

    assert tuple(answer(a) for a in ("view", "answer", "cancel")) == expected


def test_promises_are_seen_by_staff_of_the_organisation_and_their_own_member(cast, pledge):
    other = Organisation.objects.create(name="外地中心", kind="ngo")
    foreign = PledgeFactory(member=MemberFactory(is_pledger=True, organisation=other), valid_from=today())
    assert set(pledges_visible_to(cast.worker)) == {pledge}
    assert set(pledges_visible_to(cast.pledger)) == {pledge}
    assert set(pledges_visible_to(cast.admin)) == {pledge, foreign}
    for user in (cast.referrer, cast.volunteer, cast.funder, UserFactory(role=Role.PLEDGER)):
        assert not pledges_visible_to(user).exists()
