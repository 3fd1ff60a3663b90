"""One parser for every ChartMogul error body shape, and exact "already exists" detection."""

from __future__ import annotations

import json

import pytest

from connections.clients.chartmogul_errors import ChartMogulConnectionError, error_from_response

# errors.md §2: the Go client's exact strings and the combinations it treats as "already imported".
INVOICE = "The external ID for this invoice already exists in our system."
LINE_ITEM = "The external ID for this line item already exists in our system."
ALREADY_EXISTS_BODIES = [
    {"errors": {"external_id": "The external ID for this customer already exists in our system."}},
    {"errors": {"external_id": INVOICE}},
    {"errors": {"external_id": INVOICE, "transactions.external_id": "has already been taken"}},
    {"errors": {"external_id": INVOICE, "line_items.external_id": LINE_ITEM}},
    {
        "errors": {
            "external_id": INVOICE,
            "transactions.external_id": "has already been taken",
            "line_items.external_id": LINE_ITEM,
        }
    },
    {"errors": {"external_id": "A plan with this identifier already exists in our system."}},
    {"errors": {"external_id": "has already been taken"}},
    {"errors": {"name": "Has already been taken."}},
    {"errors": {"external_id": [INVOICE]}},
]


@pytest.mark.parametrize("body", ALREADY_EXISTS_BODIES, ids=lambda b: ",".join(b["errors"]))
def test_go_client_duplicate_strings_are_already_exists(body: dict) -> None:
    assert error_from_response(422, json.dumps(body)).is_already_exists


@pytest.mark.parametrize(
    "body",
    [
        {"errors": {"external_id": INVOICE, "currency": "Currency is invalid"}},  # a real error alongside
        {"errors": {"name": "A name is required for each data source."}},
        {"errors": {"external_id": "already exists"}},  # not an exact known string
        {"errors": {"name": "has already been taken"}},  # wrong key for this wording
        {"errors": {}},
    ],
)
def test_other_validation_errors_are_not_already_exists(body: dict) -> None:
    assert not error_from_response(422, json.dumps(body)).is_already_exists


def test_already_exists_needs_a_client_error_status() -> None:
    assert not error_from_response(500, json.dumps({"errors": {"name": "Has already been taken."}})).is_already_exists


def test_errors_map_with_lists_keeps_every_message() -> None:
    body = {
        "errors": {"currency": ["Currency is invalid", "Currency must be supported"], "date": ["Date is in the future"]}
    }
    err = error_from_response(422, json.dumps(body))
    assert err.field_errors == {
        "currency": ["Currency is invalid", "Currency must be supported"],
        "date": ["Date is in the future"],
    }


def test_error_with_error_details() -> None:
    body = {
        "error": "Invoice not found",
        "error_details": [{"param": "invoice", "code": "invalid", "message": "Invoice not found"}],
    }
    err = error_from_response(404, json.dumps(body))
    assert (err.message, err.code, err.field_errors) == (
        "Invoice not found",
        "invalid",
        {"invoice": ["Invoice not found"]},
    )
    assert err.is_not_found


def test_code_message_param_shape() -> None:
    err = error_from_response(400, json.dumps({"code": 400, "message": 'Parameter "name" is missing', "param": "name"}))
    assert (err.code, err.message, err.field_errors) == (
        "400",
        'Parameter "name" is missing',
        {"name": ['Parameter "name" is missing']},
    )


def test_top_level_field_lists_with_error_details() -> None:
    body = {
        "name": ["Name can't be blank"],
        "plan_ids": ["Plan ids can't be blank"],
        "error_details": [{"param": "name", "code": "blank", "message": "Name can't be blank"}],
    }
    err = error_from_response(422, json.dumps(body))
    assert err.field_errors == {"name": ["Name can't be blank"], "plan_ids": ["Plan ids can't be blank"]}
    assert err.code == "blank"


@pytest.mark.parametrize(
    ("status", "text", "message"),
    [
        (500, "500 Internal Server Error", "500 Internal Server Error"),
        (504, "504 Gateway Timeout Error", "504 Gateway Timeout Error"),
        (502, "<html><body>Bad gateway</body></html>", "<html><body>Bad gateway</body></html>"),
        (503, "", "HTTP 503 with an empty or unrecognised body"),
        (500, "[1, 2]", "HTTP 500 with an empty or unrecognised body"),
    ],
)
def test_non_json_and_empty_bodies(status: int, text: str, message: str) -> None:
    err = error_from_response(status, text)
    assert (err.status, err.message, err.is_retryable) == (status, message, True)


def test_raw_body_is_truncated_and_redacted() -> None:
    key = "d3adb33fd3adb33fd3adb33f"
    err = error_from_response(
        422, json.dumps({"errors": {"name": f"bad key {key}"}, "pad": "x" * 5000}), secrets=(key,)
    )
    assert len(err.raw_body) == 2000
    assert key not in repr(err.field_errors)
    assert key not in err.raw_body
    assert key not in str(err)


def test_status_flags() -> None:
    assert error_from_response(401, "").is_auth_error
    assert error_from_response(403, "").is_forbidden
    assert not error_from_response(404, "").is_retryable
    assert error_from_response(429, "").is_retryable
    assert ChartMogulConnectionError("no answer").is_retryable
