"""Data changes that happen on the store, each firing the webhooks WooCommerce would fire.

Used by the REST write endpoints and directly by tests (`sim.update_order(119, status="completed")`).
Webhook quirks reproduced from the recording (fixtures/woocommerce/webhooks/README):
- `PUT /subscriptions/{id}` sends `subscription.updated` twice with identical bodies (08/09);
- a subscription created through wc/v3 sends NO `subscription.created`, but `subscription.updated`
  twice, the first with body `[]` (10/11); through wc/v1 it sends updated, then created (12/13);
- a renewal order sends `order.created` then `order.updated` (06/07);
- refunds arrive as `order.updated` (there is no refund topic).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from .state import StoreState, now_gmt, wc_date_pair
from .webhooks import WebhookDispatcher


def _stamp(row: dict[str, Any], field: str) -> None:
    row[field], row[f"{field}_gmt"] = wc_date_pair(now_gmt())


def _merge(row: dict[str, Any], fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if isinstance(value, dict) and isinstance(row.get(key), dict):
            row[key] = {**row[key], **value}
        else:
            row[key] = copy.deepcopy(value)


class StoreActions:
    def __init__(self, state: StoreState, webhooks: WebhookDispatcher) -> None:
        self.state = state
        self.webhooks = webhooks

    # ----- orders ----------------------------------------------------------------------------
    def update_order(self, order_id: int, **fields: Any) -> dict[str, Any]:
        with self.state.lock:
            order = self.state.orders[order_id]
            previous_status = order.get("status")
            _merge(order, fields)
            if order.get("status") == "completed" and previous_status != "completed":
                _stamp(order, "date_completed")
            _stamp(order, "date_modified")
            result = copy.deepcopy(order)
        self.webhooks.fire("order.updated", order_id)
        return result

    def create_order(self, *, template_id: int = 118, renewal_of: int | None = None, **fields: Any) -> dict[str, Any]:
        """A new order cloned from `template_id` (store-a guest order #118 by default) with `fields` applied."""
        with self.state.lock:
            order = copy.deepcopy(self.state.orders[template_id])
            order_id = self.state.next_post_id()
            order.update({"id": order_id, "number": str(order_id), "refunds": []})
            for link in order.get("_links", {}).get("self", []):
                link["href"] = link["href"].rsplit("/", 1)[0] + f"/{order_id}"
            _stamp(order, "date_created")
            _stamp(order, "date_modified")
            if renewal_of is not None:
                subscription = self.state.subscriptions[renewal_of]
                order.update(
                    {
                        "created_via": "subscription",
                        "customer_id": subscription["customer_id"],
                        "billing": copy.deepcopy(subscription["billing"]),
                        "currency": subscription["currency"],
                        "total": subscription["total"],
                        "total_tax": subscription["total_tax"],
                        "line_items": copy.deepcopy(subscription["line_items"]),
                        "meta_data": [{"id": 0, "key": "_subscription_renewal", "value": str(renewal_of)}],
                    }
                )
                rows = self.state.subscription_orders.setdefault(renewal_of, [])
                rows.insert(1 if rows else 0, (order_id, "renewal_order"))
            _merge(order, fields)
            self.state.orders[order_id] = order
            result = copy.deepcopy(order)
        self.webhooks.fire("order.created", order_id)
        if renewal_of is not None:
            self.webhooks.fire("order.updated", order_id)
        return result

    def delete_order(self, order_id: int, *, force: bool = False) -> dict[str, Any]:
        with self.state.lock:
            order = self.state.orders[order_id]
            result = copy.deepcopy(order)
            if force:
                del self.state.orders[order_id]
            else:
                order["status"] = "trash"
                _stamp(order, "date_modified")
        self.webhooks.fire("order.deleted", order_id)
        return result

    def add_refund(self, order_id: int, amount: str, reason: str = "", refunded_by: int = 1) -> dict[str, Any]:
        with self.state.lock:
            order = self.state.orders[order_id]
            refund_id = self.state.next_post_id()
            created, created_gmt = wc_date_pair(now_gmt())
            value = f"{Decimal(amount):.2f}"
            refund = {
                "id": refund_id,
                "parent_id": order_id,
                "date_created": created,
                "date_created_gmt": created_gmt,
                "amount": value,
                "reason": reason,
                "refunded_by": refunded_by,
                "refunded_payment": False,
                "meta_data": [],
                "line_items": [],
                "shipping_lines": [],
                "tax_lines": [],
                "fee_lines": [],
                "_links": {
                    "self": [{"href": f"https://store-a.test/wp-json/wc/v3/orders/{order_id}/refunds/{refund_id}"}],
                    "collection": [{"href": f"https://store-a.test/wp-json/wc/v3/orders/{order_id}/refunds"}],
                    "up": [{"href": f"https://store-a.test/wp-json/wc/v3/orders/{order_id}"}],
                },
            }
            self.state.refunds[refund_id] = refund
            order.setdefault("refunds", []).insert(0, {"id": refund_id, "reason": reason, "total": f"-{value}"})
            refunded = sum(Decimal(r["amount"]) for r in self.state.refunds.values() if r["parent_id"] == order_id)
            if refunded >= Decimal(order["total"]):
                order["status"] = "refunded"
            _stamp(order, "date_modified")
        self.webhooks.fire("order.updated", order_id)
        return {k: copy.deepcopy(v) for k, v in refund.items() if k != "parent_id"}

    # ----- subscriptions ---------------------------------------------------------------------
    def update_subscription(self, subscription_id: int, *, deliveries: int = 1, **fields: Any) -> dict[str, Any]:
        """Change a subscription; `deliveries=2` reproduces what one REST PUT sends."""
        with self.state.lock:
            subscription = self.state.subscriptions[subscription_id]
            _merge(subscription, fields)
            _stamp(subscription, "date_modified")
            result = copy.deepcopy(subscription)
        for _ in range(deliveries):
            self.webhooks.fire("subscription.updated", subscription_id)
        return result

    def create_subscription(self, *, template_id: int = 21, via: str = "v3", **fields: Any) -> dict[str, Any]:
        """A subscription cloned from `template_id`; `via` ("v3"/"v1") picks the recorded webhook sequence."""
        with self.state.lock:
            subscription = copy.deepcopy(self.state.subscriptions[template_id])
            subscription_id = self.state.next_post_id()
            subscription.update({"id": subscription_id, "number": str(subscription_id), "parent_id": 0})
            for link in subscription.get("_links", {}).get("self", []):
                link["href"] = link["href"].rsplit("/", 1)[0] + f"/{subscription_id}"
            _stamp(subscription, "date_created")
            _stamp(subscription, "date_modified")
            _merge(subscription, fields)
            self.state.subscriptions[subscription_id] = subscription
            self.state.subscription_orders[subscription_id] = []
            result = copy.deepcopy(subscription)
        if via == "v3":
            self.webhooks.fire("subscription.updated", subscription_id, body_override=b"[]")
            self.webhooks.fire("subscription.updated", subscription_id)
        else:
            self.webhooks.fire("subscription.updated", subscription_id)
            self.webhooks.fire("subscription.created", subscription_id)
        return result

    # ----- customers, products ---------------------------------------------------------------
    def create_record(
        self,
        collection: dict[int, dict[str, Any]],
        template: dict[str, Any],
        *,
        uses_post_ids: bool = True,
        **fields: Any,
    ) -> dict[str, Any]:
        """A customer/product/variation cloned from `template` (same shape) with `fields` applied.

        Products and variations take ids from the shared posts sequence; customers are users.
        """
        with self.state.lock:
            record = copy.deepcopy(template)
            record_id = self.state.next_post_id() if uses_post_ids else max([0, *collection]) + 1
            old_id = record["id"]
            record["id"] = record_id
            for links in record.get("_links", {}).values():
                for link in links:
                    if link.get("href", "").endswith(f"/{old_id}"):
                        link["href"] = link["href"][: -len(str(old_id))] + str(record_id)
            if "date_created" in record:
                _stamp(record, "date_created")
            if "date_modified" in record:
                _stamp(record, "date_modified")
            _merge(record, fields)
            collection[record_id] = record
            return copy.deepcopy(record)
