"""Donated books and goods: a Promise First goods pledge received into a store (a village library), items
lent or given to children or programmes, so the value in kind is traced to whom it reached."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from core.audit import audit_log
from core.figure_scope import EVERYTHING, FigureScope
from core.models import AuditAction, Location
from core.services import model_create
from programmes.models import ItemCategory, MovementKind, Programme, StockItem, StockMovement, Store


@transaction.atomic
def store_create(*, actor: User, name: str, kind: str = "library", location: Location | None = None) -> Store:
    store = Store(name=name.strip(), kind=kind, location=location)
    return model_create(actor=actor, obj=store)


@transaction.atomic
def stock_receive(
    *,
    actor: User,
    store: Store,
    description: str,
    quantity: int,
    unit_value: Decimal | str | int = 0,
    received_on: dt.date | None = None,
    pledge: Any = None,  # a resources.Pledge (Promise First sits beside this app, not below it)
    category: str = ItemCategory.BOOKS,
) -> StockItem:
    """A donation arrives at the store: from a member's goods pledge when there is one."""
    received_on = received_on or timezone.localdate()
    if pledge is not None and pledge.kind != "goods":
        raise ValidationError({"pledge": _("Only a pledge of goods can be received into stock.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date cannot be in the future.")})
    try:
        value = Decimal(str(unit_value or 0)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise ValidationError({"unit_value": _("Give the value in yuan, e.g. 12.50.")}) from None
    if value < 0:
        raise ValidationError({"unit_value": _("Give the value in yuan, e.g. 12.50.")})
    if not isinstance(quantity, int) or quantity < 1:
        raise ValidationError({"quantity": _("The quantity is at least 1.")})
    item = StockItem(
        store=store,
        pledge=pledge,
        category=category,
        description=description.strip()[:300],
        quantity=quantity,
        unit_value=value,
        received_on=received_on,
        received_by=actor,
    )
    return model_create(actor=actor, obj=item, detail={"pledge": pledge.pk if pledge else None})


def _moved(item: StockItem, kind: str) -> int:
    return item.movements.filter(kind=kind).aggregate(n=Coalesce(Sum("quantity"), 0))["n"]


def available(item: StockItem) -> int:
    """In the store now: received, less given, less lent and not yet returned."""
    return (
        item.quantity
        - _moved(item, MovementKind.GIVEN)
        - _moved(item, MovementKind.LENT)
        + _moved(item, MovementKind.RETURNED)
    )


@transaction.atomic
def stock_move(
    *,
    actor: User,
    item: StockItem,
    kind: str,
    quantity: int,
    date: dt.date | None = None,
    case: Case | None = None,
    programme: Programme | None = None,
) -> StockMovement:
    """Lend or give items to a child (whose case the caller has checked the actor may see) or a
    programme, or take lent items back."""
    item = StockItem.objects.select_for_update().get(pk=item.pk)
    date = date or timezone.localdate()
    if kind not in MovementKind.values:
        raise ValidationError({"kind": _("Choose lent, given or returned.")})
    if not isinstance(quantity, int) or quantity < 1:
        raise ValidationError({"quantity": _("The quantity is at least 1.")})
    if date > timezone.localdate() or date < item.received_on:
        raise ValidationError({"date": _("The date must be between the day it was received and today.")})
    if kind == MovementKind.RETURNED:
        out = _moved(item, MovementKind.LENT) - _moved(item, MovementKind.RETURNED)
        if quantity > out:
            raise ValidationError({"quantity": _("Only %(n)s are lent out.") % {"n": out}})
    else:
        if case is None and programme is None:
            raise ValidationError({"case": _("Say which child or programme receives it.")})
        if quantity > available(item):
            raise ValidationError({"quantity": _("Only %(n)s left in the store.") % {"n": available(item)}})
    movement = StockMovement.objects.create(
        item=item, kind=kind, quantity=quantity, date=date, case=case, programme=programme, recorded_by=actor
    )
    audit_log(
        action=AuditAction.CREATE,
        user=actor,
        obj=movement,
        detail={"case": case.pk if case else None, "programme": programme.pk if programme else None},
    )
    return movement


def stock_items(store: Store) -> QuerySet[StockItem]:
    given = Coalesce(Sum("movements__quantity", filter=Q(movements__kind=MovementKind.GIVEN)), 0)
    lent = Coalesce(Sum("movements__quantity", filter=Q(movements__kind=MovementKind.LENT)), 0)
    back = Coalesce(Sum("movements__quantity", filter=Q(movements__kind=MovementKind.RETURNED)), 0)
    return (
        store.items.select_related("pledge__member")
        .annotate(given_n=given, lent_n=lent, returned_n=back)
        .annotate(in_store=F("quantity") - F("given_n") - F("lent_n") + F("returned_n"))
        .order_by("-received_on", "-pk")
    )


def distributed_figures(start: dt.date, end: dt.date, *, scope: FigureScope = EVERYTHING) -> dict[str, Any]:
    """Books and goods given or lent in the period: items, their value in kind, children and programmes reached.
    ``scope``: to the cases in scope or the programmes its organisations run."""
    out = StockMovement.objects.filter(
        kind__in=[MovementKind.GIVEN, MovementKind.LENT], date__gte=start, date__lte=end
    ).filter(
        (Q(case__isnull=False) & scope.cases("case__"))
        | (Q(programme__isnull=False) & scope.organisations("programme__organisation_id"))
    )
    from django.db.models import Count, DecimalField, ExpressionWrapper

    totals = out.aggregate(
        items=Coalesce(Sum("quantity"), 0),
        books=Coalesce(Sum("quantity", filter=Q(item__category=ItemCategory.BOOKS)), 0),
        goods=Coalesce(Sum("quantity", filter=Q(item__category=ItemCategory.GOODS)), 0),
        value=Sum(
            ExpressionWrapper(
                F("quantity") * F("item__unit_value"), output_field=DecimalField(max_digits=14, decimal_places=2)
            ),
            filter=Q(kind=MovementKind.GIVEN),
        ),
        children=Count("case", distinct=True),
        programmes=Count("programme", distinct=True),
    )
    totals["value"] = str((totals["value"] or Decimal("0")).quantize(Decimal("0.01")))
    return totals
