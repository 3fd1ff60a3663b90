"""A text field stored encrypted (Fernet tokens) and handled as plaintext in Python.

Lookups on it are refused: equal plaintexts encrypt to different tokens, so a filter would
silently match nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from connections.encryption import decrypt, encrypt


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest with FIELD_ENCRYPTION_KEYS"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ("isnull",):
            raise TypeError(f"Encrypted fields cannot be filtered with '{lookup_name}'.")
        return super().get_lookup(lookup_name)
