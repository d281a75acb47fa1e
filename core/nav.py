from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.navigation import NavItem

NAV = [
    NavItem(_("Home"), "home", tuple(Role.values), order=0),
    NavItem(_("System health"), "health", (Role.ADMIN,), order=90),
    NavItem(_("Audit log"), "audit-log", (Role.ADMIN,), order=91),
]
