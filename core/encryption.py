"""Field encryption at rest: the most sensitive columns hold Fernet tokens, never the text.

A database dump, a backup or a replica shows ``fernet:gAAAA…`` where a child's ID number, a guardian's
phone or the account of what happened to the child would be. The application reads and writes plain
text as usual; only the column differs. Fernet (``cryptography``) is AES-128-CBC with an HMAC-SHA256,
so a changed token is refused, not misread.

Keys come from ``settings.SHOUHU_FIELD_KEYS`` (the environment's ``SHOUHU_FIELD_KEYS``, comma
separated, newest first): new values are encrypted with the first, every key is tried to read
(``MultiFernet``). To rotate: put a new key first, run ``manage.py encrypt_fields`` (re-encrypts every
row with the newest key), then remove the old key. The keys are separate from ``SECRET_KEY``, so
rotating one never makes the other's data unreadable.

An empty value stays empty: it tells only that nothing was recorded. The encrypted columns cannot be
searched or filtered by the database (every token differs, even for the same text): a lookup on one
is an error, except ``isnull`` and ``exact`` with "" (is anything recorded?). Nothing in Shouhu looks up
these columns; a field that must be matched exactly would need a keyed hash beside it (HMAC).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

# Every stored token starts with this: what is encrypted is told apart from text written before
# encryption (read as it is until `encrypt_fields` or the migration rewrites it).
PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("SHOUHU_FIELD_KEYS is empty: field encryption needs at least one key.")
    try:
        return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "SHOUHU_FIELD_KEYS: each key must be 32 url-safe base64-encoded bytes "
            '(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())").'
        ) from error


def field_keys() -> MultiFernet:
    return _fernet(tuple(settings.SHOUHU_FIELD_KEYS))


def is_encrypted(stored: object) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX)


def encrypt(text: str) -> str:
    """The stored form of ``text``: "" for "", else the prefix and a Fernet token under the newest key."""
    if not text:
        return text
    return PREFIX + field_keys().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    """The text of a stored value; text stored before encryption is returned as it is. A token no
    key opens raises ``InvalidToken``: a missing key must fail loudly, never read as empty."""
    if not is_encrypted(stored):
        return stored
    return field_keys().decrypt(stored[len(PREFIX) :].encode()).decode()


def rotate(stored: str) -> str:
    """``stored`` encrypted under the newest key (plain text is encrypted; "" stays "")."""
    if not stored:
        return stored
    if not is_encrypted(stored):
        return encrypt(stored)
    return PREFIX + field_keys().rotate(stored[len(PREFIX) :].encode()).decode()


ALLOWED_LOOKUPS = {"isnull", "exact"}


class EncryptedMixin:
    """Encrypts on the way into the database (saves, ``update()``, ``bulk_create``), decrypts on the
    way out. The column is ``text`` whatever the field's ``max_length`` (a token is ~4× the text),
    and ``max_length`` still validates the text the user typed."""

    encrypted = True

    def db_type(self, connection: Any) -> str:
        return "text"

    def cast_db_type(self, connection: Any) -> str:
        return "text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value) if isinstance(value, str) else value

    def seal(self, value: Any, model_instance: models.Model | None) -> Any:
        """What goes to the column for ``value`` (``model_instance`` is None for ``update()``)."""
        return encrypt(value) if isinstance(value, str) else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        return self.seal(super().pre_save(model_instance, add), model_instance)  # type: ignore[misc]

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        # A save has sealed the value in pre_save already; ``QuerySet.update()`` has not.
        if isinstance(value, str) and not is_encrypted(value):
            value = self.seal(value, None)
        return super().get_db_prep_save(value, connection)  # type: ignore[misc]

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ALLOWED_LOOKUPS:
            raise FieldError(
                f"{self.__class__.__name__} {getattr(self, 'name', '')!r} is encrypted: the database cannot "
                f"compare it ({lookup_name}). Compare in Python, or keep a keyed hash beside it."
            )
        return super().get_lookup(lookup_name)  # type: ignore[misc]

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]
        # Only "" (nothing recorded) and None can be compared; any other text would never match a token.
        if isinstance(value, str) and value and not is_encrypted(value):
            raise FieldError("An encrypted field can only be compared with '' or None.")
        return value


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class ConditionallyEncryptedTextField(models.TextField):
    """A text encrypted only on the rows where ``when(instance)`` holds, so the other rows stay
    searchable (an activity's summary is encrypted when the activity is sensitive). Rows changed by
    ``QuerySet.update()`` are written as given: use it only with text that is not sensitive."""

    def __init__(self, *args: Any, when: str = "", **kwargs: Any) -> None:
        self.when = when
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["when"] = self.when
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value) if isinstance(value, str) else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)
        # A text that merely looks like a token is sealed too, so reading it back cannot misfire.
        if isinstance(value, str) and (bool(getattr(model_instance, self.when)) or is_encrypted(value)):
            return encrypt(value)
        return value


def encrypted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The model's fields stored encrypted (always or on some rows)."""
    return [f for f in model._meta.concrete_fields if isinstance(f, (EncryptedMixin, ConditionallyEncryptedTextField))]


def check_field_keys(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """``manage.py check``: the keys open (a typo fails at start, not at the first read), and a
    deployment does not use the published development key."""
    from django.core.checks import Error

    try:
        field_keys()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="shouhu.E001")]
    if getattr(settings, "PRODUCTION", False) and settings.DEV_FIELD_KEY in settings.SHOUHU_FIELD_KEYS:
        return [Error("SHOUHU_FIELD_KEYS holds the published development key.", id="shouhu.E002")]
    return []


def rewrite_column(connection: Any, *, table: str, column: str, mode: str, only_where: str = "TRUE") -> int:
    """Rewrite one column's non-empty values in place: ``encrypt`` the plain ones (the data migration),
    ``decrypt`` the tokens (its reverse), or ``rotate`` every value to the newest key. Returns how many
    rows changed. ``table``, ``column`` and ``only_where`` come from code (model metadata), never input."""
    from psycopg2.extras import execute_values

    change = {"encrypt": encrypt, "decrypt": decrypt, "rotate": rotate}[mode]
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT id, "{column}" FROM "{table}" WHERE "{column}" <> \'\' AND ({only_where})'  # noqa: S608
        )
        rows = cursor.fetchall()
        wanted = {"encrypt": False, "decrypt": True}.get(mode)
        changed = [(pk, change(value)) for pk, value in rows if wanted is None or is_encrypted(value) == wanted]
        execute_values(
            cursor.cursor,
            f'UPDATE "{table}" AS t SET "{column}" = v.value FROM (VALUES %s) AS v(id, value) '  # noqa: S608
            "WHERE t.id = v.id",
            changed,
            page_size=1000,
        )
    return len(changed)


def column_rewriter(*columns: tuple[str, str, str], mode: str) -> Callable[[Any, Any], None]:
    """A ``RunPython`` function rewriting ``(table, column, only_where)`` columns (see ``rewrite_column``)."""

    def run(apps: Any, schema_editor: Any) -> None:
        for table, column, only_where in columns:
            rewrite_column(schema_editor.connection, table=table, column=column, mode=mode, only_where=only_where)

    return run


def row_filter(field: models.Field[Any, Any]) -> str:
    """The rows of ``field``'s table whose value is (to be) encrypted."""
    if isinstance(field, ConditionallyEncryptedTextField):
        when = field.model._meta.get_field(field.when)
        assert isinstance(when, models.Field)  # noqa: S101  (a model's own column, named in code)
        return f'"{when.column}" OR "{field.column}" LIKE \'{PREFIX}%\''
    return "TRUE"
