"""Authentication modes: Basic header, the query-string fallback for hosts that strip it, OAuth over HTTP."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import responses

from connections.clients.woocommerce import WooCommerceAuthError, WooCommerceConnectionError, WooCommerceNotJSONError
from tests.connections.clients.test_woocommerce_fixtures import (
    KEY,
    PROTOCOL,
    SECRET,
    SYSTEM_STATUS_FIELDS,
    client,
    register,
    sent_query,
)

ANONYMOUS_401 = {
    "code": "woocommerce_rest_cannot_view",
    "message": "Sorry, you cannot list resources.",
    "data": {"status": 401},
}
ORDERS_URL = "https://store-a.test/wp-json/wc/v3/orders"


def host_strips_authorization_header(request):
    """What a CGI host does: the Authorization header never reaches PHP, query credentials do."""
    query = dict(parse_qsl(urlsplit(request.url).query))
    if query.get("consumer_key") == KEY and query.get("consumer_secret") == SECRET:
        return 200, {"X-WP-Total": "1", "X-WP-TotalPages": "1"}, '[{"id": 1}]'
    return 401, {}, json.dumps(ANONYMOUS_401)


@responses.activate
def test_https_uses_basic_auth_in_the_header():
    register(PROTOCOL / "system-status-fields.json")
    client().get("system_status", {"_fields": SYSTEM_STATUS_FIELDS})
    request = responses.calls[0].request
    assert request.headers["Authorization"].startswith("Basic ")
    assert "consumer_secret" not in request.url


@pytest.mark.parametrize(
    "name",
    [
        "auth-error-no-credentials-orders.json",
        "auth-error-no-credentials-system-status.json",
        "auth-error-unknown-key-basic.json",
    ],
)
@responses.activate
def test_anonymous_401_retries_once_with_query_credentials(name):
    exchange = register(PROTOCOL / name, strict_query=False)
    woo = client()
    route = exchange["request"]["url"].rsplit("/", 1)[-1]
    with pytest.raises(WooCommerceAuthError) as caught:
        woo.get(route, exchange["request"]["query"])
    assert (caught.value.code, len(responses.calls), woo.auth_mode) == ("woocommerce_rest_cannot_view", 2, "header")
    assert sent_query(responses.calls[1])["consumer_key"] == KEY


@responses.activate
def test_header_stripping_host_switches_to_query_mode_for_good(caplog):
    responses.add_callback("GET", ORDERS_URL, callback=host_strips_authorization_header)
    woo = client()
    caplog.set_level(logging.DEBUG)

    first = woo.get("orders", {"per_page": 1})
    second = woo.get("orders", {"per_page": 1})

    assert (first.data, second.data, woo.auth_mode) == ([{"id": 1}], [{"id": 1}], "query")
    assert len(responses.calls) == 3  # header (401), query (200), then query straight away
    assert "Authorization" not in responses.calls[2].request.headers
    assert SECRET not in caplog.text and KEY not in caplog.text
    assert "orders" in caplog.text  # the requests were logged, redacted


@responses.activate
def test_query_mode_errors_never_contain_the_secret():
    responses.add("GET", ORDERS_URL, body="<html>Blocked by firewall</html>", status=403, content_type="text/html")
    woo = client(auth_mode="query")
    with pytest.raises(WooCommerceNotJSONError) as caught:
        woo.get("orders")
    assert SECRET in responses.calls[0].request.url  # it really was sent in the query string
    assert SECRET not in str(caught.value) and KEY not in str(caught.value)
    assert SECRET not in repr(caught.value.__dict__)


def test_connection_errors_in_query_mode_never_contain_the_secret(caplog):
    caplog.set_level(logging.DEBUG)
    woo = client(auth_mode="query", max_attempts=2)
    with responses.RequestsMock() as mock:
        # What requests raises: its text includes the full URL, query-string credentials included.
        leak = f"Max retries exceeded with url: /wp-json/wc/v3/orders?consumer_key={KEY}&consumer_secret={SECRET}"
        mock.add("GET", ORDERS_URL, body=requests.exceptions.ConnectionError(leak))
        with pytest.raises(WooCommerceConnectionError) as caught:
            woo.get("orders")
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value.params)
    assert "Max retries exceeded" in caught.value.params["detail"]
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert SECRET not in caplog.text


@responses.activate
def test_link_headers_echoing_query_credentials_are_redacted():
    echoed = f'<{ORDERS_URL}?consumer_key={KEY}&consumer_secret={SECRET}&page=2>; rel="next"'
    responses.add("GET", ORDERS_URL, json=[{"id": 1}], headers={"Link": echoed, "X-WP-TotalPages": "2"})
    page = client(auth_mode="query").get("orders")
    assert SECRET not in page.headers["Link"] and "page=2" in page.headers["Link"]


@responses.activate
def test_http_store_gets_oauth_not_basic_and_no_query_fallback():
    """Basic over plain HTTP is ignored by WooCommerce (recorded); the client signs with OAuth instead."""
    register(PROTOCOL / "auth-error-basic-over-plain-http.json", strict_query=False)
    with pytest.raises(WooCommerceAuthError) as caught:
        client("http://store-a.test", home_url="https://store-a.test").get("orders", {"per_page": 1})
    request = responses.calls[0].request
    assert (caught.value.code, len(responses.calls)) == ("woocommerce_rest_cannot_view", 1)
    assert "Authorization" not in request.headers
    assert {"oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_timestamp"} <= set(
        sent_query(responses.calls[0])
    )
    assert "consumer_secret" not in request.url and SECRET not in request.url


@responses.activate
def test_oauth_retries_use_a_fresh_nonce():
    """WooCommerce refuses a nonce it has seen in the last 15 minutes, so a retry must not reuse one."""
    responses.add("GET", "http://store-a.test/wp-json/wc/v3/orders", status=503, body="busy")
    responses.add("GET", "http://store-a.test/wp-json/wc/v3/orders", json=[])
    client("http://store-a.test").get("orders")
    nonces = {sent_query(call)["oauth_nonce"] for call in responses.calls}
    assert len(nonces) == 2


@responses.activate
def test_list_params_are_sent_as_comma_lists_and_booleans_as_words():
    responses.add("GET", ORDERS_URL, json=[])
    client().get("orders", {"status": ["completed", "processing"], "dates_are_gmt": True, "after": None})
    assert sent_query(responses.calls[0]) == {"status": "completed,processing", "dates_are_gmt": "true"}
