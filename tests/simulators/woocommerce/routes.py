"""The route table and `WP_REST_Server::serve_request` order of checks.

1. authentication errors (`rest_authentication_errors`) -> 401, no `Allow`;
2. the API key's read/write permission (`rest_pre_dispatch`) -> 401, before any routing;
3. route matching -> 404 `rest_no_route`;
4. argument validation -> 400 (`Allow` sent: the route matched);
5. the endpoint's permission callback -> 401 anonymous / 403 logged in, no `Allow`;
6. the callback; then `_fields` filtering of successful bodies.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import resources as res
from . import webhook_routes as hooks
from .auth import AuthRequest, check_key_permissions
from .collections import validate_args
from .discovery import api_index, namespace_index, system_status
from .httpmsg import HttpRequest, HttpResponse
from .rest import (
    CANNOT_DELETE,
    CANNOT_EDIT,
    CANNOT_VIEW,
    NOT_ALLOWED_CREATE,
    Endpoint,
    RestContext,
    RestResponse,
    Route,
    check_permission,
)
from .state import RECORDED_ORIGIN
from .wp import WPError, parse_str, rest_fields_filter

READ, WRITE, DELETE = ("GET",), ("POST", "PUT", "PATCH"), ("DELETE",)
ORDERS_CAP, PRODUCTS_CAP, MANAGER_CAP, USERS_CAP = (
    "read_private_shop_orders",
    "read_private_products",
    "manage_woocommerce",
    "list_users",
)
NO_ROUTE = WPError("rest_no_route", "No route was found matching the URL and request method.", 404)


def _index(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    return RestResponse(api_index(name=ctx.sim.site_name, subscriptions_active=ctx.sim.subscriptions_active))


def _namespace(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    return RestResponse(namespace_index(subscriptions_active=ctx.sim.subscriptions_active))


def _system_status(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    return RestResponse(system_status(ctx.sim, RECORDED_ORIGIN))


def _route(pattern: str, *endpoints: Endpoint, subscriptions: bool = False) -> Route:
    return Route(re.compile(f"^{pattern}$", re.IGNORECASE), endpoints, subscriptions)


ID = r"(?P<id>\d+)"
ROUTES: tuple[Route, ...] = (
    _route("/", Endpoint(READ, _index, {}, None)),
    _route("/wc/v3", Endpoint(READ, _namespace, {}, None)),
    _route("/wc/v3/system_status", Endpoint(READ, _system_status, {}, MANAGER_CAP)),
    _route(
        "/wc/v3/orders",
        Endpoint(READ, res.list_orders, res.ORDER_LIST_ARGS, ORDERS_CAP),
        Endpoint(("POST",), res.create_order, {}, "publish_shop_orders", NOT_ALLOWED_CREATE),
    ),
    _route(
        f"/wc/v3/orders/{ID}",
        Endpoint(READ, res.get_order, res.SINGLE_ARGS, ORDERS_CAP, CANNOT_VIEW, res.order_exists),
        Endpoint(WRITE, res.update_order, {}, "edit_shop_orders", CANNOT_EDIT, res.order_exists),
        Endpoint(DELETE, res.delete_order, {}, "delete_shop_orders", CANNOT_DELETE, res.order_exists),
    ),
    _route(
        r"/wc/v3/orders/(?P<order_id>\d+)/refunds",
        Endpoint(READ, res.list_order_refunds, res.REFUND_LIST_ARGS, ORDERS_CAP),
        Endpoint(("POST",), res.create_order_refund, res.REFUND_CREATE_ARGS, "publish_shop_orders", NOT_ALLOWED_CREATE),
    ),
    _route("/wc/v3/refunds", Endpoint(READ, res.list_refunds, res.REFUND_LIST_ARGS, ORDERS_CAP)),
    _route(
        "/wc/v3/subscriptions",
        Endpoint(READ, res.list_subscriptions, res.SUBSCRIPTION_LIST_ARGS, ORDERS_CAP),
        Endpoint(("POST",), res.create_subscription, {}, "publish_shop_orders", NOT_ALLOWED_CREATE),
        subscriptions=True,
    ),
    _route("/wc/v3/subscriptions/statuses", Endpoint(READ, res.subscription_statuses, {}, None), subscriptions=True),
    _route(
        f"/wc/v3/subscriptions/{ID}",
        Endpoint(READ, res.get_subscription, res.SINGLE_ARGS, ORDERS_CAP, CANNOT_VIEW, res.subscription_exists),
        Endpoint(WRITE, res.update_subscription, {}, "edit_shop_orders", CANNOT_EDIT, res.subscription_exists),
        subscriptions=True,
    ),
    _route(
        f"/wc/v3/subscriptions/{ID}/orders",
        Endpoint(READ, res.subscription_orders, {}, ORDERS_CAP),
        subscriptions=True,
    ),
    _route(
        f"/wc/v3/orders/{ID}/subscriptions",
        Endpoint(READ, res.order_subscriptions, {}, ORDERS_CAP),
        subscriptions=True,
    ),
    _route(
        "/wc/v3/customers",
        Endpoint(READ, res.list_customers, res.CUSTOMER_LIST_ARGS, USERS_CAP),
        Endpoint(("POST",), res.create_customer, {}, "create_customers", NOT_ALLOWED_CREATE),
    ),
    _route(f"/wc/v3/customers/{ID}", Endpoint(READ, res.get_customer, res.SINGLE_ARGS, USERS_CAP, CANNOT_VIEW)),
    _route(
        "/wc/v3/products",
        Endpoint(READ, res.list_products, res.PRODUCT_LIST_ARGS, PRODUCTS_CAP),
        Endpoint(("POST",), res.create_product, {}, "publish_products", NOT_ALLOWED_CREATE),
    ),
    _route(
        f"/wc/v3/products/{ID}",
        Endpoint(READ, res.get_product, res.SINGLE_ARGS, PRODUCTS_CAP, CANNOT_VIEW, res.product_exists),
    ),
    _route(
        r"/wc/v3/products/(?P<product_id>\d+)/variations",
        Endpoint(READ, res.list_variations, res.PRODUCT_LIST_ARGS, PRODUCTS_CAP),
        Endpoint(("POST",), res.create_variation, {}, "publish_products", NOT_ALLOWED_CREATE),
    ),
    _route(
        "/wc/v3/webhooks",
        Endpoint(READ, hooks.list_webhooks, hooks.LIST_ARGS, MANAGER_CAP),
        Endpoint(("POST",), hooks.create_webhook, hooks.CREATE_ARGS, MANAGER_CAP, NOT_ALLOWED_CREATE),
    ),
    _route(
        f"/wc/v3/webhooks/{ID}",
        Endpoint(READ, hooks.get_webhook, hooks.SINGLE_ARGS, MANAGER_CAP, CANNOT_VIEW),
        Endpoint(WRITE, hooks.update_webhook, hooks.UPDATE_ARGS, MANAGER_CAP, CANNOT_EDIT),
        Endpoint(DELETE, hooks.delete_webhook, hooks.DELETE_ARGS, MANAGER_CAP, CANNOT_DELETE),
    ),
)


def _find(sim: Any, route: str, method: str) -> tuple[Route, Endpoint, dict[str, str]]:
    for candidate in ROUTES:
        if candidate.subscriptions_plugin and not sim.subscriptions_active:
            continue
        match = candidate.pattern.match(route)
        if match is None:
            continue
        lookup = "GET" if method == "HEAD" else method
        for endpoint in candidate.endpoints:
            if lookup in endpoint.methods:
                return candidate, endpoint, match.groupdict()
    raise NO_ROUTE


def _body_params(request: HttpRequest) -> dict[str, Any]:
    content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
    if not request.body:
        return {}
    if content_type == "application/x-www-form-urlencoded":
        return parse_str(request.body.decode("utf-8", "replace"))
    if content_type == "application/json":
        try:
            data = json.loads(request.body)
        except ValueError:
            raise WPError("rest_invalid_json", "Invalid JSON body passed.", 400) from None
        return data if isinstance(data, dict) else {}
    return {}


def dispatch_rest(sim: Any, request: HttpRequest, route: str) -> HttpResponse:
    """Answer one REST request whose route is `route` (from /wp-json/… or ?rest_route=…)."""
    is_ssl = request.scheme == "https"
    get = parse_str(request.query)
    content_type = (request.header("Content-Type") or "").lower()
    is_form = content_type.startswith("application/x-www-form-urlencoded")
    authorization = None if sim.strip_authorization_header else request.header("Authorization")
    outcome = sim.authenticator.authenticate(
        AuthRequest(
            method=request.method,
            is_ssl=is_ssl,
            request_uri=request.request_uri,
            get=get,
            # $_POST only holds form-encoded bodies; a JSON body is never part of the OAuth signature.
            post=parse_str(request.body.decode("utf-8", "replace")) if is_form else {},
            authorization=authorization,
        )
    )
    key = outcome.key if outcome.error is None else None
    ctx = RestContext(sim, request.method, route, get, {}, key, is_ssl)
    allow: str | None = None
    try:
        if outcome.error is not None:
            raise outcome.error
        if key is not None:
            denied = check_key_permissions(key, request.method)
            if denied is not None:
                raise denied
        matched, endpoint, ctx.match = _find(sim, route, request.method)
        allow = matched.allow
        ctx.body = _body_params(request)
        args = validate_args(ctx.all_params(), endpoint.args)
        try:
            check_permission(ctx, endpoint)
        except WPError:
            allow = None
            raise
        response = endpoint.handler(ctx, args)
        response.data = rest_fields_filter(response.data, get.get("_fields") or None)
    except WPError as error:
        response = RestResponse(error.body(), error.status)
    return sim.render_rest(response, is_ssl=is_ssl, allow=allow, logged_in=key is not None)
