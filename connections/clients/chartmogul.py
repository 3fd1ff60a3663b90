"""A thin ChartMogul Import API client on `requests` (reference: shared/reference/chartmogul-api.md).

Retry policy, and why:
- GET, PUT, PATCH and DELETE are idempotent, so 429/500/502/503/504 and connection errors are
  retried with jittered exponential backoff (honouring `Retry-After`), at most `max_attempts` sends.
- A POST is retried only when a duplicate is *detectable*: the body carries an `external_id`
  (customer, plan, invoice, transaction) or is a data source identified by its unique name.
  ChartMogul rejects duplicates with a 422 "already exists", so if a first attempt succeeded but
  its answer was lost, the retry says "already exists" and we fetch and return the existing object.
  "Already exists" on the FIRST attempt is not ours to swallow: it is reported to the caller.
- Every other POST (no external_id, connect_subscriptions, json_imports) is sent once. The one
  exception is 429: ChartMogul refused the request before doing anything, so resending cannot
  duplicate. For json_imports an unknown outcome is resolved by looking the import up by its
  external_id instead of sending a second, possibly duplicate, bulk import.
The official library retries every POST for ~30 minutes (reference §3); this is why we do not use it.

Responses are parsed leniently (hyphenated customer keys, amounts as strings or "") and requests are
sent as the caller built them. Log lines carry method, redacted URL, status and duration only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import requests

from connections.clients.chartmogul_errors import ChartMogulConnectionError, ChartMogulError, error_from_response
from connections.clients.http import RETRYABLE_STATUSES, backoff_delay, build_session, redact_url, retry_after_seconds
from connections.clients.rate_limit import RateLimiter, RateLimitWaitExceeded, limiter_for_api_key

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUTS = (5.0, 60.0)
JSON_IMPORT_READ_TIMEOUT = 300.0  # a 5 MB bulk body is validated before ChartMogul answers
PER_PAGE = 200

# Retry modes of one request.
IDEMPOTENT = "idempotent"  # retry every retryable failure
DEDUPLICATED = "deduplicated"  # POST whose duplicate ChartMogul detects: same as idempotent
ONCE = "once"  # POST without duplicate detection: only a 429 (request refused) is resent

# Customer keys ChartMogul sends hyphenated; callers get an underscore twin as well.
_HYPHENATED_CUSTOMER_KEYS = (
    "customer-since",
    "billing-system-url",
    "chartmogul-url",
    "billing-system-type",
    "currency-sign",
)


def parse_amount(value: Any) -> int | None:
    """Amounts arrive as ints, numeric strings, "" or null (subscription events, reference §1.7)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return round(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return round(float(text))
        except ValueError:
            return None


def normalize_customer(customer: dict[str, Any]) -> dict[str, Any]:
    for key in _HYPHENATED_CUSTOMER_KEYS:
        if key in customer:
            customer.setdefault(key.replace("-", "_"), customer[key])
    return customer


def _list_of_dicts(data: Any, key: str) -> list[dict[str, Any]]:
    items = data.get(key) if isinstance(data, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


class ChartMogulClient:
    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        rate_limiter: RateLimiter | None = None,
        max_attempts: int = 5,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeouts: tuple[float, float] = DEFAULT_TIMEOUTS,
    ) -> None:
        if base_url is None:
            from django.conf import settings

            base_url = settings.CHARTMOGUL_API_URL
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.rate_limiter = rate_limiter if rate_limiter is not None else limiter_for_api_key(api_key)
        self.max_attempts = max(1, max_attempts)
        self.session = session or build_session(connect_timeout=timeouts[0], read_timeout=timeouts[1])
        self._sleep = sleep
        self.timeouts = timeouts

    def __repr__(self) -> str:  # the default repr would be harmless, but say so explicitly: no key
        return f"<ChartMogulClient {self.base_url}>"

    # ---- transport -------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        mode: str = IDEMPOTENT,
        read_timeout: float | None = None,
    ) -> Any:
        """Send one logical request (with retries per `mode`); the parsed JSON body, or None if empty."""
        url = f"{self.base_url}{path}"
        timeout = (self.timeouts[0], read_timeout or self.timeouts[1])
        attempt = 0
        while True:
            attempt += 1
            response: requests.Response | None = None
            started = time.monotonic()
            try:
                with self.rate_limiter.slot():
                    response = self.session.request(
                        method, url, params=params, json=json_body, auth=(self._api_key, ""), timeout=timeout
                    )
            except RateLimitWaitExceeded as exc:
                raise ChartMogulError(str(exc), code="rate_limit_wait", attempts=attempt) from None
            except requests.RequestException as exc:
                elapsed = (time.monotonic() - started) * 1000
                logger.warning(
                    "ChartMogul %s %s -> %s after %.0f ms", method, redact_url(url), type(exc).__name__, elapsed
                )
                failure: ChartMogulError = ChartMogulConnectionError(
                    f"no answer from ChartMogul ({type(exc).__name__})", attempts=attempt
                )
            else:
                elapsed = (time.monotonic() - started) * 1000
                logger.info(
                    "ChartMogul %s %s -> %s in %.0f ms",
                    method,
                    redact_url(response.url or url),
                    response.status_code,
                    elapsed,
                )
                if response.status_code < 400:
                    return self._decode(response)
                failure = error_from_response(
                    response.status_code, response.text, secrets=(self._api_key,), attempts=attempt
                )
            if attempt >= self.max_attempts or not self._may_retry(mode, failure):
                raise failure
            self._sleep(backoff_delay(attempt, retry_after=retry_after_seconds(response)))

    @staticmethod
    def _may_retry(mode: str, failure: ChartMogulError) -> bool:
        if mode == ONCE:
            return failure.status == 429
        return isinstance(failure, ChartMogulConnectionError) or failure.status in RETRYABLE_STATUSES

    @staticmethod
    def _decode(response: requests.Response) -> Any:
        if not response.content or not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            return response.text

    def _create(self, path: str, body: dict[str, Any], *, find_existing: Callable[[], dict | None] | None) -> Any:
        """POST a create; with `find_existing` it is retried and "already exists" on a retry is success."""
        try:
            return self.request("POST", path, json_body=body, mode=DEDUPLICATED if find_existing else ONCE)
        except ChartMogulError as err:
            if find_existing is not None and err.attempts > 1 and err.is_already_exists:
                existing = find_existing()
                if existing is not None:
                    return existing
            raise

    def iter_list(self, path: str, key: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paginated list (`cursor` + `has_more`, reference §2.2)."""
        query = dict(params or {})
        query.setdefault("per_page", PER_PAGE)
        seen_cursors: set[str] = set()
        while True:
            data = self.request("GET", path, params=query)
            yield from _list_of_dicts(data, key)
            cursor = data.get("cursor") if isinstance(data, dict) else None
            # has_more without a (new) cursor would loop forever; stop instead.
            if not (isinstance(data, dict) and data.get("has_more")) or not cursor or cursor in seen_cursors:
                return
            seen_cursors.add(cursor)
            query["cursor"] = cursor

    # ---- account ---------------------------------------------------------------------------

    def ping(self) -> None:
        self.request("GET", "/v1/ping")

    def probe_write_access(self) -> bool:
        """Whether the key may write, without writing: a data source without a name is always rejected.

        400/422 (missing name) means the request got past the permission check; 403 means a read-only
        key. Should ChartMogul ever accept the empty body, the created data source is deleted again.
        """
        try:
            created = self.request("POST", "/v1/data_sources", json_body={}, mode=ONCE)
        except ChartMogulError as err:
            if err.status in (400, 422):
                return True
            if err.is_forbidden:
                return False
            raise
        if isinstance(created, dict) and created.get("uuid"):
            self.delete_data_source(created["uuid"])
        return True

    # ---- data sources ----------------------------------------------------------------------

    def list_data_sources(self) -> list[dict[str, Any]]:
        return _list_of_dicts(self.request("GET", "/v1/data_sources"), "data_sources")

    def get_data_source(self, uuid: str) -> dict[str, Any]:
        return self.request("GET", f"/v1/data_sources/{uuid}")

    def _data_source_named(self, name: str) -> dict[str, Any] | None:
        return next((ds for ds in self.list_data_sources() if ds.get("name") == name), None)

    def create_data_source(self, name: str) -> dict[str, Any]:
        # Names are unique per account, so the name is the duplicate detector.
        return self._create("/v1/data_sources", {"name": name}, find_existing=lambda: self._data_source_named(name))

    def find_or_create_data_source(self, name: str) -> tuple[dict[str, Any], bool]:
        existing = self._data_source_named(name)
        if existing is not None:
            return existing, False
        try:
            return self.create_data_source(name), True
        except ChartMogulError as err:
            if not err.is_already_exists:
                raise
            existing = self._data_source_named(name)  # created concurrently by another worker
            if existing is None:
                raise
            return existing, False

    def delete_data_source(self, uuid: str) -> None:
        self.request("DELETE", f"/v1/data_sources/{uuid}")

    # ---- customers and plans -------------------------------------------------------------

    def create_customer(self, payload: dict[str, Any]) -> dict[str, Any]:
        ds, ext = payload.get("data_source_uuid"), payload.get("external_id")
        finder = (lambda: self.find_customer(data_source_uuid=ds, external_id=ext)) if ds and ext else None
        return normalize_customer(self._create("/v1/customers", payload, find_existing=finder))

    def find_customer(self, *, data_source_uuid: str, external_id: str) -> dict[str, Any] | None:
        data = self.request(
            "GET", "/v1/customers", params={"data_source_uuid": data_source_uuid, "external_id": external_id}
        )
        for customer in _list_of_dicts(data, "entries"):
            if customer.get("external_id") == external_id:
                return normalize_customer(customer)
        return None

    def update_customer(self, uuid: str, payload: dict[str, Any]) -> dict[str, Any]:
        return normalize_customer(self.request("PATCH", f"/v1/customers/{uuid}", json_body=payload))

    def create_plan(self, payload: dict[str, Any]) -> dict[str, Any]:
        ds, ext = payload.get("data_source_uuid"), payload.get("external_id")
        finder = (lambda: self.find_plan(data_source_uuid=ds, external_id=ext)) if ds and ext else None
        return self._create("/v1/plans", payload, find_existing=finder)

    def find_plan(self, *, data_source_uuid: str, external_id: str) -> dict[str, Any] | None:
        data = self.request(
            "GET", "/v1/plans", params={"data_source_uuid": data_source_uuid, "external_id": external_id}
        )
        return next((p for p in _list_of_dicts(data, "plans") if p.get("external_id") == external_id), None)

    # ---- invoices, transactions, subscriptions -------------------------------------------

    def import_invoices(self, customer_uuid: str, invoices: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [inv.get("external_id") for inv in invoices]
        finder = None
        if ids and all(ids):

            def finder() -> dict[str, Any] | None:
                found = [self._customer_invoice(customer_uuid, str(ext)) for ext in ids]
                return {"invoices": found} if all(found) else None

        data = self._create(
            f"/v1/import/customers/{customer_uuid}/invoices", {"invoices": invoices}, find_existing=finder
        )
        return _list_of_dicts(data, "invoices")

    def _customer_invoice(self, customer_uuid: str, external_id: str) -> dict[str, Any] | None:
        data = self.request("GET", "/v1/invoices", params={"customer_uuid": customer_uuid, "external_id": external_id})
        return next((i for i in _list_of_dicts(data, "invoices") if i.get("external_id") == external_id), None)

    def find_invoice(self, *, data_source_uuid: str, external_id: str) -> dict[str, Any] | None:
        data = self.request(
            "GET", "/v1/invoices", params={"data_source_uuid": data_source_uuid, "external_id": external_id}
        )
        return next((i for i in _list_of_dicts(data, "invoices") if i.get("external_id") == external_id), None)

    def create_transaction(self, invoice_uuid: str, payload: dict[str, Any]) -> dict[str, Any]:
        ext = payload.get("external_id")
        finder = None
        if ext:

            def finder() -> dict[str, Any] | None:
                invoice = self.request("GET", f"/v1/invoices/{invoice_uuid}")
                return next((t for t in _list_of_dicts(invoice, "transactions") if t.get("external_id") == ext), None)

        return self._create(f"/v1/import/invoices/{invoice_uuid}/transactions", payload, find_existing=finder)

    def update_invoice_status(self, *, data_source_uuid: str, invoice_external_id: str, status: str) -> dict[str, Any]:
        path = f"/v1/data_sources/{data_source_uuid}/invoices/{quote(invoice_external_id, safe='')}/status"
        return self.request("PUT", path, json_body={"status": status}) or {}

    def cancel_subscription(
        self, subscription_uuid: str, *, cancelled_at: str | None = None, cancellation_dates: list[str] | None = None
    ) -> dict[str, Any]:
        if (cancelled_at is None) == (cancellation_dates is None):
            raise ValueError("pass exactly one of cancelled_at or cancellation_dates")
        body = (
            {"cancelled_at": cancelled_at} if cancelled_at is not None else {"cancellation_dates": cancellation_dates}
        )
        return self.request("PATCH", f"/v1/import/subscriptions/{subscription_uuid}", json_body=body)

    def connect_subscriptions(self, customer_uuid: str, subscriptions: list[dict[str, Any]]) -> None:
        self.request(
            "POST",
            f"/v1/customers/{customer_uuid}/connect_subscriptions",
            json_body={"subscriptions": subscriptions},
            mode=ONCE,
        )

    # ---- bulk JSON import ------------------------------------------------------------------

    def create_json_import(self, data_source_uuid: str, payload: dict[str, Any]) -> dict[str, Any]:
        path = f"/v1/data_sources/{data_source_uuid}/json_imports"
        try:
            return self.request("POST", path, json_body=payload, mode=ONCE, read_timeout=JSON_IMPORT_READ_TIMEOUT)
        except ChartMogulError as err:
            unknown_outcome = isinstance(err, ChartMogulConnectionError) or (err.status or 0) >= 500
            if not (unknown_outcome and payload.get("external_id")):
                raise
            try:
                return self.get_json_import(data_source_uuid, str(payload["external_id"]))
            except ChartMogulError as lookup_err:
                if lookup_err.is_not_found:
                    raise err from None  # not created: the caller may safely send it again later
                raise

    def get_json_import(self, data_source_uuid: str, import_id: str) -> dict[str, Any]:
        quoted = quote(import_id, safe="")
        return self.request("GET", f"/v1/data_sources/{data_source_uuid}/json_imports/{quoted}")

    def wait_for_json_import(
        self, data_source_uuid: str, import_id: str, *, timeout: float = 600, poll_interval: float = 2
    ) -> dict[str, Any]:
        """Poll until the import leaves queued/processing; raises ChartMogulError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.get_json_import(data_source_uuid, import_id)
            if status.get("status") not in ("queued", "processing"):
                return status
            if time.monotonic() >= deadline:
                raise ChartMogulError(
                    f"bulk import still {status.get('status')} after {timeout:.0f} s", code="import_timeout"
                )
            self._sleep(poll_interval)
