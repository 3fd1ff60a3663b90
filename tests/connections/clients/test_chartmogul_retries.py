"""Retry rules of the ChartMogul client, against the simulator (and `responses` where exact headers matter)."""

from __future__ import annotations

import base64
import logging

import pytest
import responses

from connections.clients.chartmogul import ChartMogulClient
from connections.clients.chartmogul_errors import ChartMogulError
from connections.clients.rate_limit import InProcessRateLimiter
from tests.simulators.chartmogul import ChartMogulSimulator

BASE = "https://api.chartmogul.test"


class SleepRecorder:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _client(sim: ChartMogulSimulator, key: str, **kwargs) -> ChartMogulClient:
    kwargs.setdefault("sleep", SleepRecorder())
    return ChartMogulClient(
        api_key=key, base_url=sim.base_url, rate_limiter=InProcessRateLimiter(), timeouts=(2.0, 1.0), **kwargs
    )


def _data_source(client: ChartMogulClient) -> str:
    return client.create_data_source("Store")["uuid"]


def test_429_retry_after_is_honoured(chartmogul_simulator, chartmogul_api_key) -> None:
    sleep = SleepRecorder()
    client = _client(chartmogul_simulator, chartmogul_api_key, sleep=sleep)
    chartmogul_simulator.inject_fault(r"^/v1/ping$", "429", times=2, retry_after=7)
    client.ping()
    assert len(sleep.calls) == 2 and all(s >= 7 for s in sleep.calls)


@responses.activate
def test_retry_after_as_http_date_and_seconds_from_a_real_response() -> None:
    sleep = SleepRecorder()
    responses.add("GET", f"{BASE}/v1/ping", status=503, headers={"Retry-After": "4"}, body="")
    responses.add("GET", f"{BASE}/v1/ping", json={"data": "pong!"})
    ChartMogulClient(api_key="k", base_url=BASE, rate_limiter=InProcessRateLimiter(), sleep=sleep).ping()
    assert sleep.calls[0] >= 4 and len(responses.calls) == 2


@pytest.mark.parametrize("kind", ["500", "504", "503", "drop"])
def test_reads_are_retried_on_server_errors_and_lost_connections(chartmogul_simulator, chartmogul_client, kind) -> None:
    chartmogul_simulator.inject_fault(r"^/v1/data_sources$", kind, times=2, method="GET")
    assert chartmogul_client.list_data_sources() == []
    assert len(chartmogul_simulator.requests_to(r"^/v1/data_sources$", "GET")) == 3


def test_retries_are_bounded(chartmogul_simulator, chartmogul_api_key) -> None:
    client = _client(chartmogul_simulator, chartmogul_api_key, max_attempts=3)
    chartmogul_simulator.inject_fault(r"^/v1/ping$", "500", times=10)
    with pytest.raises(ChartMogulError) as caught:
        client.ping()
    assert (caught.value.status, caught.value.attempts, len(chartmogul_simulator.requests)) == (500, 3, 3)


def test_post_without_duplicate_detection_is_not_retried_on_500(chartmogul_simulator, chartmogul_client) -> None:
    ds = _data_source(chartmogul_client)
    chartmogul_simulator.inject_fault(r"^/v1/plans$", "500")
    with pytest.raises(ChartMogulError):
        chartmogul_client.create_plan(
            {"data_source_uuid": ds, "name": "Gold", "interval_count": 1, "interval_unit": "month"}
        )
    assert len(chartmogul_simulator.requests_to(r"^/v1/plans$", "POST")) == 1


def test_post_without_duplicate_detection_is_not_retried_after_lost_answer(
    chartmogul_simulator, chartmogul_client
) -> None:
    ds = _data_source(chartmogul_client)
    chartmogul_simulator.inject_fault(r"^/v1/plans$", "drop")
    with pytest.raises(ChartMogulError):
        chartmogul_client.create_plan(
            {"data_source_uuid": ds, "name": "Gold", "interval_count": 1, "interval_unit": "month"}
        )
    assert len(chartmogul_simulator.state.plans) == 1  # created once, never duplicated


def test_refused_post_429_is_resent_even_without_external_id(chartmogul_simulator, chartmogul_client) -> None:
    ds = _data_source(chartmogul_client)
    chartmogul_simulator.inject_fault(r"^/v1/plans$", "429")
    chartmogul_client.create_plan(
        {"data_source_uuid": ds, "name": "Gold", "interval_count": 1, "interval_unit": "month"}
    )
    assert len(chartmogul_simulator.state.plans) == 1


