"""ChartMogul's error responses, parsed into one exception type.

ChartMogul answers errors in at least six body shapes depending on endpoint and era (see
`shared/reference/chartmogul-api.md` §2.4 and `shared/fixtures/chartmogul/errors.md`). Every caller
needs the same three answers from them — is it "already exists", is it an auth problem, may I
retry — so there is exactly one parser and callers never look at raw bodies.
"""

from __future__ import annotations

import json
from typing import Any

from connections.clients.http import RETRYABLE_STATUSES, redact_text

RAW_BODY_LIMIT = 2000

# Exact duplicate strings as encoded by ChartMogul's Go client (`chartmogul.go` constants), keyed
# by the error key they are reported under. Matching is exact (after trimming) on purpose: a loose
# "contains 'already'" match would turn genuine validation errors into silent successes.
ALREADY_EXISTS_MESSAGES: dict[str, frozenset[str]] = {
    "external_id": frozenset(
        {
            "The external ID for this customer already exists in our system.",
            "The external ID for this invoice already exists in our system.",
            "A plan with this identifier already exists in our system.",
            "has already been taken",
        }
    ),
    "transactions.external_id": frozenset({"has already been taken"}),
    "line_items.external_id": frozenset({"The external ID for this line item already exists in our system."}),
    "name": frozenset({"Has already been taken."}),
}


class ChartMogulError(Exception):
    """A ChartMogul request that did not succeed: HTTP error, or (subclass) no answer at all."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        field_errors: dict[str, list[str]] | None = None,
        raw_body: str = "",
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field_errors: dict[str, list[str]] = field_errors or {}
        self.raw_body = raw_body
        # How many times the request was sent; "already exists" only means success after a retry.
        self.attempts = attempts

    def __str__(self) -> str:
        prefix = f"ChartMogul {self.status}" if self.status is not None else "ChartMogul request failed"
        details = "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in self.field_errors.items())
        text = f"{prefix}: {self.message}"
        return f"{text} ({details})" if details and details not in self.message else text

    @property
    def is_already_exists(self) -> bool:
        """True when every reported field error is a known duplicate message (Go `IsAlreadyExists`).

        Several keys together (invoice + its transactions/line items) still count, but one unrelated
        validation error among them means the request really was invalid.
        """
        if self.status not in (400, 422) or not self.field_errors:
            return False
        for field, messages in self.field_errors.items():
            known = ALREADY_EXISTS_MESSAGES.get(field)
            if known is None or not messages or any(m.strip() not in known for m in messages):
                return False
        return True

    @property
    def is_auth_error(self) -> bool:
        return self.status == 401

    @property
    def is_forbidden(self) -> bool:
        return self.status == 403

    @property
    def is_not_found(self) -> bool:
        return self.status == 404

    @property
    def is_retryable(self) -> bool:
        return self.status in RETRYABLE_STATUSES


class ChartMogulConnectionError(ChartMogulError):
    """No HTTP answer (connection refused/reset, timeout): the outcome of a write is unknown."""

    @property
    def is_retryable(self) -> bool:
        return True


def _as_messages(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    if isinstance(value, dict):
        return [f"{k}: {v}" for k, v in value.items()]
    return [str(value)]


def _merge(target: dict[str, list[str]], field: str, messages: list[str]) -> None:
    bucket = target.setdefault(field, [])
    bucket.extend(m for m in messages if m not in bucket)


# Top-level keys of the code/message/param and error/error_details shapes; anything else at the top
# level of a JSON error object is taken to be a field name (the plan_groups 422 shape).
_ENVELOPE_KEYS = frozenset({"code", "message", "param", "error", "error_details", "errors"})


def error_from_response(
    status: int, body_text: str, *, secrets: tuple[str, ...] = (), attempts: int = 1
) -> ChartMogulError:
    """Build a ChartMogulError from any ChartMogul error body (JSON in its several shapes, text, empty)."""
    # Real keys are 32+ characters; replacing a few-character "secret" would only garble messages.
    secrets = tuple(s for s in secrets if len(s) >= 8)
    raw = redact_text(body_text or "", *secrets)[:RAW_BODY_LIMIT]
    code: str | None = None
    message = ""
    field_errors: dict[str, list[str]] = {}
    try:
        data: Any = json.loads(body_text) if body_text and body_text.strip() else None
    except ValueError:
        data = None

    if isinstance(data, dict):
        errors = data.get("errors")
        if isinstance(errors, dict):  # {"errors": {field: msg | [msgs]}}
            for field, value in errors.items():
                _merge(field_errors, str(field), _as_messages(value))
        elif isinstance(errors, list | str):
            message = "; ".join(_as_messages(errors))
        if isinstance(data.get("error"), str):  # {"error": "..."} (+ error_details)
            message = data["error"]
        if isinstance(data.get("message"), str):  # {"code", "message", "param"}
            message = data["message"]
        if data.get("code") is not None and not isinstance(data.get("code"), dict | list):
            code = str(data["code"])
        param = data.get("param")
        if isinstance(param, str) and param and message:
            _merge(field_errors, param, [message])
        for detail in data.get("error_details") or []:
            if not isinstance(detail, dict):
                continue
            if detail.get("param") and detail.get("message"):
                _merge(field_errors, str(detail["param"]), [str(detail["message"])])
            if code is None and detail.get("code"):
                code = str(detail["code"])
        for key, value in data.items():  # top-level {field: [msgs]} (plan_groups 422)
            if key not in _ENVELOPE_KEYS and isinstance(value, list) and all(isinstance(v, str) for v in value):
                _merge(field_errors, str(key), _as_messages(value))
    elif isinstance(data, str):
        message = data
    elif data is None and body_text and body_text.strip():
        message = body_text.strip().splitlines()[0][:200]  # plain-text 5xx: "504 Gateway Timeout Error"

    if not message and field_errors:
        message = "; ".join(f"{field} {', '.join(msgs)}" for field, msgs in field_errors.items())
    if not message:
        message = f"HTTP {status} with an empty or unrecognised body"
    message = redact_text(message, *secrets)
    field_errors = {field: [redact_text(m, *secrets) for m in msgs] for field, msgs in field_errors.items()}
    return ChartMogulError(
        message, status=status, code=code, field_errors=field_errors, raw_body=raw, attempts=attempts
    )
