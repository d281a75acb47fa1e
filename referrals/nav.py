from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.roles import PROJECT_STAFF
from core.nav import NavItem

NAV = [
    NavItem(_("Refer a child"), "referrals:new", (Role.REFERRER,), order=5),
    NavItem(_("My referrals"), "referrals:mine", (Role.REFERRER,), order=6),
    NavItem(_("Triage queue"), "referrals:queue", PROJECT_STAFF, order=8),
    NavItem(_("Enter a referral"), "referrals:new", PROJECT_STAFF, order=16),
]
