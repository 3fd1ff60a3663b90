"""The store's webhooks: registered by SaaSync with a Read/Write key, added by hand with a Read key.

WooCommerce delivers each webhook at most once and never retries, so webhooks only speed syncs up;
the periodic sync catches anything a lost delivery missed.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from connections.client_factory import woocommerce_client_for
from connections.clients.woocommerce import WooCommerceError
from connections.models import WEBHOOK_TOPICS, StoreConnection
from connections.services import ConnectionStepError, record_woocommerce_error

# WooCommerce runs the secret through wp_specialchars_decode; letters and digits survive it unchanged.
SECRET_ALPHABET = string.ascii_letters + string.digits
SECRET_LENGTH = 40


def new_webhook_secret() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


def delivery_url(connection: StoreConnection) -> str:
    return settings.SAASYNC_PUBLIC_URL + reverse("woocommerce_webhook", kwargs={"uuid": connection.uuid})


def webhook_name(topic: str) -> str:
    return f"SaaSync {topic}"


@dataclass
class WebhookVerification:
    active: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    inactive: dict[str, str] = field(default_factory=dict)  # topic → status (paused / disabled)
    ids: list[int] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.inactive


def _store_webhooks(connection: StoreConnection) -> list[dict[str, Any]]:
    client = woocommerce_client_for(connection)
    try:
        return list(client.iter_items("webhooks", {"per_page": 100, "status": "all"}))
    except WooCommerceError as error:
        record_woocommerce_error(connection, "list webhooks", error)
        raise ConnectionStepError(
            "The store did not list its webhooks. Check that the key still belongs to a Shop Manager, then try again."
        ) from error


def _ours(webhooks: list[dict[str, Any]], connection: StoreConnection) -> dict[str, dict[str, Any]]:
    """The store's webhooks that deliver to this connection, by topic (the newest if several)."""
    url = delivery_url(connection)
    found: dict[str, dict[str, Any]] = {}
    for hook in sorted(webhooks, key=lambda h: int(h.get("id") or 0)):
        if str(hook.get("delivery_url", "")).rstrip("/") == url.rstrip("/") and hook.get("topic") in WEBHOOK_TOPICS:
            found[str(hook["topic"])] = hook
    return found


def connection_ensure_webhook_secret(*, connection: StoreConnection) -> str:
    if not connection.webhook_secret:
        connection.webhook_secret = new_webhook_secret()
        connection.save(update_fields=["webhook_secret", "updated_at"])
    return connection.webhook_secret


@transaction.atomic
def connection_register_webhooks(*, connection: StoreConnection, actor: Any, ip: str | None = None) -> list[int]:
    """Create (or update, if already there) one active webhook per topic, all sharing the connection's secret.

    The row lock makes a double click wait for the first request, which then finds the webhooks
    it created and updates them instead of creating nine more.
    """
    caller_copy = connection
    connection = StoreConnection.objects.select_for_update().select_related("tenant").get(pk=connection.pk)
    if not connection.can_write_to_store:
        raise ConnectionStepError("This key is Read-only: add the webhooks by hand as shown below.")
    secret = connection_ensure_webhook_secret(connection=connection)
    client = woocommerce_client_for(connection)
    existing = _ours(_store_webhooks(connection), connection)
    ids: list[int] = []
    for topic in WEBHOOK_TOPICS:
        body = {
            "name": webhook_name(topic),
            "topic": topic,
            "delivery_url": delivery_url(connection),
            "secret": secret,
            "status": "active",
        }
        try:
            if topic in existing:
                response = client.put(f"webhooks/{existing[topic]['id']}", body)
            else:
                response = client.post("webhooks", body)
        except WooCommerceError as error:
            record_woocommerce_error(connection, "register webhooks", error)
            _remember_webhook_ids(connection, ids)  # so disconnect can still remove what was created
            caller_copy.refresh_from_db()
            raise ConnectionStepError(
                f"The store refused to create the {topic} webhook ({error.message or error.status}). "
                "Check that the key is Read/Write and belongs to a Shop Manager, then try again."
            ) from error
        ids.append(int(response.data["id"]))
    _remember_webhook_ids(connection, ids)
    connection.webhooks_verified_at = timezone.now()
    connection.save(update_fields=["webhooks_verified_at", "updated_at"])
    audit_record(
        tenant=connection.tenant,
        actor=actor,
        action=AuditAction.WEBHOOKS_REGISTERED,
        target=connection,
        ip=ip,
        metadata={"topics": list(WEBHOOK_TOPICS), "webhook_ids": ids},
    )
    caller_copy.refresh_from_db()
    return ids


