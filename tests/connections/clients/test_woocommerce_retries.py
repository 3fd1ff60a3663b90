"""Retries: idempotent requests retry on 429/5xx/connection errors honouring Retry-After; POST never retries."""

from __future__ import annotations

import pytest
import requests
import responses

from connections.clients.woocommerce import (
    WooCommerceClient,
    WooCommerceConnectionError,
    WooCommerceRateLimitedError,
    WooCommerceServerError,
)
from tests.connections.clients.test_woocommerce_fixtures import KEY, SECRET

ORDERS_URL = "https://store-a.test/wp-json/wc/v3/orders"


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def make_client(sleep: RecordingSleep, max_attempts: int = 4) -> WooCommerceClient:
    return WooCommerceClient(
        store_url="https://store-a.test",
        consumer_key=KEY,
        consumer_secret=SECRET,
        allow_private_urls=True,
        verify=True,
        max_attempts=max_attempts,
        sleep=sleep,
    )


@responses.activate
def test_429_waits_as_long_as_retry_after_says():
    responses.add("GET", ORDERS_URL, status=429, json={"code": "rate_limit_exceeded"}, headers={"Retry-After": "7"})
    responses.add("GET", ORDERS_URL, status=429, json={"code": "rate_limit_exceeded"}, headers={"Retry-After": "3"})
    responses.add("GET", ORDERS_URL, json=[{"id": 1}])
    sleep = RecordingSleep()
    assert make_client(sleep).get("orders").data == [{"id": 1}]
    # Full-jitter backoff for attempts 1 and 2 is at most 1 s and 2 s, so the server's wish decides.
    assert sleep.delays == [7.0, 3.0]


@responses.activate
def test_503_then_200_succeeds():
    responses.add("GET", ORDERS_URL, status=503, body="<html>Service Unavailable</html>", content_type="text/html")
    responses.add("GET", ORDERS_URL, json=[], headers={"X-WP-Total": "0", "X-WP-TotalPages": "0"})
    sleep = RecordingSleep()
    result = make_client(sleep).get("orders")
    assert (result.status, result.total, len(sleep.delays), len(responses.calls)) == (200, 0, 1, 2)
    assert 0 <= sleep.delays[0] <= 1.0


@responses.activate
def test_persistent_429_raises_rate_limited_after_all_attempts():
    responses.add("GET", ORDERS_URL, status=429, body="Too Many Requests", headers={"Retry-After": "1"})
    sleep = RecordingSleep()
    with pytest.raises(WooCommerceRateLimitedError) as caught:
        make_client(sleep, max_attempts=3).get("orders")
    assert (caught.value.status, len(responses.calls), len(sleep.delays)) == (429, 3, 2)


@responses.activate
def test_persistent_500_raises_server_error_with_the_wc_code():
    body = {"code": "internal_server_error", "message": "There has been a critical error.", "data": {"status": 500}}
    responses.add("GET", ORDERS_URL, status=500, json=body)
    with pytest.raises(WooCommerceServerError) as caught:
        make_client(RecordingSleep()).get("orders")
    assert (caught.value.code, len(responses.calls)) == ("internal_server_error", 4)


@responses.activate
def test_post_is_never_retried():
    responses.add("POST", "https://store-a.test/wp-json/wc/v3/webhooks", status=503, body="busy")
    sleep = RecordingSleep()
    with pytest.raises(WooCommerceServerError):
        make_client(sleep).post("webhooks", {"topic": "order.updated"})
    assert (len(responses.calls), sleep.delays) == (1, [])


@responses.activate
def test_post_connection_error_is_not_retried():
    responses.add(
        "POST", "https://store-a.test/wp-json/wc/v3/webhooks", body=requests.exceptions.ConnectionError("reset")
    )
    with pytest.raises(WooCommerceConnectionError):
        make_client(RecordingSleep()).post("webhooks", {})
    assert len(responses.calls) == 1


@pytest.mark.parametrize("method", ["put", "delete"])
@responses.activate
def test_put_and_delete_are_retried(method):
    responses.add(method.upper(), f"{ORDERS_URL}/12", status=502, body="Bad Gateway")
    responses.add(method.upper(), f"{ORDERS_URL}/12", json={"id": 12})
    client = make_client(RecordingSleep())
    result = client.put("orders/12", {"status": "completed"}) if method == "put" else client.delete("orders/12")
    assert (result.data, len(responses.calls)) == ({"id": 12}, 2)


@responses.activate
def test_timeouts_raise_connection_error_after_every_attempt():
    responses.add("GET", ORDERS_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    sleep = RecordingSleep()
    with pytest.raises(WooCommerceConnectionError) as caught:
        make_client(sleep).get("orders")
    assert (caught.value.code, len(responses.calls), len(sleep.delays)) == ("timeout", 4, 3)


@responses.activate
def test_every_request_carries_a_timeout():
    responses.add("GET", ORDERS_URL, json=[])
    make_client(RecordingSleep()).get("orders")
    assert responses.calls[0].request.req_kwargs["timeout"] == (5.0, 60.0)
