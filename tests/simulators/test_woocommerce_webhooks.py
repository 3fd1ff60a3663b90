"""Webhook traffic from the simulator, checked against the recorded real deliveries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from tests.fixture_files import FIXTURES_DIR
from tests.simulators.woocommerce import WooCommerceStoreSimulator

RECORDED = FIXTURES_DIR / "woocommerce" / "webhooks"
SECRET = "fixture-secret-1"


def recorded_algorithm(secret: str, body: bytes) -> str:
    """The receiver-side check from the fixtures README: base64(HMAC-SHA256(secret, raw body))."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class Receiver:
    """A local endpoint that records what it receives and answers with `status`."""

    status: int = 200
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    sink = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            sink.received.append((dict(self.headers.items()), body))
            self.send_response(sink.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    sink.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    yield sink
    server.shutdown()
    server.server_close()


def _recorded(name: str) -> tuple[dict[str, str], bytes]:
    meta = json.loads((RECORDED / f"{name}.json").read_text())
    return dict(meta["headers"]), (RECORDED / f"{name}.body").read_bytes()


def _create_webhook(store: WooCommerceStoreSimulator, session: requests.Session, topic: str, url: str) -> dict:
    ck, cs = store.add_api_key("read_write")
    response = session.post(
        f"{store.base_url}/wp-json/wc/v3/webhooks",
        json={"name": f"Test {topic}", "topic": topic, "delivery_url": url, "secret": SECRET, "status": "active"},
        auth=(ck, cs),
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_recorded_signatures_verify_with_the_simulators_algorithm() -> None:
    headers, body = _recorded("05-order-updated-guest-order-completed")
    from tests.simulators.woocommerce import webhook_signature

    assert webhook_signature(SECRET, body) == headers["X-WC-Webhook-Signature"] == recorded_algorithm(SECRET, body)


def test_creation_ping_is_form_encoded_and_unsigned(woo_store, woo_session, receiver) -> None:
    hook = _create_webhook(woo_store, woo_session, "order.updated", receiver.url)

    (headers, body), *_ = receiver.received
    recorded_headers, _ = _recorded("01-ping-order-updated-webhook")
    assert body == f"webhook_id={hook['id']}".encode()
    assert headers["Content-Type"] == recorded_headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert headers["User-Agent"] == recorded_headers["User-Agent"]
    assert not [name for name in headers if name.lower().startswith("x-wc-")]


def test_create_response_hides_the_secret(woo_store, woo_session, receiver) -> None:
    hook = _create_webhook(woo_store, woo_session, "order.updated", receiver.url)
    assert "secret" not in hook
    assert hook["hooks"] == ["woocommerce_update_order", "woocommerce_order_refunded"]


def test_order_update_delivers_a_signed_v3_payload(woo_store, woo_session, receiver) -> None:
    hook = _create_webhook(woo_store, woo_session, "order.updated", receiver.url)
    woo_store.update_order(119, status="completed")
    assert woo_store.wait_for_webhooks()

    headers, body = receiver.received[-1]
    recorded_headers, _ = _recorded("05-order-updated-guest-order-completed")
    wc_names = {k for k in recorded_headers if k.startswith("X-WC-")}
    assert wc_names <= set(headers)
    assert headers["X-WC-Webhook-Signature"] == recorded_algorithm(SECRET, body)
    assert headers["X-WC-Webhook-Topic"] == "order.updated"
    assert headers["X-WC-Webhook-ID"] == str(hook["id"])
    assert headers["X-WC-Webhook-Source"] == woo_store.home_url + "/"
    ck, cs = woo_store.add_api_key("read")
    assert json.loads(body) == woo_session.get(f"{woo_store.base_url}/wp-json/wc/v3/orders/119", auth=(ck, cs)).json()
    assert json.loads(body)["status"] == "completed"


def test_subscription_put_sends_two_identical_deliveries(woo_store, woo_session, receiver) -> None:
    _create_webhook(woo_store, woo_session, "subscription.updated", receiver.url)
    ck, cs = woo_store.add_api_key("read_write")
    response = woo_session.put(
        f"{woo_store.base_url}/wp-json/wc/v3/subscriptions/21",
        json={"billing": {"phone": "555-0100"}},
        auth=(ck, cs),
    )
    assert response.status_code == 200
    assert woo_store.wait_for_webhooks()

    deliveries = receiver.received[1:]  # after the ping
    assert len(deliveries) == 2
    assert deliveries[0][1] == deliveries[1][1]
    assert deliveries[0][0]["X-WC-Webhook-Delivery-ID"] != deliveries[1][0]["X-WC-Webhook-Delivery-ID"]


def test_webhook_is_disabled_on_the_seventh_consecutive_failure(woo_store, woo_session, receiver) -> None:
    hook = _create_webhook(woo_store, woo_session, "order.updated", receiver.url)
    receiver.status = 500

    statuses = []
    for _ in range(7):
        woo_store.deliver("order.updated", 119)
        statuses.append(woo_store.state.webhooks[hook["id"]].status)

    assert statuses == ["active"] * 6 + ["disabled"]
    assert woo_store.deliver("order.updated", 119) == []  # disabled webhooks get nothing


def test_a_success_resets_the_failure_count(woo_store, woo_session, receiver) -> None:
    hook = _create_webhook(woo_store, woo_session, "order.updated", receiver.url)
    receiver.status = 503
    for _ in range(6):
        woo_store.deliver("order.updated", 119)
    receiver.status = 302  # 200-302 counts as delivered
    woo_store.deliver("order.updated", 119)
    receiver.status = 500
    woo_store.deliver("order.updated", 119)

    assert woo_store.state.webhooks[hook["id"]].failure_count == 1
    assert woo_store.state.webhooks[hook["id"]].status == "active"


def test_v3_subscription_create_sends_updated_twice_first_with_empty_body(woo_store, woo_session, receiver) -> None:
    _create_webhook(woo_store, woo_session, "subscription.updated", receiver.url)
    _create_webhook(woo_store, woo_session, "subscription.created", receiver.url)
    woo_store.create_subscription(via="v3")
    assert woo_store.wait_for_webhooks()

    topics = [(h["X-WC-Webhook-Topic"], b) for h, b in receiver.received if "X-WC-Webhook-Topic" in h]
    assert [t for t, _ in topics] == ["subscription.updated", "subscription.updated"]
    assert topics[0][1] == b"[]" == _recorded("10-subscription-updated-empty-payload-during-v3-post")[1]
