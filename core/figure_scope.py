"""Whose figures a report counts: an organisation's (its manager), the contracts a funder funds, or
the whole instance (an admin). Built by ``reports.permissions.figure_scope_for(user)``; each figure
applies it to its own rows with ``cases(prefix)`` / ``organisations(field)``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class FigureScope:
    organisation_ids: tuple[int, ...] | None = None  # None: every organisation
    contract_ids: tuple[int, ...] | None = None  # None: every contract of those organisations

    @property
    def key(self) -> str:
        """For cache keys: the scope in a few characters."""
        orgs = "-" if self.organisation_ids is None else ",".join(map(str, self.organisation_ids))
        contracts = "-" if self.contract_ids is None else ",".join(map(str, self.contract_ids))
        return f"o{orgs}c{contracts}"

    def cases(self, prefix: str = "") -> Q:
        """Rows of cases in scope (``prefix`` is the path to the case, e.g. ``"case__"``)."""
        q = Q()
        if self.contract_ids is not None:
            q &= Q(**{f"{prefix}contract_id__in": self.contract_ids})
        if self.organisation_ids is not None:
            q &= Q(**{f"{prefix}organisation_id__in": self.organisation_ids})
        return q

    def organisations(self, field: str = "organisation_id") -> Q:
        """Rows belonging to an organisation in scope."""
        return Q() if self.organisation_ids is None else Q(**{f"{field}__in": self.organisation_ids})


EVERYTHING = FigureScope()
