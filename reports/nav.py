from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.nav import NavItem

NAV = [
    NavItem(_("Dashboard"), "reports:dashboard", (Role.ADMIN, Role.MANAGER, Role.FUNDER), order=2),
    NavItem(_("Reports"), "reports:list", (Role.ADMIN, Role.MANAGER, Role.FUNDER), order=40),
]
