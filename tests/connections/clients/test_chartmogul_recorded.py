"""The client parses every recorded real ChartMogul response (shared/fixtures/chartmogul/)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import responses

from connections.clients.chartmogul import ChartMogulClient, parse_amount
from connections.clients.chartmogul_errors import ChartMogulError
from connections.clients.rate_limit import InProcessRateLimiter
from tests.connections.clients.chartmogul_recordings import Recording, all_recordings

BASE = "https://api.chartmogul.test"
RECORDINGS = all_recordings()
Call = Callable[[ChartMogulClient, Recording], tuple[Any, Any]]


def _last(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _low_level(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    body = rec.request_body if rec.method in ("POST", "PUT", "PATCH") else None
    return client.request(rec.method, rec.path, params=rec.params or None, json_body=body), rec.response_body


def _create_data_source(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    return client.create_data_source(rec.request_body["name"]), rec.response_body


def _list_data_sources(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    return client.list_data_sources(), rec.response_body["data_sources"]


def _customer(result: dict[str, Any], expected: dict[str, Any]) -> tuple[Any, Any]:
    # Hyphenated keys stay as sent, and get an underscore twin with the same value.
    assert result["customer_since"] == expected["customer-since"]
    assert result["chartmogul_url"] == expected["chartmogul-url"]
    return {k: v for k, v in result.items() if k in expected}, expected


def _create_customer(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    return _customer(client.create_customer(rec.request_body), rec.response_body)


def _update_customer(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    return _customer(client.update_customer(_last(rec.path), rec.request_body), rec.response_body)


def _find_customer(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    found = client.find_customer(data_source_uuid="ds_any", external_id=rec.params["external_id"])
    entries = [e for e in rec.response_body["entries"] if e["external_id"] == rec.params["external_id"]]
    if not entries:
        return found, None
    return _customer(found, entries[0])


def _create_plan(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    return client.create_plan(rec.request_body), rec.response_body


def _import_invoices(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    customer_uuid = rec.path.split("/")[-2]
    return client.import_invoices(customer_uuid, rec.request_body["invoices"]), rec.response_body["invoices"]


def _create_transaction(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    return client.create_transaction(rec.path.split("/")[-2], rec.request_body), rec.response_body


def _cancel(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    sub = _last(rec.path)
    if "cancelled_at" in rec.request_body:
        return client.cancel_subscription(sub, cancelled_at=rec.request_body["cancelled_at"]), rec.response_body
    dates = rec.request_body["cancellation_dates"]
    return client.cancel_subscription(sub, cancellation_dates=dates), rec.response_body


def _ping(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    return client.ping(), None


def _get_data_source(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    return client.get_data_source(_last(rec.path)), rec.response_body


def _delete_data_source(client: ChartMogulClient, rec: Recording) -> tuple[Any, Any]:
    return client.delete_data_source(_last(rec.path)), None


# (method, route regex, needs-no-query) → the public client method that sends this request.
PUBLIC_METHODS: list[tuple[str, str, Call]] = [
    ("GET", r"/v1/ping", _ping),
    ("POST", r"/v1/data_sources", _create_data_source),
    ("GET", r"/v1/data_sources", _list_data_sources),
    ("GET", r"/v1/data_sources/\{ds\}", _get_data_source),
    ("DELETE", r"/v1/data_sources/(\{ds\}|[^/{]+)", _delete_data_source),
    ("POST", r"/v1/customers", _create_customer),
    ("PATCH", r"/v1/customers/\{cus\}", _update_customer),
    ("POST", r"/v1/plans", _create_plan),
    ("POST", r"/v1/import/customers/\{cus\}/invoices", _import_invoices),
    ("POST", r"/v1/import/invoices/\{inv\}/transactions", _create_transaction),
    ("PATCH", r"/v1/import/subscriptions/\{sub\}", _cancel),
]


def _call_for(rec: Recording) -> Call:
    if rec.method == "GET" and rec.route == "/v1/customers" and set(rec.params) == {"external_id"}:
        return _find_customer
    if (
        rec.method == "POST"
        and rec.route == "/v1/data_sources"
        and not isinstance((rec.request_body or {}).get("name"), str)
    ):
        return _low_level  # the missing-name cases: create_data_source always sends a name
    for method, route, call in PUBLIC_METHODS:
        if method == rec.method and re.fullmatch(route, rec.route) and not (rec.query and call is not _cancel):
            return call
    return _low_level


def _client() -> ChartMogulClient:
    return ChartMogulClient(
        api_key="cm-test-key", base_url=BASE, rate_limiter=InProcessRateLimiter(), max_attempts=1, sleep=lambda s: None
    )


def _serve(rec: Recording) -> None:
    url = re.compile(re.escape(BASE + rec.path) + r"(\?.*)?$")
    text = rec.response_text()
    responses.add(rec.method, url, body=text, status=rec.status, content_type=rec.content_type)


def test_every_recording_is_covered() -> None:
    assert len(RECORDINGS) == 246


@pytest.mark.parametrize("rec", [r for r in RECORDINGS if r.status < 400], ids=lambda r: r.name)
@responses.activate
def test_client_parses_recorded_success(rec: Recording) -> None:
    _serve(rec)
    actual, expected = _call_for(rec)(_client(), rec)
    assert actual == expected
    assert len(responses.calls) >= 1
    assert responses.calls[0].request.method == rec.method


@pytest.mark.parametrize("rec", [r for r in RECORDINGS if r.status >= 400], ids=lambda r: r.name)
@responses.activate
def test_client_turns_recorded_error_into_chartmogul_error(rec: Recording) -> None:
    _serve(rec)
    with pytest.raises(ChartMogulError) as caught:
        _call_for(rec)(_client(), rec)
    err, body = caught.value, rec.response_body
    assert err.status == rec.status
    if isinstance(body, str):
        assert err.message == body
    elif "message" in body:
        assert (err.code, err.message) == (str(body["code"]), body["message"])
    elif "error" in body:
        assert err.message == body["error"]
    elif "errors" in body:
        assert err.field_errors == {k: [v] for k, v in body["errors"].items()}
    else:
        assert err.field_errors == {k: v for k, v in body.items() if k != "error_details"}
    assert err.raw_body == rec.response_text()
    assert err.is_auth_error is (rec.status == 401)
    assert not err.is_already_exists


@pytest.mark.parametrize(
    "rec", [r for r in RECORDINGS if r.route == "/v1/subscription_events" and r.method == "GET"], ids=lambda r: r.name
)
@responses.activate
def test_subscription_event_amounts_parse_leniently(rec: Recording) -> None:
    _serve(rec)
    events = list(_client().request("GET", rec.path, params=rec.params or None)["subscription_events"])
    raw_amounts = [e.get("amount_in_cents") for e in events]
    parsed = [parse_amount(a) for a in raw_amounts]
    assert all(p is None or isinstance(p, int) for p in parsed)
    assert [p for p, raw in zip(parsed, raw_amounts, strict=True) if raw not in (None, "")] == [
        int(raw) for raw in raw_amounts if raw not in (None, "")
    ]
