"""The simulated store's data: resources loaded from the recorded store-a dump, API keys and webhooks.

Resources are kept exactly as WooCommerce rendered them (same keys, order and types), with URLs on
the recorded origin `https://store-a.test`; the renderer swaps in the simulator's own URLs on the way
out. All mutation goes through `StoreState` under one lock because the HTTP server is threaded.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.fixture_files import FIXTURES_DIR

RECORDED_ORIGIN = "https://store-a.test"
STORE_A_DIR = FIXTURES_DIR / "woocommerce" / "store-a"
STORE_TZ = ZoneInfo("America/New_York")

MANAGER_CAPS = frozenset(
    {
        "read",
        "manage_woocommerce",
        "view_woocommerce_reports",
        "read_private_shop_orders",
        "publish_shop_orders",
        "edit_shop_orders",
        "edit_others_shop_orders",
        "delete_shop_orders",
        "read_private_products",
        "publish_products",
        "list_users",
        "create_customers",
    }
)
ROLE_CAPS: dict[str, frozenset[str]] = {
    "administrator": MANAGER_CAPS,
    "shop_manager": MANAGER_CAPS,
    "customer": frozenset({"read"}),
}
# store-a users that hold each role (keys act as their WordPress user).
ROLE_USER_IDS = {"administrator": 1, "shop_manager": 12, "customer": 6}
PERMISSIONS = ("read", "write", "read_write")

# Hooks WooCommerce reports for each topic (recorded for the four used topics; the rest from WC 10 source).
TOPIC_HOOKS: dict[str, list[str]] = {
    "order.created": ["woocommerce_new_order", "wcs_webhook_order_created"],
    "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded"],
    "order.deleted": ["wp_trash_post", "woocommerce_trash_order"],
    "order.restored": ["untrashed_post", "woocommerce_untrash_order"],
    "customer.created": ["user_register", "woocommerce_created_customer", "woocommerce_new_customer"],
    "customer.updated": ["profile_update", "woocommerce_update_customer"],
    "customer.deleted": ["delete_user"],
    "product.created": ["woocommerce_process_product_meta", "woocommerce_new_product"],
    "product.updated": ["woocommerce_process_product_meta", "woocommerce_update_product"],
    "product.deleted": ["wp_trash_post"],
    "product.restored": ["untrashed_post"],
    "subscription.created": [
        "wcs_api_subscription_created",
        "wcs_webhook_subscription_created",
        "woocommerce_process_shop_subscription_meta",
    ],
    "subscription.updated": ["wcs_webhook_subscription_updated", "woocommerce_update_subscription"],
    "subscription.deleted": ["woocommerce_subscription_trashed", "woocommerce_subscription_deleted"],
    "subscription.switched": ["wcs_webhook_subscription_switched"],
}


def now_gmt() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)


def wc_date_pair(gmt: dt.datetime) -> tuple[str, str]:
    """(site-local, GMT) ISO strings without offset, the way WooCommerce prints `date_x` / `date_x_gmt`."""
    local = gmt.replace(tzinfo=dt.UTC).astimezone(STORE_TZ).replace(tzinfo=None)
    return local.isoformat(), gmt.isoformat()


@dataclass
class ApiKey:
    key_id: int
    consumer_key: str
    consumer_secret: str
    permissions: str
    role: str
    user_id: int
    # OAuth nonce memory, keyed by timestamp exactly like WooCommerce's `nonces` column.
    nonces: dict[int, str] = field(default_factory=dict)


@dataclass
class Webhook:
    id: int
    name: str
    status: str
    topic: str
    delivery_url: str
    secret: str
    user_id: int
    date_created_gmt: dt.datetime
    date_modified_gmt: dt.datetime | None = None
    failure_count: int = 0

    def render(self) -> dict[str, Any]:
        resource, _, event = self.topic.partition(".")
        created = wc_date_pair(self.date_created_gmt)
        modified = wc_date_pair(self.date_modified_gmt) if self.date_modified_gmt else (None, None)
        href = f"{RECORDED_ORIGIN}/wp-json/wc/v3/webhooks"
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "topic": self.topic,
            "resource": resource,
            "event": event,
            "hooks": list(TOPIC_HOOKS.get(self.topic, [])),
            "delivery_url": self.delivery_url,
            "date_created": created[0],
            "date_created_gmt": created[1],
            "date_modified": modified[0],
            "date_modified_gmt": modified[1],
            "_links": {
                "self": [
                    {
                        "href": f"{href}/{self.id}",
                        "targetHints": {"allow": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
                    }
                ],
                "collection": [{"href": href}],
            },
        }


@functools.cache
def _recorded_body(path: Path) -> Any:
    """Parsed once per session; callers deep-copy, so every simulator gets its own mutable data."""
    return json.loads(path.read_text())["response"]["body"]


def _load_pages(directory: Path, pattern: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted(directory.glob(pattern)):
        items.extend(copy.deepcopy(_recorded_body(path)))
    return items


class StoreState:
    """Everything the store holds; handlers read copies, writers hold `lock`."""

    def __init__(self, data_dir: Path | None = STORE_A_DIR) -> None:
        self.lock = threading.RLock()
        self.orders: dict[int, dict[str, Any]] = {}
        self.subscriptions: dict[int, dict[str, Any]] = {}
        self.customers: dict[int, dict[str, Any]] = {}
        self.products: dict[int, dict[str, Any]] = {}
        self.variations: dict[int, dict[int, dict[str, Any]]] = {}
        self.refunds: dict[int, dict[str, Any]] = {}  # /wc/v3/refunds shape (with parent_id)
        self.subscription_orders: dict[int, list[tuple[int, str]]] = {}
        self.api_keys: dict[str, ApiKey] = {}
        self.webhooks: dict[int, Webhook] = {}
        if data_dir is not None:
            self._load(data_dir)

    def _load(self, directory: Path) -> None:
        self.orders = {o["id"]: o for o in _load_pages(directory, "orders-page*.json")}
        self.subscriptions = {s["id"]: s for s in _load_pages(directory, "subscriptions-page*.json")}
        self.customers = {c["id"]: c for c in _load_pages(directory, "customers-page*.json")}
        self.products = {p["id"]: p for p in _load_pages(directory, "products-page*.json")}
        for path in directory.glob("products-*-variations-page*.json"):
            product_id = int(path.name.split("-")[1])
            for variation in copy.deepcopy(_recorded_body(path)):
                self.variations.setdefault(product_id, {})[variation["id"]] = variation
        self.refunds = {r["id"]: r for r in _load_pages(directory, "refunds-page*.json")}
        for path in directory.glob("subscription-*-orders.json"):
            sub_id = int(path.name.split("-")[1])
            body = _recorded_body(path)
            self.subscription_orders[sub_id] = [(o["id"], o["order_type"]) for o in body]

    # ----- ids, keys -------------------------------------------------------------------------
    def next_post_id(self) -> int:
        """Orders, refunds and subscriptions share one id sequence (HPOS reserves every id as a wp_posts row)."""
        used = [0, *self.orders, *self.subscriptions, *self.refunds, *self.products]
        used += [vid for variations in self.variations.values() for vid in variations]
        return max(used) + 1

    def add_api_key(self, permissions: str = "read_write", role: str = "administrator") -> tuple[str, str]:
        if permissions not in PERMISSIONS:
            raise ValueError(f"permissions must be one of {PERMISSIONS}")
        if role not in ROLE_CAPS:
            raise ValueError(f"role must be one of {sorted(ROLE_CAPS)}")
        consumer_key = "ck_" + secrets.token_hex(20)
        consumer_secret = "cs_" + secrets.token_hex(20)
        self.install_api_key(consumer_key, consumer_secret, permissions=permissions, role=role)
        return consumer_key, consumer_secret

    def install_api_key(self, consumer_key: str, consumer_secret: str, *, permissions: str, role: str) -> None:
        with self.lock:
            self.api_keys[consumer_key] = ApiKey(
                key_id=len(self.api_keys) + 1,
                consumer_key=consumer_key,
                consumer_secret=consumer_secret,
                permissions=permissions,
                role=role,
                user_id=ROLE_USER_IDS[role],
            )

    # ----- derived views ---------------------------------------------------------------------
    def order_refunds(self, order_id: int) -> list[dict[str, Any]]:
        """`/orders/{id}/refunds` items: the refund without `parent_id`, newest first."""
        rows = [r for r in self.refunds.values() if r["parent_id"] == order_id]
        rows.sort(key=lambda r: (r["date_created_gmt"], r["id"]), reverse=True)
        return [{k: copy.deepcopy(v) for k, v in r.items() if k != "parent_id"} for r in rows]

    def subscription_order_view(self, order_id: int, order_type: str) -> dict[str, Any]:
        """An order as `/subscriptions/{id}/orders` renders it (subscription controller quirks included)."""
        order = self.orders[order_id]
        out: dict[str, Any] = {}
        for key, value in order.items():
            if key in ("refunds", "currency_symbol"):
                continue
            if key == "_links":
                out["order_type"] = order_type
                links = copy.deepcopy(value)
                links["collection"] = [{"href": f"{RECORDED_ORIGIN}/wp-json/wc/v3/subscriptions"}]
                if "email_templates" in links:
                    links["email_templates"][0]["href"] = (
                        f"{RECORDED_ORIGIN}/wp-json/wc/v3/subscriptions/{order_id}/actions/email_templates"
                    )
                out[key] = links
            else:
                out[key] = copy.deepcopy(value)
        return out

    def subscriptions_of_order(self, order_id: int) -> list[int]:
        return sorted(
            sub_id for sub_id, rows in self.subscription_orders.items() if any(oid == order_id for oid, _ in rows)
        )
