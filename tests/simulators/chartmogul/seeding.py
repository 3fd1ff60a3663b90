"""Put objects into a simulated account under given UUIDs, from ChartMogul-shaped JSON.

Used to recreate, before replaying a recorded request, the objects the real account held at the
time (the recording shows them in its path, request or response). Objects go through the same
operations as API writes (so the simulator's own rules and serialisers apply); only the UUIDs are
forced to the recorded ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tests.simulators.chartmogul import operations as ops
from tests.simulators.chartmogul.state import CUSTOMER_FIELDS, AccountState, Subscription, parse_time

UUID_RE = re.compile(r"\b(ds|cus|pl|inv|sub)_[0-9a-f-]{8,}")


def walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from walk(child)


def ensure_data_source(state: AccountState, uuid: str, name: str | None = None) -> str:
    if uuid not in state.data_sources:
        ops.create_data_source(state, {"name": name or f"Data source {uuid[-6:]}"}, uuid=uuid)
    return uuid


def ensure_plan(state: AccountState, uuid: str, recorded: dict[str, Any] | None = None, ds: str | None = None) -> str:
    if uuid in state.plans:
        return uuid
    recorded = recorded or {}
    ds_uuid = ensure_data_source(state, recorded.get("data_source_uuid") or ds or "ds_00000000-seed-plans")
    body = {
        "data_source_uuid": ds_uuid,
        "name": recorded.get("name") or "Seeded plan",
        "interval_count": recorded.get("interval_count") or 1,
        "interval_unit": recorded.get("interval_unit") or "month",
        "external_id": recorded.get("external_id") or uuid.removeprefix("pl_"),
    }
    ops.create_plan(state, body, uuid=uuid)
    return uuid


def ensure_customer(
    state: AccountState, uuid: str, recorded: dict[str, Any] | None = None, ds: str | None = None
) -> str:
    if uuid in state.customers:
        return uuid
    recorded = recorded or {}
    ds_uuid = ensure_data_source(state, recorded.get("data_source_uuid") or ds or "ds_00000000-seed-customers")
    body = {key: recorded[key] for key in CUSTOMER_FIELDS if recorded.get(key) not in (None, "")}
    body.update({"data_source_uuid": ds_uuid, "external_id": recorded.get("external_id") or uuid})
    attributes = recorded.get("attributes") or {}
    body["attributes"] = {
        "tags": attributes.get("tags") or [],
        "custom": [{"key": k, "value": v} for k, v in (attributes.get("custom") or {}).items()],
    }
    ops.create_customer(state, body, uuid=uuid)
    return uuid


_LINE_ITEM_KEYS = (
    "type", "external_id", "subscription_external_id", "subscription_set_external_id", "plan_uuid",
    "service_period_start", "service_period_end", "amount_in_cents", "quantity", "description", "discount_code",
    "discount_amount_in_cents", "tax_amount_in_cents", "transaction_fees_in_cents", "transaction_fees_currency",
    "discount_description", "prorated", "proration_type", "event_order", "account_code",
)  # fmt: skip
_TRANSACTION_KEYS = ("type", "date", "result", "external_id", "amount_in_cents", "transaction_fees_in_cents",
                     "transaction_fees_currency")  # fmt: skip


def ensure_invoice(state: AccountState, recorded: dict[str, Any], customer_uuid: str) -> str:
    """Import the recorded invoice for `customer_uuid`, then give it (and its parts) the recorded UUIDs."""
    uuid = recorded["uuid"]
    if uuid in state.invoices:
        return uuid
    customer = state.customer(customer_uuid)
    line_items = []
    for li in recorded.get("line_items") or []:
        item = {k: li[k] for k in _LINE_ITEM_KEYS if li.get(k) is not None}
        if item.get("plan_uuid"):
            ensure_plan(state, item["plan_uuid"], ds=customer.data_source_uuid)
        line_items.append(item)
    transactions = [
        {k: t[k] for k in _TRANSACTION_KEYS if t.get(k) is not None} for t in recorded.get("transactions") or []
    ]
    body = {k: recorded.get(k) for k in ("external_id", "date", "due_date", "currency")}
    body.update({"line_items": line_items, "transactions": transactions})
    (invoice,) = ops.import_invoices(state, customer_uuid, {"invoices": [body]})
    del state.invoices[invoice.uuid]
    invoice.uuid = uuid
    state.invoices[uuid] = invoice
    for item, rec_item in zip(invoice.line_items, recorded.get("line_items") or [], strict=True):
        item["uuid"] = rec_item["uuid"]
        if rec_item.get("subscription_uuid") and item.get("subscription_uuid") != rec_item["subscription_uuid"]:
            sub = state.subscriptions.pop(item["subscription_uuid"], None)
            item["subscription_uuid"] = rec_item["subscription_uuid"]
            if sub is not None and rec_item["subscription_uuid"] not in state.subscriptions:
                sub.uuid = rec_item["subscription_uuid"]
                state.subscriptions[sub.uuid] = sub
    for tr, rec_tr in zip(invoice.transactions, recorded.get("transactions") or [], strict=True):
        tr.uuid = rec_tr["uuid"]
    return uuid


def ensure_minimal_invoice(state: AccountState, uuid: str, customer_uuid: str) -> str:
    recorded = {"uuid": uuid, "external_id": f"seed-{uuid[-8:]}", "date": "2020-01-01 00:00:00", "currency": "USD"}
    return ensure_invoice(state, recorded, customer_uuid)


def ensure_subscription(state: AccountState, recorded: dict[str, Any], customer_uuid: str, *, keep_dates: bool) -> str:
    uuid = recorded["uuid"]
    if uuid in state.subscriptions:
        return uuid
    ds_uuid = ensure_data_source(
        state, recorded.get("data_source_uuid") or state.customer(customer_uuid).data_source_uuid
    )
    if recorded.get("plan_uuid"):
        ensure_plan(state, recorded["plan_uuid"], ds=ds_uuid)
    dates = (
        [parse_time(d, "cancellation_dates") for d in recorded.get("cancellation_dates") or []] if keep_dates else []
    )
    state.subscriptions[uuid] = Subscription(
        uuid=uuid,
        external_id=recorded["external_id"],
        customer_uuid=customer_uuid,
        plan_uuid=recorded.get("plan_uuid"),
        data_source_uuid=ds_uuid,
        seq=state.next_seq(),
        set_external_id=recorded.get("subscription_set_external_id"),
        cancellation_dates=dates,
    )
    return uuid
