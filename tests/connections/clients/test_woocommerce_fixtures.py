"""The client against every recorded real WooCommerce exchange in shared/fixtures/woocommerce/protocol/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from connections.clients import woocommerce_oauth
from connections.clients.woocommerce import (
    ApiRoot,
    WooCommerceAuthError,
    WooCommerceBadRequestError,
    WooCommerceClient,
    WooCommerceError,
    WooCommerceForbiddenError,
)
from tests.fixture_files import FIXTURES_DIR

PROTOCOL = FIXTURES_DIR / "woocommerce" / "protocol"
STORE_A = FIXTURES_DIR / "woocommerce" / "store-a"
KEY = "ck_" + "a1" * 20
SECRET = "cs_" + "b2" * 20
SYSTEM_STATUS_FIELDS = (
    "environment.version,environment.wp_version,environment.home_url,active_plugins,settings.currency,"
    "settings.order_datastore"
)
# Hop-by-hop or per-connection headers that must not be replayed.
_SKIP_HEADERS = {"content-type", "content-length", "connection", "transfer-encoding", "host"}
_AUTH_PARAMS = {"consumer_key", "consumer_secret"}


def _business_params(query: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in query.items() if k not in _AUTH_PARAMS and not k.startswith("oauth_")}


def same_business_query(recorded: dict[str, Any], *, strict: bool) -> Any:
    """Match the recorded query, ignoring credentials (redacted in the recording, ours differ anyway)."""
    expected = _business_params(recorded)

    def match(request: Any) -> tuple[bool, str]:
        sent = _business_params(dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True)))
        ok = sent == expected if strict else expected.items() <= sent.items()
        return ok, "" if ok else f"query {sent} != recorded {expected}"

    return match


def load(path: Path) -> dict:
    exchange = json.loads(path.read_text())
    response = exchange["response"]
    if response.get("body_truncated_to_chars") and "same as api-root-index-pretty.json" in response.get("note", ""):
        # The recorder kept 500 characters; its note says the full body was the index recorded in full elsewhere.
        response["body"] = json.loads((PROTOCOL / "api-root-index-pretty.json").read_text())["response"]["body"]
    return exchange


def register(path: Path, *, strict_query: bool = True, url: str | None = None) -> dict:
    """Serve the recorded response at the recorded URL (and query), returning the exchange."""
    exchange = load(path)
    request, response = exchange["request"], exchange["response"]
    headers = {
        name: ", ".join(value) if isinstance(value, list) else value
        for name, value in response["headers"].items()
        if name.lower() not in _SKIP_HEADERS
    }
    body = response["body"]
    responses.add(
        request["method"],
        url or request["url"],
        body=body if isinstance(body, str) else json.dumps(body),
        status=response["status"],
        headers=headers,
        content_type=response["headers"].get("Content-Type", "text/plain"),
        match=[same_business_query(request["query"], strict=strict_query)],
    )
    return exchange


def client(store_url: str = "https://store-a.test", **kwargs: Any) -> WooCommerceClient:
    kwargs.setdefault("allow_private_urls", True)  # DNS of store-a.test is not under test here
    return WooCommerceClient(
        store_url=store_url, consumer_key=KEY, consumer_secret=SECRET, verify=True, sleep=lambda _s: None, **kwargs
    )


def sent_query(call: Any) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(call.request.url).query, keep_blank_values=True))


# file -> (method, route, params or json, expected error class or None, code, message)
SIMPLE_CASES: dict[str, tuple[str, str, Any, type[WooCommerceError] | None, str | None, str | None]] = {
    "auth-error-customer-key-orders.json": (
        "get", "orders", {"per_page": 1}, WooCommerceForbiddenError,
        "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.",
    ),
    "auth-error-customer-key-system-status.json": (
        "get", "system_status", {"_fields": SYSTEM_STATUS_FIELDS}, WooCommerceForbiddenError,
        "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.",
    ),
    "auth-error-readonly-key-post-webhooks.json": (
        "post", "webhooks", {}, WooCommerceAuthError,
        "woocommerce_rest_authentication_error", "The API key provided does not have write permissions.",
    ),
    "auth-error-wrong-secret-basic.json": (
        "get", "system_status", {"_fields": SYSTEM_STATUS_FIELDS}, WooCommerceAuthError,
        "woocommerce_rest_authentication_error", "Consumer secret is invalid.",
    ),
    "error-per-page-101.json": (
        "get", "orders", {"per_page": 101}, WooCommerceBadRequestError,
        "rest_invalid_param", "Invalid parameter(s): per_page",
    ),
    "error-subscriptions-per-page-101.json": (
        "get", "subscriptions", {"per_page": 101}, WooCommerceBadRequestError,
        "rest_invalid_param", "Invalid parameter(s): per_page",
    ),
    "webhooks-post-empty-body-readwrite-key.json": (
        "post", "webhooks", {}, WooCommerceBadRequestError,
        "rest_missing_callback_param", "Missing parameter(s): topic, delivery_url",
    ),
    "system-status-fields.json": ("get", "system_status", {"_fields": SYSTEM_STATUS_FIELDS}, None, None, None),
    "plain-permalinks-wp-json-wc-v3-system-status.json": (
        "get", "system_status", {"_fields": SYSTEM_STATUS_FIELDS}, None, None, None,
    ),
    "oauth1-over-https-attempt.json": ("get", "system_status", {"_fields": SYSTEM_STATUS_FIELDS}, None, None, None),
    "webhooks-list.json": ("get", "webhooks", None, None, None, None),
    "webhook-create-order-updated.json": ("post", "webhooks", "<recorded body>", None, None, None),
    "wc-v3-namespace-index.json": ("get", "", None, None, None, None),
}  # fmt: skip

# Exchanges that need a scenario of their own; each is exercised by the named test in this file or a sibling.
SCENARIO_CASES = {
    "api-root-index-pretty.json": "test_api_index_reads_the_public_index",
    "api-root-plain-permalinks-wp-json-path.json": "test_wp_json_probe_reports_plain_permalinks_from_link_header",
    "auth-error-basic-over-plain-http.json": "test_http_store_gets_oauth_not_basic_and_no_query_fallback",
    "auth-error-no-credentials-orders.json": "test_anonymous_401_retries_once_with_query_credentials",
    "auth-error-no-credentials-system-status.json": "test_anonymous_401_retries_once_with_query_credentials",
    "auth-error-unknown-key-basic.json": "test_anonymous_401_retries_once_with_query_credentials",
    "front-page-link-header.json": "test_front_page_link_header_gives_the_api_root",
    "plain-permalinks-front-page-link-header.json": "test_front_page_link_header_gives_the_api_root",
    "plain-permalinks-rest-route-root.json": "test_rest_route_probe_when_wp_json_is_not_the_api",
    "plain-permalinks-rest-route-system-status.json": "test_keys_are_rejected_on_rest_route_urls",
    "oauth1-http-bad-signature.json": "test_oauth_bad_signature_is_an_auth_error",
    "oauth1-http-success-orders.json": "test_oauth_success_replays_with_a_valid_signature",
    "oauth1-http-success-system-status.json": "test_oauth_success_replays_with_a_valid_signature",
}


def test_every_recorded_exchange_has_a_case():
    recorded = {path.name for path in PROTOCOL.glob("*.json")}
    assert recorded == set(SIMPLE_CASES) | set(SCENARIO_CASES)
    sources = "".join(path.read_text() for path in Path(__file__).parent.glob("test_woocommerce_*.py"))
    assert all(f"def {test_name}(" in sources for test_name in SCENARIO_CASES.values())


@pytest.mark.parametrize("name", sorted(SIMPLE_CASES))
@responses.activate
def test_recorded_exchange_is_parsed(name):
    method, route, arg, error_class, code, message = SIMPLE_CASES[name]
    exchange = register(PROTOCOL / name)
    recorded = exchange["response"]
    woo = client()
    if arg == "<recorded body>":
        arg = exchange["request"]["body"]
    call = getattr(woo, method)
    if error_class is None:
        result = call(route, arg)
        assert (result.status, result.data) == (recorded["status"], recorded["body"])
        if method == "post":
            assert json.loads(responses.calls[0].request.body) == exchange["request"]["body"]
    else:
        with pytest.raises(error_class) as caught:
            call(route, arg)
        error = caught.value
        assert (type(error), error.status, error.code, error.message) == (
            error_class,
            recorded["status"],
            code,
            message,
        )
        assert len(responses.calls) == 1  # no retries, no auth fallback for these answers


@responses.activate
def test_error_params_are_exposed():
    register(PROTOCOL / "webhooks-post-empty-body-readwrite-key.json")
    register(PROTOCOL / "error-per-page-101.json")
    with pytest.raises(WooCommerceBadRequestError) as missing:
        client().post("webhooks", {})
    with pytest.raises(WooCommerceBadRequestError) as invalid:
        client().get("orders", {"per_page": 101})
    assert set(missing.value.params) == {"topic", "delivery_url"}
    assert invalid.value.params == {"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"}


@responses.activate
def test_webhooks_list_reports_totals():
    register(PROTOCOL / "webhooks-list.json")
    page = client().get("webhooks")
    assert (page.total, page.total_pages, len(page.data)) == (4, 1, 4)


@responses.activate
def test_namespace_index_lists_subscriptions_routes():
    register(PROTOCOL / "wc-v3-namespace-index.json")
    data = client().get("").data
    assert "/wc/v3/subscriptions" in data["routes"]


@responses.activate
def test_api_index_reads_the_public_index():
    register(PROTOCOL / "api-root-index-pretty.json", strict_query=False)
    index = client().api_index(ApiRoot("https://store-a.test/wp-json/", False, "link_header"))
    assert (index["home"], "wc/v3" in index["namespaces"], index["timezone_string"]) == (
        "https://store-a.test",
        True,
        "America/New_York",
    )
    assert sent_query(responses.calls[0])["_fields"] == "name,url,home,namespaces,gmt_offset,timezone_string"


@responses.activate
def test_keys_are_rejected_on_rest_route_urls():
    """WC <= 11.0 authenticates keys only on /wp-json/wc/ paths, which is why the client never uses ?rest_route=."""
    register(PROTOCOL / "plain-permalinks-rest-route-system-status.json")
    woo = client()
    raw = woo.session.get("https://store-a.test/?rest_route=%2Fwc%2Fv3%2Fsystem_status")
    with pytest.raises(WooCommerceAuthError) as caught:
        woo._to_result(raw)
    assert (caught.value.status, caught.value.code) == (401, "woocommerce_rest_cannot_view")
    assert woo._api_url("system_status") == "https://store-a.test/wp-json/wc/v3/system_status"


@responses.activate
def test_store_a_orders_paginate_to_84_orders():
    for page in range(1, 10):
        register(STORE_A / f"orders-page{page}.json")
    orders = list(client().iter_items("orders", {"per_page": 10, "status": "any"}))
    assert (len(orders), len({order["id"] for order in orders}), len(responses.calls)) == (84, 84, 9)


@responses.activate
def test_oauth_bad_signature_is_an_auth_error():
    register(PROTOCOL / "oauth1-http-bad-signature.json", strict_query=False)
    with pytest.raises(WooCommerceAuthError) as caught:
        client("http://store-a.test").get("system_status", {"_fields": SYSTEM_STATUS_FIELDS})
    assert (caught.value.code, caught.value.message) == (
        "woocommerce_rest_authentication_error",
        "Invalid signature - provided signature does not match.",
    )


@pytest.mark.parametrize(
    ("name", "route"),
    [("oauth1-http-success-orders.json", "orders"), ("oauth1-http-success-system-status.json", "system_status")],
)
@responses.activate
def test_oauth_success_replays_with_a_valid_signature(name, route, monkeypatch):
    exchange = load(PROTOCOL / name)
    recorded = exchange["request"]["query"]
    monkeypatch.setattr(woocommerce_oauth, "_new_nonce", lambda: recorded["oauth_nonce"])
    monkeypatch.setattr(woocommerce_oauth, "_now", lambda: int(recorded["oauth_timestamp"]))
    register(PROTOCOL / name, strict_query=False)
    params = {k: v for k, v in recorded.items() if not k.startswith("oauth_")}

    result = client("http://store-a.test", home_url="https://store-a.test").get(route, params)

    sent = sent_query(responses.calls[0])
    assert result.data == exchange["response"]["body"]
    assert set(sent) == set(recorded)  # same parameter names as the real, accepted request
    base_url = "http://store-a.test" + urlsplit(exchange["request"]["url"]).path
    assert sent["oauth_signature"] == woocommerce_oauth.sign("GET", base_url, sent, SECRET)
    # With the recorded (redacted) key substituted, the string we sign is the one the store verified.
    as_recorded = {**sent, "oauth_consumer_key": recorded["oauth_consumer_key"]}
    assert woocommerce_oauth.signature_base_string(
        "GET", base_url, as_recorded
    ) == woocommerce_oauth.signature_base_string("GET", base_url, {k: str(v) for k, v in recorded.items()})
