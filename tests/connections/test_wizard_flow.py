"""The connection wizard through Django's test client, against both simulators."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests
from django.db import connection as db
from django.urls import reverse

from audit.models import AuditAction, AuditEvent, ErrorLog
from connections.models import WEBHOOK_TOPICS, ChartMogulAccount, StoreConnection
from connections.services import connection_run_checks
from tests.simulators.tls import test_ca_bundle_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def wizard(owner_client, tenant, woo_store_factory, chartmogul_simulator, settings, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    settings.CHARTMOGUL_API_URL = chartmogul_simulator.base_url

    class Wizard:
        client = owner_client
        cm = chartmogul_simulator

        def url(self, name: str, conn: StoreConnection | None = None) -> str:
            kwargs: dict[str, Any] = {"tenant_slug": tenant.slug}
            if conn is not None:
                kwargs["uuid"] = conn.uuid
            return reverse(name, kwargs=kwargs)

        def start(self, store, *, permissions: str = "read_write", role: str = "shop_manager") -> StoreConnection:  # type: ignore[no-untyped-def]
            self.key, self.secret = store.add_api_key(permissions=permissions, role=role)
            self.client.post(self.url("connection_new"), {"store_url": store.base_url})
            conn = StoreConnection.objects.get(tenant=tenant)
            with django_capture_on_commit_callbacks(execute=True):
                self.client.post(
                    self.url("connection_keys", conn), {"consumer_key": self.key, "consumer_secret": self.secret}
                )
            conn.refresh_from_db()
            return conn

        def check_again(self, conn: StoreConnection) -> StoreConnection:
            with django_capture_on_commit_callbacks(execute=True):
                self.client.post(self.url("connection_checks", conn))
            conn.refresh_from_db()
            return conn

        def chartmogul(self, conn: StoreConnection) -> str:
            self.cm_key = self.cm.add_api_key("read_write")
            self.client.post(self.url("connection_chartmogul", conn), {"api_key": self.cm_key})
            self.client.post(self.url("connection_data_source", conn), {"data_source": "__create__"})
            return self.cm_key

    return Wizard()


def add_webhooks_by_hand(store, delivery_url: str, secret: str) -> None:  # type: ignore[no-untyped-def]
    """What the merchant does in WooCommerce → Settings → Advanced → Webhooks, as an administrator."""
    admin = store.add_api_key(permissions="read_write", role="administrator")
    for topic in WEBHOOK_TOPICS:
        response = requests.post(
            f"{store.base_url}/wp-json/wc/v3/webhooks",
            auth=admin,
            json={"name": f"SaaSync {topic}", "topic": topic, "delivery_url": delivery_url, "secret": secret},
            verify=test_ca_bundle_path(),
            timeout=10,
        )
        assert response.status_code == 201, response.text


def statuses(conn: StoreConnection) -> dict[str, str]:
    return {r["id"]: r["status"] for r in conn.check_results}


def test_good_store_with_read_write_key_ends_ready_with_webhooks_registered(wizard, woo_store_factory) -> None:
    store = woo_store_factory()
    conn = wizard.start(store)
    assert set(statuses(conn).values()) == {"pass"}

    wizard.chartmogul(conn)
    wizard.client.post(wizard.url("connection_webhooks", conn), {"action": "register"})
    wizard.client.post(wizard.url("connection_summary", conn))

    conn.refresh_from_db()
    assert conn.status == StoreConnection.Status.READY
    hooks = [h for h in store.state.webhooks.values() if h.delivery_url.endswith(f"/webhooks/woocommerce/{conn.uuid}/")]
    assert sorted(h.topic for h in hooks) == sorted(WEBHOOK_TOPICS)
    assert conn.chartmogul_data_source_name == f"WooCommerce {conn.host}"


def test_every_wizard_action_is_audited(wizard, woo_store_factory) -> None:
    conn = wizard.start(woo_store_factory())
    wizard.chartmogul(conn)
    wizard.client.post(wizard.url("connection_webhooks", conn), {"action": "register"})
    wizard.client.post(wizard.url("connection_summary", conn))

    actions = set(AuditEvent.objects.filter(tenant=conn.tenant).values_list("action", flat=True))
    assert {
        AuditAction.CONNECTION_CREATED,
        AuditAction.CREDENTIALS_UPDATED,
        AuditAction.CHECKS_RUN,
        AuditAction.CHARTMOGUL_CONNECTED,
        AuditAction.DATA_SOURCE_SELECTED,
        AuditAction.WEBHOOKS_REGISTERED,
        AuditAction.CONNECTION_READY,
    } <= actions


def test_plain_permalinks_fail_then_pass_after_the_merchant_fixes_them(wizard, woo_store_factory) -> None:
    store = woo_store_factory(permalinks="plain", plain_permalinks_server="nginx")
    conn = wizard.start(store)
    assert statuses(conn)["rest_api"] == "fail"
    page = wizard.client.get(wizard.url("connection_checks", conn)).content.decode()
    assert "Settings → Permalinks" in page

    store.permalinks = "pretty"
    conn = wizard.check_again(conn)

    assert set(statuses(conn).values()) == {"pass"}
    assert conn.status == StoreConnection.Status.CHECKS_PASSED


def test_read_key_gets_the_manual_webhook_table_and_verify_passes_once_added(
    wizard, woo_store_factory, settings
) -> None:
    store = woo_store_factory()
    conn = wizard.start(store, permissions="read")
    assert statuses(conn)["key_permission"] == "warn"
    wizard.chartmogul(conn)

    page = wizard.client.get(wizard.url("connection_webhooks", conn)).content.decode()
    assert all(f'data-topic="{topic}"' in page for topic in WEBHOOK_TOPICS)
    response = wizard.client.post(wizard.url("connection_webhooks", conn), {"action": "verify"})
    assert b"Still missing" in response.content

    conn.refresh_from_db()
    delivery = f"{settings.SAASYNC_PUBLIC_URL}/webhooks/woocommerce/{conn.uuid}/"
    add_webhooks_by_hand(store, delivery, conn.webhook_secret)
    wizard.client.post(wizard.url("connection_webhooks", conn), {"action": "verify"})

    conn.refresh_from_db()
    assert conn.webhooks_verified_at is not None


def test_customer_role_key_is_told_to_use_a_shop_manager(wizard, woo_store_factory) -> None:
    conn = wizard.start(woo_store_factory(), role="customer")

    assert statuses(conn)["key_role"] == "fail"
    assert conn.status == StoreConnection.Status.NEEDS_ATTENTION
    assert "Shop Manager" in wizard.client.get(wizard.url("connection_checks", conn)).content.decode()


def test_read_only_chartmogul_key_is_refused_and_not_stored(wizard, woo_store_factory) -> None:
    conn = wizard.start(woo_store_factory())
    key = wizard.cm.add_api_key("read")

    response = wizard.client.post(wizard.url("connection_chartmogul", conn), {"api_key": key})

    assert "does not let this key write" in response.content.decode()
    assert not ChartMogulAccount.objects.filter(tenant=conn.tenant).exists()


def test_a_rejected_key_is_kept_in_the_error_log_without_secrets(wizard, woo_store_factory) -> None:
    store = woo_store_factory()
    key, _ = store.add_api_key()
    wizard.client.post(wizard.url("connection_new"), {"store_url": store.base_url})
    conn = StoreConnection.objects.get()
    wrong_secret = "cs_" + "9" * 40

    wizard.client.post(wizard.url("connection_keys", conn), {"consumer_key": key, "consumer_secret": wrong_secret})
    conn.refresh_from_db()
    connection_run_checks(connection_id=conn.id, run_id=str(conn.check_run_id))

    entry = ErrorLog.objects.get(tenant=conn.tenant)
    assert entry.status_code == 401 and entry.error_code == "woocommerce_rest_authentication_error"
    stored = " ".join(str(v) for v in ErrorLog.objects.values_list().get())
    assert key not in stored and wrong_secret not in stored


def test_no_credential_appears_in_pages_logs_audit_or_database(wizard, woo_store_factory, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    store = woo_store_factory(strip_authorization_header=True)  # forces query-string credentials, the riskiest path
    conn = wizard.start(store)
    cm_key = wizard.chartmogul(conn)
    wizard.client.post(wizard.url("connection_webhooks", conn), {"action": "register"})
    secrets = [wizard.key, wizard.secret, cm_key]

    pages = [
        wizard.client.get(wizard.url(name, conn)).content.decode()
        for name in (
            "connection_detail",
            "connection_keys",
            "connection_checks",
            "connection_chartmogul",
            "connection_summary",
        )
    ]
    pages.append(wizard.client.get(wizard.url("tenant_dashboard")).content.decode())
    audit = " ".join(str(e.metadata) for e in AuditEvent.objects.all())
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM connections_storeconnection")
        rows = str(cursor.fetchall())
        cursor.execute("SELECT * FROM connections_chartmogulaccount")
        rows += str(cursor.fetchall())
    for secret in secrets:
        assert all(secret not in page for page in pages)
        assert secret not in caplog.text
        assert secret not in audit
        assert secret not in rows
