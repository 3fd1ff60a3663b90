"""Re-encrypt every encrypted value with the first key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first, keep the old ones after it, deploy, run this command; when it
reports every value on the current key, remove the old keys.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection as db_connection
from django.db import models, transaction

from audit.models import AuditAction
from audit.services import audit_record
from connections.fields import EncryptedTextField

BATCH = 500


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def values_not_on_current_key(model: type[models.Model], field_names: list[str]) -> int:
    """Counts stored tokens the first key cannot decrypt, reading the raw column values."""
    current = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    columns = ", ".join(
        db_connection.ops.quote_name(str(getattr(model._meta.get_field(n), "column", n))) for n in field_names
    )
    stale = 0
    with db_connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {db_connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        for row in cursor.fetchall():
            for token in row:
                if token:
                    try:
                        current.decrypt(token.encode())
                    except InvalidToken:
                        stale += 1
    return stale


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the first key in FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model, names in encrypted_fields():
            pks = list(model._default_manager.values_list("pk", flat=True).order_by("pk"))
            for start in range(0, len(pks), BATCH):
                with transaction.atomic():
                    # Reading decrypts with any configured key; saving encrypts with the first one.
                    for obj in model._default_manager.select_for_update().filter(pk__in=pks[start : start + BATCH]):
                        obj.save(update_fields=names)
                        total += 1
            stale = values_not_on_current_key(model, names)
            self.stdout.write(
                f"{model._meta.label}: {len(pks)} rows re-encrypted, {stale} values not on the current key"
            )
            if stale:
                raise SystemExit(
                    f"{stale} values in {model._meta.label} are still on an old key; run the command again."
                )
        audit_record(tenant=None, actor=None, action=AuditAction.ENCRYPTION_KEYS_ROTATED, metadata={"rows": total})
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows now encrypted with the current key."))
