"""The standard battery of the REST API (issue 18 item 6), shared by every ``tests/<app>/test_api_battery.py``.

Each module lists its app's routes as ``(methods, path)`` pairs, the path with ``{names}`` that the
module's ``world`` fixture fills, and gets from ``api_route_battery`` the two tests every route takes:
anonymous → 401 for every method it answers, and every other method → 405, nothing written either way.
``tests/api/test_api_battery_routes.py`` proves that together the modules list every route of /api/v1/.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model

from core.models import AuditAction, AuditEntry
from tests.battery import nothing_written, rows
from tests.planted import PLANTED_NAME
from tests.standard_checks import zh

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def send(client: Any, method: str, url: str, body: dict[str, Any] | None = None, **headers: Any) -> Any:
    """One JSON request (a GET's body is its query string)."""
    if method == "GET":
        return client.get(url, body or {}, **headers)
    return getattr(client, method.lower())(url, body or {}, format="json", **headers)


def written(*models: type[Model]) -> Callable[[], dict[str, int]]:
    """The row counts a refused request must leave as they were: ``models`` and the audit log (less its
    refusals: core.middleware audits every 403, path and method only)."""

    def counts() -> dict[str, int]:
        audit = AuditEntry.objects.exclude(action=AuditAction.PERMISSION_DENIED).count()
        return {**rows(*models), "AuditEntry": audit}

    return counts


def refusals() -> int:
    """How many 403s the audit log holds."""
    return AuditEntry.objects.filter(action=AuditAction.PERMISSION_DENIED).count()


def hidden(response: Any) -> None:
    """404, in the one shape for "missing" and "not yours", naming no child."""
    assert response.status_code == 404, (response.status_code, response.content[:300])
    assert PLANTED_NAME not in response.content.decode()


def refused_in_chinese(response: Any, field: str, msgid: str, **params: Any) -> None:
    """400 in the documented error shape (FieldErrors: a field's messages as a list), the message in
    Chinese for a caller who asked for it."""
    assert response.status_code == 400, (response.status_code, response.content[:300])
    errors = response.json()
    messages = errors[field]
    assert isinstance(messages, list), errors
    expected = chinese(msgid, **params)
    assert expected in messages, (messages, expected)


def chinese(msgid: str, **params: Any) -> str:
    """The Chinese of a product string, or of one of DRF's own (whose parameters are ``{braces}``)."""
    if "{" in msgid:
        return zh(msgid).format(**params)
    return zh(msgid, **params)


def _client(world: dict[str, Any], cast: Any, api_for: Any, name: str) -> Any:
    return api_for(world[name] if name in world else getattr(cast, name))  # the world's own cast first


def api_route_battery(
    routes: list[tuple[str, str]],
    *,
    stored: Callable[[], Any],
    actor: str,
    actors: dict[str, str] | None = None,
) -> Any:
    """Anonymous → 401 on every method of every route of ``routes``, and the cast member ``actor`` (or
    ``actors[path]``) gets 405 for every method a route does not answer; nothing is written. One test
    each over all the routes (one world to build, not one per route); a failure names the requests."""

    def test_anonymous_gets_401(world: dict[str, Any], api_for: Any) -> None:
        answers = {}
        with nothing_written(stored):
            for methods, path in routes:
                url = path.format(**world)
                answers |= {f"{m} {url}": send(api_for(None), m, url).status_code for m in methods.split()}
        assert answers == dict.fromkeys(answers, 401)

    def test_wrong_method_gets_405(world: dict[str, Any], cast: Any, api_for: Any) -> None:
        answers = {}
        with nothing_written(stored):
            for methods, path in routes:
                client = _client(world, cast, api_for, (actors or {}).get(path, actor))
                url = path.format(**world)
                answers |= {f"{m} {url}": send(client, m, url).status_code for m in METHODS if m not in methods.split()}
        assert answers == dict.fromkeys(answers, 405)

    return test_anonymous_gets_401, test_wrong_method_gets_405


def api_list_sizes(
    django_assert_num_queries: Any,
    client: Any,
    url: str,
    *,
    make: Callable[[int], Any],
    queries: int,
    sizes: tuple[int, int] = (2, 7),
) -> None:
    """``url`` lists ``sizes[0]`` rows, then ``sizes[1]`` (``make(n)`` adds n), in exactly ``queries``
    queries each time: no N+1, and one query more fails here."""
    make(sizes[0])
    client.get(url)  # warm-up: content types, the permission caches
    counts = []
    for added in (0, sizes[1] - sizes[0]):
        make(added)
        with django_assert_num_queries(queries):
            response = client.get(url, {"page_size": 50})
        assert response.status_code == 200, response.content[:300]
        counts.append(response.json()["count"])
        assert len(response.json()["results"]) == counts[-1], url
    assert counts[0] >= sizes[0] and counts[1] - counts[0] == sizes[1] - sizes[0], (url, counts)


NOT_IDS = ("abc", "0", "99999999999999999999")  # not a number, no such row, past a bigint


def api_id_battery(
    routes: list[tuple[str, str]],
    *,
    stored: Callable[[], Any],
    actor: str,
    actors: dict[str, str] | None = None,
) -> Any:
    """Every route with an id answers 404 — never a 500 — to every method it takes when the id is not a
    number, names no row, or overflows a bigint; nothing is written."""

    def test_an_id_that_names_nothing_is_404(world: dict[str, Any], cast: Any, api_for: Any) -> None:
        answers = {}
        with nothing_written(stored):
            for methods, path in routes:
                if "{" not in path:
                    continue
                client = _client(world, cast, api_for, (actors or {}).get(path, actor))
                for bad in NOT_IDS:
                    url = path.format(**{key: bad for key in world})
                    answers |= {f"{m} {url}": send(client, m, url).status_code for m in methods.split()}
        assert answers and answers == dict.fromkeys(answers, 404)

    return test_an_id_that_names_nothing_is_404
