"""Writes on a store connection: create, credentials, checks, ready, disconnect. Each one audited."""

from __future__ import annotations

import json
import logging
import uuid as uuid_module
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditAction, ErrorLog
from audit.services import audit_record, error_log_record
from connections.check_results import CheckResult, summarise
from connections.client_factory import woocommerce_client_for
from connections.clients.ssrf import check_url
from connections.clients.woocommerce import WooCommerceError
from connections.encryption import DecryptionError
from connections.models import StoreConnection
from connections.requirement_checks import StoreCheckContext, run_store_checks
from connections.store_urls import normalise_store_url

logger = logging.getLogger(__name__)


class ConnectionStepError(Exception):
    """A wizard step cannot proceed; the message says why in the merchant's words."""


INTERNAL_ERROR_RESULT = CheckResult(
    "internal",
    "SaaSync error",
    "fail",
    "Something went wrong on our side while checking your store. Please check again; if it happens again, "
    "enter the API keys once more or contact support.",
)


def record_woocommerce_error(connection: StoreConnection, operation: str, error: WooCommerceError) -> None:
    error_log_record(
        system=ErrorLog.System.WOOCOMMERCE,
        operation=operation,
        tenant=connection.tenant,
        connection_uuid=connection.uuid,
        url=error.url,
        status_code=error.status,
        error_code=error.code or "",
        message=error.message or "",
        # The client keeps WooCommerce's error data (params) rather than the raw body.
        response_body=json.dumps(error.params) if error.params else "",
        secrets=(connection.consumer_key, connection.consumer_secret),
    )


@transaction.atomic
def connection_create(*, tenant: Any, actor: Any, store_url: str, ip: str | None = None) -> StoreConnection:
    url = normalise_store_url(store_url)
    # Refuse internal addresses before anything is stored (checked again on every request).
    check_url(url, allow_private=settings.SAASYNC_ALLOW_PRIVATE_URLS)
    existing = (
        StoreConnection.objects.filter(tenant=tenant, store_url=url)
        .exclude(status=StoreConnection.Status.DISCONNECTED)
        .first()
    )
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            connection = StoreConnection.objects.create(tenant=tenant, store_url=url, created_by=actor)
    except IntegrityError:
        # A double submit raced us to the same store: both get the one live connection.
        return StoreConnection.objects.exclude(status=StoreConnection.Status.DISCONNECTED).get(
            tenant=tenant, store_url=url
        )
    audit_record(
        tenant=tenant,
        actor=actor,
        action=AuditAction.CONNECTION_CREATED,
        target=connection,
        ip=ip,
        metadata={"store_url": url},
    )
    return connection


def _start_check_run(connection: StoreConnection, *, enqueue: bool = True) -> uuid_module.UUID:
    from connections.tasks import run_requirement_checks

    run_id = uuid_module.uuid4()
    connection.check_run_id = run_id
    connection.check_state = StoreConnection.CheckState.RUNNING
    connection.check_results = []
    if connection.status != StoreConnection.Status.READY:
        # A ready store stays ready while it is re-checked; only a failed check takes that away.
        connection.status = StoreConnection.Status.CHECKING
    connection.save(update_fields=["check_run_id", "check_state", "check_results", "status", "updated_at"])
    if enqueue:
        run_requirement_checks.delay_on_commit(connection_id=connection.id, run_id=str(run_id))
    return run_id


@transaction.atomic
def connection_update_credentials(
    *,
    connection: StoreConnection,
    actor: Any,
    consumer_key: str,
    consumer_secret: str,
    ip: str | None = None,
    enqueue_checks: bool = True,
) -> StoreConnection:
    """Save new keys and start the checks (on a worker; `enqueue_checks=False` lets a command run them inline)."""
    connection.consumer_key = consumer_key.strip()
    connection.consumer_secret = consumer_secret.strip()
    # A new key may have another permission and user; what we knew about the old one no longer holds.
    connection.auth_mode = StoreConnection.AuthMode.HEADER
    connection.key_permission = StoreConnection.KeyPermission.UNKNOWN
    connection.save(update_fields=["consumer_key", "consumer_secret", "auth_mode", "key_permission", "updated_at"])
    audit_record(
        tenant=connection.tenant, actor=actor, action=AuditAction.CREDENTIALS_UPDATED, target=connection, ip=ip
    )
    _start_check_run(connection, enqueue=enqueue_checks)
    return connection


