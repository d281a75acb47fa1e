"""The OpenAPI schema documents every status code an operation can answer (issue 10): drf-spectacular
describes the successes from the serializers; this hook adds the errors every endpoint shares, with
their bodies — 400 (a field's messages), 401, 403, 404, 409, 415, 429 and 503 (with ``Retry-After``)."""

from __future__ import annotations

from typing import Any

WRITES = {"post", "put", "patch"}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}


def _error(description: str, *, retry: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if retry:
        response["headers"] = RETRY_AFTER
    return response


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
            "required": ["detail"],
        },
    )
    schemas.setdefault(
        "FieldErrors",
        {
            "type": "object",
            "description": (
                "Each field's messages, in the caller's language (an object for a nested field or a list's items); "
                "non_field_errors for the body as a whole; detail when the body could not be read at all."
            ),
            "properties": {
                "detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                "code": {"type": "string", "description": "A machine-readable reason, where there is one."},
                "non_field_errors": {"type": "array", "items": {"type": "string"}},
            },
            "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]},
        },
    )
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete", "head", "options"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                # An error a view declares with only its description (OpenApiResponse) gets the shared body.
                if code[:1] in "45" and "content" not in response:
                    response.update(_error(response.get("description", ""), retry=code in {"429", "503"}))
            paginated = any(p.get("in") == "query" and p.get("name") == "page" for p in operation.get("parameters", []))
            if method in WRITES or any(p.get("in") == "query" for p in operation.get("parameters", [])):
                responses.setdefault(
                    "400",
                    {
                        "description": "The body or a parameter is not valid; nothing was changed.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FieldErrors"}}},
                    },
                )
            responses.setdefault("401", _error("Not signed in, or the token expired or was revoked."))
            responses.setdefault("403", _error("Signed in, but this role may not do this."))
            if "{" in path:
                responses.setdefault("404", _error("No such record, or one the caller may not see (the same answer)."))
            elif paginated:
                responses.setdefault("404", _error("No such page: page is past the last one."))
            if method in WRITES:
                responses.setdefault(
                    "415", _error("The body is not JSON, a form or multipart (or could not be read as one).")
                )
            if method in WRITES or method == "delete":
                responses.setdefault(
                    "409",
                    _error("Someone else changed the record since it was read, or it conflicts with existing data."),
                )
            responses.setdefault(
                "429", _error("Too many requests or failed logins: wait Retry-After seconds.", retry=True)
            )
            responses.setdefault("503", _error("The database is unreachable for a moment: try again.", retry=True))
    return result
