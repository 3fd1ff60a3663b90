"""Writes on the tenant's ChartMogul account and a connection's data source."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction, ErrorLog
from audit.services import audit_record, error_log_record
from connections.chartmogul_checks import run_chartmogul_checks
from connections.check_results import CheckResult
from connections.client_factory import chartmogul_client_for
from connections.clients.chartmogul import ChartMogulClient
from connections.clients.chartmogul_errors import ChartMogulError
from connections.models import ChartMogulAccount, StoreConnection
from connections.requirement_messages import Messages
from connections.services import ConnectionStepError


def record_chartmogul_error(
    *, tenant: Any, connection: StoreConnection | None, operation: str, error: ChartMogulError, api_key: str
) -> None:
    error_log_record(
        system=ErrorLog.System.CHARTMOGUL,
        operation=operation,
        tenant=tenant,
        connection_uuid=connection.uuid if connection else None,
        status_code=error.status,
        error_code=error.code or "",
        message=error.message or "",
        response_body=error.raw_body or "",
        secrets=(api_key,),
    )


def chartmogul_account_connect(
    *, tenant: Any, actor: Any, api_key: str, connection: StoreConnection | None = None, ip: str | None = None
) -> tuple[ChartMogulAccount | None, list[CheckResult]]:
    """Check the key against ChartMogul; store it (encrypted) only when every check passed."""
    api_key = api_key.strip()
    client = ChartMogulClient(api_key=api_key)

    def record(operation: str, error: ChartMogulError) -> None:
        record_chartmogul_error(tenant=tenant, connection=connection, operation=operation, error=error, api_key=api_key)

    results = run_chartmogul_checks(client, record_error=record)
    if not any(result.blocks for result in results):
        same_account = _check_same_account(tenant, client, record)
        if same_account is not None:
            results.append(same_account)
    if any(result.blocks for result in results):
        return None, results
    with transaction.atomic():
        account, _ = ChartMogulAccount.objects.update_or_create(
            tenant=tenant, defaults={"api_key": api_key, "can_write": True, "verified_at": timezone.now()}
        )
        audit_record(tenant=tenant, actor=actor, action=AuditAction.CHARTMOGUL_CONNECTED, target=account, ip=ip)
    return account, results


def _check_same_account(tenant: Any, client: ChartMogulClient, record: Any) -> CheckResult | None:
    """A replacement key must reach the data sources the team's stores already send to: a key of
    another ChartMogul account would silently split the team's data across two accounts."""
    in_use = {
        c.chartmogul_data_source_uuid: c.host
        for c in StoreConnection.objects.filter(tenant=tenant)
        .exclude(status=StoreConnection.Status.DISCONNECTED)
        .exclude(chartmogul_data_source_uuid="")
    }
    if not in_use:
        return None
    title = "Same ChartMogul account as your stores"
    try:
        available = {ds.get("uuid") for ds in client.list_data_sources()}
    except ChartMogulError as error:
        record("check: list data sources", error)
        return CheckResult("chartmogul_account", title, "fail", Messages.chartmogul_unreachable())
    missing = sorted(host for uuid, host in in_use.items() if uuid not in available)
    if missing:
        return CheckResult("chartmogul_account", title, "fail", Messages.chartmogul_other_account(missing))
    return CheckResult("chartmogul_account", title, "pass", "The key reaches the data sources your stores use.")


def data_source_name_for(connection: StoreConnection) -> str:
    return f"WooCommerce {urlsplit(connection.store_url).netloc}"


def chartmogul_data_sources(*, connection: StoreConnection) -> list[dict[str, Any]]:
    account = _account(connection)
    try:
        return chartmogul_client_for(account).list_data_sources()
    except ChartMogulError as error:
        record_chartmogul_error(
            tenant=connection.tenant,
            connection=connection,
            operation="list data sources",
            error=error,
            api_key=account.api_key,
        )
        raise ConnectionStepError(
            "ChartMogul did not list your data sources just now. Try again in a minute."
        ) from error


def connection_select_data_source(
    *, connection: StoreConnection, actor: Any, existing_uuid: str | None = None, ip: str | None = None
) -> StoreConnection:
    """Use an existing data source of the account, or create (or reuse by name) `WooCommerce <host>`."""
    account = _account(connection)
    client = chartmogul_client_for(account)
    try:
        if existing_uuid:
            data_source = client.get_data_source(existing_uuid)
            created = False
        else:
            data_source, created = client.find_or_create_data_source(data_source_name_for(connection))
    except ChartMogulError as error:
        record_chartmogul_error(
            tenant=connection.tenant,
            connection=connection,
            operation="select data source",
            error=error,
            api_key=account.api_key,
        )
        if error.status == 404:
            raise ConnectionStepError("That data source no longer exists in ChartMogul. Pick another one.") from error
        raise ConnectionStepError("ChartMogul did not answer as expected. Try again in a minute.") from error
    with transaction.atomic():
        connection.chartmogul_data_source_uuid = data_source["uuid"]
        connection.chartmogul_data_source_name = data_source.get("name", "")
        connection.chartmogul_data_source_created = created
        connection.save(
            update_fields=[
                "chartmogul_data_source_uuid",
                "chartmogul_data_source_name",
                "chartmogul_data_source_created",
                "updated_at",
            ]
        )
        audit_record(
            tenant=connection.tenant,
            actor=actor,
            action=AuditAction.DATA_SOURCE_SELECTED,
            target=connection,
            ip=ip,
            metadata={"data_source_uuid": data_source["uuid"], "created": created},
        )
    return connection


def _account(connection: StoreConnection) -> ChartMogulAccount:
    account = ChartMogulAccount.objects.filter(tenant=connection.tenant).first()
    if account is None:
        raise ConnectionStepError("Connect your ChartMogul account first.")
    return account
