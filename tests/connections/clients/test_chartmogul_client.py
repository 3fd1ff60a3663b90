"""The ChartMogul client's calls end to end against the simulator: lookups, paging, bulk imports."""

from __future__ import annotations

import pytest
import responses

from connections.clients.chartmogul import ChartMogulClient, normalize_customer, parse_amount
from connections.clients.chartmogul_errors import ChartMogulError
from connections.clients.rate_limit import InProcessRateLimiter

BASE = "https://api.chartmogul.test"


def test_iter_list_walks_every_cursor_page(chartmogul_client, chartmogul_simulator) -> None:
    ds = chartmogul_client.create_data_source("Store")["uuid"]
    for n in range(7):
        chartmogul_client.create_customer({"data_source_uuid": ds, "external_id": f"c{n}"})
    got = [c["external_id"] for c in chartmogul_client.iter_list("/v1/customers", "entries", {"per_page": 3})]
    assert got == [f"c{n}" for n in range(7)]
    assert len(chartmogul_simulator.requests_to(r"^/v1/customers$", "GET")) == 3


@responses.activate
def test_iter_list_stops_when_the_cursor_does_not_advance() -> None:
    page = {"plans": [{"uuid": "pl_1"}], "cursor": "same", "has_more": True}
    responses.add("GET", f"{BASE}/v1/plans", json=page)
    client = ChartMogulClient(api_key="cm-key-12345678", base_url=BASE, rate_limiter=InProcessRateLimiter())
    assert len(list(client.iter_list("/v1/plans", "plans"))) == 2
    assert len(responses.calls) == 2


def test_lookups_by_external_id(chartmogul_client) -> None:
    ds = chartmogul_client.create_data_source("Store")["uuid"]
    customer = chartmogul_client.create_customer({"data_source_uuid": ds, "external_id": "wc-1"})
    plan = chartmogul_client.create_plan(
        {"data_source_uuid": ds, "external_id": "p", "name": "P", "interval_count": 3, "interval_unit": "month"}
    )
    assert chartmogul_client.find_customer(data_source_uuid=ds, external_id="wc-1")["uuid"] == customer["uuid"]
    assert chartmogul_client.find_customer(data_source_uuid=ds, external_id="nobody") is None
    assert chartmogul_client.find_plan(data_source_uuid=ds, external_id="p")["uuid"] == plan["uuid"]
    assert chartmogul_client.find_invoice(data_source_uuid=ds, external_id="none") is None
    assert chartmogul_client.get_data_source(ds)["name"] == "Store"
    assert chartmogul_client.update_customer(customer["uuid"], {"name": "Ann"})["name"] == "Ann"
    chartmogul_client.delete_data_source(ds)
    with pytest.raises(ChartMogulError) as caught:
        chartmogul_client.get_data_source(ds)
    assert (caught.value.status, caught.value.message) == (404, "Data source not found")


def test_wait_for_json_import_polls_until_completed(chartmogul_client, chartmogul_simulator) -> None:
    ds = chartmogul_client.create_data_source("Store")["uuid"]
    job = chartmogul_client.create_json_import(ds, {"external_id": "bf-1", "customers": [{"external_id": "c1"}]})
    done = chartmogul_client.wait_for_json_import(ds, job["id"], poll_interval=0)
    assert done["status"] == "completed"
    assert len(chartmogul_simulator.requests_to("/json_imports/", "GET")) == 3


@responses.activate
def test_wait_for_json_import_gives_up_after_timeout() -> None:
    responses.add("GET", f"{BASE}/v1/data_sources/ds_1/json_imports/bf-1", json={"id": "x", "status": "processing"})
    client = ChartMogulClient(api_key="cm-key-12345678", base_url=BASE, rate_limiter=InProcessRateLimiter())
    with pytest.raises(ChartMogulError) as caught:
        client.wait_for_json_import("ds_1", "bf-1", timeout=0.05, poll_interval=0.01)
    assert caught.value.code == "import_timeout"


def test_cancel_subscription_needs_exactly_one_way(chartmogul_client) -> None:
    with pytest.raises(ValueError):
        chartmogul_client.cancel_subscription("sub_1")
    with pytest.raises(ValueError):
        chartmogul_client.cancel_subscription("sub_1", cancelled_at="2024-01-01", cancellation_dates=[])


@pytest.mark.parametrize(
    ("raw", "parsed"), [(1000, 1000), ("1000", 1000), ("", None), (None, None), ("12.0", 12), (True, None), ("x", None)]
)
def test_amounts_parse_leniently(raw, parsed) -> None:
    assert parse_amount(raw) == parsed


def test_hyphenated_customer_keys_get_underscore_twins() -> None:
    customer = normalize_customer({"customer-since": "2024-01-01T00:00:00.000Z", "currency-sign": "$"})
    assert (customer["customer_since"], customer["currency_sign"]) == ("2024-01-01T00:00:00.000Z", "$")
