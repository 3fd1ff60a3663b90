"""The whole connection wizard in Chromium against the simulators, as a merchant walks it.

Checks run on a real Celery worker (in a thread, Redis broker), so the checklist fills in live
through htmx polling, as it does in production.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from celery.contrib.testing.worker import start_worker

from connections.models import WEBHOOK_TOPICS, StoreConnection
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory
from tests.simulators.tls import test_ca_bundle_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    from saasync.celery import app

    # The broker is the test Redis (REDIS_URL), the one the web thread's producer pool already uses.
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
        yield
    app.conf.task_always_eager = True


@pytest.fixture
def merchant(live_server, page, settings, chartmogul_simulator, celery_worker):  # type: ignore[no-untyped-def]
    settings.CHARTMOGUL_API_URL = chartmogul_simulator.base_url
    settings.SAASYNC_PUBLIC_URL = live_server.url
    user = UserFactory()
    MembershipFactory(user=user)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Connect a store").click()
    return page


def enter_store_and_keys(page, store, *, permissions: str = "read_write", role: str = "shop_manager") -> None:  # type: ignore[no-untyped-def]
    key, secret = store.add_api_key(permissions=permissions, role=role)
    page.get_by_label("Store address").fill(store.base_url)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Consumer key").fill(key)
    page.get_by_label("Consumer secret").fill(secret)
    page.get_by_role("button", name="Check my store").click()


def check_status(page, check_id: str) -> str:  # type: ignore[no-untyped-def]
    item = page.locator(f'[data-check="{check_id}"]')
    item.wait_for()
    return item.get_attribute("data-status")


def wait_for_checks(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Check again").wait_for()


def connect_chartmogul(page, chartmogul_simulator) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Continue to ChartMogul").click()
    page.get_by_label("ChartMogul API key").fill(chartmogul_simulator.add_api_key("read_write"))
    page.get_by_role("button", name="Check and save key").click()
    page.get_by_label("Create “WooCommerce").check()
    page.get_by_role("button", name="Continue").click()


def test_good_store_with_read_write_key_registers_webhooks(merchant, woo_store_factory, chartmogul_simulator) -> None:
    page, store = merchant, woo_store_factory()
    url_before = page.url
    enter_store_and_keys(page, store)
    wait_for_checks(page)
    assert {check_status(page, c) for c in ("store_reachable", "api_key", "key_role", "subscriptions")} == {"pass"}
    assert page.url != url_before  # htmx pushed each step's URL without a page load

    connect_chartmogul(page, chartmogul_simulator)
    page.get_by_role("button", name="Add the webhooks to my store").click()
    page.get_by_test_id("webhooks-ok").wait_for()
    page.get_by_role("link", name="Continue").click()
    page.get_by_role("button", name="Finish").click()

    assert page.get_by_test_id("connection-status").inner_text() == "Ready for first sync"
    assert sorted(h.topic for h in store.state.webhooks.values()) == sorted(WEBHOOK_TOPICS)


def test_plain_permalinks_show_the_fix_and_check_again_passes(merchant, woo_store_factory) -> None:
    page, store = merchant, woo_store_factory(permalinks="plain", plain_permalinks_server="apache")
    enter_store_and_keys(page, store)
    wait_for_checks(page)
    assert check_status(page, "rest_api") == "fail"
    assert "Settings → Permalinks" in page.locator('[data-check="rest_api"]').inner_text()

    store.permalinks = "pretty"  # the merchant saves a pretty permalink structure
    page.get_by_role("button", name="Check again").click()
    page.get_by_role("link", name="Continue to ChartMogul").wait_for()

    assert check_status(page, "rest_api") == "pass"


def test_read_key_gets_the_manual_webhook_table_and_verify_passes(
    merchant, woo_store_factory, chartmogul_simulator
) -> None:
    page, store = merchant, woo_store_factory()
    enter_store_and_keys(page, store, permissions="read")
    wait_for_checks(page)
    assert check_status(page, "key_permission") == "warn"
    connect_chartmogul(page, chartmogul_simulator)

    table = page.get_by_test_id("manual-webhooks")
    table.wait_for()
    rows = {row.get_attribute("data-topic"): row for row in table.locator("tbody tr").all()}
    assert set(rows) == set(WEBHOOK_TOPICS)
    delivery_url, secret = (cell.inner_text() for cell in rows["order.created"].locator("code.copy").all())
    page.get_by_role("button", name="Verify webhooks").click()
    page.get_by_text("Still missing").wait_for()

    admin = store.add_api_key(permissions="read_write", role="administrator")
    for topic in WEBHOOK_TOPICS:  # the merchant copies each row into WooCommerce → Settings → Advanced → Webhooks
        requests.post(
            f"{store.base_url}/wp-json/wc/v3/webhooks",
            auth=admin,
            verify=test_ca_bundle_path(),
            timeout=10,
            json={"name": f"SaaSync {topic}", "topic": topic, "delivery_url": delivery_url, "secret": secret},
        ).raise_for_status()
    page.get_by_role("button", name="Verify webhooks").click()

    page.get_by_test_id("webhooks-ok").wait_for()
    assert StoreConnection.objects.get().webhooks_verified_at is not None


def test_customer_role_key_is_told_to_use_a_shop_manager(merchant, woo_store_factory) -> None:
    page, store = merchant, woo_store_factory()
    enter_store_and_keys(page, store, role="customer")
    wait_for_checks(page)

    assert check_status(page, "key_role") == "fail"
    assert re.search(r"Shop Manager or Administrator role", page.locator('[data-check="key_role"]').inner_text())
    assert page.get_by_role("link", name="Continue to ChartMogul").count() == 0
