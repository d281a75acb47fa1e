"""The public API contract (``shared/api-v1.md``) in its own words: it lists a resource's fields as
"id, name, sex, …"; a test compares what the API answers with that list, not with the serializer's."""

from __future__ import annotations


def fields(listing: str) -> list[str]:
    """``"id, name, sex"`` → ``["id", "name", "sex"]``, in the contract's order."""
    return [name.strip() for name in listing.split(",")]
