"""Collection arguments (WordPress schema validation) and the list filters/sorting/pagination of WooCommerce.

Validation follows `WP_REST_Request::has_valid_params()`: missing required arguments first
(`rest_missing_callback_param`), then each present argument (`rest_invalid_param` listing every bad
one, with `params` and `details`), then sanitisation (comma lists become arrays, booleans become
true/false). Only then does the endpoint's permission callback run.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .state import STORE_TZ
from .wp import WPError

ORDER_STATUSES = ("pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "checkout-draft")
SUBSCRIPTION_STATUSES = ("pending", "active", "on-hold", "cancelled", "switched", "expired", "pending-cancel")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}(:?\d{2})?)?$")


@dataclass(frozen=True)
class Arg:
    type: str  # integer | string | boolean | date | int_list | str_list
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    enum: tuple[str, ...] | None = None
    required: bool = False


def _bad(code: str, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "data": None}


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [v for v in re.split(r"[\s,]+", str(value)) if v]


def _check_int(name: str, value: Any, arg: Arg) -> tuple[Any, dict[str, Any] | None]:
    text = str(value).strip()
    if not re.fullmatch(r"-?\d+", text):
        return None, _bad("rest_invalid_type", f"{name} is not of type integer.")
    number = int(text)
    if arg.minimum is not None and arg.maximum is not None and not arg.minimum <= number <= arg.maximum:
        message = f"{name} must be between {arg.minimum} (inclusive) and {arg.maximum} (inclusive)"
        return None, _bad("rest_out_of_bounds", message)
    if arg.minimum is not None and number < arg.minimum:
        return None, _bad("rest_out_of_bounds", f"{name} must be greater than or equal to {arg.minimum}")
    return number, None


def _check(name: str, value: Any, arg: Arg) -> tuple[Any, dict[str, Any] | None]:
    if arg.type == "integer":
        return _check_int(name, value, arg)
    if arg.type == "boolean":
        text = str(value).lower() if not isinstance(value, bool) else ("1" if value else "0")
        if text in ("1", "true"):
            return True, None
        if text in ("0", "false", ""):
            return False, None
        return None, _bad("rest_invalid_type", f"{name} is not of type boolean.")
    if arg.type == "date":
        if not isinstance(value, str) or not _DATE_RE.match(value):
            return None, _bad("rest_invalid_date", "Invalid date.")
        return value, None
    if arg.type in ("int_list", "str_list"):
        items = []
        for index, item in enumerate(_as_list(value)):
            item_arg = Arg("integer" if arg.type == "int_list" else "string", enum=arg.enum)
            checked, error = _check(f"{name}[{index}]", item, item_arg)
            if error:
                return None, error
            items.append(checked)
        return items, None
    if not isinstance(value, str):
        return None, _bad("rest_invalid_type", f"{name} is not of type string.")
    if arg.enum is not None and value not in arg.enum:
        return None, _bad("rest_not_in_enum", f"{name} is not one of {', '.join(arg.enum)}.")
    return value, None


def validate_args(params: dict[str, Any], spec: dict[str, Arg]) -> dict[str, Any]:
    """Sanitised arguments (defaults filled in) or a WPError exactly like the REST server's."""
    missing = [name for name, arg in spec.items() if arg.required and params.get(name) in (None, "")]
    if missing:
        raise WPError(
            "rest_missing_callback_param", f"Missing parameter(s): {', '.join(missing)}", 400, {"params": missing}
        )
    clean: dict[str, Any] = {}
    invalid: dict[str, dict[str, Any]] = {}
    for name, arg in spec.items():
        if name not in params:
            clean[name] = arg.default
            continue
        value, error = _check(name, params[name], arg)
        if error:
            invalid[name] = error
        else:
            clean[name] = value
    if invalid:
        raise WPError(
            "rest_invalid_param",
            f"Invalid parameter(s): {', '.join(invalid)}",
            400,
            {"params": {k: v["message"] for k, v in invalid.items()}, "details": invalid},
        )
    return clean


def crud_args(statuses: tuple[str, ...] | None, *, orderby: tuple[str, ...], default_orderby: str = "date") -> dict:
    """`get_collection_params()` of the CRUD controllers (orders/subscriptions add status & co)."""
    spec: dict[str, Arg] = {
        "context": Arg("string", "view", enum=("view", "edit")),
        "page": Arg("integer", 1, minimum=1),
        "per_page": Arg("integer", 10, minimum=1, maximum=100),
        "search": Arg("string"),
        "after": Arg("date"),
        "before": Arg("date"),
        "modified_after": Arg("date"),
        "modified_before": Arg("date"),
        "dates_are_gmt": Arg("boolean", False),
        "exclude": Arg("int_list", []),
        "include": Arg("int_list", []),
        "offset": Arg("integer"),
        "order": Arg("string", "desc", enum=("asc", "desc")),
        "orderby": Arg("string", default_orderby, enum=orderby),
        "parent": Arg("int_list", []),
    }
    if statuses is not None:
        spec["status"] = Arg("str_list", ["any"], enum=("any", "trash", "auto-draft", *statuses))
        spec["customer"] = Arg("integer")
        spec["product"] = Arg("integer")
        spec["dp"] = Arg("integer", 2)
    return spec


