from django.utils.translation import gettext_lazy as _

from accounts.roles import MANAGERS
from core.nav import NavItem

NAV = [
    NavItem(_("Users"), "accounts:user-list", MANAGERS, order=80),
]