def _remember_webhook_ids(connection: StoreConnection, ids: list[int]) -> None:
    # Merged, never replaced: ids from an earlier, partly failed attempt are still ours to delete.
    connection.webhook_ids = sorted(set(connection.webhook_ids) | set(ids))
    StoreConnection.objects.filter(pk=connection.pk).update(
        webhook_ids=connection.webhook_ids, updated_at=timezone.now()
    )


def connection_verify_webhooks(
    *, connection: StoreConnection, actor: Any, ip: str | None = None
) -> WebhookVerification:
    """Compare the store's webhooks with the topics we need (a Read key can list them, not create them)."""
    connection_ensure_webhook_secret(connection=connection)
    ours = _ours(_store_webhooks(connection), connection)
    result = WebhookVerification()
    for topic in WEBHOOK_TOPICS:
        hook = ours.get(topic)
        if hook is None:
            result.missing.append(topic)
        elif hook.get("status") != "active":
            result.inactive[topic] = str(hook.get("status"))
        else:
            result.active.append(topic)
            result.ids.append(int(hook["id"]))
    if result.complete:
        with transaction.atomic():
            connection.webhooks_verified_at = timezone.now()
            connection.save(update_fields=["webhooks_verified_at", "updated_at"])
            audit_record(
                tenant=connection.tenant,
                actor=actor,
                action=AuditAction.WEBHOOKS_VERIFIED,
                target=connection,
                ip=ip,
                metadata={"webhook_ids": result.ids},
            )
    return result


def connection_rotate_webhook_secret(*, connection: StoreConnection, actor: Any, ip: str | None = None) -> bool:
    """A new secret; with a Read/Write key the store's webhooks are updated at once (returns True).
    With a Read key the merchant must paste the new secret into each webhook (returns False)."""
    connection.webhook_secret = new_webhook_secret()
    connection.save(update_fields=["webhook_secret", "updated_at"])
    updated = False
    failure: WooCommerceError | None = None
    if connection.can_write_to_store and connection.webhook_ids:
        client = woocommerce_client_for(connection)
        try:
            for webhook_id in connection.webhook_ids:
                client.put(f"webhooks/{webhook_id}", {"secret": connection.webhook_secret})
            updated = True
        except WooCommerceError as error:
            record_woocommerce_error(connection, "rotate webhook secret", error)
            failure = error
    if not updated:
        # Until the store holds the new secret everywhere, the webhooks are not verified.
        connection.webhooks_verified_at = None
        connection.save(update_fields=["webhooks_verified_at", "updated_at"])
    audit_record(
        tenant=connection.tenant,
        actor=actor,
        action=AuditAction.WEBHOOK_SECRET_ROTATED,
        target=connection,
        ip=ip,
        metadata={"store_updated": updated, "store_refused": failure is not None},
    )
    if failure is not None:
        raise ConnectionStepError(
            "The new secret is saved, but the store refused to update a webhook. Press “Add the webhooks to my "
            "store” on the webhooks page to update them all, or paste the new secret into each SaaSync webhook "
            "in WooCommerce → Settings → Advanced → Webhooks."
        ) from failure
    return updated


def delete_registered_webhooks(connection: StoreConnection) -> list[int]:
    """Delete the webhooks SaaSync created; returns the ids the store would not delete."""
    if not connection.can_write_to_store:
        return list(connection.webhook_ids)
    client = woocommerce_client_for(connection)
    left: list[int] = []
    for webhook_id in connection.webhook_ids:
        try:
            client.delete(f"webhooks/{webhook_id}", {"force": "true"})
        except WooCommerceError as error:
            if error.status != 404:  # already gone is what we wanted
                record_woocommerce_error(connection, "delete webhook", error)
                left.append(webhook_id)
    return left
