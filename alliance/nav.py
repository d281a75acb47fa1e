from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.roles import PROJECT_STAFF
from core.nav import NavItem

NAV = [
    NavItem(_("My visits"), "alliance:my-visits", (Role.VOLUNTEER,), order=5),
    NavItem(_("Alliance"), "alliance:members", PROJECT_STAFF, order=28),
    NavItem(_("Meetings and trainings"), "alliance:events", PROJECT_STAFF, order=29),
]
