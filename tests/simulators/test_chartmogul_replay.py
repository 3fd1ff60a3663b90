"""Every recorded ChartMogul request the simulator supports, replayed against it.

For each recording the objects the real account held are recreated (shared/fixtures/chartmogul/,
see `seeding.py`), the recorded request is sent with a valid key (or a bad one for recorded 401s),
and the answer must have the recorded status and the recorded body *shape*: the same field names
with the same JSON types, recursively, and for errors the same code and message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.connections.clients.chartmogul_recordings import Recording, all_recordings
from tests.simulators.chartmogul import ChartMogulSimulator
from tests.simulators.chartmogul.seeding import (
    UUID_RE,
    ensure_customer,
    ensure_data_source,
    ensure_invoice,
    ensure_minimal_invoice,
    ensure_plan,
    ensure_subscription,
    walk,
)
from tests.simulators.chartmogul.state import AccountState

# Recorded endpoints the simulator deliberately does not serve (the sync never calls them).
UNSUPPORTED_ROUTES = {
    ("GET", "/v1/subscription_events"),
    ("POST", "/v1/subscription_events"),
    ("PATCH", "/v1/subscription_events"),
    ("DELETE", "/v1/subscription_events"),
    ("POST", "/v1/plan_groups"),
    ("DELETE", "/v1/data_sources/{ds}/all"),
    ("DELETE", "/v1/data_sources/{ds}/customers/{cus}/invoices"),
}
# Deprecated page-number pagination (`page=`), and `cursor=` tokens minted by the real API: a
# cursor is opaque and names objects of the real account, so there is nothing to replay it against.
UNSUPPORTED_PARAMS = {"page", "cursor"}

# Keys the real API added or dropped over the years (recordings span 2016-2025). The simulator
# speaks the current dialect, so it may send keys an older (or newer) recording lacks...
SIMULATOR_MAY_ADD = {"system", "errors", "cursor", "has_more", "amount_in_cents", "transaction_fees_in_cents",
                     "transaction_fees_currency", "proration_type", "event_order", "owner", "customer_uuid",
                     "clearbit"}  # fmt: skip
# ...and may leave out keys that only some recordings carry.
SIMULATOR_MAY_OMIT = {"balance_transfer", "website_url"}
# One-time line items carried "plan_uuid": null until 2019; later answers omit the key.
NULL_MAY_BE_OMITTED = {"plan_uuid"}


def _unsupported(rec: Recording) -> bool:
    return (rec.method, rec.route) in UNSUPPORTED_ROUTES or bool(UNSUPPORTED_PARAMS & set(rec.params))


RECORDINGS = all_recordings()
SUPPORTED = [r for r in RECORDINGS if not _unsupported(r)]


def test_unsupported_recordings_are_exactly_the_listed_ones() -> None:
    skipped = sorted(
        {(r.method, r.route, tuple(sorted(UNSUPPORTED_PARAMS & set(r.params)))) for r in RECORDINGS if _unsupported(r)}
    )
    assert skipped == [
        ("DELETE", "/v1/data_sources/{ds}/all", ()),
        ("DELETE", "/v1/data_sources/{ds}/customers/{cus}/invoices", ()),
        ("DELETE", "/v1/subscription_events", ()),
        ("GET", "/v1/customers", ("cursor",)),
        ("GET", "/v1/customers", ("page",)),
        ("GET", "/v1/customers/search", ("page",)),
        ("GET", "/v1/import/customers/{cus}/invoices", ("cursor",)),
        ("GET", "/v1/import/customers/{cus}/invoices", ("page",)),
        ("GET", "/v1/import/customers/{cus}/subscriptions", ("cursor",)),
        ("GET", "/v1/invoices", ("cursor",)),
        ("GET", "/v1/invoices", ("page",)),
        ("GET", "/v1/plans", ("cursor",)),
        ("GET", "/v1/plans", ("page",)),
        ("GET", "/v1/subscription_events", ()),
        ("GET", "/v1/subscription_events", ("cursor",)),
        ("PATCH", "/v1/subscription_events", ()),
        ("POST", "/v1/plan_groups", ()),
        ("POST", "/v1/subscription_events", ()),
    ]
    assert (len(SUPPORTED), len(RECORDINGS) - len(SUPPORTED)) == (209, 37)


def seed(state: AccountState, rec: Recording) -> None:
    request = rec.request_body if isinstance(rec.request_body, dict) else {}
    # A create's answer is the object it created: that one must NOT exist beforehand.
    shown = rec.response_body if rec.method != "POST" and rec.status < 400 else None
    path_ids = [m.group(0) for m in UUID_RE.finditer(rec.path)]
    objects = list(walk(shown))
    uuid_of = {id(o): o.get("uuid") if isinstance(o.get("uuid"), str) else "" for o in objects}

    ds_hint = request.get("data_source_uuid") or next(
        (i.get("data_source_uuid") for i in request.get("invoices") or [] if i.get("data_source_uuid")), None
    )
    for obj in objects:
        if uuid_of[id(obj)].startswith("ds_"):
            ensure_data_source(state, obj["uuid"], obj.get("name"))
    for ref in [i for i in path_ids if i.startswith("ds_")] + [
        o["data_source_uuid"] for o in [*walk(request), *objects] if isinstance(o.get("data_source_uuid"), str)
    ]:
        ensure_data_source(state, ref)
    ds_hint = ds_hint or next(iter(state.data_sources), None)

    for obj in objects:
        if uuid_of[id(obj)].startswith("pl_"):
            ensure_plan(state, obj["uuid"], obj)
    for ref in [i for i in path_ids if i.startswith("pl_")] + [
        o["plan_uuid"] for o in [*walk(request), *objects] if isinstance(o.get("plan_uuid"), str)
    ]:
        ensure_plan(state, ref, ds=ds_hint)

    for obj in objects:
        if uuid_of[id(obj)].startswith("cus_") and "external_id" in obj:
            ensure_customer(state, obj["uuid"], obj)
    for ref in [i for i in path_ids if i.startswith("cus_")] + [
        o["customer_uuid"] for o in objects if isinstance(o.get("customer_uuid"), str)
    ]:
        ensure_customer(state, ref, ds=ds_hint)
    default_customer = next((i for i in path_ids if i.startswith("cus_")), None)
    if default_customer is None:
        default_customer = ensure_customer(state, "cus_00000000-seed-default", ds=ds_hint)

    for obj in objects:
        if uuid_of[id(obj)].startswith("inv_"):
            ensure_invoice(state, obj, obj.get("customer_uuid") or default_customer)
    for ref in [i for i in path_ids if i.startswith("inv_")]:
        ensure_minimal_invoice(state, ref, default_customer)

    for obj in objects:
        if uuid_of[id(obj)].startswith("sub_") and "cancellation_dates" in obj:
            owner = obj.get("customer_uuid") or default_customer
            ensure_subscription(state, obj, owner, keep_dates=rec.method == "GET")


JSON_TYPES = {bool: "boolean", int: "number", float: "number", str: "string", list: "array", dict: "object"}


def shape_differences(recorded: Any, simulated: Any, where: str = "$") -> list[str]:
    if recorded is None or simulated is None:
        return []  # null stands for "no value here", which depends on the data, not on the shape
    kinds = JSON_TYPES[type(recorded)], JSON_TYPES[type(simulated)]
    if kinds[0] != kinds[1]:
        return [f"{where}: recorded {kinds[0]}, simulator {kinds[1]}"]
    problems: list[str] = []
    if isinstance(recorded, dict):
        omittable = SIMULATOR_MAY_OMIT | {k for k in NULL_MAY_BE_OMITTED if recorded.get(k) is None}
        for key in sorted(set(recorded) - set(simulated) - omittable):
            problems.append(f"{where}: simulator lacks {key!r}")
        for key in sorted(set(simulated) - set(recorded) - SIMULATOR_MAY_ADD):
            problems.append(f"{where}: simulator adds {key!r}")
        for key in sorted(set(recorded) & set(simulated)):
            problems += shape_differences(recorded[key], simulated[key], f"{where}.{key}")
    elif isinstance(recorded, list) and recorded and simulated:
        if all(isinstance(x, dict) and "uuid" in x for x in recorded + simulated):
            pairs = [(r, _counterpart(r, simulated)) for r in recorded]
        else:
            pairs = list(zip(recorded, simulated, strict=False))
        for index, (rec_item, sim_item) in enumerate(pairs):
            problems += shape_differences(rec_item, sim_item, f"{where}[{index}]")
    return problems


def _counterpart(recorded: dict[str, Any], simulated: list[dict[str, Any]]) -> dict[str, Any]:
    """The simulated object answering to a recorded one: same uuid (seeded), else same external_id and type."""
    for obj in simulated:
        if obj["uuid"] == recorded["uuid"]:
            return obj
    same_kind = [o for o in simulated if o.get("type") == recorded.get("type")] or simulated
    return next((o for o in same_kind if o.get("external_id") == recorded.get("external_id")), same_kind[0])


@pytest.fixture(scope="module")
def simulator() -> Iterator[ChartMogulSimulator]:
    with ChartMogulSimulator() as sim:
        yield sim


@pytest.mark.parametrize("rec", SUPPORTED, ids=lambda r: r.name)
def test_simulator_answers_like_the_recording(simulator: ChartMogulSimulator, rec: Recording) -> None:
    simulator.state = AccountState()
    seed(simulator.state, rec)
    key = simulator.add_api_key("read_write")
    if isinstance(rec.response_body, str):  # the recorded plain-text 500/504 came from ChartMogul's servers failing
        simulator.inject_fault(f"^{rec.path}$", str(rec.status))
    auth = ("not-a-valid-key", "") if rec.status == 401 else (key, "")
    has_body = rec.method in ("POST", "PUT", "PATCH") and rec.request_body is not None
    response = requests.request(
        rec.method, simulator.base_url + rec.path, params=list(rec.query), auth=auth,
        json=rec.request_body if has_body else None, timeout=10,
    )  # fmt: skip
    assert response.status_code == rec.status
    if rec.response_body is None:
        assert response.content == b""
        return
    if isinstance(rec.response_body, str):
        assert response.text == rec.response_body
        return
    body = response.json()
    assert shape_differences(rec.response_body, body) == []
    if rec.status >= 400:
        for field in ("code", "message", "error", "param"):
            assert body.get(field) == rec.response_body.get(field)
        assert body.get("errors") == rec.response_body.get("errors")
