"""The store requirement checks, in the order a merchant would fix them.

Each check asks the store one question and returns pass / warn / fail with a message written for
the merchant. A check that cannot run because an earlier one failed is skipped, so the checklist
always points at the first thing to fix. Results are reported one by one (`on_result`) so the
wizard can show them as they complete.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from connections.check_results import CheckResult, StoreFacts
from connections.clients.woocommerce import (
    BlockedAddressError,
    WooCommerceAuthError,
    WooCommerceClient,
    WooCommerceConnectionError,
    WooCommerceError,
    WooCommerceForbiddenError,
    WooCommerceNotJSONError,
    WooCommerceRedirectError,
    WooCommerceTLSError,
)
from connections.requirement_messages import Messages
from connections.store_urls import same_site_except_www

MIN_WC_VERSION = (3, 5)
MIN_WP_VERSION = (4, 4)
MODIFIED_AFTER_WC_VERSION = (5, 8)
SUBSCRIPTIONS_PLUGIN_FILE = "woocommerce-subscriptions/woocommerce-subscriptions.php"
SYSTEM_STATUS_FIELDS = (
    "environment.version,environment.wp_version,environment.home_url,active_plugins,"
    "settings.currency,settings.order_datastore"
)
ROLE_PROBES = (
    ("orders", {"per_page": 1, "_fields": "id"}),
    ("customers", {"per_page": 1, "role": "all", "_fields": "id"}),
    ("subscriptions", {"per_page": 1, "_fields": "id"}),
    ("webhooks", {"per_page": 1}),
)

ErrorSink = Callable[[str, WooCommerceError], None]

# One title per check, the same whether the check ran or was skipped.
TITLES = {
    "store_reachable": "Store reachable",
    "rest_api": "WordPress REST API and pretty permalinks",
    "site_address": "Store address matches WordPress",
    "api_key": "API key accepted",
    "key_role": "Key belongs to a Shop Manager or Administrator",
    "versions": "WooCommerce 3.5+ and WordPress 4.4+",
    "subscriptions": "WooCommerce Subscriptions active",
    "key_permission": "Key permission",
}


def parse_version(text: str) -> tuple[int, ...]:
    numbers = re.findall(r"\d+", (text or "").split("-")[0])
    return tuple(int(n) for n in numbers[:3])


@dataclass
class StoreCheckContext:
    client: WooCommerceClient
    store_url: str
    facts: StoreFacts = field(default_factory=StoreFacts)
    system_status: dict[str, Any] | None = None
    system_status_error: WooCommerceError | None = None
    wc_routes: set[str] | None = None
    record_error: ErrorSink = lambda operation, error: None


def _detail(error: WooCommerceError) -> str:
    parts = [f"HTTP {error.status}" if error.status else type(error).__name__]
    if error.code:
        parts.append(error.code)
    if error.message:
        parts.append(error.message)
    return " · ".join(parts)


def check_store_reachable(ctx: StoreCheckContext) -> CheckResult:
    title = TITLES["store_reachable"]
    try:
        page = ctx.client.fetch_front_page()
    except BlockedAddressError as error:
        return CheckResult("store_reachable", title, "fail", Messages.blocked_address(ctx.store_url), _detail(error))
    except WooCommerceTLSError as error:
        return CheckResult("store_reachable", title, "fail", Messages.tls_invalid(ctx.store_url), _detail(error))
    except WooCommerceRedirectError as error:
        return CheckResult(
            "store_reachable", title, "fail", Messages.redirect_loop(error.redirect_chain), _detail(error)
        )
    except WooCommerceConnectionError as error:
        return CheckResult("store_reachable", title, "fail", Messages.unreachable(ctx.store_url), _detail(error))
    except WooCommerceError as error:
        ctx.record_error("check: front page", error)
        return CheckResult("store_reachable", title, "fail", Messages.unreachable(ctx.store_url), _detail(error))
    final = page.final_url.rstrip("/")
    if page.redirect_chain and _origin(final) != _origin(ctx.store_url):
        return CheckResult(
            "store_reachable",
            title,
            "fail",
            Messages.redirected_elsewhere(ctx.store_url, _origin(final) + _path(final)),
        )
    if page.status >= 500:
        return CheckResult(
            "store_reachable", title, "fail", Messages.unreachable(ctx.store_url), f"front page HTTP {page.status}"
        )
    return CheckResult("store_reachable", title, "pass", f"Your store answered at {ctx.store_url}.")


def check_rest_api(ctx: StoreCheckContext) -> CheckResult:
    title = TITLES["rest_api"]
    try:
        root = ctx.client.discover_api_root()
        index = ctx.client.api_index(root)
    except WooCommerceNotJSONError as error:
        return CheckResult("rest_api", title, "fail", Messages.rest_api_blocked(), _detail(error))
    except WooCommerceError as error:
        ctx.record_error("check: REST API discovery", error)
        return CheckResult("rest_api", title, "fail", Messages.rest_api_blocked(), _detail(error))
    ctx.facts.api_root = root.url
    ctx.facts.home_url = str(index.get("home") or "").rstrip("/")
    ctx.facts.namespaces = [str(ns) for ns in index.get("namespaces") or []]
    if root.plain_permalinks:
        return CheckResult("rest_api", title, "fail", Messages.plain_permalinks(), f"API root {root.url}")
    if "wc/v3" not in ctx.facts.namespaces:
        return CheckResult("rest_api", title, "fail", Messages.woocommerce_missing(), "namespace wc/v3 not listed")
    return CheckResult("rest_api", title, "pass", "The REST API answers with pretty permalinks and WooCommerce's API.")


def check_site_address(ctx: StoreCheckContext) -> CheckResult:
    title = TITLES["site_address"]
    home = ctx.facts.home_url
    if not home:
        return CheckResult("site_address", title, "warn", Messages.home_unknown(), "API index had no 'home'")
    entered = ctx.store_url
    if _origin(home) + _path(home) == _origin(entered) + _path(entered):
        return CheckResult("site_address", title, "pass", f"WordPress's Site Address is {home}.")
    if same_site_except_www(home, entered):
        return CheckResult("site_address", title, "fail", Messages.www_mismatch(entered, home))
    if _host(home) == _host(entered) and _path(home) == _path(entered):
        # Same site, other scheme: Basic auth needs HTTPS; an https store whose Site Address says http
        # still works, but links and webhooks will carry http.
        if entered.startswith("https://"):
            return CheckResult("site_address", title, "warn", Messages.home_is_http(home))
        return CheckResult("site_address", title, "fail", Messages.use_https(home))
    return CheckResult("site_address", title, "fail", Messages.address_mismatch(entered, home))


def check_api_key(ctx: StoreCheckContext) -> CheckResult:
    title = TITLES["api_key"]
    try:
        response = ctx.client.get("system_status", {"_fields": SYSTEM_STATUS_FIELDS})
        ctx.system_status = response.data if isinstance(response.data, dict) else {}
    except WooCommerceForbiddenError as error:
        # The key authenticated; its user lacks the capability. The role check explains that.
        ctx.system_status_error = error
    except WooCommerceAuthError as error:
        ctx.record_error("check: system_status", error)
        return CheckResult("api_key", title, "fail", Messages.key_rejected(error, ctx.store_url), _detail(error))
    except WooCommerceError as error:
        ctx.record_error("check: system_status", error)
        return CheckResult("api_key", title, "fail", Messages.store_error(error), _detail(error))
    ctx.facts.auth_mode = "oauth" if ctx.store_url.startswith("http://") else ctx.client.auth_mode
    if ctx.facts.auth_mode == "query":
        return CheckResult("api_key", title, "warn", Messages.authorization_header_stripped())
    if ctx.facts.auth_mode == "oauth":
        return CheckResult("api_key", title, "warn", Messages.plain_http_store())
    return CheckResult("api_key", title, "pass", "WooCommerce accepted the consumer key and secret.")


def check_key_role(ctx: StoreCheckContext) -> CheckResult:
    title = TITLES["key_role"]
    forbidden: list[str] = []
    if ctx.system_status_error is not None:
        forbidden.append("system_status")
    for route, params in ROLE_PROBES:
        if route == "subscriptions" and "/wc/v3/subscriptions" not in _wc_routes(ctx):
            continue
        try:
            ctx.client.get(route, params)
        except WooCommerceForbiddenError:
            forbidden.append(route)
        except WooCommerceError as error:
            ctx.record_error(f"check: role probe {route}", error)
            return CheckResult("key_role", title, "fail", Messages.store_error(error), f"{route}: {_detail(error)}")
    if forbidden:
        return CheckResult("key_role", title, "fail", Messages.wrong_role(), "403 on " + ", ".join(forbidden))
    return CheckResult("key_role", title, "pass", "The key's user can manage WooCommerce.")


def check_versions(ctx: StoreCheckContext) -> CheckResult:
    title = TITLES["versions"]
    environment = (ctx.system_status or {}).get("environment") or {}
    ctx.facts.wc_version = str(environment.get("version") or "")
    ctx.facts.wp_version = str(environment.get("wp_version") or "")
    wc, wp = parse_version(ctx.facts.wc_version), parse_version(ctx.facts.wp_version)
    detail = f"WooCommerce {ctx.facts.wc_version or '?'}, WordPress {ctx.facts.wp_version or '?'}"
    if not wc or wc < MIN_WC_VERSION:
        return CheckResult("versions", title, "fail", Messages.old_woocommerce(ctx.facts.wc_version), detail)
    if not wp or wp < MIN_WP_VERSION:
        return CheckResult("versions", title, "fail", Messages.old_wordpress(ctx.facts.wp_version), detail)
    if wc < MODIFIED_AFTER_WC_VERSION:
        return CheckResult("versions", title, "warn", Messages.no_modified_after(ctx.facts.wc_version), detail)
    return CheckResult("versions", title, "pass", f"{detail}.")


def check_subscriptions(ctx: StoreCheckContext) -> CheckResult:
    title = TITLES["subscriptions"]
    plugins = (ctx.system_status or {}).get("active_plugins") or []
    plugin = next(
        (
            p
            for p in plugins
            if isinstance(p, dict)
            and (p.get("plugin") == SUBSCRIPTIONS_PLUGIN_FILE or p.get("name") == "WooCommerce Subscriptions")
        ),
        None,
    )
    routes = "/wc/v3/subscriptions" in _wc_routes(ctx)
    ctx.facts.subscriptions_routes = routes
    if plugin is None:
        return CheckResult("subscriptions", title, "fail", Messages.subscriptions_missing())
    ctx.facts.subscriptions_version = str(plugin.get("version") or "")
    if not routes:
        return CheckResult(
            "subscriptions", title, "fail", Messages.subscriptions_routes_missing(ctx.facts.subscriptions_version)
        )
    return CheckResult(
        "subscriptions", title, "pass", f"WooCommerce Subscriptions {ctx.facts.subscriptions_version} is active."
    )


def check_key_permission(ctx: StoreCheckContext) -> CheckResult:
    """POST /webhooks with an empty body: a read-only key is refused before routing (401), a
    write-capable key fails argument validation (400). Nothing is ever created."""
    title = TITLES["key_permission"]
    try:
        ctx.client.post("webhooks", {})
    except WooCommerceAuthError as error:
        if "write permission" in (error.message or ""):
            ctx.facts.key_permission = "read"
            return CheckResult("key_permission", title, "warn", Messages.read_only_key())
        ctx.record_error("check: key permission probe", error)
        return CheckResult("key_permission", title, "fail", Messages.store_error(error), _detail(error))
    except WooCommerceError as error:
        if error.status == 400:
            ctx.facts.key_permission = "read_write"
            return CheckResult(
                "key_permission", title, "pass", "Read/Write: SaaSync can register the store's webhooks for you."
            )
        if error.status == 403:
            ctx.facts.key_permission = "read_write"
            return CheckResult("key_permission", title, "fail", Messages.wrong_role(), _detail(error))
        ctx.record_error("check: key permission probe", error)
        return CheckResult("key_permission", title, "fail", Messages.store_error(error), _detail(error))
    # A 2xx would mean the store created something from an empty body; WooCommerce never does.
    ctx.facts.key_permission = "read_write"
    return CheckResult("key_permission", title, "warn", "The store accepted an empty webhook; please tell support.")


STORE_CHECKS: tuple[tuple[str, Callable[[StoreCheckContext], CheckResult]], ...] = (
    ("store_reachable", check_store_reachable),
    ("rest_api", check_rest_api),
    ("site_address", check_site_address),
    ("api_key", check_api_key),
    ("key_role", check_key_role),
    ("versions", check_versions),
    ("subscriptions", check_subscriptions),
    ("key_permission", check_key_permission),
)


def run_store_checks(
    ctx: StoreCheckContext, *, on_result: Callable[[CheckResult], None] = lambda result: None
) -> list[CheckResult]:
    results: list[CheckResult] = []
    blocked_by: str | None = None
    for check_id, check in STORE_CHECKS:
        if blocked_by is not None:
            result = CheckResult(check_id, TITLES[check_id], "skip", f"Waiting for “{blocked_by}” to pass.")
        else:
            result = check(ctx)
            if result.blocks:
                blocked_by = result.title
        results.append(result)
        on_result(result)
    return results


def _wc_routes(ctx: StoreCheckContext) -> set[str]:
    """Routes of the public wc/v3 namespace index, fetched once (it is public: no capability needed)."""
    if ctx.wc_routes is None:
        try:
            routes = (ctx.client.get("").data or {}).get("routes") or {}
            ctx.wc_routes = set(routes) if isinstance(routes, dict) else set()
        except WooCommerceError as error:
            ctx.record_error("check: wc/v3 namespace index", error)
            ctx.wc_routes = set()
    return ctx.wc_routes


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _host(url: str) -> str:
    return urlsplit(url).netloc


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/")
