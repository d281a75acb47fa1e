"""Content Security Policy: every response carries it, it allows no inline script or style, and no
template (nor any rendered page) holds an inline script, style or event handler the policy would block."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
# Rendered only into PDFs by WeasyPrint, never served to a browser: no policy applies to them.
PDF_ONLY = {"alliance/templates/alliance/certificate.html", "reports/templates/reports/pdf.html"}

INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"""\sstyle\s*=\s*["']""", re.I),
    "event handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def inline_code(html: str) -> list[str]:
    return [f"{what}: {m.group(0)[:60]}" for what, rx in INLINE.items() for m in rx.finditer(html)]


def served_templates() -> list[str]:
    files = subprocess.run(["git", "ls-files", "*.html"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [f for f in files.stdout.split() if not f.startswith("static/") and f not in PDF_ONLY]


def test_policy_allows_no_inline_script_or_style():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for directive in ("script-src", "style-src", "default-src"):
        assert directives[directive] == ["'self'"], directive
    assert "'unsafe-eval'" not in str(directives)
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_the_scan_finds_what_a_template_might_add():
    assert len(inline_code('<script>alert(1)</script><div style="x"><a onclick="y" href="javascript:z">')) == 4
    assert inline_code("<style>.a{}</style>") == ["<style> element: <style"]
    assert inline_code('<script src="/static/js/shouhu.js" defer></script><div data-style="x">') == []


def test_no_template_holds_an_inline_script_or_style():
    templates = served_templates()
    assert len(templates) > 50
    found = {path: inline_code((ROOT / path).read_text()) for path in templates}
    assert {path: hits for path, hits in found.items() if hits} == {}


def _get_routes() -> list[str]:
    """Every route of the project that takes no argument."""
    routes: list[str] = []

    def literal(pattern) -> str | None:
        text = str(pattern)
        if text.startswith("^"):  # a regex pattern (DRF's router): only plain literals
            text = text[1:].removesuffix("$")
            if any(c in text for c in "()[]?*+\\"):
                return None
        return None if "<" in text else text

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            part = literal(p.pattern)
            if part is None:
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + part)
            elif isinstance(p, URLPattern):
                routes.append("/" + prefix + part)

    walk(get_resolver().url_patterns, "")
    return sorted(set(routes))


def test_every_response_carries_the_policy_and_pages_hold_no_inline_code(cast, client_for):
    routes = [r for r in _get_routes() if not r.startswith("/admin/")]
    assert "/accounts/login/" in routes and "/api/v1/cases/" in routes
    seen = 0
    for client in (Client(), client_for(cast.manager), client_for(cast.worker), client_for(cast.referrer)):
        for route in [*routes, "/no-such-page/"]:
            response = client.get(route)
            policy = response.headers.get("Content-Security-Policy", "")
            assert "script-src 'self'" in policy, (route, response.status_code)
            assert "style-src 'self'" in policy, route
            assert "unsafe-inline" not in policy, route
            if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
                assert inline_code(response.content.decode()) == [], (route, response.status_code)
            seen += 1
    assert seen > 100


def test_error_pages_carry_the_policy(cast, client_for):
    response = client_for(cast.worker).get(f"/cases/{cast.case.pk + 1000}/")
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert inline_code(response.content.decode()) == []
