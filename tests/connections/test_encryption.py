from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db

from connections.encryption import DecryptionError
from connections.models import ChartMogulAccount, StoreConnection
from tests.factories import ChartMogulAccountFactory, StoreConnectionFactory

pytestmark = pytest.mark.django_db


def raw_row(table: str, column: str, pk: int) -> str:
    with db.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_credentials_are_not_stored_in_plaintext() -> None:
    conn = StoreConnectionFactory(
        consumer_key="ck_" + "a" * 40, consumer_secret="cs_" + "b" * 40, webhook_secret="W" * 40
    )

    for column, plaintext in (("consumer_key", "ck_"), ("consumer_secret", "cs_"), ("webhook_secret", "WWWW")):
        stored = raw_row(StoreConnection._meta.db_table, column, conn.pk)
        assert plaintext not in stored
        assert stored.startswith("gAAAAA")  # a Fernet token


def test_chartmogul_key_is_not_stored_in_plaintext() -> None:
    account = ChartMogulAccountFactory(api_key="cm-secret-key-value")

    assert "cm-secret-key-value" not in raw_row(ChartMogulAccount._meta.db_table, "api_key", account.pk)


def test_credentials_read_back_as_plaintext() -> None:
    conn = StoreConnectionFactory(consumer_secret="cs_" + "c" * 40)

    assert StoreConnection.objects.get(pk=conn.pk).consumer_secret == "cs_" + "c" * 40


def test_filtering_on_an_encrypted_field_is_refused() -> None:
    with pytest.raises(TypeError):
        list(StoreConnection.objects.filter(consumer_key="ck_x"))


def test_rotation_re_encrypts_with_the_new_key_and_old_keys_still_decrypt(settings) -> None:
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    conn = StoreConnectionFactory(consumer_secret="cs_" + "d" * 40)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    assert StoreConnection.objects.get(pk=conn.pk).consumer_secret == "cs_" + "d" * 40  # old key still decrypts
    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115

    token = raw_row(StoreConnection._meta.db_table, "consumer_secret", conn.pk)
    assert Fernet(new_key.encode()).decrypt(token.encode()).decode() == "cs_" + "d" * 40
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    assert StoreConnection.objects.get(pk=conn.pk).consumer_secret == "cs_" + "d" * 40


def test_a_value_no_key_can_decrypt_raises_a_clear_error(settings) -> None:
    conn = StoreConnectionFactory()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(DecryptionError):
        StoreConnection.objects.get(pk=conn.pk)


def test_admin_masks_secrets(admin_client) -> None:
    conn = StoreConnectionFactory(consumer_key="ck_" + "e" * 36 + "4f2a", consumer_secret="cs_" + "f" * 40)

    page = admin_client.get(f"/admin/connections/storeconnection/{conn.pk}/change/").content.decode()

    assert "•••• 4f2a" in page
    assert "e" * 36 not in page and "f" * 40 not in page
