"""Outgoing webhook traffic, as `WC_Webhook` sends it (fixtures/woocommerce/webhooks).

- Creation ping: sent synchronously while `POST /webhooks` is being answered (WooCommerce calls
  `deliver_ping()` inside the request), form body `webhook_id=N`, no X-WC-* headers, no signature;
  its outcome is ignored.
- Deliveries: queued and sent by ONE background thread in order (WooCommerce queues them in Action
  Scheduler and sends them after the triggering request). `wait_for_webhooks()` blocks until the
  queue is empty. The payload is built at delivery time, like WooCommerce does.
- Success is HTTP 200-302 and resets the failure count; anything else (or no answer) counts a
  failure, and the failure after six consecutive ones disables the webhook (`$failures > 5`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from .state import StoreState, Webhook

MAX_DELIVERY_FAILURES = 5  # `woocommerce_max_webhook_delivery_failures` default, compared with '>'


@dataclass
class DeliveryAttempt:
    """One outgoing POST (ping or delivery), as the receiving side saw it plus what came back."""

    kind: str  # "ping" | "delivery"
    webhook_id: int
    topic: str
    url: str
    headers: dict[str, str]
    body: bytes
    status_code: int | None = None
    error: str | None = None
    delivered_at: float = field(default_factory=time.time)

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 303


def webhook_signature(secret: str, body: bytes) -> str:
    """`WC_Webhook::generate_signature`: base64(HMAC-SHA256(body, secret))."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class WebhookDispatcher:
    def __init__(
        self,
        state: StoreState,
        *,
        payload: Callable[[str, int], bytes | None],
        source_url: Callable[[], str],
        user_agent: Callable[[], str],
        verify: str | bool,
        timeout: float = 60.0,
        ping_timeout: float = 5.0,
    ) -> None:
        self.state = state
        self.payload = payload
        self.source_url = source_url
        self.user_agent = user_agent
        self.verify = verify
        self.timeout = timeout
        self.ping_timeout = ping_timeout
        self.attempts: list[DeliveryAttempt] = []
        self._queue: queue.Queue[tuple[int, str, int, bytes | None] | None] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None

    # ----- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="woo-sim-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=5)
            self._thread = None

    def wait(self, timeout: float = 10.0) -> bool:
        """True once every queued delivery has been attempted."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    # ----- triggering ------------------------------------------------------------------------
    def fire(self, topic: str, resource_id: int, *, body_override: bytes | None = None) -> int:
        """Queue one delivery per active webhook on `topic`; returns how many were queued."""
        with self.state.lock:
            targets = [w.id for w in self.state.webhooks.values() if w.topic == topic and w.status == "active"]
        for webhook_id in targets:
            with self._idle:
                self._pending += 1
            self._queue.put((webhook_id, topic, resource_id, body_override))
        return len(targets)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            try:
                webhook_id, topic, resource_id, body_override = item
                webhook = self.state.webhooks.get(webhook_id)
                if webhook is not None and webhook.status == "active" and webhook.topic == topic:
                    self.deliver_now(webhook, resource_id, body_override=body_override)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    # ----- sending ---------------------------------------------------------------------------
    def deliver_now(self, webhook: Webhook, resource_id: int, *, body_override: bytes | None = None) -> DeliveryAttempt:
        resource, _, event = webhook.topic.partition(".")
        if body_override is not None:
            body = body_override
        elif event == "deleted":
            body = f'{{"id":{resource_id}}}'.encode()
        else:
            body = self.payload(resource, resource_id) or b"[]"
        headers = {
            "Content-Type": "application/json",
            "User-Agent": self.user_agent(),
            "Accept": "*/*",
            "X-WC-Webhook-Source": self.source_url(),
            "X-WC-Webhook-Topic": webhook.topic,
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": webhook_signature(webhook.secret, body),
            "X-WC-Webhook-ID": str(webhook.id),
            "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex,
        }
        attempt = self._post("delivery", webhook, headers, body, self.timeout)
        with self.state.lock:
            if attempt.succeeded:
                webhook.failure_count = 0
            elif webhook.failure_count > MAX_DELIVERY_FAILURES:
                webhook.status = "disabled"
            else:
                webhook.failure_count += 1
        return attempt

    def ping(self, webhook: Webhook) -> DeliveryAttempt:
        headers = {
            "User-Agent": self.user_agent(),
            "Accept": "*/*",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return self._post("ping", webhook, headers, f"webhook_id={webhook.id}".encode(), self.ping_timeout)

    def _post(self, kind: str, webhook: Webhook, headers: dict[str, str], body: bytes, timeout: float):
        attempt = DeliveryAttempt(kind, webhook.id, webhook.topic, webhook.delivery_url, headers, body)
        try:
            with requests.Session() as session:
                session.trust_env = False
                response = session.post(
                    webhook.delivery_url,
                    data=body,
                    headers={**headers, "Connection": "close"},
                    timeout=timeout,
                    allow_redirects=False,
                    verify=self.verify,
                )
            attempt.status_code = response.status_code
        except requests.RequestException as exc:
            attempt.error = type(exc).__name__
        with self.state.lock:
            self.attempts.append(attempt)
        return attempt
