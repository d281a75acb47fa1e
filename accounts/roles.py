"""Roles: the codes, the role sets the apps share, and each role's group of model permissions.

Every check of "who is this" uses these names (``PROJECT_STAFF``, ``MANAGERS``, ``case_workers()``,
``may_lead_cases``); no module spells a role set of its own.

Each app declares ``ROLE_PERMISSIONS = {role: ["app_label.codename", ...]}`` in its
``permissions.py``; the groups are created by migration 0002 and their permissions kept in
step after every migrate (permissions themselves only exist after post_migrate).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from typing import TYPE_CHECKING, Any

from django.apps import apps as global_apps
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.project_apps import PROJECT_APPS

if TYPE_CHECKING:
    from accounts.models import User

log = logging.getLogger(__name__)


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Project manager")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    REFERRER = "referrer", _("Referrer")
    PLEDGER = "pledger", _("Pledger")
    VOLUNTEER = "volunteer", _("Volunteer")
    FUNDER = "funder", _("Funder")
    CHILDREN_DIRECTOR = "children_director", _("Children director")
    CHILDREN_SUPERVISOR = "children_supervisor", _("Children supervisor")


# The NGO's own people: they see the Alliance, the triage queue, Promise First and (their) cases.
PROJECT_STAFF = (Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER)
# Those who see every case, assign, approve and close.
MANAGERS = (Role.ADMIN, Role.MANAGER)
# Those who read the anonymised figures and the funder reports.
REPORT_READERS = (Role.ADMIN, Role.MANAGER, Role.FUNDER)
# Those offered as a case's lead worker (or a referral's, a member's responsible worker).
CASE_WORKERS = (Role.SOCIAL_WORKER, Role.MANAGER)


def managers_of(organisation_id: Any) -> list[User]:
    """The active managers of one organisation (who answer transfers and access requests)."""
    from accounts.models import User

    return list(User.objects.filter(organisation_id=organisation_id, role=Role.MANAGER, is_active=True))


def case_workers(organisation_id: Any = None) -> QuerySet[User]:
    """Active social workers and managers: the people a case, a referral or a member may be given to
    (of one organisation when ``organisation_id`` is given)."""
    from accounts.models import User

    workers = User.objects.filter(role__in=CASE_WORKERS, is_active=True)
    if organisation_id is not None:
        workers = workers.filter(organisation_id=organisation_id)
    return workers


def case_workers_for(user: Any) -> QuerySet[User]:
    """The lead workers ``user`` may choose: their organisation's (an admin: anyone's)."""
    if getattr(user, "is_authenticated", False) and user.has_role(Role.ADMIN):
        return case_workers()
    return case_workers(getattr(user, "organisation_id", None) or 0)


def is_project_staff(user: Any) -> bool:
    """An active admin, manager or social worker; False for an anonymous user."""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*PROJECT_STAFF))


def may_lead_cases(user: User | None) -> bool:
    """An active social worker or manager; an admin too (who may open a case for themselves)."""
    return user is not None and user.is_active and user.has_role(*CASE_WORKERS, Role.ADMIN)


ROLE_APPS = PROJECT_APPS


def collected_role_permissions() -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {role: set() for role in Role.values}
    for label in ROLE_APPS:
        if importlib.util.find_spec(f"{label}.permissions") is None:
            continue
        module = importlib.import_module(f"{label}.permissions")
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            wanted[role].update(perms)
    return wanted


def sync_role_groups(apps: Any = global_apps) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = collected_role_permissions()
    all_perms = {
        f"{app}.{code}": pk
        for pk, app, code in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    for role in Role.values:
        group, _ = Group.objects.get_or_create(name=role)
        if role == Role.ADMIN:
            ids = set(all_perms.values())
        else:
            ids = {all_perms[p] for p in wanted[role] if p in all_perms}
            missing = wanted[role] - set(all_perms)
            if missing:
                log.debug("role %s: permissions not (yet) defined: %s", role, sorted(missing))
        group.permissions.set(ids)


def sync_role_groups_after_migrate(**kwargs: Any) -> None:
    sync_role_groups()
