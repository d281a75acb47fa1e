"""The text a pledger reads identifies no child: given names, spaced names, the household's names,
phone and case numbers are refused, and the form says what and why (issue 15)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cases.identifying import find_identifying, given_name, squash
from cases.services import household_member_add
from resources.models import PledgeRequest
from resources.services import request_create
from tests.factories import ChildFactory, PledgeFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def xinyi(cast):
    case = make_case(lead_worker=cast.worker, child=ChildFactory(name="李欣怡"))
    household_member_add(actor=cast.worker, child=case.child, name="王秀英", relation="奶奶", phone="13800138000")
    return case


def _ask(cast, case, what):
    return request_create(actor=cast.worker, case=case, pledge=PledgeFactory(), need=what, what=what)


@pytest.mark.parametrize(
    "what, found",
    [
        ("给欣怡买校服", "欣怡"),
        ("李 欣怡 的校服", "李欣怡"),
        ("李·欣怡需要书包", "李欣怡"),
        ("给ＬＩ欣怡买鞋", "欣怡"),
        ("王秀英说孩子需要冬衣", "王秀英"),
        ("联系电话 138 0013 8000", "13800138000"),
        ("请打 138-0013-8000", "13800138000"),
        ("个案 {number} 需要书包", "{number}"),
    ],
)
def test_pledge_text_that_identifies_the_child_is_refused_and_says_what(cast, xinyi, what, found):
    what, found = what.format(number=xinyi.number), found.format(number=xinyi.number)
    with pytest.raises(ValidationError) as refused:
        _ask(cast, xinyi, what)
    message = " ".join(refused.value.message_dict["what"])
    assert found in message
    assert not PledgeRequest.objects.exists()


def test_pledge_text_without_identifying_detail_is_sent(cast, xinyi):
    request = _ask(cast, xinyi, "一个书包和一套冬季校服")
    assert request.public_text.endswith("一个书包和一套冬季校服")


def test_promise_panel_says_what_was_refused_and_keeps_the_text(cast, client_for, xinyi):
    response = client_for(cast.worker).get(f"/promises/case/{xinyi.pk}/", {"kind": "goods", "what": "给欣怡买校服"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="what-error"' in body and "欣怡" in response.context["what_error"]
    assert 'value="给欣怡买校服"' in body
    assert 'data-testid="matches"' not in body  # nothing to send until the text is fixed


def test_send_refused_for_identifying_text_writes_nothing_and_says_why(cast, client_for, xinyi):
    pledge = PledgeFactory()
    response = client_for(cast.worker).post(
        f"/promises/case/{xinyi.pk}/request/", {"pledge": pledge.pk, "what": "给欣怡买校服"}, follow=True
    )
    assert not PledgeRequest.objects.exists()
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "欣怡" in shown


def test_given_name_follows_compound_surnames():
    assert given_name("欧阳翠花") == "翠花" and given_name("李欣怡") == "欣怡"
    assert given_name("李欣") == ""  # one character alone would match ordinary words


def test_squash_removes_spaces_punctuation_and_width():
    assert squash("李 · 欣怡") == "李欣怡" and squash("ＡＢＣ１") == "abc1"


def test_an_id_number_is_refused_whoever_it_belongs_to():
    findings = find_identifying("身份证 110101201605010023 已办")
    assert [f.kind for f in findings] == ["id_number"]
