"""The standard battery's shared checks (issue 18 item 6): the Chinese of a product string, the anonymous
visitor sent to the login page, and a list pinned to one exact number of queries at two sizes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# One definition each, in the page battery's helpers; re-exported for the batteries that import them from here.
from tests.battery import LOGIN, assert_sent_to_login, zh

__all__ = [
    "LOGIN",
    "answers_to_other_methods",
    "api_list_pinned",
    "assert_pinned_queries",
    "assert_sent_to_login",
    "numbered",
    "zh",
]


def assert_pinned_queries(
    django_assert_num_queries: Any,
    *,
    fetch: Callable[[], Any],
    grow: Callable[[int], None],
    rows: Callable[[Any], int],
    expected: int,
    sizes: tuple[int, int] = (2, 7),
) -> None:
    """``fetch()`` answers in exactly ``expected`` queries with ``sizes[0]`` rows and again with
    ``sizes[1]``: no query per row (N+1), and one more query for everyone fails here. ``grow(n)`` adds n
    rows; ``rows(response)`` counts the rows the answer shows, so the second size is really shown."""
    grow(sizes[0])
    shown = sizes[0]
    fetch()  # warm-up: content types, the permission caches
    for size in sizes:
        grow(size - shown)
        shown = size
        with django_assert_num_queries(expected):
            response = fetch()
        assert response.status_code == 200, response.content[:500]
        assert rows(response) == size, (rows(response), size)


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def answers_to_other_methods(client: Any, url: str, allowed: str) -> dict[str, int]:
    """What ``url`` answers to every method it does not take (``allowed``: "GET POST"): all 405."""
    return {m: getattr(client, m.lower())(url).status_code for m in METHODS if m not in allowed.split()}


def api_list_pinned(
    django_assert_num_queries: Any, client: Any, url: str, expected: int, sizes: tuple[int, int]
) -> None:
    """A list endpoint answers in exactly ``expected`` queries at both page sizes, each page full."""
    client.get(url, {"page_size": sizes[0]})  # warm-up
    for size in sizes:
        with django_assert_num_queries(expected):
            response = client.get(url, {"page_size": size})
        assert response.status_code == 200, response.content[:500]
        assert len(response.json()["results"]) == size, (url, size)


def numbered(prefix: str) -> Callable[[Any], int]:
    """Counts the distinct ``<prefix><n>`` a page shows (the rows a test made, each named with a number)."""
    import re

    return lambda response: len(set(re.findall(re.escape(prefix) + r"\d+", response.content.decode())))
