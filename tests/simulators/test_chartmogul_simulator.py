"""Behaviour of the ChartMogul simulator beyond single recorded exchanges: rules, paging, faults, CLI."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.simulators.chartmogul import ChartMogulSimulator

ROOT = Path(__file__).resolve().parents[2]


class Api:
    """Raw HTTP against the simulator, so status codes and bodies are seen exactly as sent."""

    def __init__(self, sim: ChartMogulSimulator, key: str) -> None:
        self.sim, self.auth = sim, (key, "")

    def __call__(self, method: str, path: str, body=None, **params) -> requests.Response:
        return requests.request(method, self.sim.base_url + path, json=body, params=params, auth=self.auth, timeout=10)

    def data_source(self, name: str = "Store") -> str:
        return self("POST", "/v1/data_sources", {"name": name}).json()["uuid"]

    def customer(self, ds: str, external_id: str = "c1", **fields) -> dict:
        return self("POST", "/v1/customers", {"data_source_uuid": ds, "external_id": external_id, **fields}).json()

    def plan(self, ds: str, external_id: str = "p1") -> dict:
        body = {
            "data_source_uuid": ds,
            "external_id": external_id,
            "name": "Gold",
            "interval_count": 1,
            "interval_unit": "month",
        }
        return self("POST", "/v1/plans", body).json()


@pytest.fixture
def api(chartmogul_simulator, chartmogul_api_key) -> Api:
    return Api(chartmogul_simulator, chartmogul_api_key)


def _invoice(plan_uuid: str, external_id: str = "inv-1", li: str | None = "li-1", tr: str | None = "tr-1") -> dict:
    return {
        "external_id": external_id, "date": "2024-01-01 00:00:00", "currency": "USD",
        "line_items": [{"type": "subscription", "subscription_external_id": "sub-1", "plan_uuid": plan_uuid,
                        "service_period_start": "2024-01-01", "service_period_end": "2024-02-01",
                        "amount_in_cents": 1000, "external_id": li}],
        "transactions": [{"type": "payment", "result": "successful", "date": "2024-01-01", "external_id": tr}],
    }  # fmt: skip


def test_bad_or_missing_key_gets_the_recorded_401(chartmogul_simulator) -> None:
    for auth in [None, ("nope", ""), ("nope", "nope")]:
        response = requests.get(chartmogul_simulator.base_url + "/v1/ping", auth=auth, timeout=5)
        assert (response.status_code, response.json()) == (
            401,
            {"code": 401, "message": "No valid API key provided", "param": None},
        )


def test_key_as_password_is_accepted(chartmogul_simulator, chartmogul_api_key) -> None:
    auth = (chartmogul_api_key, chartmogul_api_key)
    assert requests.get(chartmogul_simulator.base_url + "/v1/ping", auth=auth, timeout=5).json() == {"data": "pong!"}


def test_read_key_may_read_but_not_write(chartmogul_simulator, chartmogul_read_api_key) -> None:
    api = Api(chartmogul_simulator, chartmogul_read_api_key)
    assert api("GET", "/v1/data_sources").status_code == 200
    denied = api("POST", "/v1/data_sources", {"name": "x"})
    assert denied.status_code == 403 and set(denied.json()) == {"code", "message", "param"}


def test_data_source_rules(api) -> None:
    ds = api.data_source("Store")
    assert api("POST", "/v1/data_sources", {"name": "Store"}).json() == {"errors": {"name": "Has already been taken."}}
    missing = api("POST", "/v1/data_sources", {})
    assert (missing.status_code, missing.json()["message"]) == (400, 'Parameter "name" is missing')
    assert api("POST", "/v1/data_sources", {"name": None}).status_code == 422
    assert api("DELETE", f"/v1/data_sources/{ds}").status_code == 204
    gone = api("GET", f"/v1/data_sources/{ds}")
    assert (gone.status_code, gone.json()) == (404, {"error": "Data source not found"})


def test_customer_duplicate_lookup_and_hyphenated_keys(api) -> None:
    ds, other = api.data_source("A"), api.data_source("B")
    created = api.customer(ds, "wc-1", name="Ann")
    assert {"customer-since", "billing-system-url", "chartmogul-url", "billing-system-type", "currency-sign"} <= set(
        created
    )
    dup = api("POST", "/v1/customers", {"data_source_uuid": ds, "external_id": "wc-1"})
    assert (dup.status_code, dup.json()) == (
        422, {"errors": {"external_id": "The external ID for this customer already exists in our system."}}
    )  # fmt: skip
    api.customer(other, "wc-1")  # external ids are scoped to their data source
    found = api("GET", "/v1/customers", external_id="wc-1", data_source_uuid=ds).json()["entries"]
    assert [c["uuid"] for c in found] == [created["uuid"]]
    patched = api("PATCH", f"/v1/customers/{created['uuid']}", {"email": "ann@example.com"})
    assert (patched.status_code, patched.json()["email"]) == (200, "ann@example.com")


def test_plan_duplicate_and_update_status(api) -> None:
    ds = api.data_source()
    plan = api.plan(ds)
    dup = api(
        "POST",
        "/v1/plans",
        {"data_source_uuid": ds, "external_id": "p1", "name": "x", "interval_count": 1, "interval_unit": "day"},
    )
    assert dup.json() == {"errors": {"external_id": "A plan with this identifier already exists in our system."}}
    assert api("PATCH", f"/v1/plans/{plan['uuid']}", {"name": "Platinum"}).status_code == 202


def test_duplicate_invoice_is_rejected_whole_with_go_client_strings(api, chartmogul_simulator) -> None:
    ds = api.data_source()
    customer, plan = api.customer(ds), api.plan(ds)
    first = api("POST", f"/v1/import/customers/{customer['uuid']}/invoices", {"invoices": [_invoice(plan["uuid"])]})
    assert first.status_code == 201 and first.json()["invoices"][0]["errors"] == {}
    again = api(
        "POST", f"/v1/import/customers/{customer['uuid']}/invoices",
        {"invoices": [_invoice(plan["uuid"], "inv-2", li=None, tr=None), _invoice(plan["uuid"])]},
    )  # fmt: skip
    assert (again.status_code, again.json()) == (422, {"errors": {
        "external_id": "The external ID for this invoice already exists in our system.",
        "transactions.external_id": "has already been taken",
        "line_items.external_id": "The external ID for this line item already exists in our system.",
    }})  # fmt: skip
    assert len(chartmogul_simulator.state.invoices) == 1  # inv-2 was not stored either


def test_invoice_filters_transactions_status_and_cancellation(api) -> None:
    ds = api.data_source()
    customer, plan = api.customer(ds), api.plan(ds)
    invoice = api(
        "POST", f"/v1/import/customers/{customer['uuid']}/invoices", {"invoices": [_invoice(plan["uuid"])]}
    ).json()["invoices"][0]
    listed = api("GET", "/v1/invoices", data_source_uuid=ds, external_id="inv-1").json()["invoices"]
    assert [i["uuid"] for i in listed] == [invoice["uuid"]] and listed[0]["customer_uuid"] == customer["uuid"]
    assert api("GET", "/v1/invoices", data_source_uuid=ds, external_id="other").json()["invoices"] == []
    refund = {
        "type": "refund",
        "result": "successful",
        "date": "2024-01-05",
        "amount_in_cents": 500,
        "external_id": "r1",
    }
    assert api("POST", f"/v1/import/invoices/{invoice['uuid']}/transactions", refund).status_code == 201
    assert api("PUT", f"/v1/data_sources/{ds}/invoices/inv-1/status", {"status": "voided"}).status_code == 200
    sub = invoice["line_items"][0]["subscription_uuid"]
    cancelled = api("PATCH", f"/v1/import/subscriptions/{sub}", {"cancelled_at": "2024-01-15 00:00:00"})
    assert (cancelled.status_code, cancelled.json()["cancellation_dates"]) == (202, ["2024-01-15T00:00:00.000Z"])
    cleared = api("PATCH", f"/v1/import/subscriptions/{sub}", {"cancellation_dates": []})
    assert cleared.json()["cancellation_dates"] == []


def test_connect_subscriptions_moves_them_to_the_customer(api, chartmogul_simulator) -> None:
    ds = api.data_source()
    first, second, plan = api.customer(ds, "a"), api.customer(ds, "b"), api.plan(ds)
    inv = api("POST", f"/v1/import/customers/{second['uuid']}/invoices", {"invoices": [_invoice(plan["uuid"])]}).json()
    sub = inv["invoices"][0]["line_items"][0]["subscription_uuid"]
    response = api("POST", f"/v1/customers/{first['uuid']}/connect_subscriptions", {"subscriptions": [{"uuid": sub}]})
    assert response.status_code == 202
    assert [
        s["uuid"] for s in api("GET", f"/v1/import/customers/{first['uuid']}/subscriptions").json()["subscriptions"]
    ] == [sub]


def test_cursor_pagination(api) -> None:
    ds = api.data_source()
    for n in range(5):
        api.customer(ds, f"c{n}")
    first = api("GET", "/v1/customers", data_source_uuid=ds, per_page=2).json()
    assert (len(first["entries"]), first["has_more"], first["total_pages"], first["current_page"]) == (2, True, 3, 1)
    seen, cursor = [e["external_id"] for e in first["entries"]], first["cursor"]
    while cursor:
        page = api("GET", "/v1/customers", data_source_uuid=ds, per_page=2, cursor=cursor).json()
        assert set(page) == {"entries", "cursor", "has_more"}  # no legacy fields on cursor requests (recorded)
        seen += [e["external_id"] for e in page["entries"]]
        cursor = page["cursor"] if page["has_more"] else None
    assert seen == [f"c{n}" for n in range(5)]


def test_per_page_is_capped_at_200(api, chartmogul_simulator) -> None:
    ds = api.data_source()
    from tests.simulators.chartmogul import operations as ops

    with chartmogul_simulator.state.lock:
        for n in range(205):
            ops.create_plan(chartmogul_simulator.state, {"data_source_uuid": ds, "external_id": f"p{n}", "name": "P",
                                                         "interval_count": 1, "interval_unit": "month"})  # fmt: skip
    page = api("GET", "/v1/plans", per_page=500).json()
    assert (len(page["plans"]), page["has_more"]) == (200, True)


def test_json_import_progresses_on_successive_polls(api) -> None:
    ds = api.data_source()
    created = api(
        "POST", f"/v1/data_sources/{ds}/json_imports", {"external_id": "bf-1", "customers": [{"external_id": "c1"}]}
    )
    assert created.status_code == 200 and created.json()["status"] == "queued"
    by_id = f"/v1/data_sources/{ds}/json_imports/{created.json()['id']}"
    statuses = [
        api("GET", by_id).json()["status"],
        api("GET", f"/v1/data_sources/{ds}/json_imports/bf-1").json()["status"],
    ]
    final = api("GET", by_id).json()
    assert [*statuses, final["status"]] == ["queued", "processing", "completed"]
    assert final["status_details"]["c1"] == {"customer": {"status": "imported"}}


@pytest.mark.parametrize(("kind", "text"), [("500", "500 Internal Server Error"), ("504", "504 Gateway Timeout Error")])
def test_server_error_faults_send_the_recorded_plain_text(api, chartmogul_simulator, kind, text) -> None:
    chartmogul_simulator.inject_fault(r"^/v1/ping$", kind, times=2)
    answers = [api("GET", "/v1/ping") for _ in range(3)]
    assert [(a.status_code, a.text) for a in answers[:2]] == [(int(kind), text)] * 2
    assert answers[0].headers["Content-Type"].startswith("text/plain")
    assert answers[2].json() == {"data": "pong!"}
    assert [r.fault for r in chartmogul_simulator.requests] == [kind, kind, None]


def test_429_fault_carries_retry_after(api, chartmogul_simulator) -> None:
    chartmogul_simulator.inject_fault(r"^/v1/ping$", "429", retry_after=3)
    response = api("GET", "/v1/ping")
    assert (response.status_code, response.headers["Retry-After"]) == (429, "3")


def test_timeout_and_drop_faults_still_apply_the_write(api, chartmogul_simulator) -> None:
    chartmogul_simulator.inject_fault(r"^/v1/data_sources$", "drop", method="POST")
    with pytest.raises(requests.ConnectionError):
        api("POST", "/v1/data_sources", {"name": "A"})
    chartmogul_simulator.inject_fault(r"^/v1/data_sources$", "timeout", method="POST", delay=1.0)
    with pytest.raises(requests.Timeout):
        requests.post(
            chartmogul_simulator.base_url + "/v1/data_sources", json={"name": "B"}, auth=api.auth, timeout=0.3
        )
    assert sorted(ds.name for ds in chartmogul_simulator.state.data_sources.values()) == ["A", "B"]


def test_more_than_twenty_parallel_requests_get_503(api, chartmogul_simulator) -> None:
    chartmogul_simulator.inject_fault(r"^/v1/ping$", "timeout", times=25, delay=0.8)
    statuses: list[int] = []
    lock = threading.Lock()

    def call() -> None:
        status = api("GET", "/v1/ping").status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=call) for _ in range(25)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 20 + [503] * 5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_serves_and_prints_a_demo_key() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.simulators.chartmogul", "serve", "--port", str(port), "--demo"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        lines = [proc.stdout.readline() for _ in range(2)]
        key = re.search(r"demo API key \(read/write\): (\S+)", lines[1]).group(1)
        deadline = time.monotonic() + 5
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/v1/ping", auth=(key, ""), timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert response.json() == {"data": "pong!"}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
