"""Helpers of the standard battery (tests/<app>/test_battery.py): anonymous, wrong method, outsider, bad input."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db.models import Model
from django.utils import translation

LOGIN = "/accounts/login/"
# Not a real day: Django's parse_date raises ValueError for it (a 500 unless the view catches it).
NOT_A_DAY = "2026-02-30"


def zh(msgid: str, **params: Any) -> str:
    """The Chinese a person reads for a product string (a variable, so makemessages skips the tests)."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % params if params else text


def call(client: Any, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    return getattr(client, method.lower())(url, data or {})


def assert_sent_to_login(response: Any, url: str) -> None:
    assert response.status_code == 302, (url, response.status_code)
    assert response["Location"].startswith(f"{LOGIN}?next="), (url, response["Location"])


def messages_of(response: Any) -> list[str]:
    """The flash messages the response left for the next page (empty for a rendered page that read them)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def rows(*models: type[Model]) -> dict[str, int]:
    """How many rows each model holds: compared before and after a refused write."""
    return {model.__name__: model._default_manager.count() for model in models}


def snapshot(*objects: Model) -> list[dict[str, Any]]:
    """Every stored column of each object, re-read from the database."""
    return [type(obj)._default_manager.filter(pk=obj.pk).values().get() for obj in objects]


# The methods a route does not answer, by the methods it does: each must be 405.
WRONG_METHODS = {"GET": ("POST", "PUT", "DELETE"), "POST": ("GET", "PUT", "DELETE"), "GET POST": ("PUT", "DELETE")}


@contextmanager
def nothing_written(stored: Callable[[], Any]) -> Iterator[None]:
    """What ``stored()`` reads from the database is the same after the block as before it."""
    before = stored()
    yield
    assert stored() == before


def assert_all(answers: dict[str, int], status: int) -> None:
    """Every request of ``answers`` (a label → its status code) got ``status``; a failure names which."""
    assert answers == dict.fromkeys(answers, status)


def anonymous_is_sent_to_login(client: Any, methods: str, url: str, body: dict[str, Any]) -> None:
    for method in methods.split():
        assert_sent_to_login(call(client, method, url, body), url)


def wrong_methods_are_405(client: Any, methods: str, url: str) -> None:
    answers = {f"{method} {url}": call(client, method, url).status_code for method in WRONG_METHODS[methods]}
    assert_all(answers, 405)


def rows_shown_at_two_sizes(
    client: Any, url: str, *, make: Callable[[int], Any], key: str, queries: int, more: int, assert_num_queries: Any
) -> list[int]:
    """The page read with two rows, then with ``more`` rows added: the same ``queries`` both times (no
    N+1); returns how many rows ``context[key]`` held each time."""
    make(2)
    client.get(url)  # warm-up: the session, content types, permission ids
    shown = []
    for added in (0, more):
        make(added)
        with assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url
        shown.append(len(list(response.context[key])))
    return shown


def list_page_is_pinned(
    client: Any, url: str, page: tuple[Callable[[int], Any], str, int], *, more: int, assert_num_queries: Any
) -> int:
    """``page`` is (how n rows are made, the context key of the rows, the pinned queries): the page costs
    the same queries with two rows and with ``more`` added; returns how many more rows the second showed."""
    make, key, queries = page
    shown = rows_shown_at_two_sizes(
        client, url, make=make, key=key, queries=queries, more=more, assert_num_queries=assert_num_queries
    )
    return shown[1] - shown[0]


def route_battery(
    routes: list[tuple[str, str]],
    *,
    stored: Callable[[], Any],
    body: dict[str, Any],
    actor: str,
    actors: dict[str, str] | None = None,
) -> Any:
    """The two tests every page route gets, over ``routes`` ((allowed methods, path with {names}) pairs;
    the test module's ``world`` fixture gives the names): anonymous → the login page, and every other
    method → 405, nothing written either way. ``actor`` is the cast member who sends the wrong methods
    (``actors``: another one for some paths)."""

    ids = [path for _, path in routes]

    @pytest.mark.parametrize(("methods", "path"), routes, ids=ids)
    def anonymous(world: dict[str, Any], client_for: Any, methods: str, path: str) -> None:
        with nothing_written(stored):
            anonymous_is_sent_to_login(client_for(None), methods, path.format(**world), body)

    @pytest.mark.parametrize(("methods", "path"), routes, ids=ids)
    def wrong_method(world: dict[str, Any], cast: Any, client_for: Any, methods: str, path: str) -> None:
        user = getattr(cast, (actors or {}).get(path, actor))
        with nothing_written(stored):
            wrong_methods_are_405(client_for(user), methods, path.format(**world))

    return anonymous, wrong_method


def list_page_battery(
    pages: dict[str, tuple[str, Any, str, int]], *, more: int, beyond: dict[str, int] | None = None
) -> Any:
    """The query-count test of a module's list pages: ``pages`` maps a url (``{case}`` is the cast's
    case) to (the cast member who reads it, ``make(cast, n)`` adding n rows, the context key of the rows,
    the pinned number of queries). ``beyond``: rows a page shows besides those made (its own audit row)."""

    @pytest.mark.parametrize("url", list(pages))
    def test(url: str, cast: Any, client_for: Any, django_assert_num_queries: Any) -> None:
        role, make, key, queries = pages[url]
        page = (lambda n: make(cast, n), key, queries)
        added = list_page_is_pinned(
            client_for(cast.by_role()[role]),
            url.format(case=cast.case.pk),
            page,
            more=more,
            assert_num_queries=django_assert_num_queries,
        )
        assert added == more + (beyond or {}).get(url, 0), url  # the second size really shows more rows

    return test
