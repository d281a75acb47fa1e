from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.nav import NavItem

NAV = [
    NavItem(_("My visits"), "alliance:my-visits", (Role.VOLUNTEER,), order=5),
    NavItem(_("Alliance"), "alliance:members", (Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER), order=28),
    NavItem(_("Meetings and trainings"), "alliance:events", (Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER), order=29),
]
