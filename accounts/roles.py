"""Role groups and their model permissions.

Each app declares ``ROLE_PERMISSIONS = {role: ["app_label.codename", ...]}`` in its
``permissions.py``; the groups are created by migration 0002 and their permissions kept in
step after every migrate (permissions themselves only exist after post_migrate).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from typing import Any

from django.apps import apps as global_apps

from accounts.models import Role

log = logging.getLogger(__name__)

ROLE_APPS = (
    "core",
    "accounts",
    "alliance",
    "cases",
    "referrals",
    "resources",
    "programmes",
    "registry",
    "notifications",
    "reports",
)


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
