from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.nav import NavItem

NAV = [
    NavItem(_("Users"), "accounts:user-list", (Role.ADMIN, Role.MANAGER), order=80),
]
