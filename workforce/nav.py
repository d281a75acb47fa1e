from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.roles import MANAGERS
from core.nav import NavItem

NAV = [
    NavItem(_("Trainings"), "workforce:trainings", (Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER), order=41),
    NavItem(_("Case reviews"), "workforce:reviews", MANAGERS, order=42),
]
