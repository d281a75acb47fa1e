"""Donated books and goods: a goods pledge into a library, lent and given to children and programmes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programmes import stock
from programmes.models import StockItem, StockMovement
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(cast):
    store = stock.store_create(actor=cast.worker, name="七里村图书室", location=cast.village)
    pledge = PledgeFactory(member=cast.pledger.member, kind="goods", description="儿童图书 40 本")
    item = stock.stock_receive(
        actor=cast.worker,
        store=store,
        pledge=pledge,
        description="儿童绘本",
        quantity=40,
        unit_value="12.50",
        received_on=timezone.localdate() - dt.timedelta(days=10),
    )
    return store, item


def test_goods_traced_from_pledge_to_child_and_programme(cast, library, classroom):
    store, item = library
    today = timezone.localdate()
    stock.stock_move(actor=cast.worker, item=item, kind="given", quantity=3, case=cast.case)
    stock.stock_move(actor=cast.worker, item=item, kind="lent", quantity=10, programme=classroom.programme)
    stock.stock_move(actor=cast.worker, item=item, kind="returned", quantity=4)
    assert stock.available(item) == 40 - 3 - 10 + 4
    row = stock.stock_items(store).get()
    assert (row.given_n, row.lent_n, row.returned_n, row.in_store) == (3, 10, 4, 31)
    figures = stock.distributed_figures(today - dt.timedelta(days=1), today)
    assert figures == {
        "items": 13,
        "books": 13,
        "goods": 0,
        "value": "37.50",  # given only: 3 × 12.50; lent books come back
        "children": 1,
        "programmes": 1,
    }


def test_cannot_give_more_than_in_store_or_return_more_than_lent(cast, library):
    _store, item = library
    with pytest.raises(ValidationError):
        stock.stock_move(actor=cast.worker, item=item, kind="given", quantity=41, case=cast.case)
    with pytest.raises(ValidationError):
        stock.stock_move(actor=cast.worker, item=item, kind="returned", quantity=1)
    with pytest.raises(ValidationError):
        stock.stock_move(actor=cast.worker, item=item, kind="given", quantity=1)  # to nobody
    assert not StockMovement.objects.exists()


def test_only_goods_pledges_go_into_stock(cast, library):
    store, _item = library
    money = PledgeFactory(member=cast.pledger.member, kind="money", description="助学金")
    with pytest.raises(ValidationError):
        stock.stock_receive(actor=cast.worker, store=store, pledge=money, description="x", quantity=1)
    assert StockItem.objects.count() == 1


def test_store_page_receives_and_gives(cast, client_for, library):
    store, item = library
    client = client_for(cast.worker)
    url = f"/programmes/stores/{store.pk}/"
    response = client.post(
        url,
        {
            "form": "move",
            "item": item.pk,
            "kind": "given",
            "quantity": "2",
            "date": str(timezone.localdate()),
            "case_number": cast.case.number,
        },
    )
    assert response.status_code == 302
    assert StockMovement.objects.get().case == cast.case
    page = client.get(url)
    assert page.status_code == 200 and cast.case.child.name in page.content.decode()
    # the colleague sees that a child received it, not who
    other = client_for(cast.colleague).get(url).content.decode()
    assert cast.case.child.name not in other
    # a case number the user may not see is refused, keeping what was typed
    refused = client_for(cast.colleague).post(
        url,
        {
            "form": "move",
            "item": item.pk,
            "kind": "given",
            "quantity": "1",
            "date": str(timezone.localdate()),
            "case_number": cast.case.number,
        },
    )
    assert refused.status_code == 400 and StockMovement.objects.count() == 1
    assert client_for(cast.pledger).get(url).status_code == 403
    assert client_for(cast.worker).get("/programmes/stores/999999/").status_code == 404
