from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.nav import NavItem

NAV = [
    NavItem(_("Refer a child"), "referrals:new", (Role.REFERRER,), order=5),
    NavItem(_("My referrals"), "referrals:mine", (Role.REFERRER,), order=6),
    NavItem(_("Triage queue"), "referrals:queue", (Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER), order=8),
    NavItem(_("Enter a referral"), "referrals:new", (Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER), order=16),
]