def _date_bound(value: str, as_gmt: bool) -> str:
    match = _DATE_RE.match(value)
    assert match is not None  # validated before
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    naive = dt.datetime(year, month, day, hour, minute, second)
    offset = match.group(8)
    if offset:
        if offset in ("Z", "z"):
            aware = naive.replace(tzinfo=dt.UTC)
        else:
            sign = 1 if offset[0] == "+" else -1
            digits = offset[1:].replace(":", "")
            delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
            aware = naive.replace(tzinfo=dt.timezone(sign * delta))
        naive = aware.astimezone(dt.UTC if as_gmt else STORE_TZ).replace(tzinfo=None)
    return naive.isoformat()


def filter_crud(items: Iterable[dict[str, Any]], args: dict[str, Any], *, any_excludes: tuple[str, ...] = ()) -> list:
    """The CRUD controllers' filters (`prepare_objects_query`), on rendered objects."""
    rows = list(items)
    gmt = "_gmt" if args.get("dates_are_gmt") else ""
    for param, field, keep in (
        ("after", "date_created", lambda a, b: a > b),
        ("before", "date_created", lambda a, b: a < b),
        ("modified_after", "date_modified", lambda a, b: a > b),
        ("modified_before", "date_modified", lambda a, b: a < b),
    ):
        if args.get(param):
            bound = _date_bound(args[param], bool(gmt))
            rows = [r for r in rows if r.get(field + gmt) and keep(r[field + gmt], bound)]
    if args.get("include"):
        rows = [r for r in rows if r["id"] in args["include"]]
    if args.get("exclude"):
        rows = [r for r in rows if r["id"] not in args["exclude"]]
    if args.get("parent"):
        rows = [r for r in rows if r.get("parent_id") in args["parent"]]
    if "status" in args:
        wanted = args["status"] or ["any"]
        if "any" in wanted:
            rows = [r for r in rows if r.get("status") not in any_excludes]
        else:
            rows = [r for r in rows if r.get("status") in wanted]
    if args.get("customer") is not None:
        rows = [r for r in rows if r.get("customer_id") == args["customer"]]
    if args.get("product") is not None:
        rows = [r for r in rows if any(li.get("product_id") == args["product"] for li in r.get("line_items", []))]
    if args.get("search"):
        needle = args["search"].lower()
        rows = [r for r in rows if needle in repr(r).lower()]
    return rows


def sort_rows(rows: list[dict[str, Any]], args: dict[str, Any], keys: dict[str, Callable[[dict], Any]]) -> list:
    orderby = args.get("orderby") or "date"
    reverse = args.get("order", "desc") == "desc"
    if orderby == "include" and args.get("include"):
        position = {item_id: index for index, item_id in enumerate(args["include"])}
        return sorted(rows, key=lambda r: position.get(r["id"], math.inf))
    key = keys.get(orderby, lambda r: r["id"])
    return sorted(rows, key=lambda r: (key(r), r["id"]), reverse=reverse)


@dataclass
class Page:
    rows: list[dict[str, Any]]
    total: int
    total_pages: int
    page: int


def paginate(rows: list[dict[str, Any]], args: dict[str, Any]) -> Page:
    per_page = args.get("per_page") or 10
    page = args.get("page") or 1
    offset = args.get("offset")
    start = offset if offset is not None else (page - 1) * per_page
    total = len(rows)
    return Page(rows[start : start + per_page], total, math.ceil(total / per_page), page)


ORDER_SORT_KEYS: dict[str, Callable[[dict], Any]] = {
    "date": lambda r: r.get("date_created_gmt") or "",
    "modified": lambda r: r.get("date_modified_gmt") or "",
    "id": lambda r: r["id"],
}
PRODUCT_SORT_KEYS: dict[str, Callable[[dict], Any]] = {
    **ORDER_SORT_KEYS,
    "title": lambda r: r.get("name", "").lower(),
    "slug": lambda r: r.get("slug", ""),
    "price": lambda r: float(r.get("price") or 0),
}


def customer_display_name(row: dict[str, Any]) -> str:
    return (f"{row.get('first_name', '')} {row.get('last_name', '')}".strip() or row.get("username", "")).lower()


CUSTOMER_SORT_KEYS: dict[str, Callable[[dict], Any]] = {
    "id": lambda r: r["id"],
    "name": customer_display_name,
    "registered_date": lambda r: r.get("date_created_gmt") or "",
}
