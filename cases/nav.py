from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.nav import NavItem

NAV = [
    NavItem(_("My caseload"), "cases:caseload", (Role.SOCIAL_WORKER,), order=10),
    NavItem(_("Caseloads"), "cases:caseload", (Role.ADMIN, Role.MANAGER), order=10),
    NavItem(_("Search cases"), "cases:search", (Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER), order=12),
    NavItem(_("Approvals"), "cases:approvals-page", (Role.ADMIN, Role.MANAGER), order=11),
    NavItem(_("New case"), "cases:create", (Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER), order=14),
]
