"""Pupil profiles and tutors' notes: the programme's facilitators and the child's social worker only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core.models import AuditEntry
from programmes import services
from programmes.models import PupilProfile, TutorNote

pytestmark = pytest.mark.django_db


def _url(classroom, case):
    return f"/programmes/{classroom.programme.pk}/pupils/{case.pk}/"


def test_facilitator_keeps_a_profile_and_notes(cast, client_for, classroom):
    child = classroom.other_cases[0]  # led by the colleague; cast.worker facilitates
    session = services.session_record(
        actor=cast.worker, programme=classroom.programme, date=timezone.localdate(), duration_minutes=90, topic="数学"
    )
    client = client_for(cast.worker)
    response = client.post(
        _url(classroom, child),
        {
            "form": "profile",
            "school": "七里村小学",
            "grade": "三年级",
            "subjects_needing_support": "数学、语文",
            "notes": "",
        },
    )
    assert response.status_code == 302
    profile = PupilProfile.objects.get(programme=classroom.programme, case=child)
    assert (profile.school, profile.grade, profile.subjects_needing_support) == ("七里村小学", "三年级", "数学、语文")
    response = client.post(_url(classroom, child), {"form": "note", "session": session.pk, "text": "乘法口诀进步了"})
    assert response.status_code == 302
    assert list(TutorNote.objects.values_list("session_id", "case_id", "text")) == [
        (session.pk, child.pk, "乘法口诀进步了")
    ]
    page = client.get(_url(classroom, child))
    assert page.status_code == 200 and "乘法口诀进步了" in page.content.decode()
    assert AuditEntry.objects.filter(action="view", object_type="pupilprofile", object_id=str(child.pk)).exists()


def test_the_childs_social_worker_sees_the_profile(cast, client_for, classroom):
    child = classroom.other_cases[0]
    services.pupil_profile_save(actor=cast.worker, programme=classroom.programme, case=child, school="七里村小学")
    page = client_for(cast.colleague).get(_url(classroom, child))
    assert page.status_code == 200 and "七里村小学" in page.content.decode()


@pytest.mark.parametrize("who", ["manager", "referrer", "volunteer", "funder"])
def test_everyone_else_gets_404(cast, client_for, classroom, who):
    child = classroom.other_cases[0]
    services.pupil_profile_save(actor=cast.worker, programme=classroom.programme, case=child, school="七里村小学")
    assert client_for(getattr(cast, who)).get(_url(classroom, child)).status_code == 404


def test_a_colleague_may_not_see_a_profile_of_a_child_not_theirs(cast, client_for, classroom):
    assert client_for(cast.colleague).get(_url(classroom, cast.case)).status_code == 404
    response = client_for(cast.colleague).post(_url(classroom, cast.case), {"form": "profile", "school": "x"})
    assert response.status_code == 404 and not PupilProfile.objects.exists()


def test_bad_note_keeps_what_was_typed_and_writes_nothing(cast, client_for, classroom):
    response = client_for(cast.worker).post(
        _url(classroom, cast.case), {"form": "note", "session": "", "text": "写了一半的记录"}
    )
    assert response.status_code == 400 and "写了一半的记录" in response.content.decode()
    assert not TutorNote.objects.exists()
