"""core.encryption's helpers: what is stored for a text, that text written before encryption is read
as it is, that a token no key opens fails loudly, and that rotation moves a token to the newest key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured

from core import encryption
from core.encryption import PREFIX, decrypt, encrypt, is_encrypted, rotate

TEXT = "孩子说出了受害经过"


def test_a_text_is_stored_as_a_prefixed_token_that_decrypts_to_it():
    stored = encrypt(TEXT)
    assert stored.startswith(PREFIX) and TEXT not in stored
    assert is_encrypted(stored) and decrypt(stored) == TEXT
    assert encrypt(TEXT) != stored  # a fresh token each time: equal texts do not look equal


def test_nothing_stays_nothing_and_plain_text_reads_as_it_is():
    assert encrypt("") == "" and rotate("") == ""
    assert decrypt(TEXT) == TEXT and not is_encrypted(TEXT)
    assert not is_encrypted(None) and not is_encrypted(123)


def test_a_token_no_key_opens_raises_instead_of_reading_empty(settings):
    stored = encrypt(TEXT)
    settings.SHOUHU_FIELD_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(InvalidToken):
        decrypt(stored)


def test_rotation_moves_a_token_and_plain_text_to_the_newest_key(settings):
    old_key = settings.SHOUHU_FIELD_KEYS[0]
    stored = encrypt(TEXT)
    new_key = Fernet.generate_key().decode()
    settings.SHOUHU_FIELD_KEYS = [new_key, old_key]
    assert decrypt(stored) == TEXT  # the old key still reads it
    rotated, plain_rotated = rotate(stored), rotate(TEXT)
    settings.SHOUHU_FIELD_KEYS = [new_key]
    assert decrypt(rotated) == TEXT and decrypt(plain_rotated) == TEXT
    with pytest.raises(InvalidToken):
        decrypt(stored)


def test_no_key_or_a_malformed_key_is_a_configuration_error(settings):
    encryption._fernet.cache_clear()
    for keys in ([], ["not-a-fernet-key"]):
        settings.SHOUHU_FIELD_KEYS = keys
        with pytest.raises(ImproperlyConfigured):
            encrypt(TEXT)
