"""Each requirement check, passing and failing, against the WooCommerce store simulator."""

from __future__ import annotations

import socket

import pytest

from connections.clients.woocommerce import WooCommerceClient
from connections.requirement_checks import (
    StoreCheckContext,
    check_api_key,
    check_key_permission,
    check_key_role,
    check_rest_api,
    check_site_address,
    check_store_reachable,
    check_subscriptions,
    check_versions,
    run_store_checks,
)


def context(
    store,
    *,
    permissions: str = "read_write",
    role: str = "shop_manager",
    secret: str | None = None,
    allow_private: bool = True,
    url: str | None = None,
) -> StoreCheckContext:  # type: ignore[no-untyped-def]
    key, real_secret = store.add_api_key(permissions=permissions, role=role)
    url = url or store.base_url
    client = WooCommerceClient(
        store_url=url,
        consumer_key=key,
        consumer_secret=secret or real_secret,
        allow_private_urls=allow_private,
        max_attempts=1,
    )
    return StoreCheckContext(client=client, store_url=url)


def prepared(ctx: StoreCheckContext) -> StoreCheckContext:
    """Run the checks that later ones build on (discovery, system_status), as the runner does."""
    for check in (check_rest_api, check_api_key):
        check(ctx)
    return ctx


def test_a_good_store_passes_every_check(woo_store_factory) -> None:
    store = woo_store_factory()

    results = run_store_checks(context(store))

    assert {r.id: r.status for r in results} == {
        "store_reachable": "pass",
        "rest_api": "pass",
        "site_address": "pass",
        "api_key": "pass",
        "key_role": "pass",
        "versions": "pass",
        "subscriptions": "pass",
        "key_permission": "pass",
    }


def test_later_checks_are_skipped_after_a_failure(woo_store_factory) -> None:
    store = woo_store_factory(permalinks="plain", plain_permalinks_server="apache")

    results = run_store_checks(context(store))

    assert [r.status for r in results] == ["pass", "fail", "skip", "skip", "skip", "skip", "skip", "skip"]


# store reachable -----------------------------------------------------------------------------------
def test_untrusted_certificate_fails_with_the_fix(woo_store_factory) -> None:
    result = check_store_reachable(context(woo_store_factory(tls_untrusted=True)))

    assert result.status == "fail" and "certificate" in result.message


def test_redirect_loop_fails(woo_store_factory) -> None:
    store = woo_store_factory()
    store.redirect_to = store.base_url + "/"

    result = check_store_reachable(context(store))

    assert result.status == "fail" and "loop" in result.message


def test_a_redirect_to_another_host_names_the_address_to_use(woo_store_factory) -> None:
    store = woo_store_factory()
    other = woo_store_factory()
    store.redirect_front_page(other.base_url + "/", status=301)

    result = check_store_reachable(context(store))

    assert result.status == "fail" and f"Use {other.base_url}" in result.message


def test_unreachable_store_fails(woo_store_factory) -> None:
    store = woo_store_factory()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]

    result = check_store_reachable(context(store, url=f"https://localhost:{closed_port}"))

    assert result.status == "fail" and "could not reach" in result.message


def test_private_address_is_refused_in_production(woo_store_factory) -> None:
    result = check_store_reachable(context(woo_store_factory(), allow_private=False))

    assert result.status == "fail" and "private or internal network" in result.message


# REST API and permalinks -----------------------------------------------------------------------------
def test_pretty_permalinks_pass(woo_store_factory) -> None:
    assert check_rest_api(context(woo_store_factory())).status == "pass"


@pytest.mark.parametrize("server", ["apache", "nginx", "php-builtin"])
def test_plain_permalinks_fail_with_the_settings_fix(woo_store_factory, server: str) -> None:
    result = check_rest_api(context(woo_store_factory(permalinks="plain", plain_permalinks_server=server)))

    assert result.status == "fail" and "Settings → Permalinks" in result.message


