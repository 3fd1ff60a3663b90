"""A local WooCommerce 10.0.2 + WooCommerce Subscriptions 7.9.0 store, faithful to the recorded store-a.

    with WooCommerceStoreSimulator(scheme="https") as store:
        ck, cs = store.add_api_key("read_write", role="shop_manager")
        requests.get(f"{store.base_url}/wp-json/wc/v3/orders", auth=(ck, cs), verify=test_ca_bundle_path())

Modules: `state` (data, keys, webhooks), `auth` (Basic + OAuth 1.0a), `routes`/`resources`/
`webhook_routes` (REST endpoints), `collections` (args, filters, pagination), `discovery` (indexes,
system_status, front page), `frontend` (permalinks, redirects), `webhooks` (ping + signed deliveries),
`actions` (data changes that fire webhooks), `faults` (fault injection, request log), `server`.
"""

from .server import WooCommerceStoreSimulator
from .webhooks import DeliveryAttempt, webhook_signature

__all__ = ["DeliveryAttempt", "WooCommerceStoreSimulator", "webhook_signature"]
