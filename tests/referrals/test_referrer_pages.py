"""Director Wang's side: her referral opens to what she sent, its status and the social worker's
question, answered on the same page; the form asks the age or the birth date, not both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from referrals.models import Referral
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _form(cast, **overrides):
    data = {
        "child_name": "小明",
        "child_sex": "male",
        "location": cast.village.pk,
        "concerns": "晚上一个人在家",
        "urgency": "soon",
        "submission_key": "k-age",
    }
    data.update(overrides)
    return data


@pytest.fixture
def asked(cast):
    return ReferralFactory(
        created_by=cast.referrer,
        location=cast.village,
        child_name="李小花",
        concerns="孩子经常没吃早饭",
        status="needs_info",
        question="孩子的奶奶还住在村里吗？",
        indicators=["hunger"],
    )


def test_her_referral_opens_to_what_she_sent_its_status_and_the_question(cast, client_for, asked):
    response = client_for(cast.referrer).get(f"/referrals/{asked.pk}/sent/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("李小花", "孩子经常没吃早饭", "孩子的奶奶还住在村里吗？", "需补充信息", cast.village.name):
        assert text in html, text
    assert 'data-testid="send-answer"' in html
    assert f'href="/referrals/{asked.pk}/sent/"' in client_for(cast.referrer).get("/referrals/").content.decode()


def test_she_answers_on_the_same_page_and_it_goes_back_to_triage(cast, client_for, asked):
    response = client_for(cast.referrer).post(
        f"/referrals/{asked.pk}/answer/", {"answer": "奶奶去年搬走了", "next": "sent"}
    )
    assert response.status_code == 302 and response["Location"] == f"/referrals/{asked.pk}/sent/"
    asked.refresh_from_db()
    assert asked.status == "new" and "奶奶去年搬走了" in asked.concerns


def test_an_empty_answer_is_refused_on_the_page_and_nothing_changes(cast, client_for, asked):
    response = client_for(cast.referrer).post(f"/referrals/{asked.pk}/answer/", {"answer": "  ", "next": "sent"})
    assert response.status_code == 200
    assert response.context["answer_error"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.context["answer_error"])
    asked.refresh_from_db()
    assert asked.status == "needs_info" and asked.concerns == "孩子经常没吃早饭"


def test_another_referrer_and_staff_get_404_on_her_page(cast, client_for, asked):
    assert client_for(cast.other_referrer).get(f"/referrals/{asked.pk}/sent/").status_code == 404
    assert client_for(cast.other_referrer).post(f"/referrals/{asked.pk}/answer/", {"answer": "x"}).status_code == 404
    assert client_for(cast.pledger).get(f"/referrals/{asked.pk}/sent/").status_code == 404
    assert client_for(None).get(f"/referrals/{asked.pk}/sent/").status_code == 302
    assert client_for(cast.referrer).post(f"/referrals/{asked.pk}/sent/").status_code == 405
    asked.refresh_from_db()
    assert asked.status == "needs_info"


def test_the_form_asks_one_question_about_age(cast, client_for):
    html = client_for(cast.referrer).get("/referrals/new/").content.decode()
    assert 'name="age_or_birth_date"' in html
    assert html.index('name="age_or_birth_date"') < html.index('name="child_age"')


@pytest.mark.parametrize(
    ("extra", "age", "birth"),
    [
        ({"age_or_birth_date": "age", "child_age": "9", "child_birth_date": "2016-01-01"}, 9, None),
        (
            {"age_or_birth_date": "birth_date", "child_age": "9", "child_birth_date": "2016-01-01"},
            None,
            dt.date(2016, 1, 1),
        ),
        ({"age_or_birth_date": "unknown", "child_age": "9"}, None, None),
        ({"child_age": "7"}, 7, None),
    ],
)
def test_only_the_chosen_answer_is_kept(cast, client_for, extra, age, birth):
    response = client_for(cast.referrer).post("/referrals/new/", _form(cast, **extra))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.child_age, referral.child_birth_date) == (age, birth)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"age_or_birth_date": "age"}, "child_age"),
        ({"age_or_birth_date": "birth_date", "child_age": "9"}, "child_birth_date"),
        ({"child_age": "9", "child_birth_date": "2016-01-01"}, "__all__"),
    ],
)
def test_a_missing_or_double_answer_is_refused_and_kept(cast, client_for, extra, field):
    response = client_for(cast.referrer).post("/referrals/new/", _form(cast, **extra))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(form.errors[field]))
    assert form["concerns"].value() == "晚上一个人在家"
    assert not Referral.objects.exists()


def test_today_is_not_in_the_future(cast, client_for):
    today = timezone.localdate().isoformat()
    extra = {"age_or_birth_date": "birth_date", "child_birth_date": today}
    assert client_for(cast.referrer).post("/referrals/new/", _form(cast, **extra)).status_code == 302
