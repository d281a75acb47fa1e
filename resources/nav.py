from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.roles import PROJECT_STAFF
from core.nav import NavItem

NAV = [
    NavItem(_("Requests to me"), "resources:my-requests", (Role.PLEDGER,), order=5),
    NavItem(_("Promises"), "resources:pledges", PROJECT_STAFF, order=30),
]
