from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.nav import NavItem

NAV = [
    NavItem(_("Multi-agency cases"), "multiagency:list", (Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER), order=22),
]
