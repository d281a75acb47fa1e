"""The project's own apps, named once: settings install them (with ``demo`` on top), ``accounts.roles``
reads their menus and role permissions, ``scripts/i18n.py`` keeps their message catalogues. No Django
import here: settings read it before the apps load."""

PROJECT_APPS = (
    "core",
    "accounts",
    "organisations",
    "alliance",
    "cases",
    "referrals",
    "resources",
    "programmes",
    "multiagency",
    "workforce",
    "registry",
    "notifications",
    "reports",
)
