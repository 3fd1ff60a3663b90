from __future__ import annotations

import json

import pytest
from django.urls import reverse

from connections.models import StoreConnection
from sync.webhook_signatures import signature_for
from tests.factories import StoreConnectionFactory
from tests.fixture_files import FIXTURES_DIR

pytestmark = pytest.mark.django_db
WEBHOOKS = FIXTURES_DIR / "woocommerce" / "webhooks"


def recorded(name: str) -> tuple[bytes, dict[str, str]]:
    meta = json.loads((WEBHOOKS / f"{name}.json").read_text())
    return (WEBHOOKS / f"{name}.body").read_bytes(), {k: v for k, v in meta["headers"]}


def post(client, conn: StoreConnection, body: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    wc_headers = {k: v for k, v in headers.items() if k.lower().startswith("x-wc-")}
    return client.post(
        reverse("woocommerce_webhook", kwargs={"uuid": conn.uuid}),
        data=body,
        content_type=headers.get("Content-Type", "application/json"),
        headers=wc_headers,
    )


def test_a_recorded_delivery_with_the_fixture_secret_is_accepted(client) -> None:
    conn = StoreConnectionFactory(webhook_secret="fixture-secret-1")
    body, headers = recorded("06-order-created-renewal-order")

    assert post(client, conn, body, headers).status_code == 202


def test_a_delivery_signed_with_another_secret_is_refused(client) -> None:
    conn = StoreConnectionFactory(webhook_secret="another-secret")
    body, headers = recorded("06-order-created-renewal-order")

    assert post(client, conn, body, headers).status_code == 401


def test_the_unsigned_creation_ping_gets_200(client) -> None:
    conn = StoreConnectionFactory(webhook_secret="fixture-secret-1")
    body, headers = recorded("01-ping-order-updated-webhook")

    assert post(client, conn, body, headers).status_code == 200


def test_an_empty_payload_delivery_is_verified_like_any_other(client) -> None:
    conn = StoreConnectionFactory(webhook_secret="fixture-secret-1")
    body, headers = recorded("10-subscription-updated-empty-payload-during-v3-post")

    assert body == b"[]"
    assert headers["X-WC-Webhook-Signature"] == signature_for(body, "fixture-secret-1")
    assert post(client, conn, body, headers).status_code == 202


def test_unknown_connection_is_404_and_disconnected_is_410(client) -> None:
    conn = StoreConnectionFactory(webhook_secret="fixture-secret-1")
    body, headers = recorded("06-order-created-renewal-order")
    conn.status = StoreConnection.Status.DISCONNECTED
    conn.save()

    assert post(client, conn, body, headers).status_code == 410
    conn.delete()
    assert post(client, conn, body, headers).status_code == 404
