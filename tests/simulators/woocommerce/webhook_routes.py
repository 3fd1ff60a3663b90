"""`/wc/v3/webhooks` CRUD (WC_REST_Webhooks_V1_Controller behaviour, v3 payloads)."""

from __future__ import annotations

import re
from typing import Any

from .collections import Arg, paginate
from .rest import RestContext, RestResponse, list_response
from .state import TOPIC_HOOKS, Webhook, now_gmt
from .wp import WPError

WEBHOOK_STATUSES = ("active", "paused", "disabled")
LIST_ARGS = {
    "context": Arg("string", "view", enum=("view", "edit")),
    "page": Arg("integer", 1, minimum=1),
    "per_page": Arg("integer", 10, minimum=1, maximum=100),
    "search": Arg("string"),
    "after": Arg("date"),
    "before": Arg("date"),
    "exclude": Arg("int_list", []),
    "include": Arg("int_list", []),
    "offset": Arg("integer"),
    "order": Arg("string", "desc", enum=("asc", "desc")),
    "orderby": Arg("string", "date", enum=("date", "id", "title")),
    "status": Arg("string", "all", enum=("all", *WEBHOOK_STATUSES)),
}
CREATE_ARGS = {
    "name": Arg("string"),
    "status": Arg("string", enum=WEBHOOK_STATUSES),
    "topic": Arg("string", required=True),
    "secret": Arg("string"),
    "delivery_url": Arg("string", required=True),
}
INVALID_TOPIC = WPError(
    "woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic is required and must be valid.", 400
)
UPDATE_ARGS = {k: Arg(a.type, enum=a.enum) for k, a in CREATE_ARGS.items()}
SINGLE_ARGS = {"context": Arg("string", "view", enum=("view", "edit"))}
DELETE_ARGS = {"force": Arg("boolean", False)}


def _valid_topic(ctx: RestContext, topic: str) -> bool:
    if topic.startswith("subscription.") and not ctx.sim.subscriptions_active:
        return False
    return topic in TOPIC_HOOKS or bool(re.fullmatch(r"action\.(woocommerce|wc)_\w+", topic))


def _valid_url(url: str) -> bool:
    return bool(re.match(r"^https?://[^\s/$.?#].[^\s]*$", url))


def _webhook_or_404(ctx: RestContext) -> Webhook:
    webhook = ctx.sim.state.webhooks.get(ctx.id())
    if webhook is None:
        raise WPError("woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.", 404)
    return webhook


def list_webhooks(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    with ctx.sim.state.lock:
        rows = [w.render() for w in ctx.sim.state.webhooks.values()]
    if args["status"] != "all":
        rows = [r for r in rows if r["status"] == args["status"]]
    if args["include"]:
        rows = [r for r in rows if r["id"] in args["include"]]
    if args["exclude"]:
        rows = [r for r in rows if r["id"] not in args["exclude"]]
    # Ties keep id order in both directions (MySQL returns equal dates by primary key, as recorded).
    keys = {"date": lambda r: r["date_created_gmt"], "id": lambda r: r["id"], "title": lambda r: r["name"]}
    rows = sorted(sorted(rows, key=lambda r: r["id"]), key=keys[args["orderby"]], reverse=args["order"] == "desc")
    page = paginate(rows, args)
    return list_response(ctx, page, args, LIST_ARGS)


def create_webhook(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    topic, url = args["topic"], args["delivery_url"]
    if not _valid_topic(ctx, topic):
        raise INVALID_TOPIC
    if not _valid_url(url):
        raise WPError(
            "woocommerce_rest_shop_webhook_invalid_delivery_url",
            "Webhook delivery URL must be a valid URL starting with http:// or https://.",
            400,
        )
    created = now_gmt()
    state = ctx.sim.state
    with state.lock:
        webhook = Webhook(
            id=max([0, *state.webhooks]) + 1,
            name=args.get("name") or f"Webhook created on {created.strftime('%b %d, %Y @ %I:%M %p')}",
            status=args.get("status") or "active",
            topic=topic,
            delivery_url=url,
            # WooCommerce generates a 50-char secret it never reveals when none is sent.
            secret=args.get("secret") or ctx.sim.random_secret(),
            user_id=ctx.key.user_id if ctx.key else 0,
            date_created_gmt=created,
        )
        state.webhooks[webhook.id] = webhook
        body = webhook.render()
        # The create response shows no modification date; the ping's save sets it right after.
        webhook.date_modified_gmt = created
    ctx.sim.webhooks.ping(webhook)
    return RestResponse(body, 201, [("Location", ctx.rest_url(f"/wc/v3/webhooks/{webhook.id}"))])


def get_webhook(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    with ctx.sim.state.lock:
        return RestResponse(_webhook_or_404(ctx).render())


def update_webhook(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    webhook = _webhook_or_404(ctx)
    if args.get("topic") and not _valid_topic(ctx, args["topic"]):
        raise INVALID_TOPIC
    if args.get("delivery_url") and not _valid_url(args["delivery_url"]):
        raise WPError(
            "woocommerce_rest_shop_webhook_invalid_delivery_url",
            "Webhook delivery URL must be a valid URL starting with http:// or https://.",
            400,
        )
    with ctx.sim.state.lock:
        for field in ("name", "status", "topic", "delivery_url", "secret"):
            if args.get(field):
                setattr(webhook, field, args[field])
        webhook.date_modified_gmt = now_gmt()
        return RestResponse(webhook.render())


def delete_webhook(ctx: RestContext, args: dict[str, Any]) -> RestResponse:
    webhook = _webhook_or_404(ctx)
    if not args["force"]:
        raise WPError("woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.", 501)
    with ctx.sim.state.lock:
        body = webhook.render()
        del ctx.sim.state.webhooks[webhook.id]
    return RestResponse(body)
