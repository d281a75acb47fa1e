from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.nav import NavItem

NAV = [
    NavItem(
        _("Service directory"), "organisations:directory", (Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER), order=40
    ),
]
