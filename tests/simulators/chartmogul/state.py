"""The simulated ChartMogul account: its objects, their rules, and their JSON shapes.

Shapes follow the recorded real responses in shared/fixtures/chartmogul/ (latest era). Bodies the
recordings do not cover are marked ASSUMED where they are produced.
"""

from __future__ import annotations

import base64
import itertools
import re
import threading
import uuid as uuidlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

# Exact duplicate strings (chartmogul-go constants; errors.md §2).
CUSTOMER_EXISTS = "The external ID for this customer already exists in our system."
INVOICE_EXISTS = "The external ID for this invoice already exists in our system."
LINE_ITEM_EXISTS = "The external ID for this line item already exists in our system."
PLAN_EXISTS = "A plan with this identifier already exists in our system."
TAKEN = "has already been taken"
NAME_TAKEN = "Has already been taken."


class ApiError(Exception):
    """An HTTP error answer: status plus the exact JSON body to send."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def missing(param: str) -> ApiError:
    return ApiError(400, {"code": 400, "message": f'Parameter "{param}" is missing', "param": param})  # recorded 2023


def not_found(what: str) -> ApiError:
    return ApiError(404, {"error": f"{what} not found"})  # recorded for data sources; ASSUMED for the others


def invalid(errors: dict[str, str]) -> ApiError:
    return ApiError(422, {"errors": errors})


_TZ = re.compile(r"\s*(UTC|Z|[+-]\d{2}:?\d{2})$")


def parse_time(value: Any, param: str) -> datetime:
    """ChartMogul accepts "YYYY-MM-DD[ HH:MM:SS][ UTC|+hhmm]" and ISO 8601; UTC when no zone is given."""
    if not isinstance(value, str) or not value.strip():
        raise missing(param)
    text = value.strip()
    offset = timedelta(0)
    zone = _TZ.search(text)
    if zone:
        text = text[: zone.start()]
        raw = zone.group(1)
        if raw not in ("UTC", "Z"):
            digits = raw[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            offset = -offset if raw[0] == "-" else offset
    try:
        parsed = datetime.fromisoformat(text.replace("T", " "))
    except ValueError:
        raise invalid({param: f"{param} is invalid"}) from None  # ASSUMED wording
    return parsed.replace(tzinfo=timezone(offset)).astimezone(UTC)


def fmt_time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + "000Z"


def new_uuid(prefix: str) -> str:
    return f"{prefix}_{uuidlib.uuid4()}"


@dataclass
class DataSource:
    uuid: str
    name: str
    created_at: datetime
    seq: int

    def to_json(self, *, details: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "uuid": self.uuid,
            "name": self.name,
            "system": "Import API",
            "created_at": fmt_time(self.created_at),
            "status": "idle",
        }
        if details:  # the with_* query flags (recorded 2025-12)
            body["processing_status"] = {"processed": 0, "failed": 0, "pending": 0}
            body["auto_churn_subscription_setting"] = {"enabled": False, "interval": None}
            rules = {
                "create_subscription_when_invoice_is": "open",
                "update_subscription_when_invoice_is": "open",
                "prevent_subscription_for_invoice_voided": True,
                "prevent_subscription_for_invoice_refunded": False,
                "prevent_subscription_for_invoice_written_off": True,
            }
            body["invoice_handling_setting"] = {"manual": dict(rules), "automatic": dict(rules)}
        return body


CUSTOMER_FIELDS = (
    "name",
    "email",
    "company",
    "country",
    "state",
    "city",
    "zip",
    "lead_created_at",
    "free_trial_started_at",
    "owner",
    "website_url",
)


@dataclass
class Customer:
    id: int
    uuid: str
    external_id: str
    data_source_uuid: str
    seq: int
    fields: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    has_subscriptions: bool = False

    def to_json(self) -> dict[str, Any]:
        f = self.fields
        name = f.get("name") or ""
        body: dict[str, Any] = {
            "id": self.id,
            "uuid": self.uuid,
            "external_id": self.external_id,
            "name": name,
            "email": f.get("email") or "",
            "status": "Active" if self.has_subscriptions else "New Lead",
            "customer-since": None,
            "attributes": {"custom": dict(self.custom), "clearbit": {}, "stripe": {}, "tags": list(self.tags)},
            "data_source_uuid": self.data_source_uuid,
            "data_source_uuids": [self.data_source_uuid],
            "external_ids": [self.external_id],
            "company": f.get("company") or "",
            "country": f.get("country"),
            "state": f.get("state"),
            "city": f.get("city") or "",
            "zip": f.get("zip"),
            "lead_created_at": f.get("lead_created_at"),
            "free_trial_started_at": f.get("free_trial_started_at"),
            "address": {
                "country": f.get("country"),
                "state": f.get("state"),
                "city": f.get("city") or "",
                "address_zip": f.get("zip"),
            },
            "mrr": 0,
            "arr": 0,
            "billing-system-url": None,
            "chartmogul-url": f"https://app.chartmogul.com/#/customers/{self.id}-{name.replace(' ', '_')}",
            "billing-system-type": "Import API",
            "currency": "USD",
            "currency-sign": "$",
            "owner": f.get("owner"),
        }
        if f.get("website_url") is not None:
            body["website_url"] = f["website_url"]
        return body


@dataclass
class Plan:
    uuid: str
    external_id: str
    name: str
    interval_count: int
    interval_unit: str
    data_source_uuid: str
    seq: int

    def to_json(self) -> dict[str, Any]:
        return {
            "external_id": self.external_id,
            "name": self.name,
            "interval_count": self.interval_count,
            "interval_unit": self.interval_unit,
            "data_source_uuid": self.data_source_uuid,
            "uuid": self.uuid,
        }


@dataclass
class Subscription:
    uuid: str
    external_id: str
    customer_uuid: str
    plan_uuid: str | None
    data_source_uuid: str
    seq: int
    set_external_id: str | None = None
    cancellation_dates: list[datetime] = field(default_factory=list)

    def to_json(self, *, with_customer: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "external_id": self.external_id,
            "uuid": self.uuid,
            "cancellation_dates": [fmt_time(d) for d in sorted(self.cancellation_dates)],
        }
        if self.set_external_id is not None:
            body["subscription_set_external_id"] = self.set_external_id
        body["plan_uuid"] = self.plan_uuid
        if with_customer:  # the cancel (PATCH) answer names the customer; the list does not
            body["customer_uuid"] = self.customer_uuid
        body["data_source_uuid"] = self.data_source_uuid
        return body


@dataclass
class Transaction:
    uuid: str
    external_id: str | None
    type: str
    date: datetime
    result: str
    amount_in_cents: int | None = None
    fees_in_cents: int | None = None
    fees_currency: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "external_id": self.external_id,
            "amount_in_cents": self.amount_in_cents,
            "type": self.type,
            "date": fmt_time(self.date),
            "result": self.result,
            "transaction_fees_in_cents": self.fees_in_cents,
            "transaction_fees_currency": self.fees_currency,
        }


@dataclass
class Invoice:
    uuid: str
    external_id: str
    customer_uuid: str
    data_source_uuid: str
    date: datetime
    due_date: datetime | None
    currency: str
    seq: int
    line_items: list[dict[str, Any]] = field(default_factory=list)  # already in response shape
    transactions: list[Transaction] = field(default_factory=list)
    status: str | None = None

    def to_json(self, *, with_customer: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "uuid": self.uuid,
            "date": fmt_time(self.date),
            "due_date": fmt_time(self.due_date),
            "errors": {},
            "external_id": self.external_id,
            "currency": self.currency,
        }
        if with_customer:  # GET /v1/invoices(/uuid) names the customer; the import answer does not
            body["customer_uuid"] = self.customer_uuid
        body["line_items"] = [dict(li) for li in self.line_items]
        body["transactions"] = [t.to_json() for t in self.transactions]
        return body


@dataclass
class JsonImport:
    id: str
    external_id: str | None
    data_source_uuid: str
    created_at: datetime
    customer_ids: list[str]
    polls: int = 0

    # Each poll advances one step, so a client's polling loop sees every state (queued → processing → completed).
    STATES = ("queued", "processing", "completed")

    def to_json(self) -> dict[str, Any]:
        status = self.STATES[min(self.polls, len(self.STATES) - 1)]
        details: dict[str, Any] = {}
        if status == "completed":
            details = {"plans": {"status": "imported"}}
            details.update({ext: {"customer": {"status": "imported"}} for ext in self.customer_ids})
        return {
            "id": self.id,
            "data_source_uuid": self.data_source_uuid,
            "status": status,
            "external_id": self.external_id,
            "status_details": details,
            "created_at": fmt_time(self.created_at),
            "updated_at": fmt_time(self.created_at),
        }


def encode_cursor(moment: datetime, seq: int) -> str:
    return base64.b64encode(f"{fmt_time(moment)}&{seq}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor.encode()).decode().rsplit("&", 1)[1])
    except (ValueError, IndexError, UnicodeDecodeError):
        raise ApiError(400, {"code": 400, "message": "Invalid cursor", "param": "cursor"}) from None  # ASSUMED


class AccountState:
    """All objects of one ChartMogul account. Every access holds `lock` (the server is threaded)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._seq = itertools.count(1)
        self._customer_ids = itertools.count(116786130)
        self.data_sources: dict[str, DataSource] = {}
        self.customers: dict[str, Customer] = {}
        self.plans: dict[str, Plan] = {}
        self.invoices: dict[str, Invoice] = {}
        self.subscriptions: dict[str, Subscription] = {}
        self.json_imports: dict[str, JsonImport] = {}

    def next_seq(self) -> int:
        return next(self._seq)

    def next_customer_id(self) -> int:
        return next(self._customer_ids)

    def data_source(self, uuid: str) -> DataSource:
        ds = self.data_sources.get(uuid)
        if ds is None:
            raise not_found("Data source")
        return ds

    def customer(self, uuid: str) -> Customer:
        cus = self.customers.get(uuid)
        if cus is None:
            raise not_found("Customer")
        return cus

    def plan(self, uuid: str) -> Plan:
        plan = self.plans.get(uuid)
        if plan is None:
            raise not_found("Plan")
        return plan

    def invoice(self, uuid: str) -> Invoice:
        inv = self.invoices.get(uuid)
        if inv is None:
            raise not_found("Invoice")
        return inv

    def subscription(self, uuid: str) -> Subscription:
        sub = self.subscriptions.get(uuid)
        if sub is None:
            raise not_found("Subscription")
        return sub

    def invoice_by_external_id(self, data_source_uuid: str, external_id: str) -> Invoice | None:
        return next(
            (
                i
                for i in self.invoices.values()
                if i.data_source_uuid == data_source_uuid and i.external_id == external_id
            ),
            None,
        )

    def delete_data_source(self, uuid: str) -> None:
        self.data_source(uuid)
        del self.data_sources[uuid]
        for store in (self.customers, self.plans, self.invoices, self.subscriptions):
            for key in [k for k, obj in store.items() if obj.data_source_uuid == uuid]:  # type: ignore[attr-defined]
                del store[key]
