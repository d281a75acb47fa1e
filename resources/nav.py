from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.nav import NavItem

NAV = [
    NavItem(_("Requests to me"), "resources:my-requests", (Role.PLEDGER,), order=5),
    NavItem(_("Promises"), "resources:pledges", (Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER), order=30),
]
