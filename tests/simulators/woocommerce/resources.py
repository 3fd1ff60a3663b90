"""Endpoints for store data: orders, refunds, subscriptions, customers, products (+ variations)."""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any

from .collections import (
    CUSTOMER_SORT_KEYS,
    ORDER_SORT_KEYS,
    ORDER_STATUSES,
    PRODUCT_SORT_KEYS,
    SUBSCRIPTION_STATUSES,
    Arg,
    crud_args,
    filter_crud,
    paginate,
    sort_rows,
)
from .rest import RestContext, RestResponse, list_response
from .wp import WPError

ORDERBY = ("date", "id", "include", "title", "slug", "modified")
ORDER_LIST_ARGS = crud_args(ORDER_STATUSES, orderby=ORDERBY)
SUBSCRIPTION_LIST_ARGS = crud_args(SUBSCRIPTION_STATUSES, orderby=ORDERBY)
REFUND_LIST_ARGS = {**crud_args(None, orderby=ORDERBY), "dp": Arg("integer", 2)}
PRODUCT_LIST_ARGS = {
    **crud_args(None, orderby=(*ORDERBY, "price", "popularity", "rating", "menu_order")),
    "type": Arg("string"),
    "sku": Arg("string"),
    "status": Arg("string", "any", enum=("any", "future", "trash", "draft", "pending", "private", "publish")),
}
CUSTOMER_LIST_ARGS = {
    "context": Arg("string", "view", enum=("view", "edit")),
    "page": Arg("integer", 1, minimum=1),
    "per_page": Arg("integer", 10, minimum=1, maximum=100),
    "search": Arg("string"),
    "exclude": Arg("int_list", []),
    "include": Arg("int_list", []),
    "offset": Arg("integer"),
    "order": Arg("string", "asc", enum=("asc", "desc")),
    "orderby": Arg("string", "name", enum=("id", "include", "name", "registered_date")),
    "email": Arg("string"),
    "role": Arg("string", "customer", enum=("all", "administrator", "shop_manager", "customer", "subscriber")),
}
REFUND_CREATE_ARGS = {"amount": Arg("string"), "reason": Arg("string")}
SINGLE_ARGS = {"context": Arg("string", "view", enum=("view", "edit"))}
ORDER_ANY_EXCLUDES = ("trash", "auto-draft", "checkout-draft")
# Fields a REST write may change; the rest of an order/subscription is computed by WooCommerce.
WRITABLE = (
    "status",
    "billing",
    "shipping",
    "customer_note",
    "customer_id",
    "payment_method",
    "payment_method_title",
    "transaction_id",
    "meta_data",
    "next_payment_date_gmt",
    "end_date_gmt",
    "billing_period",
    "billing_interval",
)


def _copy_rows(ctx: RestContext, rows: Any) -> list[dict[str, Any]]:
    with ctx.sim.state.lock:
        return copy.deepcopy(list(rows))


def _writable(ctx: RestContext) -> dict[str, Any]:
    return {k: v for k, v in ctx.body.items() if k in WRITABLE}


