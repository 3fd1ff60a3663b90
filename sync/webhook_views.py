"""The endpoint WooCommerce delivers webhooks to (one URL per connection).

It authenticates each delivery by its signature and answers fast: WooCommerce waits at most 60 s,
never retries, and disables a webhook after repeated failures. Turning deliveries into targeted
syncs belongs to the sync engine; until a connection syncs, the periodic sync is what reads the store.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from connections.models import StoreConnection
from sync.webhook_signatures import signature_is_valid

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def woocommerce_webhook(request: HttpRequest, uuid: str) -> HttpResponse:
    connection = get_object_or_404(StoreConnection, uuid=uuid)
    if connection.status == StoreConnection.Status.DISCONNECTED:
        # 410 makes WooCommerce count failures and eventually disable webhooks we could not delete.
        return HttpResponse("This store is disconnected from SaaSync.", status=410, content_type="text/plain")
    topic = request.headers.get("X-WC-Webhook-Topic")
    if topic is None and request.POST.get("webhook_id"):
        # The creation ping: form-encoded, unsigned, no X-WC-* headers. WooCommerce only wants a 200.
        logger.info("webhook ping for connection %s (webhook %s)", connection.uuid, request.POST.get("webhook_id"))
        return HttpResponse("pong", content_type="text/plain")
    if not signature_is_valid(request.body, connection.webhook_secret, request.headers.get("X-WC-Webhook-Signature")):
        logger.warning("webhook with a bad signature for connection %s (topic %s)", connection.uuid, topic)
        # Shown to the merchant: with a Read key this is the only sign of a mistyped secret.
        StoreConnection.objects.filter(pk=connection.pk).update(webhook_signature_failed_at=timezone.now())
        return HttpResponse("Invalid signature.", status=401, content_type="text/plain")
    logger.info(
        "webhook %s delivery %s for connection %s",
        topic,
        request.headers.get("X-WC-Webhook-Delivery-ID", "?"),
        connection.uuid,
    )
    return HttpResponse(status=202)