@transaction.atomic
def connection_request_checks(*, connection: StoreConnection, actor: Any, ip: str | None = None) -> StoreConnection:
    if not connection.consumer_key:
        raise ConnectionStepError("Enter the store's API keys first.")
    _start_check_run(connection)
    return connection


def connection_run_checks(*, connection_id: int, run_id: str) -> list[CheckResult]:
    """Run the store checks, saving each result as it completes so the checklist can show it live.

    Runs outside a transaction: each saved result must be visible to the polling page at once.
    A newer run (the merchant pressed "check again") makes this one stop writing. Whatever goes
    wrong, the run ends "done" with a result saying so: a run left "running" would poll forever.
    """
    saved: list[dict[str, Any]] = []

    def save_result(result: CheckResult) -> None:
        saved.append(result.as_dict())
        StoreConnection.objects.filter(id=connection_id, check_run_id=run_id).update(check_results=list(saved))

    try:
        connection = StoreConnection.objects.select_related("tenant").get(id=connection_id)
    except DecryptionError:
        logger.exception("stored credentials of connection id %s cannot be decrypted", connection_id)
        save_result(INTERNAL_ERROR_RESULT)
        StoreConnection.objects.filter(id=connection_id, check_run_id=run_id).update(
            check_state=StoreConnection.CheckState.DONE, status=StoreConnection.Status.NEEDS_ATTENTION
        )
        return []
    if str(connection.check_run_id) != run_id or connection.status == StoreConnection.Status.DISCONNECTED:
        return []
    ctx = StoreCheckContext(
        client=woocommerce_client_for(connection),
        store_url=connection.store_url,
        record_error=lambda operation, error: record_woocommerce_error(connection, operation, error),
    )
    try:
        results = run_store_checks(ctx, on_result=save_result)
    except Exception:
        logger.exception("requirement checks crashed for connection %s", connection.uuid)
        save_result(INTERNAL_ERROR_RESULT)
        results = []
    _finish_check_run(connection_id=connection_id, run_id=run_id, ctx=ctx, saved=saved)
    return results


@transaction.atomic
def _finish_check_run(*, connection_id: int, run_id: str, ctx: StoreCheckContext, saved: list[dict[str, Any]]) -> None:
    connection = StoreConnection.objects.select_for_update().select_related("tenant").get(id=connection_id)
    if str(connection.check_run_id) != run_id or connection.status == StoreConnection.Status.DISCONNECTED:
        return
    facts = ctx.facts
    for name in ("home_url", "wc_version", "wp_version", "subscriptions_version", "key_permission"):
        value = getattr(facts, name)
        if value:
            setattr(connection, name, value)
    connection.auth_mode = facts.auth_mode
    connection.check_results = saved
    connection.check_state = StoreConnection.CheckState.DONE
    connection.last_checked_at = timezone.now()
    failed = any(result["status"] == "fail" for result in saved)
    if failed:
        connection.status = StoreConnection.Status.NEEDS_ATTENTION
    elif connection.status != StoreConnection.Status.READY:
        connection.status = StoreConnection.Status.CHECKS_PASSED
    connection.save()
    audit_record(
        tenant=connection.tenant,
        actor=None,
        action=AuditAction.CHECKS_RUN,
        target=connection,
        metadata=summarise(saved),
    )


@transaction.atomic
def connection_mark_ready(*, connection: StoreConnection, actor: Any, ip: str | None = None) -> StoreConnection:
    problems = readiness_problems(connection)
    if problems:
        raise ConnectionStepError(" ".join(problems))
    connection.status = StoreConnection.Status.READY
    connection.save(update_fields=["status", "updated_at"])
    audit_record(tenant=connection.tenant, actor=actor, action=AuditAction.CONNECTION_READY, target=connection, ip=ip)
    return connection


def readiness_problems(connection: StoreConnection) -> list[str]:
    """What still stands between this connection and its first sync, in the merchant's words."""
    problems = []
    if connection.check_state != StoreConnection.CheckState.DONE or connection.has_failed_checks:
        problems.append("The store checks have not all passed yet.")
    account = getattr(connection.tenant, "chartmogul_account", None)
    if account is None or not account.can_write:
        problems.append("Connect a ChartMogul API key with write access.")
    if not connection.chartmogul_data_source_uuid:
        problems.append("Choose or create the ChartMogul data source.")
    if connection.webhooks_verified_at is None:
        problems.append("Set up the store's webhooks.")
    return problems