@pytest.mark.parametrize("kind", ["drop", "timeout"])
def test_customer_already_exists_on_retry_is_success(chartmogul_simulator, chartmogul_client, kind) -> None:
    ds = _data_source(chartmogul_client)
    chartmogul_simulator.inject_fault(r"^/v1/customers$", kind, method="POST", delay=2.0)
    customer = chartmogul_client.create_customer({"data_source_uuid": ds, "external_id": "wc-7", "name": "Ann"})
    assert customer["external_id"] == "wc-7"
    assert [c.uuid for c in chartmogul_simulator.state.customers.values()] == [customer["uuid"]]
    assert [r.status for r in chartmogul_simulator.requests_to(r"^/v1/customers$", "POST")] == [201, 422]


def test_already_exists_on_first_attempt_is_reported(chartmogul_simulator, chartmogul_client) -> None:
    ds = _data_source(chartmogul_client)
    chartmogul_client.create_customer({"data_source_uuid": ds, "external_id": "wc-7"})
    with pytest.raises(ChartMogulError) as caught:
        chartmogul_client.create_customer({"data_source_uuid": ds, "external_id": "wc-7"})
    assert caught.value.is_already_exists and caught.value.attempts == 1


def test_invoice_import_already_exists_on_retry_returns_stored_invoices(
    chartmogul_simulator, chartmogul_client
) -> None:
    ds = _data_source(chartmogul_client)
    customer = chartmogul_client.create_customer({"data_source_uuid": ds, "external_id": "wc-1"})
    plan = chartmogul_client.create_plan(
        {"data_source_uuid": ds, "external_id": "p1", "name": "Gold", "interval_count": 1, "interval_unit": "month"}
    )
    invoice = {
        "external_id": "order-36", "date": "2024-01-01 00:00:00", "currency": "EUR",
        "line_items": [{"type": "subscription", "subscription_external_id": "sub-37", "plan_uuid": plan["uuid"],
                        "service_period_start": "2024-01-01", "service_period_end": "2024-02-01",
                        "amount_in_cents": 1200, "external_id": "li-1"}],
        "transactions": [{"type": "payment", "result": "successful", "date": "2024-01-01", "external_id": "tr-1"}],
    }  # fmt: skip
    chartmogul_simulator.inject_fault(r"/invoices$", "drop", method="POST")
    imported = chartmogul_client.import_invoices(customer["uuid"], [invoice])
    assert [i["external_id"] for i in imported] == ["order-36"]
    assert imported[0]["line_items"][0]["subscription_uuid"].startswith("sub_")
    assert len(chartmogul_simulator.state.invoices) == 1


def test_transaction_and_data_source_already_exist_on_retry(chartmogul_simulator, chartmogul_client) -> None:
    chartmogul_simulator.inject_fault(r"^/v1/data_sources$", "drop", method="POST")
    ds = chartmogul_client.create_data_source("Store B")["uuid"]
    customer = chartmogul_client.create_customer({"data_source_uuid": ds, "external_id": "c"})
    invoice = chartmogul_client.import_invoices(
        customer["uuid"], [{"external_id": "i", "date": "2024-01-01", "currency": "USD", "line_items": []}]
    )[0]
    chartmogul_simulator.inject_fault(r"/transactions$", "drop")
    tr = chartmogul_client.create_transaction(
        invoice["uuid"], {"type": "refund", "result": "successful", "date": "2024-01-02", "external_id": "r1"}
    )
    assert (tr["external_id"], len(chartmogul_simulator.state.data_sources)) == ("r1", 1)
    assert len(chartmogul_simulator.state.invoices[invoice["uuid"]].transactions) == 1


def test_json_import_with_lost_answer_is_looked_up_not_resent(chartmogul_simulator, chartmogul_client) -> None:
    ds = _data_source(chartmogul_client)
    chartmogul_simulator.inject_fault(r"/json_imports$", "drop")
    job = chartmogul_client.create_json_import(ds, {"external_id": "bf-1", "customers": [{"external_id": "c1"}]})
    assert job["external_id"] == "bf-1"
    assert len(chartmogul_simulator.requests_to(r"/json_imports$", "POST")) == 1


