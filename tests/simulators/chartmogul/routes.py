"""URL routing of the simulator: ChartMogul paths to state operations, with recorded status codes."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from tests.simulators.chartmogul import operations as ops
from tests.simulators.chartmogul.state import AccountState, ApiError, decode_cursor, encode_cursor

Query = dict[str, str]
Result = tuple[int, Any]
Handler = Callable[[AccountState, Sequence[str], Query, Any], Result]
MAX_PER_PAGE = 200


def _body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(400, {"code": 400, "message": "Request body must be a JSON object", "param": None})  # ASSUMED
    return body


def _page(
    items: list[Any],
    query: Query,
    key: str,
    *,
    legacy: dict[str, Any],
    extra: dict[str, Any] | None = None,
    render: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """Cursor pagination. A request with `cursor` gets only {items, cursor, has_more} (recorded);
    the first page also carries the legacy page fields given in `legacy`."""
    try:
        per_page = min(max(int(query.get("per_page", MAX_PER_PAGE)), 1), MAX_PER_PAGE)
    except ValueError:
        raise ApiError(400, {"code": 400, "message": "Invalid per_page", "param": "per_page"}) from None  # ASSUMED
    items = sorted(items, key=lambda obj: obj.seq)
    if query.get("cursor"):
        after = decode_cursor(query["cursor"])
        items = [obj for obj in items if obj.seq > after]
    chunk = items[:per_page]
    body: dict[str, Any] = dict(extra or {})
    body[key] = [render(obj) for obj in chunk]
    if not query.get("cursor"):
        total_pages = -(-len(items) // per_page) if items else 0
        body.update({k: (total_pages if v == "total_pages" else v) for k, v in legacy.items()})
        if "per_page" in legacy:
            body["per_page"] = per_page
    last = chunk[-1] if chunk else None
    body["cursor"] = encode_cursor(_EPOCH, last.seq) if last else None
    body["has_more"] = len(items) > per_page
    return body


_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)  # cursors only need the sequence number; the time part mirrors the real shape


def _flag(query: Query, name: str) -> bool:
    return query.get(name, "").lower() in ("true", "1")


def ping(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    return 200, {"data": "pong!"}


def ds_create(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    return 201, ops.create_data_source(state, _body(b)).to_json()


def ds_list(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    details = any(
        _flag(q, f)
        for f in ("with_processing_status", "with_auto_churn_subscription_setting", "with_invoice_handling_setting")
    )
    sources = sorted(state.data_sources.values(), key=lambda ds: ds.seq)
    if q.get("name"):
        sources = [ds for ds in sources if ds.name == q["name"]]
    return 200, {"data_sources": [ds.to_json(details=details) for ds in sources]}


def ds_get(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    details = any(k.startswith("with_") and _flag(q, k) for k in q)
    return 200, state.data_source(m[0]).to_json(details=details)


def ds_delete(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    state.delete_data_source(m[0])
    return 204, None


_CUSTOMER_LEGACY = {"current_page": 1, "total_pages": "total_pages", "per_page": None, "page": 1}


def customer_create(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    return 201, ops.create_customer(state, _body(b)).to_json()


def customer_list(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    found = [
        c
        for c in state.customers.values()
        if (not q.get("data_source_uuid") or c.data_source_uuid == q["data_source_uuid"])
        and (not q.get("external_id") or c.external_id == q["external_id"])
    ]
    return 200, _page(found, q, "entries", legacy=_CUSTOMER_LEGACY, render=lambda c: c.to_json())


def customer_search(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    email = q.get("email", "")
    found = [c for c in state.customers.values() if email and (c.fields.get("email") or "").lower() == email.lower()]
    if not found:  # recorded 2023: search without a match is a 404, unlike the list
        raise ApiError(
            404, {"code": 404, "message": f'Can\'t find any customers with email: "{email}"', "param": "email"}
        )
    legacy = dict(_CUSTOMER_LEGACY, total_pages=None)
    return 200, _page(found, q, "entries", legacy=legacy, render=lambda c: c.to_json())


def customer_get(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    return 200, state.customer(m[0]).to_json()


def customer_patch(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    return 200, ops.update_customer(state.customer(m[0]), _body(b)).to_json()


def customer_delete(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    customer = state.customer(m[0])
    del state.customers[customer.uuid]
    for store in (state.invoices, state.subscriptions):
        for key in [k for k, obj in store.items() if obj.customer_uuid == customer.uuid]:
            del store[key]
    return 204, None


def connect_subscriptions(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    ops.connect_subscriptions(state, m[0], _body(b))
    return 202, None  # ASSUMED: not recorded (skipped by the fixture converter)


_LIST_LEGACY = {"current_page": 1, "total_pages": "total_pages"}


def plan_create(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    return 201, ops.create_plan(state, _body(b)).to_json()


def plan_list(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    found = [
        p
        for p in state.plans.values()
        if (not q.get("data_source_uuid") or p.data_source_uuid == q["data_source_uuid"])
        and (not q.get("external_id") or p.external_id == q["external_id"])
    ]
    return 200, _page(found, q, "plans", legacy=_LIST_LEGACY, render=lambda p: p.to_json())


def plan_get(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    return 200, state.plan(m[0]).to_json()


def plan_patch(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    return 202, ops.update_plan(state.plan(m[0]), _body(b)).to_json()  # recorded: 202, not 200


def plan_delete(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    plan = state.plan(m[0])
    if any(s.plan_uuid == plan.uuid for s in state.subscriptions.values()):
        raise ApiError(422, {"errors": {"plan": "Plan has subscribers"}})  # ASSUMED: docs only say "not allowed"
    del state.plans[plan.uuid]
    return 204, None


def invoices_import(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    created = ops.import_invoices(state, m[0], _body(b))
    return 201, {"invoices": [inv.to_json() for inv in created]}


def customer_invoices(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    customer = state.customer(m[0])
    found = [i for i in state.invoices.values() if i.customer_uuid == customer.uuid]
    return 200, _page(
        found, q, "invoices", legacy=_LIST_LEGACY, extra={"customer_uuid": customer.uuid}, render=lambda i: i.to_json()
    )


def invoice_list(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    found = [
        i
        for i in state.invoices.values()
        if all(not q.get(f) or getattr(i, f) == q[f] for f in ("customer_uuid", "data_source_uuid", "external_id"))
    ]
    return 200, _page(found, q, "invoices", legacy=_LIST_LEGACY, render=lambda i: i.to_json(with_customer=True))


def invoice_get(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    return 200, state.invoice(m[0]).to_json(with_customer=True)


def invoice_delete(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    del state.invoices[state.invoice(m[0]).uuid]
    return 204, None


def invoice_status(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    invoice = ops.set_invoice_status(state, m[0], unquote(m[1]), _body(b))
    return 200, invoice.to_json(with_customer=True)  # ASSUMED: no recording of this endpoint


def transaction_create(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    body = ops.create_transaction(state, m[0], _body(b)).to_json()
    return 201, body


def subscription_list(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    customer = state.customer(m[0])
    found = [s for s in state.subscriptions.values() if s.customer_uuid == customer.uuid]
    return 200, _page(
        found,
        q,
        "subscriptions",
        legacy=_LIST_LEGACY,
        extra={"customer_uuid": customer.uuid},
        render=lambda s: s.to_json(),
    )


def subscription_patch(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    return 202, ops.update_cancellations(state, m[0], _body(b)).to_json(with_customer=True)


def json_import_create(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    return 200, ops.create_json_import(state, m[0], _body(b)).to_json()  # python/node mocks answer 200


def json_import_get(state: AccountState, m: Sequence[str], q: Query, b: Any) -> Result:
    job = ops.find_json_import(state, m[0], unquote(m[1]))
    body = job.to_json()
    job.polls += 1
    return 200, body


_ID = r"([^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    (method, re.compile(f"^{pattern}$"), handler)
    for method, pattern, handler in [
        ("GET", "/v1/ping", ping),
        ("POST", "/v1/data_sources", ds_create),
        ("GET", "/v1/data_sources", ds_list),
        ("GET", f"/v1/data_sources/{_ID}", ds_get),
        ("DELETE", f"/v1/data_sources/{_ID}", ds_delete),
        ("PUT", f"/v1/data_sources/{_ID}/invoices/{_ID}/status", invoice_status),
        ("POST", f"/v1/data_sources/{_ID}/json_imports", json_import_create),
        ("GET", f"/v1/data_sources/{_ID}/json_imports/{_ID}", json_import_get),
        ("POST", "/v1/customers", customer_create),
        ("GET", "/v1/customers", customer_list),
        ("GET", "/v1/customers/search", customer_search),
        ("GET", f"/v1/customers/{_ID}", customer_get),
        ("PATCH", f"/v1/customers/{_ID}", customer_patch),
        ("DELETE", f"/v1/customers/{_ID}", customer_delete),
        ("POST", f"/v1/customers/{_ID}/connect_subscriptions", connect_subscriptions),
        ("POST", "/v1/plans", plan_create),
        ("GET", "/v1/plans", plan_list),
        ("GET", f"/v1/plans/{_ID}", plan_get),
        ("PATCH", f"/v1/plans/{_ID}", plan_patch),
        ("DELETE", f"/v1/plans/{_ID}", plan_delete),
        ("POST", f"/v1/import/customers/{_ID}/invoices", invoices_import),
        ("GET", f"/v1/import/customers/{_ID}/invoices", customer_invoices),
        ("GET", "/v1/invoices", invoice_list),
        ("GET", f"/v1/invoices/{_ID}", invoice_get),
        ("DELETE", f"/v1/invoices/{_ID}", invoice_delete),
        ("POST", f"/v1/import/invoices/{_ID}/transactions", transaction_create),
        ("GET", f"/v1/import/customers/{_ID}/subscriptions", subscription_list),
        ("PATCH", f"/v1/import/subscriptions/{_ID}", subscription_patch),
    ]
]


def dispatch(state: AccountState, method: str, path: str, query: Query, body: Any) -> Result:
    known_path = False
    for route_method, pattern, handler in ROUTES:
        match = pattern.match(path)
        if match is None:
            continue
        known_path = True
        if route_method == method:
            with state.lock:
                return handler(state, match.groups(), query, body)
    if known_path:
        return 405, {"code": 405, "message": "Method Not Allowed", "param": None}  # ASSUMED
    return 404, {"code": 404, "message": "Not Found", "param": None}  # ASSUMED
