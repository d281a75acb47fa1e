from __future__ import annotations

from typing import Any, Callable

from django.db import connection


class QueryCountMiddleware:
    """X-Queries: how many SQL statements the request ran (every statement, middleware included)."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response["X-Queries"] = str(count[0])
        return response
