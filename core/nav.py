from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.navigation import NavItem

NAV = [
    NavItem(_("首页"), "home", tuple(Role.values), order=0),
    NavItem(_("系统状态"), "health", (Role.ADMIN,), order=90),
    NavItem(_("审计日志"), "audit-log", (Role.ADMIN,), order=91),
]
