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


def test_a_good_store_passes_every_check(make_store) -> None:
    store = make_store()

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


def test_later_checks_are_skipped_after_a_failure(make_store) -> None:
    store = make_store(permalinks="plain", plain_permalinks_server="apache")

    results = run_store_checks(context(store))

    assert [r.status for r in results] == ["pass", "fail", "skip", "skip", "skip", "skip", "skip", "skip"]


# store reachable -----------------------------------------------------------------------------------
def test_untrusted_certificate_fails_with_the_fix(make_store) -> None:
    result = check_store_reachable(context(make_store(tls_untrusted=True)))

    assert result.status == "fail" and "certificate" in result.message


def test_redirect_loop_fails(make_store) -> None:
    store = make_store()
    store.redirect_to = store.base_url + "/"

    result = check_store_reachable(context(store))

    assert result.status == "fail" and "loop" in result.message


def test_a_redirect_to_another_host_names_the_address_to_use(make_store) -> None:
    store = make_store()
    other = make_store()
    store.redirect_front_page(other.base_url + "/", status=301)

    result = check_store_reachable(context(store))

    assert result.status == "fail" and f"Use {other.base_url}" in result.message


def test_unreachable_store_fails(make_store) -> None:
    store = make_store()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]

    result = check_store_reachable(context(store, url=f"https://localhost:{closed_port}"))

    assert result.status == "fail" and "could not reach" in result.message


def test_private_address_is_refused_in_production(make_store) -> None:
    result = check_store_reachable(context(make_store(), allow_private=False))

    assert result.status == "fail" and "private or internal network" in result.message


# REST API and permalinks -----------------------------------------------------------------------------
def test_pretty_permalinks_pass(make_store) -> None:
    assert check_rest_api(context(make_store())).status == "pass"


@pytest.mark.parametrize("server", ["apache", "nginx", "php-builtin"])
def test_plain_permalinks_fail_with_the_settings_fix(make_store, server: str) -> None:
    result = check_rest_api(context(make_store(permalinks="plain", plain_permalinks_server=server)))

    assert result.status == "fail" and "Settings → Permalinks" in result.message


# site address --------------------------------------------------------------------------------------
def test_matching_site_address_passes(make_store) -> None:
    ctx = context(make_store())
    check_rest_api(ctx)

    assert check_site_address(ctx).status == "pass"


def test_www_mismatch_fails_and_names_the_right_address(make_store) -> None:
    store = make_store()
    ctx = context(store)
    check_rest_api(ctx)
    ctx.store_url = store.base_url.replace("https://", "https://www.")

    result = check_site_address(ctx)

    assert result.status == "fail" and f"enter {store.home_url} exactly" in result.message


# API key ------------------------------------------------------------------------------------------
def test_valid_key_passes(make_store) -> None:
    assert check_api_key(context(make_store())).status == "pass"


def test_wrong_secret_fails_and_explains_the_secret_is_shown_once(make_store) -> None:
    result = check_api_key(context(make_store(), secret="cs_" + "0" * 40))

    assert result.status == "fail" and "shows the secret only once" in result.message


def test_host_stripping_the_authorization_header_warns_and_uses_query_auth(make_store) -> None:
    ctx = context(make_store(strip_authorization_header=True))

    result = check_api_key(ctx)

    assert (result.status, ctx.facts.auth_mode) == ("warn", "query")
    assert "Authorization header" in result.message


def test_plain_http_store_is_signed_with_oauth_and_warned_about(make_store) -> None:
    ctx = context(make_store(scheme="http"))
    check_rest_api(ctx)

    result = check_api_key(ctx)

    assert (result.status, ctx.facts.auth_mode) == ("warn", "oauth")


# role -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["shop_manager", "administrator"])
def test_manager_roles_pass(make_store, role: str) -> None:
    assert check_key_role(prepared(context(make_store(), role=role))).status == "pass"


def test_customer_role_key_fails_and_asks_for_a_shop_manager(make_store) -> None:
    result = check_key_role(prepared(context(make_store(), role="customer")))

    assert result.status == "fail" and "Shop Manager" in result.message


# versions -------------------------------------------------------------------------------------------
def test_current_versions_pass(make_store) -> None:
    assert check_versions(prepared(context(make_store()))).status == "pass"


@pytest.mark.parametrize(("wc", "wp"), [("3.4.7", "6.8.3"), ("10.0.2", "4.3.1")])
def test_old_versions_fail(make_store, wc: str, wp: str) -> None:
    result = check_versions(prepared(context(make_store(wc_version=wc, wp_version=wp))))

    assert result.status == "fail" and "Dashboard → Updates" in result.message


def test_woocommerce_before_5_8_warns_about_slower_syncs(make_store) -> None:
    assert check_versions(prepared(context(make_store(wc_version="5.7.1")))).status == "warn"


# subscriptions ----------------------------------------------------------------------------------------
def test_active_subscriptions_pass(make_store) -> None:
    ctx = prepared(context(make_store()))

    assert check_subscriptions(ctx).status == "pass"
    assert ctx.facts.subscriptions_version == "7.9.0"


def test_missing_subscriptions_fails_with_the_fix(make_store) -> None:
    result = check_subscriptions(prepared(context(make_store(subscriptions_active=False))))

    assert result.status == "fail" and "activate WooCommerce Subscriptions" in result.message


# key permission ---------------------------------------------------------------------------------------
def test_read_write_key_passes_without_creating_anything(make_store) -> None:
    store = make_store()
    ctx = context(store)

    assert check_key_permission(ctx).status == "pass"
    assert ctx.facts.key_permission == "read_write"
    assert store.state.webhooks == {}


def test_read_key_warns_that_webhooks_are_added_by_hand(make_store) -> None:
    ctx = context(make_store(), permissions="read")

    result = check_key_permission(ctx)

    assert (result.status, ctx.facts.key_permission) == ("warn", "read")
    assert "by hand" in result.message
