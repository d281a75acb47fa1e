"""Every route of /api/v1/ has its standard battery (issue 18 item 6): the ``ROUTES`` of the
``tests/<app>/test_api_battery.py`` modules together list each route once, with exactly the methods it
answers. A new endpoint or action without a battery — or a battery naming a method the route no longer
takes — fails here."""

from __future__ import annotations

import importlib
import re

from django.urls import URLPattern, URLResolver

from config.urls import api_v1

APPS = [
    "accounts", "alliance", "cases", "core", "multiagency", "notifications", "organisations", "programmes",
    "referrals", "registry", "reports", "resources", "workforce",
]  # fmt: skip
# Not resources: the schema and its docs (tests/api/test_schema_*), and the login (accounts' battery
# tests it apart: it is open to anonymous callers).
ELSEWHERE = {"schema/", "docs/", "auth/token/"}
VIEW_METHODS = ("get", "post", "put", "patch", "delete")


def _shape(path: str) -> str:
    """``^cases/(?P<pk>[^/.]+)/assign/$`` and ``/api/v1/cases/{case}/assign/`` → ``cases/{}/assign/``."""
    path = path.removeprefix("/api/v1/").lstrip("^").rstrip("$")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "{}", path)
    path = re.sub(r"\{\w+\}", "{}", path)
    return path.replace("\\.", ".")


def _served() -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}

    def walk(patterns: list, prefix: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            assert isinstance(pattern, URLPattern)
            path = _shape(prefix + str(pattern.pattern))
            if "format" in path or path in ELSEWHERE:
                continue
            callback = pattern.callback
            actions = getattr(callback, "actions", None)
            if actions is not None:
                # (DRF adds "head" to a viewset's actions at its first request: only the five count)
                allowed = set(getattr(callback.cls, "http_method_names", VIEW_METHODS)) & set(VIEW_METHODS)
                methods = {m.upper() for m in actions if m in allowed}
            else:
                methods = {m.upper() for m in VIEW_METHODS if hasattr(callback.view_class, m)}
            routes.setdefault(path, set()).update(methods)

    walk(api_v1)
    return routes


def _battered() -> dict[str, set[str]]:
    listed: dict[str, set[str]] = {}
    for app in APPS:
        module = importlib.import_module(f"tests.{app}.test_api_battery")
        for methods, path in module.ROUTES:
            shape = _shape(path)
            assert shape not in listed, f"{shape} is listed twice"
            listed[shape] = set(methods.split())
    # reports/registry/ is the register's report: tests/registry/test_battery.py gives it anonymous and 405
    listed.setdefault("reports/registry/", {"GET"})
    return listed


def test_every_api_route_has_its_battery_with_the_methods_it_answers():
    served, battered = _served(), _battered()
    assert sorted(set(served) - set(battered)) == [], "routes without a battery"
    assert sorted(set(battered) - set(served)) == [], "batteries of routes that do not exist"
    wrong = {
        path: (sorted(battered[path]), sorted(methods)) for path, methods in served.items() if battered[path] != methods
    }
    assert wrong == {}, "battery methods differ from what the route answers"
