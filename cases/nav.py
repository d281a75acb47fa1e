from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.roles import MANAGERS, PROJECT_STAFF
from core.nav import NavItem

NAV = [
    NavItem(_("My caseload"), "cases:caseload", (Role.SOCIAL_WORKER,), order=10),
    NavItem(_("Caseloads"), "cases:caseload", MANAGERS, order=10),
    NavItem(_("Search cases"), "cases:search", PROJECT_STAFF, order=12),
    NavItem(_("Approvals"), "cases:approvals-page", MANAGERS, order=11),
    NavItem(_("New case"), "cases:create", PROJECT_STAFF, order=14),
    NavItem(_("Transfers"), "cases:transfers", MANAGERS, order=15),
    NavItem(_("Access to a case"), "cases:access", PROJECT_STAFF, order=16),
]