def test_json_import_500_is_not_resent_and_reported(chartmogul_simulator, chartmogul_client) -> None:
    ds = _data_source(chartmogul_client)
    chartmogul_simulator.inject_fault(r"/json_imports$", "500")
    with pytest.raises(ChartMogulError) as caught:
        chartmogul_client.create_json_import(ds, {"external_id": "bf-1", "customers": []})
    assert caught.value.status == 500
    assert len(chartmogul_simulator.requests_to(r"/json_imports$", "POST")) == 1


def test_connect_subscriptions_is_never_retried_on_server_error(chartmogul_simulator, chartmogul_client) -> None:
    chartmogul_simulator.inject_fault(r"connect_subscriptions$", "503")
    with pytest.raises(ChartMogulError):
        chartmogul_client.connect_subscriptions("cus_x", [{"uuid": "sub_x"}])
    assert len(chartmogul_simulator.requests_to("connect_subscriptions")) == 1


@responses.activate
def test_find_or_create_data_source_survives_a_concurrent_create() -> None:
    ds = {
        "uuid": "ds_1",
        "name": "Shop",
        "system": "Import API",
        "created_at": "2024-01-01T00:00:00.000Z",
        "status": "idle",
    }
    responses.add("GET", f"{BASE}/v1/data_sources", json={"data_sources": []})
    responses.add("POST", f"{BASE}/v1/data_sources", status=422, json={"errors": {"name": "Has already been taken."}})
    responses.add("GET", f"{BASE}/v1/data_sources", json={"data_sources": [ds]})
    client = ChartMogulClient(api_key="k", base_url=BASE, rate_limiter=InProcessRateLimiter())
    assert client.find_or_create_data_source("Shop") == (ds, False)


def test_probe_write_access_creates_nothing(chartmogul_simulator, chartmogul_api_key, chartmogul_read_api_key) -> None:
    assert _client(chartmogul_simulator, chartmogul_api_key).probe_write_access() is True
    assert _client(chartmogul_simulator, chartmogul_read_api_key).probe_write_access() is False
    with pytest.raises(ChartMogulError) as caught:
        _client(chartmogul_simulator, "not-a-key").probe_write_access()
    assert caught.value.is_auth_error
    assert chartmogul_simulator.state.data_sources == {}


def test_every_request_carries_a_timeout() -> None:
    seen: list[object] = []

    class Session:
        def request(self, method, url, **kwargs):
            seen.append(kwargs.get("timeout"))
            raise __import__("requests").ConnectionError("down")

    client = ChartMogulClient(
        api_key="k",
        base_url=BASE,
        rate_limiter=InProcessRateLimiter(),
        session=Session(),
        max_attempts=2,
        sleep=lambda s: None,
    )
    with pytest.raises(ChartMogulError):
        client.get_data_source("ds_1")
    with pytest.raises(ChartMogulError):
        client.create_json_import("ds_1", {"customers": []})
    assert seen == [(5.0, 60.0), (5.0, 60.0), (5.0, 300.0)]


def test_rate_limiter_wait_exceeded_becomes_a_chartmogul_error(chartmogul_simulator, chartmogul_api_key) -> None:
    limiter = InProcessRateLimiter(max_concurrent=1, max_wait=0.2)
    client = ChartMogulClient(api_key=chartmogul_api_key, base_url=chartmogul_simulator.base_url, rate_limiter=limiter)
    with limiter.slot(), pytest.raises(ChartMogulError) as caught:
        client.ping()
    assert caught.value.code == "rate_limit_wait"


def test_no_secret_in_logs_or_exceptions(chartmogul_simulator, caplog) -> None:
    key = "cm-live-0123456789abcdef0123456789abcdef"
    basic = base64.b64encode(f"{key}:".encode()).decode()
    chartmogul_simulator.add_api_key("read_write", key=key)
    client = _client(chartmogul_simulator, key)
    caplog.set_level(logging.DEBUG)
    chartmogul_simulator.inject_fault(r"^/v1/ping$", "drop", times=1)
    client.ping()
    bad = _client(chartmogul_simulator, key + "x")
    with pytest.raises(ChartMogulError) as caught:
        bad.ping()
    texts = [
        caplog.text,
        str(caught.value),
        repr(caught.value),
        caught.value.raw_body,
        repr(client),
        repr(vars(caught.value)),
    ]
    assert "GET" in caplog.text and "/v1/ping" in caplog.text
    assert not [t for t in texts if key in t or basic in t]
