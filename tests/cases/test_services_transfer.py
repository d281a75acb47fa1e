"""Unit tests of cases.services.transfer called directly: each refusal of a proposal with its message
and nothing written, who may answer, the lead worker from the receiving organisation only, an answer
given once, and the whole acceptance rolled back when telling the sender fails."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Case, CaseTransfer, CaseUserObjectPermission
from cases.services import transfer as transfer_services
from cases.services import transfer_accept, transfer_decline, transfer_propose
from notifications.models import Notification
from organisations.models import Organisation
from tests.writes import last_audit, message_of, today, writes_nothing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def propose(cast, elsewhere, **fields):
    values = {
        "actor": cast.manager,
        "case": cast.case,
        "to_organisation": elsewhere.organisation,
        "reason": "家庭搬到了外地",
        "consent_basis": "guardian",
        "consented_by": "外婆",
    }
    values.update(fields)
    return transfer_propose(**values)


def test_a_proposal_records_the_consent_and_tells_the_receiving_managers(cast, elsewhere):
    transfer = propose(cast, elsewhere, reason="  家庭搬到了外地 ", consented_by=" 外婆 ")
    stored = CaseTransfer.objects.get(pk=transfer.pk)
    assert (stored.status, stored.reason, stored.consented_by, stored.proposed_on) == (
        "proposed",
        "家庭搬到了外地",
        "外婆",
        today(),
    )
    assert (stored.case_number, stored.child_name) == (cast.case.number, cast.case.child.name)
    assert last_audit(stored).detail == {
        "case": cast.case.pk,
        "from": cast.case.organisation_id,
        "to": elsewhere.organisation.pk,
        "consent": "guardian",
    }
    told = Notification.objects.get(kind="transfer_proposed")
    assert told.user == elsewhere.manager and cast.case.child.name not in told.text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"to_organisation": "own"}, "organisation", "The case is already this organisation's."),
        ({"to_organisation": "no staff"}, "organisation", "That organisation has no staff on Shouhu to take the case."),
        ({"reason": "  "}, "reason", "Give the reason for the transfer."),
        ({"consent_basis": "assumed"}, "consent_basis", "Record whether the guardian or the child consented."),
        ({"consented_by": " "}, "consented_by", "Say who consented."),
    ],
)
def test_a_bad_proposal_is_refused_with_nothing_written(cast, elsewhere, fields, field, message):
    if fields.get("to_organisation") == "own":
        fields["to_organisation"] = cast.case.organisation
    elif fields.get("to_organisation") == "no staff":
        fields["to_organisation"] = Organisation.objects.create(name="明德律师事务所", kind="law_firm")
    with writes_nothing(CaseTransfer, Notification), pytest.raises(ValidationError) as error:
        propose(cast, elsewhere, **fields)
    assert message_of(error.value, field) == message


def test_no_consent_needs_no_name_but_a_closed_or_waiting_case_is_not_proposed(cast, elsewhere):
    propose(cast, elsewhere, consent_basis="not_given", consented_by="")
    with writes_nothing(CaseTransfer, Notification), pytest.raises(ValidationError) as error:
        propose(cast, elsewhere)
    assert message_of(error.value, "case") == "A transfer of this case is already waiting for an answer."
    Case.objects.filter(pk=cast.case.pk).update(status="closed", closed_on=today())
    CaseTransfer.objects.all().delete()
    with writes_nothing(CaseTransfer), pytest.raises(ValidationError) as error:
        propose(cast, elsewhere)
    assert message_of(error.value, "case") == "A closed case is not transferred."


def test_only_the_sending_organisations_managers_propose(cast, elsewhere):
    for actor in (cast.worker, elsewhere.manager, cast.funder):
        with writes_nothing(CaseTransfer), pytest.raises(PermissionDenied):
            propose(cast, elsewhere, actor=actor)


def test_only_the_receiving_managers_answer_and_the_lead_is_one_of_their_staff(cast, elsewhere):
    transfer = propose(cast, elsewhere)
    for actor in (cast.manager, elsewhere.worker):
        with writes_nothing(CaseUserObjectPermission), pytest.raises(PermissionDenied):
            transfer_accept(actor=actor, transfer=transfer, lead_worker=elsewhere.worker)
    with writes_nothing(CaseUserObjectPermission), pytest.raises(ValidationError) as error:
        transfer_accept(actor=elsewhere.manager, transfer=transfer, lead_worker=cast.worker)
    assert message_of(error.value, "lead_worker") == "Choose the lead worker from your organisation's staff."
    assert Case.objects.get(pk=cast.case.pk).organisation_id == cast.manager.organisation_id


def test_an_answer_is_given_once_and_a_decline_needs_a_reason(cast, elsewhere):
    transfer = propose(cast, elsewhere)
    with writes_nothing(), pytest.raises(ValidationError) as error:
        transfer_decline(actor=elsewhere.manager, transfer=transfer, reason="  ")
    assert message_of(error.value, "reason") == "Give the reason for declining."
    transfer_decline(actor=elsewhere.manager, transfer=transfer, reason="本机构没有名额")
    stored = CaseTransfer.objects.get(pk=transfer.pk)
    assert (stored.status, stored.decline_reason, stored.decided_by) == (
        "declined",
        "本机构没有名额",
        elsewhere.manager,
    )
    assert set(Notification.objects.filter(kind="transfer_answered").values_list("user_id", flat=True)) == {
        cast.manager.pk
    }
    with writes_nothing(CaseUserObjectPermission), pytest.raises(ValidationError) as error:
        transfer_accept(actor=elsewhere.manager, transfer=stored, lead_worker=elsewhere.worker)
    assert message_of(error.value) == "This transfer was already answered (Declined)."


def test_a_failing_notification_rolls_the_whole_acceptance_back(cast, elsewhere, monkeypatch):
    transfer = propose(cast, elsewhere)

    def broken(transfer):
        raise RuntimeError("inbox down")

    monkeypatch.setattr(transfer_services, "_tell_sender", broken)
    with writes_nothing(CaseUserObjectPermission), pytest.raises(RuntimeError):
        transfer_accept(actor=elsewhere.manager, transfer=transfer, lead_worker=elsewhere.worker)
    case = Case.objects.get(pk=cast.case.pk)
    assert (case.organisation_id, case.lead_worker) == (cast.manager.organisation_id, cast.worker)
    assert CaseUserObjectPermission.objects.filter(content_object=case, user=cast.worker).count() == 2
    assert CaseTransfer.objects.get(pk=transfer.pk).status == "proposed"
