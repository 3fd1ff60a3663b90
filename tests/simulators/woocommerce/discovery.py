"""Discovery surfaces: the public API index, the `wc/v3` namespace index, `system_status`, the front page.

The two indexes are served from the recorded store (WordPress 6.8.3 + WooCommerce 10.0.2 +
Subscriptions 7.9.0), minus the Subscriptions routes when the plugin is switched off.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from tests.fixture_files import FIXTURES_DIR

PROTOCOL_DIR = FIXTURES_DIR / "woocommerce" / "protocol"
SUBSCRIPTIONS_PLUGIN = "woocommerce-subscriptions/woocommerce-subscriptions.php"
HPOS_DATASTORE = "Automattic\\WooCommerce\\Internal\\DataStores\\Orders\\OrdersTableDataStore"
_SUBSCRIPTION_ROUTE = re.compile(r"^/wc/v\d/(subscriptions|orders/\(\?P<id>\[\\d\]\+\)/subscriptions)")


@functools.cache
def _recorded_body(name: str) -> Any:
    return json.loads((PROTOCOL_DIR / name).read_text())["response"]["body"]


def _without_subscription_routes(routes: dict[str, Any]) -> dict[str, Any]:
    return {path: spec for path, spec in routes.items() if not _SUBSCRIPTION_ROUTE.match(path)}


def api_index(*, name: str, subscriptions_active: bool) -> dict[str, Any]:
    """`GET /wp-json/` body (urls on the recorded origin; the renderer rewrites them)."""
    index = dict(_recorded_body("api-root-index-pretty.json"))
    index["name"] = name
    if not subscriptions_active:
        index["routes"] = _without_subscription_routes(index["routes"])
    return index


def namespace_index(*, subscriptions_active: bool) -> dict[str, Any]:
    index = dict(_recorded_body("wc-v3-namespace-index.json"))
    if not subscriptions_active:
        index["routes"] = _without_subscription_routes(index["routes"])
    return index


def _plugin(plugin: str, name: str, version: str, url: str, author: str, author_url: str) -> dict[str, Any]:
    return {
        "plugin": plugin,
        "name": name,
        "version": version,
        "version_latest": version,
        "url": url,
        "author_name": author,
        "author_url": author_url,
        "network_activated": False,
    }


def system_status(sim: Any, home_url: str) -> dict[str, Any]:
    """`GET /wc/v3/system_status` sections in WooCommerce's key order (the recorded fields verbatim)."""
    plugins = []
    if sim.subscriptions_active:
        plugins.append(
            _plugin(
                SUBSCRIPTIONS_PLUGIN,
                "WooCommerce Subscriptions",
                sim.subscriptions_version,
                "https://www.woocommerce.com/products/woocommerce-subscriptions/",
                "WooCommerce",
                "https://woocommerce.com/",
            )
        )
    plugins.append(
        _plugin(
            "woocommerce/woocommerce.php",
            "WooCommerce",
            sim.wc_version,
            "https://woocommerce.com/",
            "Automattic",
            "https://woocommerce.com",
        )
    )
    status: dict[str, Any] = {
        "environment": {
            "home_url": home_url,
            "site_url": sim.site_url or home_url,
            "store_id": "",
            "version": sim.wc_version,
            "log_directory": "/var/www/html/wp-content/uploads/wc-logs/",
            "log_directory_writable": True,
            "wp_version": sim.wp_version,
            "wp_multisite": False,
            "wp_memory_limit": 268435456,
            "wp_debug_mode": False,
            "wp_cron": True,
            "language": "en_US",
            "external_object_cache": None,
            "server_info": "PHP/8.2.36",
            "php_version": "8.2.36",
            "php_post_max_size": 8388608,
            "php_max_execution_time": 30,
            "php_max_input_vars": 1000,
            "curl_version": "7.88.1, OpenSSL/3.0.17",
            "suhosin_installed": False,
            "max_upload_size": 2097152,
            "mysql_version": "10.11.14",
            "mysql_version_string": "10.11.14-MariaDB",
            "default_timezone": "UTC",
            "fsockopen_or_curl_enabled": True,
            "soapclient_enabled": False,
            "domdocument_enabled": True,
            "gzip_enabled": True,
            "mbstring_enabled": True,
            "remote_post_successful": True,
            "remote_post_response": 200,
            "remote_get_successful": True,
            "remote_get_response": 200,
        },
        "database": {"wc_database_version": sim.wc_version, "database_prefix": "wp_"},
        "active_plugins": plugins,
        "inactive_plugins": [],
        "dropins_mu_plugins": {"dropins": [], "mu_plugins": []},
        "theme": {"name": "Twenty Twenty-Five", "version": "1.3", "is_block_theme": True},
        "settings": {
            "api_enabled": False,
            "force_ssl": False,
            "currency": sim.currency,
            "currency_symbol": "&#36;",
            "currency_position": "left",
            "thousand_separator": ",",
            "decimal_separator": ".",
            "number_of_decimals": 2,
            "geolocation_enabled": False,
            "taxonomies": {"external": "external", "grouped": "grouped", "simple": "simple", "variable": "variable"},
            "product_visibility_terms": {},
            "woocommerce_com_connected": "no",
            "enforce_approved_download_dirs": True,
            "order_datastore": sim.order_datastore,
            "HPOS_enabled": sim.order_datastore == HPOS_DATASTORE,
            "HPOS_sync_enabled": False,
        },
        "security": {"secure_connection": home_url.startswith("https://"), "hide_errors": True},
        "pages": [],
        "post_type_counts": [],
    }
    if sim.subscriptions_active:
        status["subscriptions"] = {"wcs_debug": False, "mode": "live", "live_url": home_url, "statuses": {}}
    return status


def front_page_html(*, title: str, api_root: str, home_url: str) -> str:
    """A block-theme front page, enough for discovery (the `<link rel="https://api.w.org/">` tag)."""
    return (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n\t<meta charset="UTF-8" />\n'
        '\t<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        f"\t<title>{title}</title>\n"
        f'<link rel="https://api.w.org/" href="{api_root}" />\n</head>\n'
        f'<body class="home blog"><main><h1><a href="{home_url}/">{title}</a></h1></main></body>\n</html>\n'
    )


APACHE_404_HTML = (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n'
    "</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n"
)


def theme_404_html(title: str) -> str:
    return f"<!DOCTYPE html>\n<html><head><title>Page not found &#8211; {title}</title></head><body></body></html>\n"


def subscription_statuses() -> dict[str, str]:
    """`wcs_get_subscription_statuses()`, returned as-is by `/subscriptions/statuses`."""
    return {
        "wc-pending": "Pending payment",
        "wc-active": "Active",
        "wc-on-hold": "On hold",
        "wc-cancelled": "Cancelled",
        "wc-switched": "Switched",
        "wc-expired": "Expired",
        "wc-pending-cancel": "Pending Cancellation",
    }
