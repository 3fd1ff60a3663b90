"""Writes against the simulated account, with ChartMogul's validation and duplicate rules.

Each function takes the decoded JSON body, validates it like the real API (as far as the recordings
and the official clients show), changes `AccountState` and returns the object. Callers hold the lock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.simulators.chartmogul.state import (
    CUSTOMER_EXISTS,
    CUSTOMER_FIELDS,
    INVOICE_EXISTS,
    LINE_ITEM_EXISTS,
    NAME_TAKEN,
    PLAN_EXISTS,
    TAKEN,
    AccountState,
    ApiError,
    Customer,
    DataSource,
    Invoice,
    JsonImport,
    Plan,
    Subscription,
    Transaction,
    fmt_time,
    invalid,
    missing,
    new_uuid,
    parse_time,
)

LINE_ITEM_TYPES = ("subscription", "one_time", "trial")
INVOICE_STATUSES = ("written_off", "voided", "paid", "open")  # ASSUMED beyond written_off/voided


def create_data_source(state: AccountState, body: dict[str, Any], *, uuid: str | None = None) -> DataSource:
    if "name" not in body:
        raise missing("name")  # recorded 2023: 400 code/message/param
    name = body["name"]
    if not isinstance(name, str) or not name.strip():
        raise invalid({"name": "A name is required for each data source."})  # recorded 2016: 422
    if any(ds.name == name for ds in state.data_sources.values()):
        raise invalid({"name": NAME_TAKEN})
    ds = DataSource(uuid=uuid or new_uuid("ds"), name=name, created_at=datetime.now(UTC), seq=state.next_seq())
    state.data_sources[ds.uuid] = ds
    return ds


def _require(body: dict[str, Any], *params: str) -> None:
    for param in params:
        if body.get(param) in (None, ""):
            raise missing(param)


def create_customer(state: AccountState, body: dict[str, Any], *, uuid: str | None = None) -> Customer:
    _require(body, "data_source_uuid", "external_id")
    ds = state.data_source(str(body["data_source_uuid"]))
    external_id = str(body["external_id"])
    if any(c.data_source_uuid == ds.uuid and c.external_id == external_id for c in state.customers.values()):
        raise invalid({"external_id": CUSTOMER_EXISTS})
    customer = Customer(
        id=state.next_customer_id(),
        uuid=uuid or new_uuid("cus"),
        external_id=external_id,
        data_source_uuid=ds.uuid,
        seq=state.next_seq(),
    )
    update_customer(customer, body)
    state.customers[customer.uuid] = customer
    return customer


def update_customer(customer: Customer, body: dict[str, Any]) -> Customer:
    for key in CUSTOMER_FIELDS:
        if key in body:
            customer.fields[key] = body[key]
    attributes = body.get("attributes")
    if isinstance(attributes, dict):
        if isinstance(attributes.get("tags"), list):
            customer.tags = [str(t) for t in attributes["tags"]]
        for attr in attributes.get("custom") or []:
            if isinstance(attr, dict) and attr.get("key"):
                customer.custom[str(attr["key"])] = attr.get("value")
    return customer


def create_plan(state: AccountState, body: dict[str, Any], *, uuid: str | None = None) -> Plan:
    _require(body, "data_source_uuid", "name", "interval_count", "interval_unit")
    ds = state.data_source(str(body["data_source_uuid"]))
    count, unit = body["interval_count"], body["interval_unit"]
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        raise invalid({"interval_count": "Interval count must be a positive integer."})  # ASSUMED wording
    if unit not in ("day", "month", "year"):
        raise invalid({"interval_unit": "Interval unit is not included in the list"})  # ASSUMED wording
    plan_uuid = uuid or new_uuid("pl")
    external_id = str(body.get("external_id") or plan_uuid.removeprefix("pl_"))  # recorded: auto id when omitted
    if any(p.data_source_uuid == ds.uuid and p.external_id == external_id for p in state.plans.values()):
        raise invalid({"external_id": PLAN_EXISTS})
    plan = Plan(
        uuid=plan_uuid,
        external_id=external_id,
        name=str(body["name"]),
        interval_count=count,
        interval_unit=unit,
        data_source_uuid=ds.uuid,
        seq=state.next_seq(),
    )
    state.plans[plan.uuid] = plan
    return plan


def update_plan(plan: Plan, body: dict[str, Any]) -> Plan:
    if "name" in body:
        plan.name = str(body["name"])
    if isinstance(body.get("interval_count"), int):
        plan.interval_count = body["interval_count"]
    if body.get("interval_unit") in ("day", "month", "year"):
        plan.interval_unit = body["interval_unit"]
    return plan


def _int(value: Any, default: int | None) -> int | None:
    if value is None or value == "":
        return default
    return int(value)


def _transaction(body: dict[str, Any]) -> Transaction:
    _require(body, "type", "date", "result")
    if body["type"] not in ("payment", "refund") or body["result"] not in ("successful", "failed"):
        raise invalid({"type": "Type or result is invalid"})  # ASSUMED wording
    return Transaction(
        uuid=new_uuid("tr"),
        external_id=body.get("external_id"),
        type=body["type"],
        date=parse_time(body["date"], "date"),
        result=body["result"],
        amount_in_cents=_int(body.get("amount_in_cents"), None),
        fees_in_cents=_int(body.get("transaction_fees_in_cents"), None),
        fees_currency=body.get("transaction_fees_currency"),
    )


def _taken_transaction_ids(state: AccountState, data_source_uuid: str) -> set[str]:
    return {
        t.external_id
        for i in state.invoices.values()
        if i.data_source_uuid == data_source_uuid
        for t in i.transactions
        if t.external_id
    }


def _taken_line_item_ids(state: AccountState, data_source_uuid: str) -> set[str]:
    return {
        li["external_id"]
        for i in state.invoices.values()
        if i.data_source_uuid == data_source_uuid
        for li in i.line_items
        if li.get("external_id")
    }


def _line_item(
    state: AccountState, customer: Customer, body: dict[str, Any]
) -> tuple[dict[str, Any], Subscription | None]:
    kind = body.get("type")
    if kind not in LINE_ITEM_TYPES:
        raise invalid({"line_items.type": "Type is not included in the list"})  # ASSUMED wording
    item: dict[str, Any] = {"uuid": new_uuid("li"), "external_id": body.get("external_id"), "type": kind}
    subscription = None
    if kind == "one_time":
        item["description"] = body.get("description")
    else:
        _require(body, "subscription_external_id", "plan_uuid", "service_period_start", "service_period_end")
        plan = state.plan(str(body["plan_uuid"]))
        subscription = next(
            (
                s
                for s in state.subscriptions.values()
                if s.data_source_uuid == customer.data_source_uuid and s.external_id == body["subscription_external_id"]
            ),
            None,
        )
        if subscription is None:
            subscription = Subscription(
                uuid=new_uuid("sub"),
                external_id=str(body["subscription_external_id"]),
                customer_uuid=customer.uuid,
                plan_uuid=plan.uuid,
                data_source_uuid=customer.data_source_uuid,
                seq=state.next_seq(),
                set_external_id=body.get("subscription_set_external_id"),
            )
        if body.get("cancelled_at"):
            subscription.cancellation_dates.append(parse_time(body["cancelled_at"], "cancelled_at"))
        item.update(
            {
                "subscription_uuid": subscription.uuid,
                "subscription_external_id": subscription.external_id,
                "prorated": bool(body.get("prorated", False)),
                "proration_type": body.get("proration_type"),
                "service_period_start": fmt_time(parse_time(body["service_period_start"], "service_period_start")),
                "service_period_end": fmt_time(parse_time(body["service_period_end"], "service_period_end")),
            }
        )
        if body.get("subscription_set_external_id") is not None:
            item["subscription_set_external_id"] = body["subscription_set_external_id"]
        item["plan_uuid"] = plan.uuid
    item.update(
        {
            "amount_in_cents": _int(body.get("amount_in_cents"), 0),
            "quantity": _int(body.get("quantity"), 1),
            "discount_code": body.get("discount_code") or "",
            "discount_amount_in_cents": _int(body.get("discount_amount_in_cents"), 0),
            "tax_amount_in_cents": _int(body.get("tax_amount_in_cents"), 0),
            "transaction_fees_in_cents": _int(body.get("transaction_fees_in_cents"), 0),
            "account_code": body.get("account_code") or "",
            "transaction_fees_currency": body.get("transaction_fees_currency"),
            "discount_description": body.get("discount_description"),
            "event_order": body.get("event_order"),
        }
    )
    return item, subscription


def import_invoices(state: AccountState, customer_uuid: str, body: dict[str, Any]) -> list[Invoice]:
    """All-or-nothing import. ASSUMED: a duplicate anywhere rejects the whole request with the Go-client strings."""
    customer = state.customer(customer_uuid)
    invoices = body.get("invoices")
    if not isinstance(invoices, list) or not invoices:
        raise missing("invoices")
    ds_uuid = customer.data_source_uuid
    errors: dict[str, str] = {}
    taken_tr, taken_li = _taken_transaction_ids(state, ds_uuid), _taken_line_item_ids(state, ds_uuid)
    seen: set[str] = set()
    for raw in invoices:
        if not isinstance(raw, dict):
            raise invalid({"invoices": "Invoices must be objects"})  # ASSUMED
        _require(raw, "external_id", "date", "currency")
        ext = str(raw["external_id"])
        if state.invoice_by_external_id(ds_uuid, ext) is not None or ext in seen:
            errors["external_id"] = INVOICE_EXISTS
        seen.add(ext)
        if any(t.get("external_id") in taken_tr for t in raw.get("transactions") or [] if isinstance(t, dict)):
            errors["transactions.external_id"] = TAKEN
        if any(li.get("external_id") in taken_li for li in raw.get("line_items") or [] if isinstance(li, dict)):
            errors["line_items.external_id"] = LINE_ITEM_EXISTS
    if errors:
        raise invalid(errors)
    created: list[Invoice] = []
    new_subscriptions: list[Subscription] = []
    for raw in invoices:  # validate everything before storing anything
        invoice = Invoice(
            uuid=new_uuid("inv"),
            external_id=str(raw["external_id"]),
            customer_uuid=customer.uuid,
            data_source_uuid=ds_uuid,
            date=parse_time(raw["date"], "date"),
            due_date=parse_time(raw["due_date"], "due_date") if raw.get("due_date") else None,
            currency=str(raw["currency"]),
            seq=state.next_seq(),
        )
        for li in raw.get("line_items") or []:
            item, sub = _line_item(state, customer, li)
            invoice.line_items.append(item)
            if sub is not None:
                new_subscriptions.append(sub)
        invoice.transactions = [_transaction(t) for t in raw.get("transactions") or []]
        created.append(invoice)
    for invoice in created:
        state.invoices[invoice.uuid] = invoice
    for sub in new_subscriptions:
        state.subscriptions.setdefault(sub.uuid, sub)
        customer.has_subscriptions = True
    return created


def create_transaction(state: AccountState, invoice_uuid: str, body: dict[str, Any]) -> Transaction:
    invoice = state.invoice(invoice_uuid)
    if body.get("external_id") and body["external_id"] in _taken_transaction_ids(state, invoice.data_source_uuid):
        raise invalid({"external_id": TAKEN})
    transaction = _transaction(body)
    invoice.transactions.append(transaction)
    return transaction


def set_invoice_status(state: AccountState, data_source_uuid: str, external_id: str, body: dict[str, Any]) -> Invoice:
    state.data_source(data_source_uuid)
    invoice = state.invoice_by_external_id(data_source_uuid, external_id)
    if invoice is None:
        raise ApiError(404, {"error": "Invoice not found"})  # python-client mock shape
    if body.get("status") not in INVOICE_STATUSES:
        raise invalid({"status": "Status is not included in the list"})  # ASSUMED wording
    invoice.status = body["status"]
    return invoice


def update_cancellations(state: AccountState, subscription_uuid: str, body: dict[str, Any]) -> Subscription:
    subscription = state.subscription(subscription_uuid)
    if "cancellation_dates" in body:
        dates = body["cancellation_dates"]
        if not isinstance(dates, list):
            raise invalid({"cancellation_dates": "Cancellation dates must be an array"})  # ASSUMED
        subscription.cancellation_dates = [parse_time(d, "cancellation_dates") for d in dates]
    elif body.get("cancelled_at"):
        moment = parse_time(body["cancelled_at"], "cancelled_at")
        if moment > datetime.now(UTC):
            raise invalid({"cancelled_at": "Cancelled at must be in the past"})  # docs rule; ASSUMED wording
        subscription.cancellation_dates.append(moment)
    else:
        raise missing("cancelled_at")
    return subscription


def connect_subscriptions(state: AccountState, customer_uuid: str, body: dict[str, Any]) -> None:
    """Move the listed subscriptions (same data source) to `customer_uuid`. Recorded only as 'skipped'."""
    customer = state.customer(customer_uuid)
    subs = body.get("subscriptions")
    if not isinstance(subs, list) or not subs:
        raise missing("subscriptions")
    for ref in subs:
        uuid = ref.get("uuid") if isinstance(ref, dict) else None
        if not uuid or uuid not in state.subscriptions:
            raise ApiError(404, {"error": "Subscription not found"})  # ASSUMED
        state.subscriptions[uuid].customer_uuid = customer.uuid


def create_json_import(state: AccountState, data_source_uuid: str, body: dict[str, Any]) -> JsonImport:
    state.data_source(data_source_uuid)
    for key in ("customers", "plans", "invoices", "line_items", "transactions", "subscription_events"):
        if key in body and not isinstance(body[key], list):
            raise invalid({key: f"{key} must be an array"})  # ASSUMED
    external_id = body.get("external_id")
    if external_id and any(
        j.external_id == external_id and j.data_source_uuid == data_source_uuid for j in state.json_imports.values()
    ):
        raise invalid({"external_id": TAKEN})  # ASSUMED: the docs call the import id unique
    job = JsonImport(
        id=new_uuid("ji").removeprefix("ji_"),
        external_id=external_id,
        data_source_uuid=data_source_uuid,
        created_at=datetime.now(UTC),
        customer_ids=[str(c.get("external_id")) for c in body.get("customers") or [] if isinstance(c, dict)],
    )
    state.json_imports[job.id] = job
    return job


def find_json_import(state: AccountState, data_source_uuid: str, import_id: str) -> JsonImport:
    """Looked up by the returned `id` or by the caller's external_id (both are used by official clients)."""
    state.data_source(data_source_uuid)
    for job in state.json_imports.values():
        if job.data_source_uuid == data_source_uuid and import_id in (job.id, job.external_id):
            return job
    raise ApiError(404, {"error": "Import not found"})  # ASSUMED
