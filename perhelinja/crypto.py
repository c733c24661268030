"""Field encryption for identity codes, with keys from the environment (cryptography's Fernet).

`FIELD_ENCRYPTION_KEYS` holds one or more comma-separated Fernet keys: the first encrypts, all
decrypt, so a key is rotated by putting the new one first and re-saving (`manage.py
rotate_field_keys`). Without keys, a development key is derived from SECRET_KEY in DEBUG only.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str, debug: bool) -> MultiFernet:
    if not keys:
        if not debug:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off")
        derived = hashlib.sha256(("perhelinja-dev-field-key:" + secret_key).encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY, settings.DEBUG)


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with the configured FIELD_ENCRYPTION_KEYS"
        ) from None


class EncryptedCharField(models.TextField):
    """A short text stored encrypted; Python sees the plain value, the database the token.

    Empty stays empty (so "no identity code" is not a secret). Not searchable by design.
    """

    def __init__(self, *args, plain_max_length: int = 100, **kwargs):
        self.plain_max_length = plain_max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["plain_max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"max_length": self.plain_max_length, **kwargs})
