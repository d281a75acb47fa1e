"""The default of every ``organisation`` foreign key, filled in by PostgreSQL.

A database default (not a Python one): a user, contract, case, Alliance member or referral saved
without an organisation belongs to the instance's default organisation — through the ORM, a bulk
insert or raw SQL alike — and building an unsaved model never queries. The function
``shouhu_default_organisation()`` (created by migration organisations 0001) returns the default
organisation's id, creating it the first time an empty database needs it.

This module imports nothing of the project: ``core.models`` uses it and ``organisations.models``
builds on ``core``. ``organisation_field`` is that foreign key, defined once for every model that has one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from organisations.models import Organisation

DEFAULT_ORGANISATION_NAME = "本机构"


class DefaultOrganisation(models.Func):
    """``shouhu_default_organisation()``: the id of the instance's default organisation."""

    function = "shouhu_default_organisation"
    template = "%(function)s()"
    output_field = models.BigIntegerField()

    def __init__(self) -> None:
        super().__init__()


def organisation_field(
    verbose_name: _StrOrPromise | None = None, *, related_name: str
) -> models.ForeignKey[Organisation, Organisation]:
    """The organisation a row belongs to: the instance's default when none is named
    (``DefaultOrganisation``), and an organisation that still owns rows is never deleted."""
    return models.ForeignKey(
        "organisations.Organisation",
        verbose_name=verbose_name or _("organisation"),
        db_default=DefaultOrganisation(),
        on_delete=models.PROTECT,
        related_name=related_name,
    )
