"""Edges of a connection's life: re-checks, disconnects racing a check run, broken secrets, replays of steps."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from connections.disconnection import connection_disconnect
from connections.models import WEBHOOK_TOPICS, StoreConnection
from connections.services import connection_run_checks, connection_update_credentials
from connections.webhook_services import connection_register_webhooks, connection_rotate_webhook_secret
from saasync.accounts.models import Invitation, Membership
from tests.factories import ChartMogulAccountFactory, MembershipFactory, StoreConnectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name: str, conn: StoreConnection) -> str:
    return reverse(name, kwargs={"tenant_slug": conn.tenant.slug, "uuid": conn.uuid})


def checked_connection(tenant, owner, store, **key_options) -> StoreConnection:  # type: ignore[no-untyped-def]
    key, secret = store.add_api_key(**({"permissions": "read_write", "role": "shop_manager"} | key_options))
    conn = StoreConnectionFactory(tenant=tenant, store_url=store.base_url)
    connection_update_credentials(
        connection=conn, actor=owner, consumer_key=key, consumer_secret=secret, enqueue_checks=False
    )
    conn.refresh_from_db()
    connection_run_checks(connection_id=conn.id, run_id=str(conn.check_run_id))
    conn.refresh_from_db()
    return conn


def test_a_check_run_finishing_after_disconnect_does_not_revive_the_connection(owner, tenant, woo_store) -> None:
    key, secret = woo_store.add_api_key()
    conn = StoreConnectionFactory(tenant=tenant, store_url=woo_store.base_url)
    connection_update_credentials(
        connection=conn, actor=owner, consumer_key=key, consumer_secret=secret, enqueue_checks=False
    )
    conn.refresh_from_db()
    run_id = str(conn.check_run_id)

    connection_disconnect(connection=conn, actor=owner, delete_data_source=False)
    connection_run_checks(connection_id=conn.id, run_id=run_id)

    conn.refresh_from_db()
    assert conn.status == StoreConnection.Status.DISCONNECTED


def test_wizard_steps_of_a_disconnected_connection_are_gone(owner_client, owner, tenant) -> None:
    conn = StoreConnectionFactory(tenant=tenant)
    connection_disconnect(connection=conn, actor=owner, delete_data_source=False)

    response = owner_client.post(
        url("connection_keys", conn), {"consumer_key": "ck_" + "1" * 40, "consumer_secret": "cs_" + "2" * 40}
    )

    assert response.status_code == 404
    assert owner_client.post(url("connection_summary", conn)).status_code == 404
    assert owner_client.get(url("connection_detail", conn)).status_code == 200  # its history stays readable


def test_a_ready_store_stays_ready_after_a_passing_recheck(owner, tenant, woo_store) -> None:
    conn = checked_connection(tenant, owner, woo_store)
    conn.status = StoreConnection.Status.READY
    conn.save()

    connection_update_credentials(
        connection=conn,
        actor=owner,
        consumer_key=conn.consumer_key,
        consumer_secret=conn.consumer_secret,
        enqueue_checks=False,
    )
    conn.refresh_from_db()
    connection_run_checks(connection_id=conn.id, run_id=str(conn.check_run_id))

    conn.refresh_from_db()
    assert conn.status == StoreConnection.Status.READY


def test_credentials_no_key_decrypts_end_the_run_instead_of_stranding_it(owner, tenant, woo_store, settings) -> None:
    key, secret = woo_store.add_api_key()
    conn = StoreConnectionFactory(tenant=tenant, store_url=woo_store.base_url)
    connection_update_credentials(
        connection=conn, actor=owner, consumer_key=key, consumer_secret=secret, enqueue_checks=False
    )
    conn.refresh_from_db()
    run_id = str(conn.check_run_id)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    connection_run_checks(connection_id=conn.id, run_id=run_id)

    state, status, results = StoreConnection.objects.values_list("check_state", "status", "check_results").get()
    assert (state, status) == ("done", "needs_attention")
    assert results[0]["id"] == "internal"


def test_a_run_lost_by_the_worker_offers_check_again(owner_client, tenant) -> None:
    with time_machine.travel(timezone.now() - timedelta(minutes=6)):
        conn = StoreConnectionFactory(tenant=tenant, check_state=StoreConnection.CheckState.RUNNING)

    page = owner_client.get(url("connection_checks", conn)).content.decode()

    assert "did not finish" in page and "Check again" in page and "every 1s" not in page


def test_check_again_on_the_connection_page_is_an_ordinary_form(owner_client, owner, tenant, woo_store) -> None:
    conn = checked_connection(tenant, owner, woo_store)

    page = owner_client.get(url("connection_detail", conn)).content.decode()

    assert "Check again" in page and 'hx-target="#wizard"' not in page


def test_registering_twice_updates_the_same_nine_webhooks(owner, tenant, woo_store) -> None:
    conn = checked_connection(tenant, owner, woo_store)

    first = connection_register_webhooks(connection=conn, actor=owner)
    second = connection_register_webhooks(connection=conn, actor=owner)

    assert sorted(first) == sorted(second)
    assert len(woo_store.state.webhooks) == len(WEBHOOK_TOPICS)


def test_a_refused_rotation_is_audited_and_unverifies_the_webhooks(owner, tenant, woo_store) -> None:
    conn = checked_connection(tenant, owner, woo_store)
    connection_register_webhooks(connection=conn, actor=owner)
    conn.refresh_from_db()
    woo_store.inject_fault(r"/wc/v3/webhooks/\d+", kind="500", times=20)

    with pytest.raises(Exception, match="refused to update a webhook"):
        connection_rotate_webhook_secret(connection=conn, actor=owner)

    conn.refresh_from_db()
    assert conn.webhooks_verified_at is None
    event = AuditEvent.objects.get(action=AuditAction.WEBHOOK_SECRET_ROTATED)
    assert event.metadata == {"store_updated": False, "store_refused": True}


def test_a_badly_signed_delivery_is_shown_to_the_merchant(client, owner_client, tenant) -> None:
    conn = StoreConnectionFactory(
        tenant=tenant, webhook_secret="right-secret", key_permission="read", webhooks_verified_at=timezone.now()
    )

    client.post(
        reverse("woocommerce_webhook", kwargs={"uuid": conn.uuid}),
        data=b"{}",
        content_type="application/json",
        headers={"X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Signature": "d3Jvbmc="},
    )

    page = owner_client.get(url("connection_webhooks", conn)).content.decode()
    assert "wrong signature" in page


def test_a_data_source_saasync_did_not_create_is_never_offered_for_deletion(owner_client, tenant) -> None:
    ChartMogulAccountFactory(tenant=tenant)
    conn = StoreConnectionFactory(
        tenant=tenant, chartmogul_data_source_uuid="ds_shared", chartmogul_data_source_created=False
    )

    page = owner_client.get(url("connection_disconnect", conn)).content.decode()

    assert "Delete the data source" not in page


def test_inviting_again_renews_an_expired_invitation(owner_client, tenant, django_capture_on_commit_callbacks) -> None:
    team_url = reverse("team", kwargs={"tenant_slug": tenant.slug})
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        owner_client.post(team_url, {"email": "late@example.test"})
    old_token = Invitation.objects.get().token

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(team_url, {"email": "late@example.test"})

    invitation = Invitation.objects.get()
    assert invitation.token != old_token and not invitation.is_expired
    assert invitation.token in mail.outbox[-1].body


def test_a_member_cannot_replace_the_teams_chartmogul_key(client, tenant, chartmogul_simulator, settings) -> None:
    settings.CHARTMOGUL_API_URL = chartmogul_simulator.base_url
    account = ChartMogulAccountFactory(tenant=tenant, api_key="the-owners-key")
    member = MembershipFactory(tenant=tenant, role=Membership.Role.MEMBER, user=UserFactory()).user
    conn = StoreConnectionFactory(tenant=tenant)
    client.force_login(member)

    response = client.post(url("connection_chartmogul", conn), {"api_key": chartmogul_simulator.add_api_key()})

    account.refresh_from_db()
    assert account.api_key == "the-owners-key"
    assert "Only an owner" in response.content.decode()
