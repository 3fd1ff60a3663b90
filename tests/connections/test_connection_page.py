"""What a merchant does from the connection page, and the connect_store command for support."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from connections.models import WEBHOOK_TOPICS, StoreConnection
from saasync.accounts.models import Membership
from tests.factories import MembershipFactory, StoreConnectionFactory

pytestmark = pytest.mark.django_db


def connect(owner, store, chartmogul_simulator, *, permissions: str = "read_write", role: str = "shop_manager"):  # type: ignore[no-untyped-def]
    key, secret = store.add_api_key(permissions=permissions, role=role)
    out = StringIO()
    try:
        call_command(
            "connect_store",
            tenant=owner.email,
            store_url=store.base_url,
            consumer_key=key,
            consumer_secret=secret,
            chartmogul_api_key=chartmogul_simulator.add_api_key("read_write"),
            json=True,
            stdout=out,
        )
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, json.loads(out.getvalue())


@pytest.fixture
def chartmogul(settings, chartmogul_simulator):  # type: ignore[no-untyped-def]
    settings.CHARTMOGUL_API_URL = chartmogul_simulator.base_url
    return chartmogul_simulator


def test_connect_store_runs_every_check_and_leaves_the_connection_ready(owner, tenant, woo_store, chartmogul) -> None:
    code, report = connect(owner, woo_store, chartmogul)

    assert code == 0 and report["ready"] is True
    assert {c["id"] for c in report["checks"]} >= {"store_reachable", "key_role", "chartmogul_write"}
    conn = StoreConnection.objects.get(uuid=report["connection_uuid"])
    assert (conn.status, len(conn.webhook_ids)) == (StoreConnection.Status.READY, len(WEBHOOK_TOPICS))


def test_connect_store_exits_non_zero_when_a_required_check_fails(owner, tenant, woo_store, chartmogul) -> None:
    code, report = connect(owner, woo_store, chartmogul, role="customer")

    assert code == 1 and report["ready"] is False
    assert {c["id"]: c["status"] for c in report["checks"]}["key_role"] == "fail"


def test_rotating_the_secret_updates_every_registered_webhook(
    owner_client, owner, tenant, woo_store, chartmogul
) -> None:
    _, report = connect(owner, woo_store, chartmogul)
    conn = StoreConnection.objects.get(uuid=report["connection_uuid"])
    old_secret = conn.webhook_secret

    owner_client.post(reverse("connection_rotate_secret", kwargs={"tenant_slug": tenant.slug, "uuid": conn.uuid}))

    conn.refresh_from_db()
    assert conn.webhook_secret != old_secret
    assert {h.secret for h in woo_store.state.webhooks.values()} == {conn.webhook_secret}
    assert AuditEvent.objects.filter(action=AuditAction.WEBHOOK_SECRET_ROTATED).exists()


def test_disconnect_deletes_our_webhooks_keeps_the_data_source_and_wipes_credentials(
    owner_client, owner, tenant, woo_store, chartmogul
) -> None:
    _, report = connect(owner, woo_store, chartmogul)
    conn = StoreConnection.objects.get(uuid=report["connection_uuid"])
    url = reverse("connection_disconnect", kwargs={"tenant_slug": tenant.slug, "uuid": conn.uuid})

    owner_client.post(url, {"delete_data_source": "keep"})

    conn.refresh_from_db()
    assert conn.status == StoreConnection.Status.DISCONNECTED
    assert (conn.consumer_key, conn.consumer_secret, conn.webhook_secret) == ("", "", "")
    assert woo_store.state.webhooks == {}
    assert chartmogul.requests_to(r"/v1/data_sources/ds_", "DELETE") == []


def test_disconnect_can_delete_the_chartmogul_data_source(owner_client, owner, tenant, woo_store, chartmogul) -> None:
    _, report = connect(owner, woo_store, chartmogul)
    conn = StoreConnection.objects.get(uuid=report["connection_uuid"])

    owner_client.post(
        reverse("connection_disconnect", kwargs={"tenant_slug": tenant.slug, "uuid": conn.uuid}),
        {"delete_data_source": "delete"},
    )

    assert len(chartmogul.requests_to(rf"/v1/data_sources/{conn.chartmogul_data_source_uuid}$", "DELETE")) == 1


def test_a_private_store_address_is_refused_at_connect_time(owner_client, tenant, settings) -> None:
    settings.SAASYNC_ALLOW_PRIVATE_URLS = False

    response = owner_client.post(
        reverse("connection_new", kwargs={"tenant_slug": tenant.slug}), {"store_url": "http://169.254.169.254/"}
    )

    assert "is not a public internet address" in response.content.decode()
    assert not StoreConnection.objects.exists()


def test_members_may_not_disconnect(client, tenant) -> None:
    member = MembershipFactory(tenant=tenant, role=Membership.Role.MEMBER).user
    conn = StoreConnectionFactory(tenant=tenant)
    client.force_login(member)

    response = client.post(
        reverse("connection_disconnect", kwargs={"tenant_slug": tenant.slug, "uuid": conn.uuid}),
        {"delete_data_source": "keep"},
    )

    assert response.status_code == 403