# site address --------------------------------------------------------------------------------------
def test_matching_site_address_passes(woo_store_factory) -> None:
    ctx = context(woo_store_factory())
    check_rest_api(ctx)

    assert check_site_address(ctx).status == "pass"


def test_www_mismatch_fails_and_names_the_right_address(woo_store_factory) -> None:
    store = woo_store_factory()
    ctx = context(store)
    check_rest_api(ctx)
    ctx.store_url = store.base_url.replace("https://", "https://www.")

    result = check_site_address(ctx)

    assert result.status == "fail" and f"enter {store.home_url} exactly" in result.message


# API key ------------------------------------------------------------------------------------------
def test_valid_key_passes(woo_store_factory) -> None:
    assert check_api_key(context(woo_store_factory())).status == "pass"


def test_wrong_secret_fails_and_explains_the_secret_is_shown_once(woo_store_factory) -> None:
    result = check_api_key(context(woo_store_factory(), secret="cs_" + "0" * 40))

    assert result.status == "fail" and "shows the secret only once" in result.message


def test_host_stripping_the_authorization_header_warns_and_uses_query_auth(woo_store_factory) -> None:
    ctx = context(woo_store_factory(strip_authorization_header=True))

    result = check_api_key(ctx)

    assert (result.status, ctx.facts.auth_mode) == ("warn", "query")
    assert "Authorization header" in result.message


def test_plain_http_store_is_signed_with_oauth_and_warned_about(woo_store_factory) -> None:
    ctx = context(woo_store_factory(scheme="http"))
    check_rest_api(ctx)

    result = check_api_key(ctx)

    assert (result.status, ctx.facts.auth_mode) == ("warn", "oauth")


# role -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["shop_manager", "administrator"])
def test_manager_roles_pass(woo_store_factory, role: str) -> None:
    assert check_key_role(prepared(context(woo_store_factory(), role=role))).status == "pass"


def test_customer_role_key_fails_and_asks_for_a_shop_manager(woo_store_factory) -> None:
    result = check_key_role(prepared(context(woo_store_factory(), role="customer")))

    assert result.status == "fail" and "Shop Manager" in result.message


# versions -------------------------------------------------------------------------------------------
def test_current_versions_pass(woo_store_factory) -> None:
    assert check_versions(prepared(context(woo_store_factory()))).status == "pass"


@pytest.mark.parametrize(("wc", "wp"), [("3.4.7", "6.8.3"), ("10.0.2", "4.3.1")])
def test_old_versions_fail(woo_store_factory, wc: str, wp: str) -> None:
    result = check_versions(prepared(context(woo_store_factory(wc_version=wc, wp_version=wp))))

    assert result.status == "fail" and "Dashboard → Updates" in result.message


def test_woocommerce_before_5_8_warns_about_slower_syncs(woo_store_factory) -> None:
    assert check_versions(prepared(context(woo_store_factory(wc_version="5.7.1")))).status == "warn"


# subscriptions ----------------------------------------------------------------------------------------
def test_active_subscriptions_pass(woo_store_factory) -> None:
    ctx = prepared(context(woo_store_factory()))

    assert check_subscriptions(ctx).status == "pass"
    assert ctx.facts.subscriptions_version == "7.9.0"


def test_missing_subscriptions_fails_with_the_fix(woo_store_factory) -> None:
    result = check_subscriptions(prepared(context(woo_store_factory(subscriptions_active=False))))

    assert result.status == "fail" and "activate WooCommerce Subscriptions" in result.message


# key permission ---------------------------------------------------------------------------------------
def test_read_write_key_passes_without_creating_anything(woo_store_factory) -> None:
    store = woo_store_factory()
    ctx = context(store)

    assert check_key_permission(ctx).status == "pass"
    assert ctx.facts.key_permission == "read_write"
    assert store.state.webhooks == {}


def test_read_key_warns_that_webhooks_are_added_by_hand(woo_store_factory) -> None:
    ctx = context(woo_store_factory(), permissions="read")

    result = check_key_permission(ctx)

    assert (result.status, ctx.facts.key_permission) == ("warn", "read")
    assert "by hand" in result.message
