"""The default of every ``organisation`` foreign key, filled in by PostgreSQL.

A database default (not a Python one): a user, contract, case, Alliance member or referral saved
without an organisation belongs to the instance's default organisation — through the ORM, a bulk
insert or raw SQL alike — and building an unsaved model never queries. The function
``shouhu_default_organisation()`` (created by migration organisations 0001) returns the default
organisation's id, creating it the first time an empty database needs it.

This module imports nothing of the project: ``core.models`` uses it and ``organisations.models``
builds on ``core``.
"""

from __future__ import annotations

from django.db import models

DEFAULT_ORGANISATION_NAME = "本机构"


class DefaultOrganisation(models.Func):
    """``shouhu_default_organisation()``: the id of the instance's default organisation."""

    function = "shouhu_default_organisation"
    template = "%(function)s()"
    output_field = models.BigIntegerField()

    def __init__(self) -> None:
        super().__init__()