# ----- orders ------------------------------------------------------------------------------------
def list_orders(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    rows = filter_crud(_copy_rows(ctx, ctx.sim.state.orders.values()), args, any_excludes=ORDER_ANY_EXCLUDES)
    page = paginate(sort_rows(rows, args, ORDER_SORT_KEYS), args)
    return list_response(ctx, page, args, ORDER_LIST_ARGS, orders_like=True)


def order_exists(ctx: RestContext) -> bool:
    return ctx.id() in ctx.sim.state.orders


def _order_or_404(ctx: RestContext) -> int:
    if not order_exists(ctx):
        raise WPError("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404)
    return ctx.id()


def get_order(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    order_id = _order_or_404(ctx)
    return RestResponse(_copy_rows(ctx, [ctx.sim.state.orders[order_id]])[0])


def update_order(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    return RestResponse(ctx.sim.actions.update_order(_order_or_404(ctx), **_writable(ctx)))


def create_order(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    order = ctx.sim.actions.create_order(**_writable(ctx))
    return RestResponse(order, 201, [("Location", ctx.rest_url(f"/wc/v3/orders/{order['id']}"))])


def delete_order(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    force = str(ctx.all_params().get("force", "")).lower() in ("1", "true")
    return RestResponse(ctx.sim.actions.delete_order(_order_or_404(ctx), force=force))


def create_order_refund(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    order_id = ctx.id("order_id")
    if order_id not in ctx.sim.state.orders:
        raise WPError("woocommerce_rest_invalid_order_id", "Invalid order ID.", 404)
    try:
        amount = Decimal(str(args.get("amount") or "0"))
    except InvalidOperation:
        amount = Decimal(0)
    if amount <= 0:
        raise WPError("woocommerce_rest_invalid_order_refund", "Refund amount must be greater than zero.", 400)
    refund = ctx.sim.actions.add_refund(order_id, str(amount), str(args.get("reason") or ""))
    location = ctx.rest_url(f"/wc/v3/orders/{order_id}/refunds/{refund['id']}")
    return RestResponse(refund, 201, [("Location", location)])


def list_order_refunds(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    order_id = ctx.id("order_id")
    if order_id not in ctx.sim.state.orders:
        raise WPError("woocommerce_rest_invalid_order_id", "Invalid order ID.", 404)
    with ctx.sim.state.lock:
        rows = ctx.sim.state.order_refunds(order_id)
    page = paginate(sort_rows(filter_crud(rows, args), args, ORDER_SORT_KEYS), args)
    return list_response(ctx, page, args, REFUND_LIST_ARGS)


def list_refunds(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    rows = filter_crud(_copy_rows(ctx, ctx.sim.state.refunds.values()), args)
    page = paginate(sort_rows(rows, args, ORDER_SORT_KEYS), args)
    return list_response(ctx, page, args, REFUND_LIST_ARGS)


# ----- subscriptions -----------------------------------------------------------------------------
def list_subscriptions(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    rows = filter_crud(_copy_rows(ctx, ctx.sim.state.subscriptions.values()), args)
    page = paginate(sort_rows(rows, args, ORDER_SORT_KEYS), args)
    return list_response(ctx, page, args, SUBSCRIPTION_LIST_ARGS, orders_like=True)


def subscription_exists(ctx: RestContext) -> bool:
    return ctx.id() in ctx.sim.state.subscriptions


def _subscription_or_404(ctx: RestContext) -> int:
    if not subscription_exists(ctx):
        raise WPError("woocommerce_rest_shop_subscription_invalid_id", "Invalid ID.", 404)
    return ctx.id()


def get_subscription(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    subscription_id = _subscription_or_404(ctx)
    return RestResponse(_copy_rows(ctx, [ctx.sim.state.subscriptions[subscription_id]])[0])


def update_subscription(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    subscription_id = _subscription_or_404(ctx)
    return RestResponse(ctx.sim.actions.update_subscription(subscription_id, deliveries=2, **_writable(ctx)))


def create_subscription(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    subscription = ctx.sim.actions.create_subscription(via="v3", **_writable(ctx))
    location = ctx.rest_url(f"/wc/v3/subscriptions/{subscription['id']}")
    return RestResponse(subscription, 201, [("Location", location)])


def subscription_orders(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    """Not paginated: every related order, `X-WP-TotalPages: 1`."""
    subscription_id = ctx.id()
    if subscription_id not in ctx.sim.state.subscriptions:
        raise WPError("woocommerce_rest_invalid_shop_subscription_id", "Invalid subscription ID.", 404)
    with ctx.sim.state.lock:
        rows = [
            ctx.sim.state.subscription_order_view(order_id, order_type)
            for order_id, order_type in ctx.sim.state.subscription_orders.get(subscription_id, [])
            if order_id in ctx.sim.state.orders
        ]
    return RestResponse(rows, headers=[("X-WP-Total", str(len(rows))), ("X-WP-TotalPages", "1")])


def order_subscriptions(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    order_id = ctx.id()
    if order_id not in ctx.sim.state.orders:
        raise WPError("woocommerce_rest_invalid_shop_order_id", "Invalid order ID.", 404)
    with ctx.sim.state.lock:
        ids = ctx.sim.state.subscriptions_of_order(order_id)
        rows = copy.deepcopy([ctx.sim.state.subscriptions[i] for i in ids if i in ctx.sim.state.subscriptions])
    return RestResponse(rows, headers=[("X-WP-Total", str(len(rows))), ("X-WP-TotalPages", "1")])


def subscription_statuses(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    from .discovery import subscription_statuses as statuses

    return RestResponse(statuses())


# ----- customers, products -----------------------------------------------------------------------
def list_customers(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    rows = _copy_rows(ctx, ctx.sim.state.customers.values())
    if args["role"] != "all":
        rows = [r for r in rows if r.get("role") == args["role"]]
    if args.get("email"):
        rows = [r for r in rows if r.get("email", "").lower() == args["email"].lower()]
    rows = filter_crud(rows, {k: args.get(k) for k in ("include", "exclude", "search")})
    page = paginate(sort_rows(rows, args, CUSTOMER_SORT_KEYS), args)
    return list_response(ctx, page, args, CUSTOMER_LIST_ARGS)


def get_customer(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    if ctx.id() not in ctx.sim.state.customers:
        raise WPError("woocommerce_rest_invalid_id", "Invalid resource ID.", 404)
    return RestResponse(_copy_rows(ctx, [ctx.sim.state.customers[ctx.id()]])[0])


def list_products(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    rows = _copy_rows(ctx, ctx.sim.state.products.values())
    if args.get("type"):
        rows = [r for r in rows if r.get("type") == args["type"]]
    if args.get("sku"):
        rows = [r for r in rows if r.get("sku") == args["sku"]]
    if args["status"] != "any":
        rows = [r for r in rows if r.get("status") == args["status"]]
    page = paginate(sort_rows(filter_crud(rows, args), args, PRODUCT_SORT_KEYS), args)
    return list_response(ctx, page, args, PRODUCT_LIST_ARGS)


def product_exists(ctx: RestContext) -> bool:
    return ctx.id() in ctx.sim.state.products


def get_product(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    if not product_exists(ctx):
        raise WPError("woocommerce_rest_product_invalid_id", "Invalid ID.", 404)
    return RestResponse(_copy_rows(ctx, [ctx.sim.state.products[ctx.id()]])[0])


def list_variations(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    rows = _copy_rows(ctx, ctx.sim.state.variations.get(ctx.id("product_id"), {}).values())
    page = paginate(sort_rows(filter_crud(rows, args), args, PRODUCT_SORT_KEYS), args)
    return list_response(ctx, page, args, PRODUCT_LIST_ARGS)


def _created(ctx: RestContext, record: dict[str, Any], route: str) -> RestResponse:
    return RestResponse(record, 201, [("Location", ctx.rest_url(f"{route}/{record['id']}"))])


def create_customer(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    state = ctx.sim.state
    fields = {k: v for k, v in ctx.body.items() if k in ("email", "first_name", "last_name", "username", "billing")}
    record = ctx.sim.actions.create_record(
        state.customers, state.customers[6], uses_post_ids=False, role="customer", **fields
    )
    return _created(ctx, record, "/wc/v3/customers")


def create_product(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    state = ctx.sim.state
    fields = {k: v for k, v in ctx.body.items() if k in ("name", "type", "regular_price", "status", "sku")}
    record = ctx.sim.actions.create_record(state.products, state.products[18], **fields)
    return _created(ctx, record, "/wc/v3/products")


def create_variation(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    state = ctx.sim.state
    product_id = ctx.id("product_id")
    if product_id not in state.products:
        raise WPError("woocommerce_rest_product_invalid_id", "Invalid ID.", 404)
    variations = state.variations.setdefault(product_id, {})
    template = next(iter(variations.values()), None) or next(iter(state.variations[14].values()))
    fields = {k: v for k, v in ctx.body.items() if k in ("regular_price", "sku", "attributes", "status")}
    record = ctx.sim.actions.create_record(variations, template, parent_id=product_id, **fields)
    return _created(ctx, record, f"/wc/v3/products/{product_id}/variations")
