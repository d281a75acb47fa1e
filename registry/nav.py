from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.nav import NavItem

NAV = [
    NavItem(_("My children"), "registry:home", (Role.CHILDREN_DIRECTOR,), order=5),
    NavItem(_("My town"), "registry:town", (Role.CHILDREN_SUPERVISOR,), order=5),
    NavItem(_("Updates to review"), "registry:review", (Role.CHILDREN_SUPERVISOR,), order=6),
    NavItem(_("Register"), "registry:list", (Role.ADMIN, Role.MANAGER), order=35),
    NavItem(_("Areas served"), "registry:areas", (Role.ADMIN, Role.MANAGER), order=37),
    NavItem(_("Hotline"), "registry:hotline", (Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER), order=36),
    NavItem(
        _("Register report"),
        "registry:report",
        (Role.ADMIN, Role.MANAGER, Role.CHILDREN_SUPERVISOR, Role.FUNDER),
        order=70,
    ),
]
