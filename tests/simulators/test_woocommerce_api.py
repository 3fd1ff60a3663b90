"""REST behaviour beyond the recorded exchanges: filters, validation, permission order, writes, CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

API = "/wp-json/wc/v3"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def api(woo_store, woo_session, woo_admin_key):
    def call(method, path, **kwargs):
        kwargs.setdefault("auth", woo_admin_key)
        return woo_session.request(method, woo_store.base_url + API + path, **kwargs)

    return call


def ids(response):
    return [row["id"] for row in response.json()]


def test_status_comma_list_and_customer_filters(api):
    response = api("GET", "/subscriptions", params={"status": "on-hold,expired", "per_page": 100})
    assert sorted(ids(response)) == [40, 53]
    assert ids(api("GET", "/subscriptions", params={"customer": 5, "orderby": "id", "order": "asc"})) == [40, 63, 86]


def test_include_keeps_the_requested_order_with_orderby_include(api):
    response = api("GET", "/orders", params={"include": "38,20,104", "orderby": "include"})
    assert ids(response) == [38, 20, 104]
    assert response.headers["X-WP-Total"] == "3"


def test_exclude_parent_and_date_window(api):
    assert 104 not in ids(api("GET", "/orders", params={"exclude": "104", "per_page": 100}))
    assert ids(api("GET", "/subscriptions", params={"parent": "36"})) == [37]
    window = {"after": "2026-11-09T00:00:00", "before": "2026-11-11T00:00:00", "dates_are_gmt": "true"}
    assert ids(api("GET", "/orders", params={**window, "orderby": "id", "order": "asc"})) == [38, 76, 103]


def test_nested_fields_filter(api):
    response = api("GET", "/orders/20", params={"_fields": "id,billing.email,line_items.name"})
    assert response.json() == {"id": 20, "billing": {"email": "alice@example.com"}, "line_items": []}


@pytest.mark.parametrize("per_page", ["0", "101"])
def test_per_page_out_of_bounds(api, per_page):
    body = api("GET", "/customers", params={"per_page": per_page}).json()
    assert body["data"]["params"] == {"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"}


def test_invalid_status_is_a_rest_invalid_param(api):
    response = api("GET", "/orders", params={"status": "shipped"})
    assert (response.status_code, response.json()["message"]) == (400, "Invalid parameter(s): status")


def test_customers_default_to_role_customer(api):
    assert ids(api("GET", "/customers")) == [6]
    assert api("GET", "/customers", params={"role": "all"}).headers["X-WP-Total"] == "12"


def test_write_only_key_cannot_read(woo_store, woo_session):
    response = woo_session.get(woo_store.base_url + API + "/orders", auth=woo_store.add_api_key("write"))
    assert response.json()["message"] == "The API key provided does not have read permissions."


def test_key_permission_is_checked_before_routing(woo_store, woo_session):
    response = woo_session.post(woo_store.base_url + API + "/no-such-route", auth=woo_store.add_api_key("read"))
    assert (response.status_code, response.json()["code"]) == (401, "woocommerce_rest_authentication_error")


def test_customer_key_with_valid_webhook_body_cannot_create(woo_store, woo_session):
    response = woo_session.post(
        woo_store.base_url + API + "/webhooks",
        json={"topic": "order.updated", "delivery_url": "https://example.test/h"},
        auth=woo_store.add_api_key("read_write", role="customer"),
    )
    assert (response.status_code, response.json()["code"]) == (403, "woocommerce_rest_cannot_create")
    assert woo_store.state.webhooks == {}


def test_shop_manager_key_can_read_everything_needed(woo_store, woo_session):
    key = woo_store.add_api_key("read", role="shop_manager")
    for path in ("/system_status", "/orders", "/customers?role=all", "/subscriptions", "/webhooks", "/refunds"):
        assert woo_session.get(woo_store.base_url + API + path, auth=key).status_code == 200, path


def test_unknown_route_and_unknown_id(api):
    assert api("GET", "/nothing-here").json()["code"] == "rest_no_route"
    missing = api("GET", "/orders/99999")
    assert (missing.status_code, missing.json()["code"]) == (404, "woocommerce_rest_shop_order_invalid_id")


def test_subscription_statuses_are_public(woo_store, woo_session):
    response = woo_session.get(woo_store.base_url + API + "/subscriptions/statuses")
    assert response.status_code == 200 and "wc-active" in response.json()


def test_refund_through_the_api_shows_everywhere(api):
    created = api("POST", "/orders/38/refunds", json={"amount": "10.00", "reason": "goodwill"})
    assert created.status_code == 201
    refund_id = created.json()["id"]
    assert refund_id in ids(api("GET", "/refunds"))
    assert api("GET", "/orders/38").json()["refunds"][0] == {"id": refund_id, "reason": "goodwill", "total": "-10.00"}


def test_order_update_bumps_modified_and_is_found_by_modified_after(api):
    before = api("GET", "/orders/118").json()["date_modified_gmt"]
    api("PUT", "/orders/118", json={"status": "completed"})
    params = {"modified_after": before, "dates_are_gmt": "true", "orderby": "modified", "order": "desc"}
    assert ids(api("GET", "/orders", params=params))[0] == 118


def test_renewal_order_is_linked_to_its_subscription(woo_store, api):
    order = woo_store.create_renewal_order(21)
    related = api("GET", "/subscriptions/21/orders").json()
    assert (related[1]["id"], related[1]["order_type"]) == (order["id"], "renewal_order")


def test_webhook_crud(api):
    created = api("POST", "/webhooks", json={"topic": "order.created", "delivery_url": "http://127.0.0.1:9/x"}).json()
    assert api("PUT", f"/webhooks/{created['id']}", json={"status": "paused"}).json()["status"] == "paused"
    assert api("DELETE", f"/webhooks/{created['id']}").status_code == 501
    assert api("DELETE", f"/webhooks/{created['id']}", params={"force": "true"}).status_code == 200
    assert api("GET", "/webhooks").json() == []


def test_cli_serves_store_a_with_the_demo_key(tmp_path):
    from tests.simulators.woocommerce.__main__ import DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET

    with socket_port() as port:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.simulators.woocommerce", "serve", "--port", str(port), "--demo"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "SAASYNC_TEST_TLS_DIR": str(tmp_path)},
        )
    assert process.stdout is not None
    try:
        banner = process.stdout.readline()
        assert banner.strip() == f"WooCommerce simulator (store-a) at https://localhost:{port}"
        ca_line = process.stdout.readline().strip()
        assert ca_line == f"CA bundle: {tmp_path / 'trusted-ca.pem'}"
        deadline = time.monotonic() + 10
        while True:
            try:
                response = requests.get(
                    f"https://localhost:{port}{API}/subscriptions",
                    auth=(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET),
                    verify=str(tmp_path / "trusted-ca.pem"),
                    timeout=5,
                )
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert response.headers["X-WP-Total"] == "14"
    finally:
        process.terminate()
        process.wait(timeout=10)


class socket_port:
    """A free localhost port (released on exit, just before the CLI binds it)."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
