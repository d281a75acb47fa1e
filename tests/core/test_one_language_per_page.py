"""Every page reads in one language (issue 14, item 8): each role's menu pages (and a case, a referral and
a register file), rendered in English and in Chinese by the test client; no Han characters on the English
page and no run of English words on the Chinese page, except what people typed (every text stored in the
database) and the language menu, which names each language in its own."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from programmes import services as programme_services
from tests.factories import ReferralFactory
from tests.registry.conftest import build_register

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# Three or more English words in a row (codes like "R-2026-0001" or "PDF" alone are not words in a row),
# or a lower-case word alone: a code or a model's name that leaked ("with_one_parent", "child 31").
ENGLISH_RUN = re.compile(
    r"\b[A-Za-z][a-z]+(?:[ ,'’-]+[A-Za-z][a-z]+){2,}\b|(?<![A-Za-z0-9_@.:/-])[a-z][a-z_]{2,}(?![A-Za-z0-9_@.:/-])"
)
ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
SKIPPED = ("/accounts/logout/", "/api/")


class _Visible(HTMLParser):
    """What a reader sees or hears: text outside script and style, and the attributes read aloud; not
    the parts marked as another language (the language menu's ``lang`` options)."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.skip: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        other = (values.get("lang") or self.language)[:2] != self.language[:2]
        if tag in ("script", "style", "template") or other or self.skip:
            if tag not in ("input", "br", "img", "meta", "link", "hr"):
                self.skip.append(tag)
            return
        self.parts += [values[name] or "" for name in ATTRIBUTES if values.get(name)]
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if self.skip and self.skip[-1] == tag:
            self.skip.pop()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str, language: str) -> list[str]:
    parser = _Visible(language)
    parser.feed(html)
    return [" ".join(part.split()) for part in parser.parts if part.strip()]


def stored_texts() -> list[str]:
    """Every text the database holds (names, places, notes, codes), longest first: what people typed."""
    found: set[str] = set()
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        if not fields or model._meta.app_label in ("sessions", "admin", "contenttypes", "auth"):
            continue
        for row in model._default_manager.values_list(*fields):
            found.update(str(value) for value in row if value and len(str(value)) > 1)
    return sorted(found, key=len, reverse=True)


def without_data(text: str, data: list[str]) -> str:
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return text


def foreign_words(text: str, language: str) -> list[str]:
    return HAN.findall(text) if language == "en" else ENGLISH_RUN.findall(text)


@pytest.fixture
def town(cast):
    """Something true on the pages: a referral, a register, a programme session, an urgent notice."""
    today = timezone.localdate()
    referral = ReferralFactory(location=cast.village, created_by=cast.referrer, urgency="immediate")
    programme = programme_services.programme_create(
        actor=cast.manager, kind="after_school_class", title="四点半课堂", starts_on=today, facilitators=[cast.worker]
    )
    programme_services.enrolment_add(actor=cast.manager, programme=programme, case=cast.case, joined_on=today)
    register = build_register(cast)
    return {"referral": referral, "register": register}


NAV_HREF = re.compile(r'<a class="nav-link[^"]*" href="(/[^"]*)"')


def _pages_of(client: Any) -> list[str]:
    home = client.get("/", follow=True)
    links = NAV_HREF.findall(home.content.decode())
    return list(dict.fromkeys(["/", *links]))


def test_every_page_of_every_role_reads_in_one_language(cast, client_for, town):
    roles = {
        "worker": (cast.worker, [f"/cases/{cast.case.pk}/", f"/cases/{cast.case.pk}/visit/"]),
        "manager": (cast.manager, [f"/referrals/{town['referral'].pk}/"]),
        "referrer": (cast.referrer, ["/referrals/new/"]),
        "volunteer": (cast.volunteer, []),
        "pledger": (cast.pledger, []),
        "funder": (cast.funder, []),
        "admin": (cast.admin, []),
        "director": (town["register"].director, ["/registry/new/"]),
    }
    data = stored_texts()
    found: dict[str, list[str]] = {}
    checked = 0
    for role, (user, extra) in roles.items():
        client = client_for(user)
        for url in dict.fromkeys([*_pages_of(client), *extra]):
            if url.startswith(SKIPPED):
                continue
            for language in ("en", "zh-hans"):
                response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
                if "text/html" not in response.get("Content-Type", ""):
                    continue
                assert response.status_code == 200, (role, url, response.status_code)
                checked += 1
                words = [
                    word
                    for part in visible_text(response.content.decode(), language)
                    for word in foreign_words(without_data(part, data), language)
                ]
                if words:
                    found[f"{role} {language} {url}"] = sorted(set(words))
    assert checked >= 60, checked
    assert not found, "text in the other language:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())
