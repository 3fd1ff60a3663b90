"""OAuth 1.0a one-legged authentication on the simulator (plain http store, WooCommerce 10.0.2 rules)."""

from __future__ import annotations

import secrets
import time
from urllib.parse import quote

import pytest
import requests

from tests.simulators.woocommerce.auth import oauth_base_url, oauth_signature

ORDERS = "/wp-json/wc/v3/orders"
UNUSED_RECEIVER = "http://127.0.0.1:9/hook"  # discard port: the creation ping is refused at once


@pytest.fixture
def http_store(woo_store_http):
    woo_store_http.home_url = woo_store_http.base_url
    return woo_store_http


def signed_query(store, key, path, *, params=None, method="GET", algorithm="HMAC-SHA256", timestamp=None, nonce=None):
    ck, cs = key
    query = dict(params or {})
    query.update(
        oauth_consumer_key=ck,
        oauth_nonce=nonce or secrets.token_hex(8),
        oauth_signature_method=algorithm,
        oauth_timestamp=str(int(timestamp if timestamp is not None else time.time())),
    )
    base = oauth_base_url(store.home_url, path, store.scheme == "https")
    query["oauth_signature"] = oauth_signature(method, base, query, cs, algorithm[5:].lower())
    return query


def get(store, path, **kwargs):
    return requests.get(store.base_url + path, timeout=10, **kwargs)


def error(response):
    return response.status_code, response.json()["code"], response.json()["message"]


def test_valid_sha256_query_signature_is_accepted(http_store):
    key = http_store.add_api_key("read")
    response = get(http_store, ORDERS, params=signed_query(http_store, key, ORDERS, params={"per_page": "2"}))
    assert response.status_code == 200
    assert [o["id"] for o in response.json()] == [104, 109]


def test_valid_sha1_signature_in_the_authorization_header_is_accepted(http_store):
    key = http_store.add_api_key("read")
    query = signed_query(http_store, key, ORDERS, params={"status": "completed,processing"}, algorithm="HMAC-SHA1")
    oauth = {k: query.pop(k) for k in list(query) if k.startswith("oauth_")}
    header = "OAuth " + ", ".join(f'{k}="{quote(v, safe="")}"' for k, v in oauth.items())
    response = get(http_store, ORDERS, params=query, headers={"Authorization": header})
    assert response.status_code == 200
    assert {o["status"] for o in response.json()} <= {"completed", "processing"}


def test_values_with_slashes_are_signed_rfc3986_encoded(http_store):
    key = http_store.add_api_key("read")
    params = {"modified_after": "2026-10-01T00:00:00", "search": "a/b c"}
    response = get(http_store, ORDERS, params=signed_query(http_store, key, ORDERS, params=params))
    assert response.status_code == 200


def test_bad_signature_is_rejected(http_store):
    key = http_store.add_api_key("read")
    query = signed_query(http_store, key, ORDERS)
    query["oauth_signature"] = "bm90LXRoZS1yaWdodC1zaWduYXR1cmUtMDAwMDAwMDAw"
    assert error(get(http_store, ORDERS, params=query)) == (
        401,
        "woocommerce_rest_authentication_error",
        "Invalid signature - provided signature does not match.",
    )


def test_signature_base_uses_the_home_url_not_the_request_host(http_store):
    key = http_store.add_api_key("read")
    http_store.home_url = f"http://shop.test:{http_store.port}"  # reached as 127.0.0.1, home says shop.test
    signed_for_home = signed_query(http_store, key, ORDERS)
    http_store.home_url = None
    signed_for_request_host = signed_query(http_store, key, ORDERS)
    http_store.home_url = f"http://shop.test:{http_store.port}"

    assert get(http_store, ORDERS, params=signed_for_home).status_code == 200
    assert error(get(http_store, ORDERS, params=signed_for_request_host))[2] == (
        "Invalid signature - provided signature does not match."
    )


def test_stale_timestamp_is_rejected(http_store):
    key = http_store.add_api_key("read")
    query = signed_query(http_store, key, ORDERS, timestamp=time.time() - 16 * 60)
    assert error(get(http_store, ORDERS, params=query))[2] == "Invalid timestamp."


def test_reused_nonce_is_rejected(http_store):
    key = http_store.add_api_key("read")
    first = signed_query(http_store, key, ORDERS, nonce="fixed-nonce-1")
    second = signed_query(http_store, key, ORDERS, params={"per_page": "1"}, nonce="fixed-nonce-1")
    assert get(http_store, ORDERS, params=first).status_code == 200
    assert error(get(http_store, ORDERS, params=second))[2] == "Invalid nonce - nonce has already been used."


def test_unknown_consumer_key_is_rejected(http_store):
    query = signed_query(http_store, ("ck_" + "0" * 40, "cs_" + "0" * 40), ORDERS)
    assert error(get(http_store, ORDERS, params=query))[2] == "Consumer key is invalid."


def test_missing_oauth_parameter_is_named(http_store):
    key = http_store.add_api_key("read")
    query = signed_query(http_store, key, ORDERS)
    del query["oauth_nonce"]
    assert error(get(http_store, ORDERS, params=query)) == (
        401,
        "woocommerce_rest_authentication_missing_parameter",
        "Missing OAuth parameter oauth_nonce",
    )


def test_unsupported_signature_method_is_rejected(http_store):
    key = http_store.add_api_key("read")
    query = signed_query(http_store, key, ORDERS)
    query["oauth_signature_method"] = "PLAINTEXT"
    assert error(get(http_store, ORDERS, params=query))[2] == "Invalid signature - signature method is invalid."


def test_basic_auth_over_plain_http_is_anonymous(http_store):
    key = http_store.add_api_key("read")
    assert error(get(http_store, ORDERS, auth=key)) == (
        401,
        "woocommerce_rest_cannot_view",
        "Sorry, you cannot list resources.",
    )


def test_form_encoded_body_is_part_of_the_signature(http_store):
    key = http_store.add_api_key("read_write")
    path = "/wp-json/wc/v3/webhooks"
    form = {"topic": "order.updated", "delivery_url": UNUSED_RECEIVER, "secret": "abc123"}
    query = signed_query(http_store, key, path, params=form, method="POST")
    oauth = {k: v for k, v in query.items() if k.startswith("oauth_")}
    response = requests.post(http_store.base_url + path, params=oauth, data=form, timeout=10)
    assert response.status_code == 201
