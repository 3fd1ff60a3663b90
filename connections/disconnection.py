"""Disconnecting a store: remove what SaaSync put there, optionally the ChartMogul data, wipe credentials."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from connections.chartmogul_services import record_chartmogul_error
from connections.client_factory import chartmogul_client_for
from connections.clients.chartmogul_errors import ChartMogulError
from connections.models import ChartMogulAccount, StoreConnection
from connections.webhook_services import delete_registered_webhooks


@dataclass
class DisconnectReport:
    webhooks_left: list[int] = field(default_factory=list)
    # A Read key cannot delete the webhooks the merchant added by hand: they must remove them.
    manual_webhooks: bool = False
    data_source_deleted: bool = False
    data_source_error: str = ""


def data_source_deletable(connection: StoreConnection) -> bool:
    """Only a data source SaaSync created for this store, and that no other live store uses."""
    if not (connection.chartmogul_data_source_created and connection.chartmogul_data_source_uuid):
        return False
    return not (
        StoreConnection.objects.filter(
            tenant=connection.tenant, chartmogul_data_source_uuid=connection.chartmogul_data_source_uuid
        )
        .exclude(pk=connection.pk)
        .exclude(status=StoreConnection.Status.DISCONNECTED)
        .exists()
    )


def connection_disconnect(
    *, connection: StoreConnection, actor: Any, delete_data_source: bool, ip: str | None = None
) -> DisconnectReport:
    report = DisconnectReport()
    if connection.consumer_key:
        report.webhooks_left = delete_registered_webhooks(connection)
        report.manual_webhooks = not connection.can_write_to_store and connection.webhooks_verified_at is not None
    account = ChartMogulAccount.objects.filter(tenant=connection.tenant).first()
    if delete_data_source and data_source_deletable(connection) and account is not None:
        try:
            chartmogul_client_for(account).delete_data_source(connection.chartmogul_data_source_uuid)
            report.data_source_deleted = True
        except ChartMogulError as error:
            if error.status == 404:
                report.data_source_deleted = True
            else:
                record_chartmogul_error(
                    tenant=connection.tenant,
                    connection=connection,
                    operation="delete data source",
                    error=error,
                    api_key=account.api_key,
                )
                report.data_source_error = error.message or f"HTTP {error.status}"
    with transaction.atomic():
        connection.consumer_key = ""
        connection.consumer_secret = ""
        connection.webhook_secret = ""
        connection.webhook_ids = report.webhooks_left
        connection.webhooks_verified_at = None
        # A check run still under way must not write into (or revive) a disconnected connection.
        connection.check_run_id = None
        connection.check_state = StoreConnection.CheckState.IDLE
        connection.status = StoreConnection.Status.DISCONNECTED
        connection.disconnected_at = timezone.now()
        connection.save()
        audit_record(
            tenant=connection.tenant,
            actor=actor,
            action=AuditAction.CONNECTION_DISCONNECTED,
            target=connection,
            ip=ip,
            metadata={
                "data_source_deleted": report.data_source_deleted,
                "webhooks_not_deleted": report.webhooks_left,
            },
        )
    return report
