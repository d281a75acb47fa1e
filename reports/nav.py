from django.utils.translation import gettext_lazy as _

from accounts.roles import REPORT_READERS
from core.nav import NavItem

NAV = [
    NavItem(_("Dashboard"), "reports:dashboard", REPORT_READERS, order=2),
    NavItem(_("Reports"), "reports:list", REPORT_READERS, order=40),
]
