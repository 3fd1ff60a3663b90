"""Field encryption with MultiFernet: the first key in FIELD_ENCRYPTION_KEYS encrypts, every key decrypts.

Rotating keys = put the new key first, keep the old ones after it, run `manage.py rotate_encryption_keys`,
then drop the old keys once that command reports every row re-encrypted.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """No configured key decrypts this value (a key was removed before rotation finished)."""


@lru_cache(maxsize=4)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty; set at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key (32 url-safe base64-encoded bytes). "
            "Generate one with: "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from exc


def fernet() -> MultiFernet:
    return _multi_fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("No key in FIELD_ENCRYPTION_KEYS decrypts this value.") from exc


def rotate(token: str) -> str:
    """The token re-encrypted with the first (current) key."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("No key in FIELD_ENCRYPTION_KEYS decrypts this value.") from exc


def mask(secret: str | None) -> str:
    """What a merchant or staff member may see of a secret: its last four characters."""
    if not secret:
        return ""
    return f"•••• {secret[-4:]}" if len(secret) > 8 else "••••"
